"""`opsdeck lambda invoke` end to end against the seeded estate: output and exit codes."""

from __future__ import annotations

import json

import pytest

from console.demo import control
from console.services.lambda_.invoke import ASYNC_LIMIT_BYTES, SYNC_LIMIT_BYTES
from console.services.lambda_.payloads import save_payload, template_names, template_text

from .conftest import echoed, invoke_count


def test_inline_payload(opsdeck):
    result = opsdeck("lambda", "invoke", "validate-order", "--payload", '{"orderId": "o-1"}')
    assert result.exit_code == 0, result.output
    assert "Status: 200" in result.output
    assert "Executed version: 3" in result.output  # the `live` alias by default, as in the app
    assert "Function error: none" in result.output
    assert echoed(result.output) == {"orderId": "o-1"}


@pytest.mark.parametrize("name", template_names())
def test_every_template(opsdeck, name):
    result = opsdeck("lambda", "invoke", "validate-order", "--template", name)
    assert result.exit_code == 0, result.output
    assert echoed(result.output) == json.loads(template_text(name))


def test_payload_from_file_and_saved(opsdeck, tmp_path):
    path = tmp_path / "event.json"
    path.write_text('{"from": "file"}')
    result = opsdeck("lambda", "invoke", "validate-order", "--payload", f"@{path}")
    assert result.exit_code == 0 and echoed(result.output) == {"from": "file"}
    save_payload("validate-order", "mine", '{"from": "saved"}')
    result = opsdeck("lambda", "invoke", "validate-order", "--saved", "mine")
    assert result.exit_code == 0 and echoed(result.output) == {"from": "saved"}


def test_missing_payload_file(opsdeck, endpoint, tmp_path):
    before = invoke_count(endpoint)
    result = opsdeck("lambda", "invoke", "validate-order", "--payload", f"@{tmp_path}/nope.json")
    assert result.exit_code == 2
    assert "does not exist" in result.output and "nope.json" in result.output
    assert "Traceback" not in result.output
    assert invoke_count(endpoint) == before


def test_bad_json_names_line_and_column(opsdeck, endpoint, tmp_path):
    path = tmp_path / "bad.json"
    path.write_text('{\n  "orderId": "o-1",\n  "amount": 12,,\n}\n')
    before = invoke_count(endpoint)
    result = opsdeck("lambda", "invoke", "validate-order", "--payload", f"@{path}")
    assert result.exit_code == 2
    assert "invalid JSON at line 3, column 16" in result.output
    assert invoke_count(endpoint) == before


@pytest.mark.parametrize("invocation_type,limit", [("RequestResponse", SYNC_LIMIT_BYTES), ("Event", ASYNC_LIMIT_BYTES)])
def test_oversize_refused(opsdeck, endpoint, tmp_path, invocation_type, limit):
    path = tmp_path / "big.json"
    path.write_bytes(b'{"pad": "' + b"x" * (limit - 10) + b'"}')  # limit + 1 bytes
    before = invoke_count(endpoint)
    result = opsdeck("lambda", "invoke", "validate-order", "--payload", f"@{path}", "--type", invocation_type)
    assert result.exit_code == 2
    assert f"{limit + 1:,} bytes, over the" in result.output and "nothing was sent" in result.output
    assert invoke_count(endpoint) == before


def test_unknown_function(opsdeck):
    result = opsdeck("lambda", "invoke", "no-such-function")
    assert result.exit_code == 1
    assert "No function 'no-such-function'" in result.output and "Traceback" not in result.output


def test_unknown_qualifier(opsdeck):
    result = opsdeck("lambda", "invoke", "validate-order", "--qualifier", "nope")
    assert result.exit_code == 1
    assert "Function validate-order has no version or alias 'nope'" in result.output


def test_function_error_exits_non_zero(opsdeck, failures):
    control.fail_function(failures, "validate-order", version="3", message="card declined")
    result = opsdeck("lambda", "invoke", "validate-order", "--qualifier", "live")
    assert result.exit_code == 1
    assert "Executed version: 3" in result.output
    assert "Function error: Unhandled" in result.output
    assert echoed(result.output)["errorMessage"] == "card declined"


def test_alias_reports_executed_version(opsdeck):
    result = opsdeck("lambda", "invoke", "validate-order", "--qualifier", "live")
    assert result.exit_code == 0 and "Executed version: 3" in result.output


def test_event_type(opsdeck):
    result = opsdeck("lambda", "invoke", "validate-order", "--type", "Event")
    assert result.exit_code == 0, result.output
    assert "Status: 202" in result.output


def test_read_only_refuses(opsdeck, endpoint):
    before = invoke_count(endpoint)
    result = opsdeck("lambda", "invoke", "validate-order", global_args=("--read-only",))
    assert result.exit_code == 1
    assert "lambda.invoke: opsdeck is in read-only mode for this profile; nothing can be changed" in result.output
    assert invoke_count(endpoint) == before


def test_only_one_payload_source(opsdeck):
    result = opsdeck("lambda", "invoke", "validate-order", "--payload", "{}", "--template", "sns")
    assert result.exit_code == 2 and "only one of" in result.output
