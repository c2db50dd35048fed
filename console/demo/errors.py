"""AWS error answers in the wire protocol of the request they answer.

The embedded server refuses some requests itself (access denied on demand, throttling
in the realistic mode) before moto sees them; botocore must parse those answers exactly
as it parses AWS's, so the body and headers follow the request's protocol.
"""

from __future__ import annotations

import json

Response = tuple[int, list[tuple[str, str]], bytes]  # status, headers, body

_REASONS = {400: "Bad Request", 403: "Forbidden", 409: "Conflict", 429: "Too Many Requests",
            500: "Internal Server Error", 503: "Service Unavailable"}


def protocol_of(environ: dict) -> str:
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


def cbor_map(fields: dict[str, str]) -> bytes:
    """A CBOR map of short text keys and values: all an rpc-v2-cbor error body needs."""
    return bytes([0xA0 + len(fields)]) + b"".join(_cbor_text(k) + _cbor_text(v) for k, v in fields.items())


def error_response(environ: dict, status: int, code: str, message: str,
                   extra: dict[str, str] | None = None) -> Response:
    """(status, headers, body) of AWS's error `code` with `message`, in the protocol the
    request spoke. `extra` adds fields to a JSON body (e.g. Lambda's "Reason")."""
    protocol = protocol_of(environ)
    party = "Sender" if status < 500 else "Receiver"
    if protocol == "query":
        body = (f"<ErrorResponse><Error><Type>{party}</Type><Code>{_xml(code)}</Code>"
                f"<Message>{_xml(message)}</Message></Error><RequestId>opsdeck-embedded</RequestId>"
                "</ErrorResponse>").encode()
        return status, [("Content-Type", "text/xml")], body
    query_code = f"{code};{party}"  # awsQueryCompatible services (CloudWatch) read the code here
    if protocol == "smithy-rpc-v2-cbor":
        body = cbor_map({"__type": code, "message": message})
        return status, [("Content-Type", "application/cbor"), ("smithy-protocol", "rpc-v2-cbor"),
                        ("x-amzn-query-error", query_code)], body
    body = json.dumps({"__type": code, "message": message, "Message": message, **(extra or {})}).encode()
    return status, [("Content-Type", "application/x-amz-json-1.1" if protocol == "json" else "application/json"),
                    ("x-amzn-ErrorType", code), ("x-amzn-query-error", query_code)], body


def status_line(status: int) -> str:
    return f"{status} {_REASONS.get(status, 'Error')}"


def _xml(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
