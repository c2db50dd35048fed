"""Per-state status, step-through order and error extraction from REAL histories: each
machine runs on the embedded AWS (moto's interpreter), its history is read back through
GetExecutionHistory and grouped by console.services.stepfunctions.history."""

from __future__ import annotations

from console.services.stepfunctions.history import ExecutionHistory, Place, read_history, state_names
from console.services.stepfunctions.steps import StateOutcome, StepStatus
from tests.sfn_history.conftest import failing, invoke

S = StepStatus


def grouped(runs, arn: str, definition: dict | None = None) -> ExecutionHistory:
    return ExecutionHistory.from_events(runs.events(arn), definition)


def test_a_retried_then_succeeded_task_shows_its_attempts_and_the_backoff(runs):
    # The payload is picked by $$.State.RetryCount: the first try fails, the retry succeeds.
    definition = {"StartAt": "Charge", "States": {
        "Charge": {**invoke(runs.function_arn, "States.ArrayGetItem($.payloads, $$.State.RetryCount)",
                            retry={"ErrorEquals": ["States.ALL"], "IntervalSeconds": 1, "MaxAttempts": 3}),
                   "Next": "Done"},
        "Done": {"Type": "Succeed"}}}
    arn = runs.run("retried", definition, {"payloads": [failing("card network busy"), {"ok": True}]})

    history = grouped(runs, arn)

    assert history.status == "SUCCEEDED"
    assert history.outcomes() == {"Charge": StateOutcome(S.RETRIED, 2), "Done": StateOutcome(S.SUCCEEDED, 1)}
    charge = history.steps[0]
    first, second = charge.attempts
    assert (first.failure.error, first.failure.error_message) == ("Error", "card network busy")
    assert second.failure is None and '"ok"' in second.output
    assert second.backoff is not None and second.backoff.total_seconds() >= 0
    assert second.scheduled_at - first.ended_at == second.backoff
    assert charge.failure is None  # it succeeded in the end
    assert [m.what for m in charge.timeline] == [
        "entered", "scheduled", "started", "failed", "retried", "scheduled", "started", "succeeded", "exited"]
    assert charge.lambda_call.function_name == runs.function_arn.split(":")[-1]
    assert '"card network busy"' in first.parameters  # TaskScheduled parameters, per attempt
    assert history.first_failure is None


def test_a_caught_failure_names_the_catch_and_the_state_it_moved_to(runs):
    definition = {"StartAt": "Charge", "States": {
        "Charge": {**invoke(runs.function_arn, catch=[
            {"ErrorEquals": ["States.Timeout"], "Next": "TooSlow"},
            {"ErrorEquals": ["States.ALL"], "Next": "Refund"}]), "Next": "Ship"},
        "TooSlow": {"Type": "Fail", "Error": "Slow"},
        "Refund": {"Type": "Pass", "End": True},
        "Ship": {"Type": "Succeed"}}}
    arn = runs.run("caught", definition, failing("card declined"))

    history = grouped(runs, arn, definition)

    assert history.status == "SUCCEEDED"
    assert history.outcomes(state_names(definition)) == {
        "Charge": StateOutcome(S.CAUGHT), "Refund": StateOutcome(S.SUCCEEDED),
        "TooSlow": StateOutcome(S.NOT_REACHED), "Ship": StateOutcome(S.NOT_REACHED)}
    charge = history.first_failure
    assert (charge.name, charge.caught_to, charge.catch_index) == ("Charge", "Refund", 1)
    assert (charge.failure.error_type, charge.failure.error_message) == ("Error", "card declined")
    assert charge.timeline[-1].what == "caught" and "Refund" in charge.timeline[-1].detail


def test_an_uncaught_failure_fails_the_execution_and_leaves_the_rest_not_reached(runs):
    definition = {"StartAt": "Validate", "States": {
        "Validate": {"Type": "Pass", "Next": "Charge"},
        "Charge": {**invoke(runs.function_arn), "Next": "Ship"},
        "Ship": {"Type": "Succeed"}}}
    arn = runs.run("uncaught", definition, failing("insufficient funds"))

    history = grouped(runs, arn)

    assert history.status == "FAILED"
    assert history.outcomes(state_names(definition)) == {
        "Validate": StateOutcome(S.SUCCEEDED), "Charge": StateOutcome(S.FAILED),
        "Ship": StateOutcome(S.NOT_REACHED)}
    charge = history.first_failure
    assert charge.name == "Charge" and charge.caught_to is None
    assert charge.failure.cause == '{"errorMessage":"insufficient funds","errorType":"Error","stackTrace":[]}'
    assert charge.failure.error_message == "insufficient funds"
    assert history.failure.error_message == "insufficient funds"  # the execution's own
    assert '"insufficient funds"' in charge.input and charge.output is None


def test_a_map_with_a_failing_iteration_leads_to_that_iteration(runs):
    definition = {"StartAt": "Each", "States": {"Each": {
        "Type": "Map", "ItemsPath": "$.items", "MaxConcurrency": 1, "End": True,
        "ItemProcessor": {"ProcessorConfig": {"Mode": "INLINE"}, "StartAt": "Work",
                          "States": {"Work": {**invoke(runs.function_arn), "End": True}}}}}}
    arn = runs.run("map", definition, {"items": [{"n": 0}, failing("item 1 is bad"), {"n": 2}]})

    history = grouped(runs, arn)

    each = history.steps[0]
    assert (each.name, each.status) == ("Each", S.FAILED)
    by_index = {frame.index: frame for frame in each.iterations}
    assert by_index[0].status == "SUCCEEDED" and by_index[0].steps[0].status == S.SUCCEEDED
    assert by_index[1].status == "FAILED"
    work = history.first_failure
    assert work.where == (Place("Each", "iteration", 1),)
    assert (work.name, work.status, work.failure.error_message) == ("Work", S.FAILED, "item 1 is bad")
    assert each.failure.error_message == "item 1 is bad"  # the Map's failure is its iteration's
    assert history.outcomes() == {"Each": StateOutcome(S.FAILED), "Work": StateOutcome(S.FAILED)}
    # Stepping through: the Map, then each iteration's states by index.
    assert [(v.name, v.where) for v in history.steps][:3] == [
        ("Each", ()), ("Work", (Place("Each", "iteration", 0),)), ("Work", (Place("Each", "iteration", 1),))]


def test_a_parallel_with_a_failing_branch_keeps_each_branch_apart(runs):
    definition = {"StartAt": "Both", "States": {"Both": {"Type": "Parallel", "End": True, "Branches": [
        {"StartAt": "Note", "States": {"Note": {"Type": "Pass", "Next": "Noted"},
                                       "Noted": {"Type": "Pass", "End": True}}},
        {"StartAt": "Charge", "States": {"Charge": {**invoke(runs.function_arn), "End": True}}}]}}}
    arn = runs.run("parallel", definition, failing("branch broke"))

    history = grouped(runs, arn)

    both = history.steps[0]
    assert both.status == S.FAILED and len(both.branches) == 2
    names = {tuple(v.name for v in branch.steps) for branch in both.branches}
    assert names == {("Note", "Noted"), ("Charge",)}
    charge = history.first_failure
    assert charge.name == "Charge" and charge.where[0].container == "Both"
    assert charge.failure.error_message == "branch broke"
    assert history.outcomes() == {"Both": StateOutcome(S.FAILED), "Note": StateOutcome(S.SUCCEEDED),
                                  "Noted": StateOutcome(S.SUCCEEDED), "Charge": StateOutcome(S.FAILED)}


def test_steps_walk_the_states_in_the_order_they_ran(runs):
    definition = {"StartAt": "Start", "States": {
        "Start": {"Type": "Pass", "Result": {"go": "left"}, "Next": "Route"},
        "Route": {"Type": "Choice", "Choices": [{"Variable": "$.go", "StringEquals": "left", "Next": "Left"}],
                  "Default": "Right"},
        "Right": {"Type": "Pass", "End": True},
        "Left": {"Type": "Wait", "Seconds": 1, "Next": "Finish"},  # scaled by the embedded AWS
        "Finish": {"Type": "Succeed"}}}
    arn = runs.run("order", definition, {})

    history = grouped(runs, arn)

    assert [v.name for v in history.steps] == ["Start", "Route", "Left", "Finish"]
    assert [v.state_type for v in history.steps] == ["Pass", "Choice", "Wait", "Succeed"]
    assert all(v.status == S.SUCCEEDED for v in history.steps)
    assert history.steps[1].input == '{"go":"left"}'
    assert all(v.duration is not None for v in history.steps)


async def test_read_history_reads_what_get_execution_history_returns(runs):
    definition = {"StartAt": "Charge", "States": {"Charge": {**invoke(runs.function_arn), "End": True}}}
    arn = runs.run("read", definition, {"amount": 3})
    ctx = runs.context()
    pages = []
    try:
        history = await read_history(ctx, arn, on_page=pages.append)
    finally:
        await ctx.pool.close()

    assert history.event_count == len(runs.events(arn)) == pages[-1]
    assert history.status == "SUCCEEDED" and history.input == '{"amount": 3}'
    assert '"amount":3' in history.steps[0].output  # includeExecutionData: the data came with it
