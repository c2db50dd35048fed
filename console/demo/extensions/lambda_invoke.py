"""Lambda Invoke the way AWS answers it, on moto's docker-less Lambda.

moto's simple backend echoes the payload for any name: unknown functions and
qualifiers return 200 and nothing ever fails. The console's invoke, canary and
incident views need 404s, function errors and the executed version (alias
weighted routing), so invoke resolves the target first and can fail on demand:
per function version through the control API, or per call when the payload
carries ``"__opsdeck_fail__": "<message>"`` (how the simulator makes Step
Functions executions fail through the interpreter's own Lambda calls).
"""

from __future__ import annotations

import json
import random
import re
import threading
from typing import Any

FAIL_KEY = "__opsdeck_fail__"

_lock = threading.Lock()
_failures: dict[tuple[str, str, str, str], tuple[str, str]] = {}
_rng = random.Random(20260101)  # deterministic weighted routing
_installed = False
_request = threading.local()  # the Qualifier query parameter, which moto's response drops


def fail_function(
    function: str,
    version: str = "$LATEST",
    message: str = "Injected failure",
    error_type: str = "Error",
    account: str | None = None,
    region: str = "us-east-1",
) -> None:
    """Invocations that execute ``function`` at ``version`` fail until ``clear_failures()``."""
    name = _function_name(function)
    with _lock:
        _failures[(account or "*", region, name, str(version))] = (message, error_type)


def failure_for(account: str, region: str, function: str, version: str) -> tuple[str, str] | None:
    """(message, error type) when invocations of ``function`` at ``version`` are made to fail
    (the simulator asks, so its metrics and logs agree with Invoke)."""
    name = _function_name(function)
    with _lock:
        return _failures.get((account, region, name, str(version))) or _failures.get(
            ("*", region, name, str(version)))


def clear_failures() -> None:
    with _lock:
        _failures.clear()


def seed_routing(seed: int) -> None:
    """Reset the weighted-routing RNG (tests)."""
    _rng.seed(seed)


def _function_name(name_or_arn: str) -> str:
    if name_or_arn.startswith("arn:"):
        return name_or_arn.split(":function:")[-1].split(":")[0]
    return name_or_arn.split(":")[0]


def _split(name_or_arn: str, qualifier: str | None) -> tuple[str, str | None]:
    """(function name, qualifier) from a name, partial or full ARN, with or without ``:qualifier``."""
    tail = name_or_arn.split(":function:")[-1] if name_or_arn.startswith("arn:") else name_or_arn
    if re.fullmatch(r"\d{12}:function:.+", tail):  # partial ARN 123456789012:function:name
        tail = tail.split(":function:")[-1]
    parts = tail.split(":")
    if len(parts) > 1 and parts[1]:
        qualifier = parts[1]
    return parts[0], qualifier


def _executed_version(backend: Any, name: str, qualifier: str | None) -> str:
    """Resolve the version an invoke runs; raises moto's 404 for unknown functions/qualifiers."""
    fn = backend._lambdas.get_function_by_name_with_qualifier(name, qualifier)
    if qualifier is None or qualifier.upper() == "$LATEST":
        return "$LATEST"
    aliases = backend._lambdas._get_function_aliases(name)
    alias = aliases.get(qualifier)
    if alias is None:
        return str(fn.version)
    version = str(alias.function_version)
    routing = alias.routing_config or {}
    if isinstance(routing, str):
        routing = json.loads(routing)
    weights = routing.get("AdditionalVersionWeights") or {}
    roll = _rng.random()
    for extra, weight in sorted(weights.items()):
        if roll < float(weight):
            return str(extra)
        roll -= float(weight)
    return version


def _payload_failure(body: Any) -> tuple[str, str] | None:
    """(message, errorType) the payload's marker asks for: a message (errorType "Error", an
    unhandled exception's) or {"errorType": ..., "errorMessage": ...} (a function raising
    its own exception class, which a Catch or Retry can name)."""
    if not body:
        return None
    try:
        data = json.loads(body)
    except (TypeError, ValueError):
        return None
    if not isinstance(data, dict) or FAIL_KEY not in data:
        return None
    marker = data[FAIL_KEY]
    if isinstance(marker, dict):
        return str(marker.get("errorMessage", "")), str(marker.get("errorType") or "Error")
    return str(marker), "Error"


def install() -> None:
    global _installed
    if _installed:
        return
    from moto.awslambda_simple.models import LambdaSimpleBackend

    from moto.awslambda.responses import LambdaResponse

    original = LambdaSimpleBackend.invoke
    original_response = LambdaResponse.invoke

    def invoke_response(self):  # type: ignore[no-untyped-def]
        _request.qualifier = (self.querystring.get("Qualifier") or [None])[0]
        try:
            return original_response(self)
        finally:
            _request.qualifier = None

    invoke_response.__name__ = "invoke"

    def invoke(self, function_name, qualifier, body, headers, response_headers):  # type: ignore[no-untyped-def]
        name, qualifier = _split(function_name, qualifier or getattr(_request, "qualifier", None))
        version = _executed_version(self, name, qualifier)
        response_headers["x-amz-executed-version"] = version
        with _lock:
            failure = _failures.get((self.account_id, self.region_name, name, version)) or _failures.get(
                ("*", self.region_name, name, version)
            )
        failure = _payload_failure(body) or failure
        if failure is None:
            return original(self, function_name, qualifier, body, headers, response_headers)
        response_headers["x-amz-function-error"] = "Unhandled"
        return json.dumps({"errorMessage": failure[0], "errorType": failure[1], "stackTrace": []}).encode()

    LambdaSimpleBackend.invoke = invoke
    LambdaResponse.invoke = invoke_response
    _installed = True
