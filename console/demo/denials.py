"""Access denied on demand: the embedded server refuses chosen calls of chosen keys.

moto enforces IAM only server-wide (INITIAL_NO_AUTH_ACTION_COUNT), which would break
every other test and the demo. Instead a control call names an access key and,
optionally, a service and operation; matching requests get the AccessDenied error AWS
sends for that service's protocol, so the console sees exactly what real AWS returns.
"""

from __future__ import annotations

import re
import threading
from dataclasses import dataclass

from console.demo.errors import Response, error_response, protocol_of

_ACCESS_KEY = re.compile(r"Credential=([^/]+)/")


@dataclass(frozen=True)
class Denial:
    access_key: str
    service: str | None = None  # botocore service name; None: every service
    operation: str | None = None  # None: every operation of the service

    def matches(self, access_key: str, service: str, operation: str) -> bool:
        return (access_key == self.access_key and self.service in (None, service)
                and self.operation in (None, operation))


class Denials:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._rules: list[Denial] = []

    def add(self, denial: Denial) -> None:
        with self._lock:
            self._rules.append(denial)

    def clear(self) -> None:
        with self._lock:
            self._rules.clear()

    def denied(self, environ: dict, service: str, operation: str) -> bool:
        match = _ACCESS_KEY.search(environ.get("HTTP_AUTHORIZATION", ""))
        if not match:
            return False
        with self._lock:
            return any(rule.matches(match.group(1), service, operation) for rule in self._rules)


def access_denied(environ: dict, service: str, operation: str) -> Response:
    """AWS's AccessDenied answer in the request's protocol."""
    message = (f"User: arn:aws:iam::123456789012:user/opsdeck-test is not authorized to perform: "
               f"{service}:{operation} because no identity-based policy allows the {service}:{operation} action")
    protocol = protocol_of(environ)
    if protocol in ("query", "smithy-rpc-v2-cbor"):
        return error_response(environ, 403, "AccessDenied", message)
    return error_response(environ, 400 if protocol == "json" else 403, "AccessDeniedException", message)
