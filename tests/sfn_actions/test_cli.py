"""`opsdeck sfn machines | executions | start | stop` end to end on the embedded server:
output, exit codes, and the resulting AWS state read back with DescribeExecution."""

from __future__ import annotations

import json

from .conftest import ECHO, HOLD, REJECT, audit_records, calls


# -- machines and executions -------------------------------------------------------------------------
def test_machines_lists_each_machine_with_its_type(opsdeck, machines):
    standard = machines.create(ECHO, "alpha")
    express = machines.create(ECHO, "beta", machine_type="EXPRESS")
    result = opsdeck("sfn", "machines")
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0].split() == ["NAME", "TYPE", "CREATED", "ARN"]
    assert lines[1].split()[:2] == ["alpha", "STANDARD"] and lines[1].endswith(standard)
    assert lines[2].split()[:2] == ["beta", "EXPRESS"] and lines[2].endswith(express)

    listed = json.loads(opsdeck("sfn", "machines", "--output", "json").output)
    assert [(m["name"], m["type"], m["stateMachineArn"]) for m in listed] == [
        ("alpha", "STANDARD", standard), ("beta", "EXPRESS", express)]


def test_machines_in_an_empty_region_says_so(opsdeck, machines):
    result = opsdeck("sfn", "machines")
    assert result.exit_code == 0 and result.output == "No state machines in this region.\n"


def test_executions_by_name_or_arn_with_a_status_filter(opsdeck, machines):
    machine = machines.create(REJECT, "orders")
    passing = machines.create(ECHO, "other")
    failed = machines.start(machine, name="bad-1")
    machines.settled(failed)
    machines.settled(machines.start(passing, name="good-1"))  # another machine's: not listed
    holding = machines.create(HOLD, "holder")
    running = machines.start(holding, name="wait-1")

    result = opsdeck("sfn", "executions", "orders", "--output", "json")
    assert result.exit_code == 0, result.output
    [row] = json.loads(result.output)
    assert (row["name"], row["status"], row["executionArn"], row["redriveCount"]) == ("bad-1", "FAILED", failed, 0)
    assert row["stopDate"] is not None

    table = opsdeck("sfn", "executions", holding, "--status", "running")
    assert table.exit_code == 0, table.output
    assert table.output.splitlines()[0].split() == ["NAME", "STATUS", "STARTED", "DURATION", "REDRIVES", "ARN"]
    assert table.output.splitlines()[1].split()[:2] == ["wait-1", "RUNNING"]
    assert table.output.rstrip().endswith(running)
    none = opsdeck("sfn", "executions", "holder", "--status", "FAILED")
    assert none.exit_code == 0 and none.output == "No FAILED executions of holder.\n"


def test_executions_limit_keeps_the_newest(opsdeck, machines):
    machine = machines.create(ECHO, "many")
    for n in range(3):
        machines.settled(machines.start(machine, name=f"run-{n}"))
    result = opsdeck("sfn", "executions", "many", "--limit", "2", "--output", "json")
    assert result.exit_code == 0, result.output
    assert [e["name"] for e in json.loads(result.output)] == ["run-2", "run-1"]


def test_executions_of_an_unknown_or_express_machine_exit_2(opsdeck, machines):
    machines.create(ECHO, "fast", machine_type="EXPRESS")
    unknown = opsdeck("sfn", "executions", "nope")
    assert unknown.exit_code == 2
    assert "MACHINE: no state machine named 'nope' in us-east-1" in unknown.output
    express = opsdeck("sfn", "executions", "fast")
    assert express.exit_code == 2
    assert "fast is an EXPRESS state machine: AWS lists no EXPRESS executions" in express.output
    assert "Traceback" not in unknown.output + express.output


# -- start -----------------------------------------------------------------------------------------------
def test_start_sends_the_input_and_prints_the_execution(opsdeck, machines, tmp_path):
    machine = machines.create(ECHO, "orders")
    result = opsdeck("sfn", "start", "orders", "--input", '{"orderId": "o-7", "amount": 12}', "--name", "o-7",
                     "--yes")
    assert result.exit_code == 0, result.output
    arn = machine.replace(":stateMachine:", ":execution:") + ":o-7"
    assert f"Execution: {arn}" in result.output
    assert "Start execution o-7 of orders (STANDARD) with an input of 32 bytes" in result.output
    assert "Done: 1/1 steps applied and verified." in result.output
    described = machines.describe(arn)
    assert json.loads(described["input"]) == {"orderId": "o-7", "amount": 12}
    assert machines.settled(arn)["status"] == "SUCCEEDED"
    records = audit_records(tmp_path)
    assert [(r["kind"], r["action"], r["target"]) for r in records] == [
        ("started", "stepfunctions.start-execution", machine), ("step", "stepfunctions.start-execution", machine),
        ("finished", "stepfunctions.start-execution", machine)]
    assert records[1]["details"] == {"execution_arn": arn}
    assert records[0]["details"]["input_bytes"] == "32" and "o-7" not in json.dumps(records[0]["details"]["input_sha256"])
    assert records[2]["result"] == "ok"


def test_start_without_a_name_generates_one_and_reads_a_file(opsdeck, machines, tmp_path):
    machine = machines.create(ECHO, "orders")
    path = tmp_path / "input.json"
    path.write_text('{"from": "file"}')
    result = opsdeck("sfn", "start", machine, "--input", f"@{path}", "--yes")
    assert result.exit_code == 0, result.output
    [execution] = machines.executions(machine)
    assert execution["name"].startswith("opsdeck-")
    assert f"Execution: {execution['executionArn']}" in result.output
    assert json.loads(machines.describe(execution["executionArn"])["input"]) == {"from": "file"}


def test_start_with_no_input_sends_an_empty_object(opsdeck, machines):
    machine = machines.create(ECHO, "orders")
    assert opsdeck("sfn", "start", "orders", "--yes").exit_code == 0
    [execution] = machines.executions(machine)
    assert machines.describe(execution["executionArn"])["input"] == "{}"


def test_start_bad_json_names_line_and_column_and_sends_nothing(opsdeck, machines, endpoint):
    machine = machines.create(ECHO, "orders")
    result = opsdeck("sfn", "start", "orders", "--input", '{\n  "orderId": "o-1",,\n}', "--yes")
    assert result.exit_code == 2
    assert "--input: invalid JSON at line 2, column 20: Expecting property name enclosed in double quotes" \
        in result.output
    assert "Traceback" not in result.output
    assert machines.executions(machine) == []
    assert calls(endpoint, "StartExecution", machines.account.id) == 0


def test_start_refuses_bad_input_before_sending(opsdeck, machines, endpoint, tmp_path):
    machine = machines.create(ECHO, "orders")
    machines.start(machine, name="taken")
    before = calls(endpoint, "StartExecution", machines.account.id)
    cases = {
        ("nope",): "MACHINE: no state machine named 'nope' in us-east-1",
        ("orders", "--input", f"@{tmp_path}/missing.json"): "--input: file",
        ("orders", "--input", ""): "--input: invalid JSON at line 1, column 1: the input is empty",
        ("orders", "--name", "has space"): "--name: expected no spaces",
        ("orders", "--name", "taken"): "--name: an execution named 'taken' already exists",
        ("orders", "--input", '"' + "x" * 262_144 + '"'): "over StartExecution's limit of 262,144 bytes",
    }
    for args, said in cases.items():
        result = opsdeck("sfn", "start", *args, "--yes")
        assert result.exit_code == 2, (args, result.output)
        assert said in result.output, (args, result.output)
        assert "Traceback" not in result.output
    assert calls(endpoint, "StartExecution", machines.account.id) == before


def test_start_is_refused_in_read_only_mode(opsdeck, machines, endpoint, tmp_path):
    machine = machines.create(ECHO, "orders")
    result = opsdeck("sfn", "start", "orders", "--yes", global_args=("--read-only",))
    assert result.exit_code == 1
    assert "stepfunctions.start-execution: opsdeck is in read-only mode" in result.output
    assert machines.executions(machine) == []
    assert calls(endpoint, "StartExecution", machines.account.id) == 0
    assert audit_records(tmp_path) == []


def test_start_not_confirmed_changes_nothing(opsdeck, machines):
    machine = machines.create(ECHO, "orders")
    result = opsdeck("sfn", "start", "orders", input="n\n")
    assert result.exit_code == 1
    assert "Apply this plan?" in result.output and "Nothing changed." in result.output
    assert machines.executions(machine) == []


def test_start_an_express_machine(opsdeck, machines):
    machines.create(ECHO, "fast", machine_type="EXPRESS")
    result = opsdeck("sfn", "start", "fast", "--input", '{"n": 1}', "--yes")
    assert result.exit_code == 0, result.output
    assert "EXPRESS execution" in result.output and "Execution: arn:aws:states:" in result.output


# -- stop ------------------------------------------------------------------------------------------------
def test_stop_aborts_with_error_and_cause(opsdeck, machines, tmp_path):
    execution = machines.start(machines.create(HOLD, "holder"), name="long")
    result = opsdeck("sfn", "stop", execution, "--error", "Ops.Manual", "--cause", "stuck on the payment gateway",
                     "--yes")
    assert result.exit_code == 0, result.output
    assert "Stop execution long of holder: RUNNING -> ABORTED (error 'Ops.Manual', cause 'stuck on the payment " \
           "gateway')" in result.output
    described = machines.describe(execution)
    assert described["status"] == "ABORTED"
    assert (described.get("error"), described.get("cause")) == ("Ops.Manual", "stuck on the payment gateway")
    assert [(r["kind"], r["target"]) for r in audit_records(tmp_path)] == [
        ("started", execution), ("step", execution), ("finished", execution)]


def test_stop_by_machine_and_name_without_error(opsdeck, machines):
    execution = machines.start(machines.create(HOLD, "holder"), name="long")
    result = opsdeck("sfn", "stop", "holder/long", "--yes")
    assert result.exit_code == 0, result.output
    assert machines.describe(execution)["status"] == "ABORTED"


def test_stop_a_finished_execution_has_nothing_to_do(opsdeck, machines, endpoint):
    execution = machines.start(machines.create(ECHO, "quick"), name="done")
    machines.settled(execution)
    result = opsdeck("sfn", "stop", execution, "--yes")
    assert result.exit_code == 0, result.output
    assert "execution done is SUCCEEDED, not RUNNING: nothing to stop" in result.output
    assert calls(endpoint, "StopExecution", machines.account.id) == 0


def test_stop_bad_input_exits_2(opsdeck, machines):
    machines.create(HOLD, "holder")
    arn = f"arn:aws:states:us-east-1:{machines.account.id}:execution:holder:ghost"
    cases = {
        (arn,): f"EXECUTION_ARN: no execution {arn} in us-east-1",
        ("not-an-arn",): "EXECUTION_ARN: expected an execution ARN or MACHINE/NAME, got 'not-an-arn'",
        ("arn:aws:states:us-east-1:1:stateMachine:holder",): "EXECUTION_ARN: expected arn:aws:states:",
        (arn, "--error", "E" * 257): "--error: expected at most 256 characters, got 257",
    }
    for args, said in cases.items():
        result = opsdeck("sfn", "stop", *args, "--yes")
        assert result.exit_code == 2, (args, result.output)
        assert said in result.output, (args, result.output)


def test_stop_is_refused_in_read_only_mode(opsdeck, machines, endpoint):
    execution = machines.start(machines.create(HOLD, "holder"), name="long")
    result = opsdeck("sfn", "stop", execution, "--yes", global_args=("--read-only",))
    assert result.exit_code == 1 and "read-only mode" in result.output
    assert machines.describe(execution)["status"] == "RUNNING"
    assert calls(endpoint, "StopExecution", machines.account.id) == 0


def test_what_the_user_typed_is_echoed_inert(opsdeck, machines):
    """A name pasted with an escape sequence (OSC 52 writes the clipboard) is shown, not run."""
    result = opsdeck("sfn", "executions", "\x1b]52;c;cHduZWQ=\x07orders")
    assert result.exit_code == 2
    assert "\x1b" not in result.output and "\x07" not in result.output
    assert "no state machine named" in result.output
