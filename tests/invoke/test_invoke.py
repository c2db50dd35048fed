"""console.services.lambda_.invoke over HTTP against the seeded estate: results, errors as Problems, limits."""

from __future__ import annotations

import base64
import json

import pytest

from console.aws.clients import ClientPool
from console.aws.context import AwsContext
from console.aws.errors import ErrorClass, describe_problem
from console.aws.readonly import ReadOnlyViolation
from console.clock import ManualClock
from console.demo import control
from console.services.lambda_.invoke import (
    ASYNC_LIMIT_BYTES,
    SYNC_LIMIT_BYTES,
    InvokeFailed,
    PayloadError,
    PayloadTooLarge,
    check_size,
    decode_log_result,
    invoke,
    parse_payload,
    pretty_payload,
)
from console.services.lambda_.payloads import template_names, template_text
from console.target import Target

from .conftest import invoke_count


@pytest.fixture
async def ctx(endpoint):
    pool = ClientPool(ManualClock())
    try:
        yield AwsContext(pool, Target(profile=None, region="us-east-1", endpoint=endpoint))
    finally:
        await pool.close()


@pytest.mark.parametrize("name", template_names())
async def test_every_template_invokes_and_echoes(ctx, name):
    text = template_text(name)
    result = await invoke(ctx, "validate-order", text.encode())
    assert result.status_code == 200 and result.function_error is None and result.ok
    assert result.executed_version == "$LATEST"
    assert json.loads(result.payload) == json.loads(text)
    assert result.payload == json.dumps(json.loads(text), indent=2, ensure_ascii=False)  # pretty-printed
    assert result.request_id


def test_parse_payload_names_line_and_column():
    with pytest.raises(PayloadError) as caught:
        parse_payload('{\n  "orderId": "o-1",\n  "amount": ,\n}')
    assert (caught.value.line, caught.value.column) == (3, 13)
    assert "line 3, column 13" in str(caught.value)
    with pytest.raises(PayloadError) as caught:
        parse_payload(b'{"a": 1}\n\xff')
    assert (caught.value.line, caught.value.column) == (2, 1)
    with pytest.raises(PayloadError):
        parse_payload("   ")
    assert parse_payload('{"a": [1, 2]}') == {"a": [1, 2]}


def test_limits_are_awss_byte_limits():
    assert SYNC_LIMIT_BYTES == 6_291_456 and ASYNC_LIMIT_BYTES == 1_048_576
    check_size(b"x" * SYNC_LIMIT_BYTES, "RequestResponse")
    check_size(b"x" * SYNC_LIMIT_BYTES, "DryRun")
    check_size(b"x" * ASYNC_LIMIT_BYTES, "Event")
    with pytest.raises(PayloadTooLarge):
        check_size(b"x" * (SYNC_LIMIT_BYTES + 1), "RequestResponse")
    with pytest.raises(PayloadTooLarge):
        check_size(b"x" * (ASYNC_LIMIT_BYTES + 1), "Event")


def _json_of_size(size: int) -> bytes:
    body = b'{"pad": "' + b"x" * (size - 11) + b'"}'
    assert len(body) == size
    return body


@pytest.mark.parametrize("invocation_type,limit", [("RequestResponse", SYNC_LIMIT_BYTES),
                                                   ("DryRun", SYNC_LIMIT_BYTES),
                                                   ("Event", ASYNC_LIMIT_BYTES)])
async def test_oversize_refused_before_sending(ctx, endpoint, invocation_type, limit):
    before = invoke_count(endpoint)
    with pytest.raises(PayloadTooLarge) as caught:
        await invoke(ctx, "validate-order", _json_of_size(limit + 1), invocation_type=invocation_type)
    assert caught.value.limit == limit and caught.value.size == limit + 1
    assert invoke_count(endpoint) == before  # nothing reached the server


async def test_event_just_over_async_limit_but_fine_sync(ctx):
    body = _json_of_size(ASYNC_LIMIT_BYTES + 1)
    result = await invoke(ctx, "validate-order", body)  # under the 6 MB sync limit: sent
    assert result.status_code == 200 and len(result.payload) > ASYNC_LIMIT_BYTES


async def test_unknown_function_is_a_problem(ctx):
    with pytest.raises(InvokeFailed) as caught:
        await invoke(ctx, "no-such-function", b"{}")
    problem = caught.value.problem
    assert problem.kind is ErrorClass.NOT_FOUND
    assert problem.headline == "No function 'no-such-function' in default/us-east-1"
    assert "list-functions" in problem.remedy


@pytest.mark.parametrize("qualifier", ["99", "no-such-alias"])
async def test_unknown_qualifier_is_a_problem(ctx, qualifier):
    with pytest.raises(InvokeFailed) as caught:
        await invoke(ctx, "validate-order", b"{}", qualifier=qualifier)
    problem = caught.value.problem
    assert problem.kind is ErrorClass.NOT_FOUND
    assert problem.headline == f"Function validate-order has no version or alias {qualifier!r}"
    assert "list-aliases" in problem.remedy


async def test_alias_reports_executed_version(ctx):
    result = await invoke(ctx, "validate-order", b'{"a": 1}', qualifier="live")
    assert result.executed_version == "3"  # validate-order's live alias points at version 3
    result = await invoke(ctx, "validate-order", b'{"a": 1}', qualifier="2")
    assert result.executed_version == "2"
    # process-payment's live alias routes between 2 and 3 (weighted): either is reported
    seen = {(await invoke(ctx, "process-payment", b"{}", qualifier="live")).executed_version for _ in range(5)}
    assert seen <= {"2", "3"} and seen


async def test_failing_version_reports_function_error(ctx, failures):
    control.fail_function(failures, "validate-order", version="2", message="boom", error_type="OrderError")
    result = await invoke(ctx, "validate-order", b"{}", qualifier="2")
    assert result.function_error == "Unhandled" and not result.ok
    assert result.status_code == 200 and result.executed_version == "2"
    assert json.loads(result.payload) == {"errorMessage": "boom", "errorType": "OrderError", "stackTrace": []}
    # other versions are unaffected
    assert (await invoke(ctx, "validate-order", b"{}", qualifier="3")).function_error is None


async def test_event_type_returns_202(ctx):
    result = await invoke(ctx, "validate-order", b'{"a": 1}', invocation_type="Event")
    assert result.status_code == 202 and result.ok and result.log_tail is None


async def test_dry_run_returns_204(ctx):
    result = await invoke(ctx, "validate-order", b'{"a": 1}', invocation_type="DryRun")
    assert result.status_code == 204 and result.ok


async def test_read_only_refuses_invoke_without_sending(endpoint):
    pool = ClientPool(ManualClock(), read_only=True)
    ctx = AwsContext(pool, Target(profile=None, region="us-east-1", endpoint=endpoint))
    before = invoke_count(endpoint)
    try:
        with pytest.raises(ReadOnlyViolation) as caught:  # the guard's own refusal, as from any action's step
            await invoke(ctx, "validate-order", b"{}")
    finally:
        await pool.close()
    problem = describe_problem(caught.value, profile=None, endpoint=endpoint)
    assert problem.kind is ErrorClass.READ_ONLY and "lambda:Invoke" in problem.headline
    assert invoke_count(endpoint) == before


def test_log_tail_and_pretty_payload_decoding():
    """The embedded server sends no LogResult, so decoding is checked on AWS's format."""
    tail = "START RequestId: 1 Version: $LATEST\nEND RequestId: 1\n"
    assert decode_log_result(base64.b64encode(tail.encode()).decode()) == tail
    assert decode_log_result(None) is None and decode_log_result("") is None
    assert pretty_payload(b'{"a":1}') == '{\n  "a": 1\n}'
    assert pretty_payload(b"plain text") == "plain text"
    assert pretty_payload(b"") == ""
