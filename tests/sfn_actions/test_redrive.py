"""`opsdeck sfn redrive` and the console's redrive on the embedded server: the plan names
the states that run again, the redrive count read back with DescribeExecution goes up by
one, and executions that cannot be redriven are refused with the reason (exit 2)."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from console.demo import control
from console.services.stepfunctions.actions import redrive_refusal, unsuccessful_states

from .conftest import ECHO, HOLD, REJECT, audit_records, calls, entered


def test_redrive_reruns_from_the_failed_state(opsdeck, machines, failed_at_charge, tmp_path):
    execution = failed_at_charge
    result = opsdeck("sfn", "redrive", execution, "--yes")
    assert result.exit_code == 0, result.output
    assert ("Redrive execution order-1 of redrivable: FAILED -> RUNNING (redrive 1); re-runs Charge and what "
            "follows, with the same input") in result.output
    assert "WARNING: It ended FAILED (" in result.output
    assert "ok: execution order-1 is" in result.output and "redrive count 1 (expected 1)" in result.output
    described = machines.settled(execution, statuses=("SUCCEEDED", "FAILED"))
    assert (described["status"], described["redriveCount"]) == ("SUCCEEDED", 1)
    assert entered(machines, execution, "Prepare") == 1 and entered(machines, execution, "Charge") == 2
    records = audit_records(tmp_path)
    assert [(r["kind"], r["action"]) for r in records] == [("started", "stepfunctions.redrive-execution"),
                                                           ("step", "stepfunctions.redrive-execution"),
                                                           ("finished", "stepfunctions.redrive-execution")]
    assert records[0]["details"]["reruns"] == "Charge" and records[2]["result"] == "ok"


def test_a_second_redrive_counts_two(opsdeck, machines):
    execution = machines.start(machines.create(REJECT, "rejects"), name="bad")  # Fail fails again when rerun
    machines.settled(execution)
    assert opsdeck("sfn", "redrive", "rejects/bad", "--yes").exit_code == 0
    machines.settled(execution, statuses=("FAILED",))
    result = opsdeck("sfn", "redrive", "rejects/bad", "--yes")
    assert result.exit_code == 0, result.output
    assert "(redrive 2); re-runs Reject" in result.output
    assert machines.describe(execution)["redriveCount"] == 2
    assert entered(machines, execution, "Prepare") == 1


def test_a_stopped_execution_redrives_from_where_it_stopped(opsdeck, machines):
    execution = machines.start(machines.create(HOLD, "holder"), name="held")
    assert opsdeck("sfn", "stop", execution, "--yes").exit_code == 0
    result = opsdeck("sfn", "redrive", execution, "--yes")
    assert result.exit_code == 0, result.output
    assert "ABORTED -> RUNNING (redrive 1); re-runs Hold" in result.output
    assert machines.describe(execution)["redriveCount"] == 1


def test_what_cannot_be_redriven_is_refused_with_the_reason(opsdeck, machines, endpoint):
    running = machines.start(machines.create(HOLD, "holder"), name="still")
    done = machines.start(machines.create(ECHO, "quick"), name="fine")
    machines.settled(done)
    ghost = f"arn:aws:states:us-east-1:{machines.account.id}:execution:quick:ghost"
    cases = {
        running: "EXECUTION_ARN: execution still cannot be redriven: it is RUNNING; only FAILED, TIMED_OUT or "
                 "ABORTED executions can be redriven",
        "quick/fine": "EXECUTION_ARN: execution fine cannot be redriven: it is SUCCEEDED",
        ghost: f"EXECUTION_ARN: no execution {ghost} in us-east-1",
        "nope/fine": "MACHINE: no state machine named 'nope' in us-east-1",
        "a/b/c": "EXECUTION_ARN: expected an execution ARN or MACHINE/NAME, got 'a/b/c'",
    }
    for ref, said in cases.items():
        result = opsdeck("sfn", "redrive", ref, "--yes")
        assert result.exit_code == 2, (ref, result.output)
        assert said in result.output, (ref, result.output)
        assert "Traceback" not in result.output
    assert calls(endpoint, "RedriveExecution", machines.account.id) == 0


def test_redrive_after_aws_s_14_days_is_refused(opsdeck, machines, endpoint):
    """The embedded AWS's clock moves 15 days on: DescribeExecution says NOT_REDRIVABLE,
    "Execution redrivable period exceeded." (its documented reason)."""
    execution = machines.start(machines.create(REJECT, "rejects"), name="old")
    machines.settled(execution)
    control.set_clock(endpoint, datetime.now(timezone.utc) + timedelta(days=15))
    try:
        result = opsdeck("sfn", "redrive", execution, "--yes")
    finally:
        control.set_clock(endpoint, None)
    assert result.exit_code == 2, result.output
    assert "cannot be redriven: Execution redrivable period exceeded." in result.output
    assert calls(endpoint, "RedriveExecution", machines.account.id) == 0


def test_redrive_is_refused_in_read_only_mode(opsdeck, machines, failed_at_charge, endpoint):
    result = opsdeck("sfn", "redrive", failed_at_charge, "--yes", global_args=("--read-only",))
    assert result.exit_code == 1 and "read-only mode" in result.output
    assert machines.describe(failed_at_charge)["redriveCount"] == 0
    assert calls(endpoint, "RedriveExecution", machines.account.id) == 0


def test_unsuccessful_states_are_the_ones_entered_and_never_exited():
    def event(n, kind, name):
        key = "stateEnteredEventDetails" if kind.endswith("Entered") else "stateExitedEventDetails"
        return {"id": n, "type": kind, key: {"name": name}}

    events = [event(1, "PassStateEntered", "Prepare"), event(2, "PassStateExited", "Prepare"),
              event(3, "ParallelStateEntered", "Both"), event(4, "TaskStateEntered", "Left"),
              event(5, "TaskStateExited", "Left"), event(6, "TaskStateEntered", "Right")]
    assert unsuccessful_states(list(reversed(events))) == ["Both", "Right"]  # newest first, as reverseOrder reads
    assert unsuccessful_states(events[:2]) == []


def test_the_14_day_window_is_checked_on_the_console_s_clock_too():
    """Where AWS gives no redriveStatus, the plan still refuses what AWS would."""
    stopped = datetime(2026, 11, 1, tzinfo=timezone.utc)
    raw = {"status": "FAILED", "stopDate": stopped}
    assert redrive_refusal(raw, stopped + timedelta(days=13, hours=23)) is None
    assert redrive_refusal(raw, stopped + timedelta(days=14, minutes=1)) == (
        "it ended 14 days ago; AWS redrives executions only within 14 days of their end")
