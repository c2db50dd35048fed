"""Client for the embedded AWS control API (``/_opsdeck/*``); stdlib only.

Tests and the console use it to advance the simulator, inject Lambda failures,
shrink page sizes and read the server-side request counts.
"""

from __future__ import annotations

import http.client
import json
import threading
from datetime import datetime
from typing import Any
from urllib.parse import urlsplit


class ControlError(RuntimeError):
    """The control API answered with an error."""


_kept = threading.local()  # per thread: endpoint -> the connection kept to it


def _call(endpoint: str, method: str, path: str, body: Any = None, timeout: float = 120) -> Any:
    """One control request, on a connection kept per thread and endpoint: the embedded AWS
    keeps connections alive, and a test stepping its clock second by second makes thousands
    of calls (one connect and one server thread each, opened anew). A kept connection the
    server has closed is opened again once; a fresh one's failure is the caller's."""
    data = None if body is None else json.dumps(body).encode()
    kept: dict[str, http.client.HTTPConnection] = _kept.__dict__.setdefault("by_endpoint", {})
    for _ in range(2):
        reused = endpoint in kept
        if not reused:
            address = urlsplit(endpoint)
            kept[endpoint] = http.client.HTTPConnection(address.hostname or "127.0.0.1", address.port or 80)
        connection = kept[endpoint]
        connection.timeout = timeout
        if connection.sock is not None:
            connection.sock.settimeout(timeout)
        try:
            connection.request(method, path, data, {"Content-Type": "application/json"})
            response = connection.getresponse()
            answer = response.read()
            break
        except (http.client.RemoteDisconnected, BrokenPipeError, ConnectionResetError):
            kept.pop(endpoint).close()
            if not reused:
                raise
        except BaseException:
            kept.pop(endpoint).close()
            raise
    if response.status >= 400:
        raise ControlError(f"{method} {path}: {response.status} {answer.decode(errors='replace')}")
    return json.loads(answer or b"null")


def health(endpoint: str) -> dict:
    return _call(endpoint, "GET", "/_opsdeck/health")


def tick(endpoint: str, now: datetime | None = None) -> Any:
    """Advance the simulator one step at ``now`` (default: the server's clock); returns its summary."""
    return _call(endpoint, "POST", "/_opsdeck/tick", {"now": now.isoformat() if now else None})["summary"]


def set_clock(endpoint: str, now: datetime | None) -> datetime:
    """Freeze the server's clock at ``now`` (it moves only when set again); None: real time."""
    answer = _call(endpoint, "POST", "/_opsdeck/clock", {"now": now.isoformat() if now else None})
    return datetime.fromisoformat(answer["now"])


def realism(endpoint: str, **knobs: Any) -> dict:
    """Change the embedded AWS's realism knobs (console.demo.realism); returns them all."""
    return _call(endpoint, "POST", "/_opsdeck/realism", knobs)


def fail_function(
    endpoint: str,
    function: str,
    version: str = "$LATEST",
    message: str = "Injected failure",
    error_type: str = "Error",
    account: str | None = None,
    region: str = "us-east-1",
) -> None:
    """Make invocations of ``function`` that execute ``version`` fail (Unhandled) until cleared."""
    _call(endpoint, "POST", "/_opsdeck/lambda/fail", {
        "function": function, "version": version, "message": message,
        "errorType": error_type, "account": account, "region": region,
    })


def fail_next_update(
    endpoint: str,
    function: str,
    reason: str,
    reason_code: str = "InternalError",
    account: str | None = None,
    region: str = "us-east-1",
) -> None:
    """Make the next UpdateFunctionCode of ``function`` end Failed: $LATEST keeps its code and
    reports ``LastUpdateStatus: Failed`` with ``reason`` (and ``reason_code``) until its next
    successful update. ``clear_failures`` disarms it if it has not happened yet."""
    _call(endpoint, "POST", "/_opsdeck/lambda/fail-next-update", {
        "function": function, "reason": reason, "reasonCode": reason_code, "account": account, "region": region,
    })


def set_last_modified(
    endpoint: str,
    function: str,
    times: dict[str, datetime],
    account: str | None = None,
    region: str = "us-east-1",
) -> None:
    """Set the LastModified of ``function``'s versions (``{"1": t1, "$LATEST": t}``): a seeded
    estate's release history, which no API can write."""
    _call(endpoint, "POST", "/_opsdeck/lambda/last-modified", {
        "function": function, "times": {v: t.isoformat() for v, t in times.items()},
        "account": account, "region": region,
    })


def lambda_traffic(
    endpoint: str,
    function: str,
    now: datetime,
    invocations: int,
    alias: str = "live",
    account: str | None = None,
    region: str = "us-east-1",
) -> dict:
    """Write exactly ``invocations`` requests to ``function`` through ``alias`` (or a version
    number), started at ``now`` and ended by now: split by the alias's weights (exactly, not at
    random), failing on versions made to fail with ``fail_function``; metrics in the dimension
    sets Lambda publishes (console.demo.simulator.lambda_datums), stamped ``now``, plus log
    lines. Returns ``{"by_version": {version: {"invocations": n, "errors": e}}}``."""
    return _call(endpoint, "POST", "/_opsdeck/lambda/traffic", {
        "function": function, "now": now.isoformat(), "invocations": invocations, "alias": alias,
        "account": account, "region": region,
    })


def clear_failures(endpoint: str) -> None:
    _call(endpoint, "POST", "/_opsdeck/lambda/clear", {})


def request_counts(endpoint: str) -> dict:
    """``{"requests": [{"account", "service", "operation", "count", "throttled", "embedded"}],
    "total": N}``; "embedded": how many of "count" the embedded AWS made of itself."""
    return _call(endpoint, "GET", "/_opsdeck/requests")


def count_of(counts: dict, service: str, operation: str, account: str | None = None) -> int:
    """Sum of one operation's count in a ``request_counts`` answer."""
    return sum(
        r["count"] for r in counts["requests"]
        if r["service"] == service and r["operation"] == operation and (account is None or r["account"] == account)
    )


def reset_request_counts(endpoint: str) -> None:
    _call(endpoint, "POST", "/_opsdeck/requests/reset", {})


def set_page_size(endpoint: str, size: int | None) -> None:
    """Cap every patched list operation at ``size`` items per page (None: only the request's own limit)."""
    _call(endpoint, "POST", "/_opsdeck/page-size", {"size": size})


def reconcile_ecs(endpoint: str) -> int:
    """Bring every ECS service's tasks and deployments up to the server's clock (ECS requests do
    this themselves); returns how many services moved."""
    return _call(endpoint, "POST", "/_opsdeck/ecs/reconcile", {})["changed"]


def settle_ecs(endpoint: str, account: str | None = None) -> int:
    """Let every ECS service (of `account` only, when given) run as if created ten minutes
    ago: rollouts in progress complete (or fail) in the past. Returns how many services."""
    return _call(endpoint, "POST", "/_opsdeck/ecs/settle", {"account": account} if account else {})["services"]


def set_ecs_health(
    endpoint: str, cluster: str, task: str, health: str = "UNHEALTHY",
    account: str | None = None, region: str = "us-east-1",
) -> None:
    """Set a task's (and its containers') healthStatus; an UNHEALTHY service task has failed its
    container health check: the scheduler stops and replaces it."""
    _call(endpoint, "POST", "/_opsdeck/ecs/health", {
        "cluster": cluster, "task": task, "health": health, "account": account, "region": region,
    })


def stop_ecs_task(
    endpoint: str, cluster: str, task: str, code: str, reason: str | None = None, exit_code: int | None = None,
    account: str | None = None, region: str = "us-east-1",
) -> str | None:
    """Stop a service task as AWS would with stop ``code`` (SpotInterruption, TerminationNotice,
    InfrastructureHealth, EssentialContainerExited, TaskFailedToStart, ServiceSchedulerInitiated,
    UserInitiated) and AWS's reason for it unless ``reason`` is given; returns the ARN of the
    replacement the scheduler launched, if any."""
    return _call(endpoint, "POST", "/_opsdeck/ecs/stop-task", {
        "cluster": cluster, "task": task, "code": code, "reason": reason, "exitCode": exit_code,
        "account": account, "region": region,
    })["replacement"]


def deny(endpoint: str, access_key: str, service: str | None = None, operation: str | None = None) -> None:
    """Answer requests signed with ``access_key`` (for ``service``/``operation``, or all) with AccessDenied."""
    _call(endpoint, "POST", "/_opsdeck/deny", {"access_key": access_key, "service": service, "operation": operation})


def clear_denials(endpoint: str) -> None:
    _call(endpoint, "POST", "/_opsdeck/deny/clear", {})


def end_sso_session(endpoint: str, access_token: str) -> None:
    """End the IAM Identity Center sign-in session behind ``access_token`` (what `aws sso login`
    cached): it expired, or the user signed out. The portal refuses the token from now on;
    role credentials it already issued work until their own expiration."""
    _call(endpoint, "POST", "/_opsdeck/sso/end-session", {"access_token": access_token})
