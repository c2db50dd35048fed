"""`opsdeck sfn graph` through the real CLI: a file, an ARN read from the embedded AWS with
DescribeStateMachine, an execution's outcomes from its real history; bad input exits 2 with
the problem and the state on stderr and no traceback."""

from __future__ import annotations

import json
import time

import pytest
from click.testing import CliRunner

from console.cli import main
from console.services.stepfunctions.steps import GLYPHS, StepStatus
from tests.sfn_graph.machines import CORPUS
from tests.sfn_graph.test_model import BROKEN

RUN_TIMEOUT = 20.0  # seconds: a bound on three instant states, never a wait the test relies on


def run(*args: str, **kwargs):
    return CliRunner().invoke(main, list(args), catch_exceptions=False, **kwargs)


@pytest.mark.parametrize("case", BROKEN, ids=list(BROKEN))
def test_each_invalid_definition_exits_2_naming_the_state(case, tmp_path):
    text, state, words = BROKEN[case]
    path = tmp_path / "machine.asl.json"
    path.write_text(text)
    result = run("sfn", "graph", str(path))
    assert result.exit_code == 2
    assert result.stdout == ""
    assert words in result.stderr
    if state is not None:
        assert f"state {state!r}: " in result.stderr
    assert "Traceback" not in result.stderr


def test_invalid_json_exits_2_with_line_and_column():
    path = CORPUS / "sfn-iot-data-analytics-dataset_statemachine_statemachine.asl.json"
    result = run("sfn", "graph", str(path))
    assert result.exit_code == 2
    assert "not valid JSON: Expecting ',' delimiter (line 10, column 33)" in result.stderr


def test_a_missing_file_is_bad_input(tmp_path):
    result = run("sfn", "graph", str(tmp_path / "nope.json"))
    assert result.exit_code == 2
    assert "cannot read" in result.stderr and "Traceback" not in result.stderr


def test_a_file_prints_its_graph_plain():
    result = run("sfn", "graph", str(CORPUS / "simple-retry_statemachine_statemachine.asl.json"), "--no-color")
    assert result.exit_code == 0, result.stderr
    assert "Call Amazon S3 ListObjectsV2" in result.stdout
    assert "↻ retry ×3" in result.stdout and "catch States.ALL" in result.stdout
    assert "\x1b[" not in result.stdout
    assert result.stdout.splitlines()[0].strip().startswith("┌")


def test_standard_input(tmp_path):
    text = (CORPUS / "simple-retry_statemachine_statemachine.asl.json").read_text()
    result = run("sfn", "graph", "-", "--no-color", input=text)
    assert result.exit_code == 0 and "Succeed State" in result.stdout


def test_colour_unless_asked_not_to(monkeypatch):
    monkeypatch.setenv("FORCE_COLOR", "1")
    path = str(CORPUS / "simple-retry_statemachine_statemachine.asl.json")
    assert "\x1b[" in run("sfn", "graph", path).stdout
    assert "\x1b[" not in run("sfn", "graph", path, "--no-color").stdout


DEFINITION = {"StartAt": "Prepare", "States": {
    "Prepare": {"Type": "Pass", "Next": "Decide"},
    "Decide": {"Type": "Choice", "Choices": [{"Variable": "$.ok", "BooleanEquals": True, "Next": "Good"}],
               "Default": "Bad"},
    "Good": {"Type": "Succeed"},
    "Bad": {"Type": "Fail", "Error": "NotOk", "Cause": "ok was false"},
}}


def test_an_arn_and_an_execution_from_the_embedded_aws(fresh_account, monkeypatch):
    fresh_account.use(monkeypatch)
    sfn = fresh_account.client("stepfunctions")
    machine = sfn.create_state_machine(name="graph-me", definition=json.dumps(DEFINITION),
                                       roleArn=f"arn:aws:iam::{fresh_account.id}:role/sfn")["stateMachineArn"]
    execution = sfn.start_execution(stateMachineArn=machine, name="run", input='{"ok": false}')["executionArn"]
    deadline = time.monotonic() + RUN_TIMEOUT
    while sfn.describe_execution(executionArn=execution)["status"] == "RUNNING":
        assert time.monotonic() < deadline
        time.sleep(0.05)
    base = ("--endpoint-url", fresh_account.endpoint, "sfn", "graph", machine, "--no-color")

    drawn = run(*base)
    assert drawn.exit_code == 0, drawn.stderr
    assert all(name in drawn.stdout for name in DEFINITION["States"])
    assert '$.ok == true' in drawn.stdout

    coloured = run(*base, "--execution", execution)
    assert coloured.exit_code == 0, coloured.stderr
    lines = coloured.stdout.splitlines()
    for name, status in (("Prepare", StepStatus.SUCCEEDED), ("Decide", StepStatus.SUCCEEDED),
                         ("Bad", StepStatus.FAILED), ("Good", StepStatus.NOT_REACHED)):
        assert any(f"{GLYPHS[status]} {name} " in line for line in lines), name
    assert "✓ succeeded" in lines[-1]  # the legend


def test_an_unknown_arn_says_so_and_exits_1(fresh_account, monkeypatch):
    fresh_account.use(monkeypatch)
    arn = f"arn:aws:states:us-east-1:{fresh_account.id}:stateMachine:absent"
    result = run("--endpoint-url", fresh_account.endpoint, "sfn", "graph", arn)
    assert result.exit_code == 1
    assert "Traceback" not in result.stderr and result.stderr.strip()
