"""`opsdeck scheduler enable|disable` and `opsdeck events put-event` end to end on the embedded
server: output, exit codes, and the AWS state read back (GetSchedule; the event in a queue)."""

from __future__ import annotations

import json


def test_scheduler_disable_then_enable_reads_back_and_keeps_the_schedule(opsdeck, estate):
    estate.schedule("digest", group="reports")
    before = estate.get_schedule("digest", "reports")
    result = opsdeck("scheduler", "disable", "digest", "--group", "reports", "--yes")
    assert result.exit_code == 0, result.output
    assert "Plan: Disable schedule digest in group reports" in result.output
    assert "[1/1] Disable schedule digest in group reports: ENABLED -> DISABLED ... applied" in result.output
    assert "ok: schedule digest in group reports is DISABLED (expected DISABLED)" in result.output
    after = estate.get_schedule("digest", "reports")
    assert after["State"] == "DISABLED"
    assert (after["Target"], after["ScheduleExpressionTimezone"], after["FlexibleTimeWindow"], after["Description"]) == (
        before["Target"], before["ScheduleExpressionTimezone"], before["FlexibleTimeWindow"], before["Description"])

    again = opsdeck("scheduler", "disable", "digest", "--group", "reports", "--yes")
    assert again.exit_code == 0 and "already DISABLED: nothing to do" in again.output

    back = opsdeck("scheduler", "enable", "digest", "--group", "reports", "--yes")
    assert back.exit_code == 0, back.output
    assert estate.get_schedule("digest", "reports")["State"] == "ENABLED"


def test_declined_changes_nothing_and_an_unknown_schedule_exits_2(opsdeck, estate):
    estate.schedule("digest")
    declined = opsdeck("scheduler", "disable", "digest", input="n\n")
    assert declined.exit_code == 1 and "Nothing changed." in declined.output
    assert estate.get_schedule("digest")["State"] == "ENABLED"
    missing = opsdeck("scheduler", "disable", "nope", "--yes")
    assert missing.exit_code == 2, missing.output
    assert "nope" in missing.output


def test_put_event_sends_the_file_and_the_rules_queue_receives_it(opsdeck, estate, tmp_path):
    estate.bus("shop")
    url, queue = estate.queue("orders")
    estate.rule("order-placed", bus="shop")
    estate.events.put_targets(Rule="order-placed", EventBusName="shop", Targets=[{"Id": "q", "Arn": queue}])
    event = tmp_path / "event.json"
    event.write_text(json.dumps({"source": "shop.orders", "detail-type": "OrderPlaced", "detail": {"total": 5}}))
    result = opsdeck("events", "put-event", "--bus", "shop", str(event), "--yes")
    assert result.exit_code == 0, result.output
    assert "Plan: Send a test event to bus shop" in result.output
    assert "1. Put an event on bus shop: source shop.orders, detail-type OrderPlaced, detail 11 bytes" in result.output
    [received] = estate.received(url)
    assert (received["source"], received["detail"]) == ("shop.orders", {"total": 5})
    assert f"ok: bus shop accepted the event: FailedEntryCount 0, EventId {received['id']}" in result.output


def test_put_event_bad_input_exits_2_naming_what_is_wrong(opsdeck, estate, tmp_path):
    bad = tmp_path / "bad.json"
    bad.write_text('{\n  "source": "a",\n  "detail": {,}\n}')
    result = opsdeck("events", "put-event", str(bad), "--yes")
    assert result.exit_code == 2
    assert f"Error: {bad}: JSON at line 3, column 14: Expecting property name enclosed in double quotes" in result.output

    partial = tmp_path / "partial.json"
    partial.write_text('{"Source": "a"}')
    result = opsdeck("events", "put-event", str(partial), "--yes")
    assert result.exit_code == 2
    assert "DetailType: missing: DetailType (detail-type), Detail (detail)" in result.output

    result = opsdeck("events", "put-event", str(tmp_path / "none.json"), "--yes")
    assert result.exit_code == 2 and "does not exist" in result.output

    named = tmp_path / "named.json"
    named.write_text('{"Source": "a", "DetailType": "b", "Detail": "{}", "EventBusName": "other"}')
    result = opsdeck("events", "put-event", "--bus", "shop", str(named), "--yes")
    assert result.exit_code == 2 and "EventBusName is 'other' but --bus is 'shop'" in result.output

    ok = tmp_path / "ok.json"
    ok.write_text('{"Source": "a", "DetailType": "b", "Detail": {}}')
    result = opsdeck("events", "put-event", "--bus", "nowhere", str(ok), "--yes")
    assert result.exit_code == 2, result.output
    assert "nowhere" in result.output
