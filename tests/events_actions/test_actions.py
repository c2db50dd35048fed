"""Schedule enable/disable and a test event as guarded actions, on the embedded server: plan,
apply, verify, with the schedule read back through boto3 and the event received by a queue."""

from __future__ import annotations

import json
from datetime import datetime, timezone

import pytest

from console.services import registered_actions
from console.services.events.actions import PutTestEvent, SetScheduleState, schedule_toggle_for

KEY = "arn:aws:kms:us-east-1:111122223333:key/opsdeck"
START = datetime(2030, 1, 1, tzinfo=timezone.utc)
END = datetime(2031, 6, 30, tzinfo=timezone.utc)


def kept(schedule: dict) -> dict:
    """Every field but State and the timestamps AWS moves on an update."""
    return {k: v for k, v in schedule.items() if k not in ("State", "LastModificationDate", "ResponseMetadata")}


async def test_disable_keeps_every_other_field_and_enable_undoes_it(ctx, estate):
    arn = estate.schedule("digest", group="reports", StartDate=START, EndDate=END, KmsKeyArn=KEY,
                          ActionAfterCompletion="NONE")
    before = estate.get_schedule("digest", "reports")
    action = SetScheduleState("digest", "reports", "DISABLED")
    plan = await action.plan(ctx)
    assert plan.target_arn == arn and plan.target_name == "digest"
    assert [s.description for s in plan.steps] == ["Disable schedule digest in group reports: ENABLED -> DISABLED"]
    assert [s.inverse_description for s in plan.steps] == ["Enable schedule digest in group reports: DISABLED -> ENABLED"]
    assert "every field unchanged but State" in plan.warnings[0]
    assert estate.get_schedule("digest", "reports")["State"] == "ENABLED"  # planning only reads

    result = await action.apply(ctx, plan)
    assert result.ok
    after = estate.get_schedule("digest", "reports")
    assert after["State"] == "DISABLED"
    # UpdateSchedule resets what it is not sent: the time zone, window, dates, key, description
    # and the target's input, retry policy and DLQ all survive only because they were sent back
    assert kept(after) == kept(before)
    verify = await action.verify(ctx, plan)
    assert verify.ok and verify.details == ["ok: schedule digest in group reports is DISABLED (expected DISABLED)"]

    undone = await action.undo(ctx, result.applied)
    assert undone.ok
    assert estate.get_schedule("digest", "reports")["State"] == "ENABLED"
    assert kept(estate.get_schedule("digest", "reports")) == kept(before)


async def test_verify_names_a_field_changed_besides_the_state(ctx, estate):
    estate.schedule("digest")
    action = SetScheduleState("digest", "default", "DISABLED")
    plan = await action.plan(ctx)
    await action.apply(ctx, plan)
    raw = estate.get_schedule("digest")
    fields = {k: raw[k] for k in ("Name", "GroupName", "ScheduleExpression", "FlexibleTimeWindow", "Target", "State",
                                  "ScheduleExpressionTimezone")}
    estate.scheduler.update_schedule(**fields, Description="changed by someone else")
    verify = await action.verify(ctx, plan)
    assert not verify.ok
    assert verify.details == ["MISMATCH: schedule digest in group default is DISABLED (expected DISABLED); "
                              "changed besides State: Description"]


async def test_nothing_to_do_when_already_in_that_state_and_the_toggle_goes_the_other_way(ctx, estate):
    arn = estate.schedule("quiet", state="DISABLED")
    plan = await SetScheduleState("quiet", "default", "DISABLED").plan(ctx)
    assert plan.empty and plan.note == "schedule quiet in group default is already DISABLED: nothing to do"
    toggle = schedule_toggle_for(arn, "DISABLED")
    assert (toggle.schedule, toggle.group, toggle.state) == ("quiet", "default", "ENABLED")
    with pytest.raises(ValueError):
        SetScheduleState.from_arn("arn:aws:events:us-east-1:1:rule/quiet")


async def test_a_test_event_reaches_the_queue_of_the_rule_it_matches(ctx, estate):
    estate.bus("shop")
    url, queue = estate.queue("orders")
    estate.rule("order-placed", bus="shop")
    estate.events.put_targets(Rule="order-placed", EventBusName="shop", Targets=[{"Id": "q", "Arn": queue}])
    entry = {"Source": "shop.orders", "DetailType": "OrderPlaced", "Detail": json.dumps({"total": 12})}
    action = PutTestEvent("shop", entry)
    plan = await action.plan(ctx)
    assert plan.target_arn == f"arn:aws:events:us-east-1:{estate.account.id}:event-bus/shop"
    assert [s.description for s in plan.steps] == [
        "Put an event on bus shop: source shop.orders, detail-type OrderPlaced, detail 12 bytes"]
    assert plan.steps[0].inverse_description is None  # an event cannot be taken back
    assert plan.warnings == ("Matches 1 enabled rule(s) on bus shop: order-placed: their targets receive it",)

    result = await action.apply(ctx, plan)
    assert result.ok and action.event_id
    verify = await action.verify(ctx, plan)
    assert verify.details == [f"ok: bus shop accepted the event: FailedEntryCount 0, EventId {action.event_id}"]
    [received] = estate.received(url)
    assert (received["id"], received["source"], received["detail-type"], received["detail"]) == (
        action.event_id, "shop.orders", "OrderPlaced", {"total": 12})


async def test_a_bus_that_does_not_exist_stops_the_plan(ctx, estate):
    from botocore.exceptions import ClientError

    with pytest.raises(ClientError) as caught:
        await PutTestEvent("nowhere", {"Source": "a", "DetailType": "b", "Detail": "{}"}).plan(ctx)
    assert caught.value.response["Error"]["Code"] == "ResourceNotFoundException"


def test_the_registry_lists_both_and_their_examples_name_the_demo_estate():
    actions = registered_actions()
    assert actions["events.set-schedule-state"] is SetScheduleState
    assert actions["events.put-event"] is PutTestEvent
    sample = PutTestEvent(**PutTestEvent.example_arguments())
    assert (sample.bus, sample.entry["Source"], sample.entry["DetailType"]) == ("orders-bus", "shop.orders", "OrderPlaced")
