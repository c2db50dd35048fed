"""Access denied on demand: the embedded server refuses chosen calls of chosen keys.

moto enforces IAM only server-wide (INITIAL_NO_AUTH_ACTION_COUNT), which would break
every other test and the demo. Instead a control call names an access key and,
optionally, a service and operation; matching requests get the AccessDenied error AWS
sends for that service's protocol, so the console sees exactly what real AWS returns.
"""

from __future__ import annotations

import json
import re
import threading
from dataclasses import dataclass

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


def _protocol(environ: dict, service: str) -> str:
    """The wire protocol of this request: services like CloudWatch speak several."""
    if environ.get("HTTP_SMITHY_PROTOCOL") == "rpc-v2-cbor":
        return "smithy-rpc-v2-cbor"
    if environ.get("HTTP_X_AMZ_TARGET"):
        return "json"
    if "x-www-form-urlencoded" in environ.get("CONTENT_TYPE", ""):
        return "query"
    return "rest-json"


def _cbor_text(value: str) -> bytes:
    data = value.encode()
    if len(data) < 24:
        return bytes([0x60 + len(data)]) + data
    if len(data) < 256:
        return bytes([0x78, len(data)]) + data
    return bytes([0x79]) + len(data).to_bytes(2, "big") + data


def _cbor_map(fields: dict[str, str]) -> bytes:
    """A CBOR map of short text keys and values: all an rpc-v2-cbor error body needs."""
    return bytes([0xA0 + len(fields)]) + b"".join(_cbor_text(k) + _cbor_text(v) for k, v in fields.items())


def access_denied(environ: dict, service: str, operation: str) -> tuple[str, list[tuple[str, str]], bytes]:
    """(status line, headers, body) of AWS's AccessDenied answer in the request's protocol."""
    message = (f"User: arn:aws:iam::123456789012:user/opsdeck-test is not authorized to perform: "
               f"{service}:{operation} because no identity-based policy allows the {service}:{operation} action")
    protocol = _protocol(environ, service)
    if protocol == "query":
        body = (f"<ErrorResponse><Error><Type>Sender</Type><Code>AccessDenied</Code>"
                f"<Message>{message}</Message></Error><RequestId>opsdeck-denied</RequestId></ErrorResponse>").encode()
        return "403 Forbidden", [("Content-Type", "text/xml")], body
    if protocol == "smithy-rpc-v2-cbor":
        body = _cbor_map({"__type": "AccessDenied", "message": message})
        return "403 Forbidden", [("Content-Type", "application/cbor"), ("smithy-protocol", "rpc-v2-cbor")], body
    body = json.dumps({"__type": "AccessDeniedException", "message": message, "Message": message}).encode()
    headers = [("Content-Type", "application/x-amz-json-1.1"), ("x-amzn-ErrorType", "AccessDeniedException")]
    return ("400 Bad Request" if protocol == "json" else "403 Forbidden"), headers, body
