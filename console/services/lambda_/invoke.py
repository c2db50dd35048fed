"""Invoke a Lambda function: check the payload, call Invoke, explain the answer.

`parse_payload` names the line and column of invalid JSON; `check_size` refuses a
payload over AWS's limit for the invocation type before anything is sent; `invoke`
calls lambda:Invoke (RequestResponse asks for the log tail) and returns an
InvokeResult, or raises InvokeFailed with a Problem (unknown function or qualifier,
read-only mode, access denied...) instead of a traceback.

Invoke is refused in read-only mode by the client pool's guard (lambda:Invoke is not
in console.aws.readonly's allow-list): its ReadOnlyViolation passes through unchanged, as
it does from every other action's step. The guarded action (plan, confirm, audit) is
console.services.lambda_.actions.LambdaInvoke.
"""

from __future__ import annotations

import base64
import binascii
import json
from dataclasses import dataclass
from typing import Any

from console.json_text import JsonTextError, parse_json_text
from console.aws.context import AwsContext
from console.aws.errors import ErrorClass, Problem, describe_problem
from console.aws.readonly import ReadOnlyViolation

INVOCATION_TYPES = ("RequestResponse", "Event", "DryRun")

# AWS's limits on the request payload, in bytes of the UTF-8 body. Synchronous: 6 MB,
# which Lambda enforces as 6,291,456 bytes ("Request must be smaller than 6291456 bytes
# for the InvokeFunction operation"). Asynchronous (Event): 1 MB since AWS raised it
# from 256 KB; Lambda counts these limits in binary units, so 1,048,576 bytes.
SYNC_LIMIT_BYTES = 6 * 1024 * 1024
ASYNC_LIMIT_BYTES = 1024 * 1024
LIMITS = {"RequestResponse": SYNC_LIMIT_BYTES, "DryRun": SYNC_LIMIT_BYTES, "Event": ASYNC_LIMIT_BYTES}


class PayloadError(JsonTextError):
    """The payload is not valid JSON; `line` and `column` are 1-based."""


class PayloadTooLarge(ValueError):
    """The payload is over the limit for its invocation type; nothing was sent."""

    def __init__(self, size: int, limit: int, invocation_type: str) -> None:
        self.size = size
        self.limit = limit
        self.invocation_type = invocation_type
        kind = "asynchronous (Event)" if invocation_type == "Event" else f"synchronous ({invocation_type})"
        super().__init__(f"payload is {size:,} bytes, over the {kind} limit of {limit:,} bytes "
                         f"({limit // (1024 * 1024)} MB); nothing was sent")


class InvokeFailed(Exception):
    """Invoke could not run (the function's own errors are not this: see function_error)."""

    def __init__(self, problem: Problem) -> None:
        self.problem = problem
        super().__init__(f"{problem.headline}: {problem.detail}")


@dataclass(frozen=True)
class InvokeResult:
    status_code: int
    function_error: str | None  # "Unhandled" / "Handled" when the function failed
    executed_version: str | None
    payload: str  # the response, pretty-printed when it is JSON
    log_tail: str | None  # the last 4 KB of the log (RequestResponse only), decoded
    request_id: str | None
    invocation_type: str = "RequestResponse"

    @property
    def ok(self) -> bool:
        return self.function_error is None and 200 <= self.status_code < 300


def parse_payload(text: str | bytes) -> Any:
    """The JSON value of `text`; PayloadError with the line and column when it is not JSON."""
    if isinstance(text, bytes):
        try:
            text = text.decode("utf-8")
        except UnicodeDecodeError as exc:
            # line/column of the offending byte, counting lines in the bytes before it
            before = text[: exc.start]
            line = before.count(b"\n") + 1
            column = exc.start - (before.rfind(b"\n") + 1) + 1
            raise PayloadError("not UTF-8 text", line, column) from None
    return parse_json_text(text, "the payload is empty (use {} for an empty object)", PayloadError)


def check_invocation_type(invocation_type: str) -> None:
    if invocation_type not in INVOCATION_TYPES:
        raise ValueError(f"invocation type {invocation_type!r}: expected one of {', '.join(INVOCATION_TYPES)}")


def check_size(payload_bytes: bytes, invocation_type: str = "RequestResponse") -> None:
    """PayloadTooLarge when `payload_bytes` is over AWS's limit for `invocation_type`."""
    check_invocation_type(invocation_type)
    limit = LIMITS[invocation_type]
    if len(payload_bytes) > limit:
        raise PayloadTooLarge(len(payload_bytes), limit, invocation_type)


def pretty_payload(raw: bytes) -> str:
    """The response for a person: indented JSON when it is JSON, else the text as received."""
    if not raw:
        return ""
    text = raw.decode("utf-8", errors="replace")
    try:
        value = json.loads(text)
    except ValueError:
        return text
    return json.dumps(value, indent=2, ensure_ascii=False)


def decode_log_result(log_result: str | None) -> str | None:
    """The log tail from Invoke's base64 LogResult header (None when absent)."""
    if not log_result:
        return None
    try:
        return base64.b64decode(log_result, validate=False).decode("utf-8", errors="replace")
    except (binascii.Error, ValueError):
        return None


async def invoke(
    ctx: AwsContext,
    function: str,
    payload_bytes: bytes,
    qualifier: str | None = None,
    invocation_type: str = "RequestResponse",
) -> InvokeResult:
    """Invoke `function` (name or ARN) at `qualifier` (version or alias) with `payload_bytes`.

    Raises PayloadTooLarge before sending; InvokeFailed (with a Problem) when Lambda or
    opsdeck refuses the call. A function that raises is a result with function_error set.
    """
    check_size(payload_bytes, invocation_type)
    params: dict[str, Any] = {"FunctionName": function, "InvocationType": invocation_type,
                              "Payload": payload_bytes}
    if qualifier:
        params["Qualifier"] = qualifier
    if invocation_type == "RequestResponse":
        params["LogType"] = "Tail"  # the log tail applies to synchronous invocations only
    try:
        client = await ctx.client("lambda")
        response = await client.invoke(**params)
        body = response.get("Payload")
        raw = await body.read() if body is not None else b""
    except ReadOnlyViolation:
        raise
    except Exception as exc:  # every failure becomes a Problem; no traceback reaches the user
        raise InvokeFailed(await explain_invoke_failure(ctx, exc, function, qualifier)) from exc
    return InvokeResult(
        status_code=int(response.get("StatusCode") or 0),
        function_error=response.get("FunctionError") or None,
        executed_version=response.get("ExecutedVersion") or None,
        payload=pretty_payload(raw),
        log_tail=decode_log_result(response.get("LogResult")),
        request_id=(response.get("ResponseMetadata") or {}).get("RequestId"),
        invocation_type=invocation_type,
    )


async def explain_invoke_failure(ctx: AwsContext, exc: BaseException, function: str,
                                 qualifier: str | None) -> Problem:
    """What a failed call on `function` at `qualifier` means: for "not found", whether the
    function or only its version or alias is missing (one more read)."""
    target = ctx.target
    problem = describe_problem(exc, profile=target.profile, endpoint=target.endpoint)
    if problem.kind is not ErrorClass.NOT_FOUND:
        return problem
    where = f"{target.profile or 'default'}/{target.region}"
    qualified = bool(qualifier) or unqualified(function) != function
    exists = await _function_exists(ctx, function) if qualified else False
    if exists:
        return Problem(
            ErrorClass.NOT_FOUND,
            f"Function {function} has no version or alias {qualifier!r}",
            problem.detail,
            f"List them with `aws lambda list-aliases --function-name {function}` and "
            f"`aws lambda list-versions-by-function --function-name {function}`.",
        )
    if exists is None:  # could not tell which of the two is missing
        return Problem(ErrorClass.NOT_FOUND, f"Function {function} or its version/alias {qualifier!r} not found",
                       problem.detail, "Check the qualifier; the function may have been deleted.",
                       "Check the name and the qualifier, --profile and --region.")
    return Problem(
        ErrorClass.NOT_FOUND,
        f"No function {function!r} in {where}",
        problem.detail,
        "It may have been deleted; `aws lambda list-functions` lists the functions there.",
        "Check the name, --profile and --region; `aws lambda list-functions` lists the functions.",
    )


def unqualified(function: str) -> str:
    """`function` without a `:qualifier` suffix (name, partial ARN or ARN)."""
    parts = function.split(":")
    if function.startswith("arn:"):
        return ":".join(parts[:7])
    if len(parts) >= 3 and parts[1] == "function":  # 123456789012:function:name[:qualifier]
        return ":".join(parts[:3])
    return parts[0]


async def _function_exists(ctx: AwsContext, function: str) -> bool | None:
    """Whether the unqualified function exists (a read, allowed in read-only mode);
    None when the check itself failed for another reason."""
    try:
        client = await ctx.client("lambda")
        await client.get_function_configuration(FunctionName=unqualified(function))
        return True
    except Exception as exc:  # noqa: BLE001 - only "found or not" matters here
        if describe_problem(exc, profile=None, endpoint=None).kind is ErrorClass.NOT_FOUND:
            return False
        return None
