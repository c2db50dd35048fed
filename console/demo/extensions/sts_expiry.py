"""Temporary credentials that expire, on the embedded AWS's clock.

moto 5.2.5 stamps an Expiration on the credentials AssumeRole returns but accepts them
forever after. AWS refuses a request signed with expired temporary credentials with
ExpiredTokenException, HTTP 403 ("The security token included in the request is
expired"; Common Errors of every API reference), spelled ExpiredToken by the query
protocol services (STS, IAM: "An error occurred (ExpiredToken) when calling the ...
operation", AWS Knowledge Center, sts-iam-token-expired). Here every key AssumeRole (and
so the SSO portal, console.demo.extensions.sso_portal) mints expires DurationSeconds
after it was issued by console.demo.clock, and the server's middleware answers such
requests as AWS does. Long-term IAM user keys never expire.
"""

from __future__ import annotations

import re
import threading
from datetime import datetime, timedelta, timezone

from console.demo import clock as demo_clock
from console.demo.errors import Response, error_response, protocol_of

MESSAGE = "The security token included in the request is expired"
_ACCESS_KEY = re.compile(r"Credential=([^/]+)/")

_lock = threading.Lock()
_expires: dict[str, datetime] = {}  # access key id -> when it stops working (aware, UTC)
_installed = False


def issued(access_key_id: str, seconds: int) -> datetime:
    """Record that `access_key_id` works for `seconds` from now (the server's clock); returns
    when it expires."""
    expires = demo_clock.now() + timedelta(seconds=seconds)
    with _lock:
        _expires[access_key_id] = expires
    return expires


def expired(environ: dict) -> bool:
    """True when the request is signed with temporary credentials past their expiration."""
    match = _ACCESS_KEY.search(environ.get("HTTP_AUTHORIZATION", ""))
    if not match:
        return False
    with _lock:
        expires = _expires.get(match.group(1))
    return expires is not None and demo_clock.now() >= expires


def expired_token(environ: dict) -> Response:
    """AWS's answer to a request signed with expired credentials, in the request's protocol."""
    code = "ExpiredToken" if protocol_of(environ) == "query" else "ExpiredTokenException"
    return error_response(environ, 403, code, MESSAGE)


def install() -> None:
    global _installed
    with _lock:
        if _installed:
            return
        from moto.sts.models import STSBackend

        assume_role = STSBackend.assume_role

        def expiring_assume_role(self, *args, **kwargs):
            role = assume_role(self, *args, **kwargs)
            expires = issued(role.access_key_id, int(kwargs.get("duration") or 3600))
            # the Expiration AWS reports is the one it enforces (moto's is naive UTC)
            role.expiration = expires.astimezone(timezone.utc).replace(tzinfo=None)
            return role

        STSBackend.assume_role = expiring_assume_role
        _installed = True
