"""Server-side request accounting for the embedded AWS.

Tests and benchmarks assert how many calls the console made ("refresh cost grows
with pages, not resources"), so the server counts every AWS request it serves by
(account, service, operation). The operation is recovered from the wire the way
AWS itself routes it: X-Amz-Target (json), Action= (query), the smithy-rpc-v2
path (cbor), or the botocore model's requestUri templates (rest-json/rest-xml).
"""

from __future__ import annotations

import re
import threading
from collections import Counter
from functools import lru_cache
from urllib.parse import parse_qs

DEFAULT_ACCOUNT = "123456789012"

_CREDENTIAL = re.compile(r"Credential=[^/]+/[^/]+/([^/]+)/([^/]+)/aws4_request")
_RPC_V2 = re.compile(r"/service/[^/]+/operation/([^/?]+)")

# SigV4 signing names that are not botocore service names.
_SIGNING_TO_SERVICE = {
    "states": "stepfunctions",
    "monitoring": "cloudwatch",
    "execute-api": "apigateway",
    "email": "ses",
}


class RequestCounter:
    """Thread-safe counter of (account, service, operation) -> requests, how many of them
    the server throttled (realistic mode), and how many the embedded AWS made of itself
    (its seeder, simulator and state machine interpreter: AWS's own work, no client's)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._counts: Counter[tuple[str, str, str]] = Counter()
        self._throttled: Counter[tuple[str, str, str]] = Counter()
        self._embedded: Counter[tuple[str, str, str]] = Counter()

    def add(self, account: str, service: str, operation: str, throttled: bool = False,
            embedded: bool = False) -> None:
        key = (account, service, operation)
        with self._lock:
            self._counts[key] += 1
            if throttled:
                self._throttled[key] += 1
            if embedded:
                self._embedded[key] += 1

    def reset(self) -> None:
        with self._lock:
            self._counts.clear()
            self._throttled.clear()
            self._embedded.clear()

    def snapshot(self) -> dict:
        with self._lock:
            items = sorted(self._counts.items())
            throttled, embedded = dict(self._throttled), dict(self._embedded)
        return {
            "requests": [
                {"account": a, "service": s, "operation": o, "count": n, "throttled": throttled.get((a, s, o), 0),
                 "embedded": embedded.get((a, s, o), 0)}
                for (a, s, o), n in items
            ],
            "total": sum(n for _, n in items),
            "throttled": sum(throttled.values()),
        }


def service_of(environ: dict) -> str | None:
    """The botocore service name from the SigV4 credential scope, or None if unsigned."""
    match = _CREDENTIAL.search(environ.get("HTTP_AUTHORIZATION", ""))
    if not match:
        return None
    signing = match.group(2)
    return _SIGNING_TO_SERVICE.get(signing, signing)


def region_of(environ: dict) -> str:
    """The region of the SigV4 credential scope (us-east-1 for an unsigned request)."""
    match = _CREDENTIAL.search(environ.get("HTTP_AUTHORIZATION", ""))
    return match.group(1) if match else "us-east-1"


def account_of(environ: dict) -> str:
    """x-moto-account-id, else the account whose IAM access key signed the request (as moto decides)."""
    header = environ.get("HTTP_X_MOTO_ACCOUNT_ID")
    if header:
        return header
    match = re.search(r"Credential=([^/]+)/", environ.get("HTTP_AUTHORIZATION", ""))
    if not match or match.group(1) == "testing":
        return DEFAULT_ACCOUNT
    from moto.iam.models import get_account_id_from

    return get_account_id_from(match.group(1))


def operation_of(service: str, environ: dict, body: bytes) -> str:
    """Best-effort operation name of an AWS request; "Unknown" when nothing matches."""
    target = environ.get("HTTP_X_AMZ_TARGET")
    if target:
        return target.rsplit(".", 1)[-1]
    path = environ.get("PATH_INFO", "")
    rpc = _RPC_V2.search(path)
    if rpc:
        return rpc.group(1)
    query = parse_qs(environ.get("QUERY_STRING", ""))
    if "Action" in query:
        return query["Action"][0]
    ctype = environ.get("CONTENT_TYPE", "")
    if body and "x-www-form-urlencoded" in ctype:
        action = parse_qs(body.decode("utf-8", "replace")).get("Action")
        if action:
            return action[0]
    for method, regex, name in _rest_routes(service):
        if method == environ.get("REQUEST_METHOD") and regex.fullmatch(path):
            return name
    return "Unknown"


@lru_cache(maxsize=None)
def _rest_routes(service: str) -> tuple[tuple[str, re.Pattern, str], ...]:
    """Method/path regexes of a rest protocol service, most specific first (built once)."""
    import botocore.session

    try:
        model = botocore.session.get_session().get_service_model(service)
    except Exception:  # unknown service: nothing to match
        return ()
    routes = []
    for name in model.operation_names:
        http = model.operation_model(name).http
        uri = http.get("requestUri", "/").split("?", 1)[0]
        literal = len(re.sub(r"\{[^}]+\}", "", uri))
        pattern = ""
        for part in re.split(r"(\{[^}]+\})", uri):
            if part.startswith("{"):
                pattern += ".+" if part.endswith("+}") else "[^/]+"
            else:
                pattern += re.escape(part)
        routes.append((literal, uri.count("{"), http.get("method", "POST"), re.compile(pattern + "/?"), name))
    routes.sort(key=lambda r: (-r[0], r[1]))
    return tuple((m, rx, n) for _, _, m, rx, n in routes)
