"""`opsdeck sfn history`: one row per state from a real execution on the embedded AWS, JSON
for scripts, and the exit codes (0 read, 1 AWS refused, 2 bad ARN)."""

from __future__ import annotations

import json

from click.testing import CliRunner

from tests.sfn_history.conftest import failing, invoke


def opsdeck(runs, *args: str):
    from console.cli import main

    return CliRunner().invoke(main, ["--endpoint-url", runs.account.endpoint, *args])


def caught_and_uncaught(runs) -> tuple[dict, str]:
    definition = {"StartAt": "Validate", "States": {
        "Validate": {**invoke(runs.function_arn, "$.check", catch=[{"ErrorEquals": ["States.ALL"],
                                                                    "Next": "Charge", "ResultPath": "$.problem"}]),
                     "Next": "Charge"},
        "Charge": {**invoke(runs.function_arn, "$.charge"), "Next": "Ship"},
        "Ship": {"Type": "Succeed"}}}
    arn = runs.run("cli", definition, {"check": failing("address unknown"), "charge": failing("card declined")})
    return definition, arn


def test_history_prints_one_row_per_state_with_status_error_and_cause(runs):
    _, arn = caught_and_uncaught(runs)

    result = opsdeck(runs, "sfn", "history", arn)

    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0] == "Execution failed: Error (card declined)"
    header = next(i for i, line in enumerate(lines) if line.startswith("STATE"))
    rows = [line.split() for line in lines[header + 1:]]
    assert [row[:3] for row in rows] == [["Validate", "caught", "1"], ["Charge", "failed", "1"],
                                         ["Ship", "not", "reached"]]
    assert lines[header + 1].endswith("Error  address unknown")
    assert lines[header + 2].endswith("Error  card declined")


def test_history_as_json_keeps_the_whole_cause_and_the_parsed_lambda_error(runs):
    _, arn = caught_and_uncaught(runs)

    result = opsdeck(runs, "sfn", "history", arn, "--output", "json")

    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["status"] == "FAILED" and data["executionArn"] == arn
    states = {s["name"]: s for s in data["states"]}
    assert [s["name"] for s in data["states"]] == ["Validate", "Charge", "Ship"]
    assert states["Charge"]["failure"] == {
        "error": "Error", "cause": '{"errorMessage":"card declined","errorType":"Error","stackTrace":[]}',
        "errorType": "Error", "errorMessage": "card declined", "stackTrace": []}
    assert states["Validate"]["status"] == "caught" and states["Ship"]["status"] == "not reached"
    assert states["Ship"]["durationSeconds"] is None and states["Charge"]["durationSeconds"] >= 0


def test_a_bad_arn_exits_2_naming_the_argument(runs):
    result = opsdeck(runs, "sfn", "history", "arn:aws:states:us-east-1:123456789012:stateMachine:orders")

    assert result.exit_code == 2
    assert "EXECUTION_ARN" in result.output and "is not an execution ARN" in result.output


def test_an_unknown_execution_exits_1_with_aws_words(runs):
    arn = f"arn:aws:states:us-east-1:{runs.account.id}:execution:nothing:here"

    result = opsdeck(runs, "sfn", "history", arn)

    assert result.exit_code == 1
    assert "ExecutionDoesNotExist" in result.output or "does not exist" in result.output.lower()
    assert "Traceback" not in result.output
