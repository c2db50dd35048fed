"""A history over 1,000 events is read page by page: 1,000 events a page (AWS's maximum),
following nextToken until AWS gives none, every event once and in order."""

from __future__ import annotations

import math

from console.aws.limits import max_page
from console.demo import control
from console.services.stepfunctions.history import read_history

ITEMS = 260  # a Map of Pass states: 4 events an item, 1,046 events in all


async def test_a_long_history_is_read_a_page_at_a_time(runs):
    definition = {"StartAt": "Each", "States": {"Each": {
        "Type": "Map", "ItemsPath": "$.items", "MaxConcurrency": 1, "End": True,
        "ItemProcessor": {"ProcessorConfig": {"Mode": "INLINE"}, "StartAt": "Touch",
                          "States": {"Touch": {"Type": "Pass", "End": True}}}}}}
    arn = runs.run("long", definition, {"items": list(range(ITEMS))})
    total = len(runs.events(arn))
    assert total > max_page("stepfunctions", "GetExecutionHistory")
    control.reset_request_counts(runs.account.endpoint)
    ctx = runs.context()
    pages: list[int] = []
    try:
        history = await read_history(ctx, arn, on_page=pages.append)
    finally:
        await ctx.pool.close()

    assert pages == [1000, total]
    calls = control.count_of(control.request_counts(runs.account.endpoint), "stepfunctions",
                             "GetExecutionHistory", runs.account.id)
    assert calls == math.ceil(total / 1000) == 2
    assert history.event_count == total
    each = history.steps[0]
    assert [frame.index for frame in each.iterations] == list(range(ITEMS))
    assert all(frame.steps[0].name == "Touch" and frame.status == "SUCCEEDED" for frame in each.iterations)


async def test_the_events_read_are_those_botocore_parses(runs):
    """read_events parses GetExecutionHistory with json.loads (botocore's parser takes 2.6 s
    for 25,000 events): the same events, timestamps as aware datetimes, as boto3 gives them."""
    from console.services.stepfunctions.history import read_events
    from tests.sfn_history.conftest import failing, invoke

    definition = {"StartAt": "Charge", "States": {"Charge": {
        **invoke(runs.function_arn, retry={"ErrorEquals": ["States.ALL"], "IntervalSeconds": 1, "MaxAttempts": 1}),
        "End": True}}}
    arn = runs.run("parsed", definition, failing("declined"))
    ctx = runs.context()
    try:
        events = await read_events(ctx, arn)
    finally:
        await ctx.pool.close()

    assert events == runs.events(arn)
    assert all(event["timestamp"].tzinfo is not None for event in events)
