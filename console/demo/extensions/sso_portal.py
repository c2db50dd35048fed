"""The IAM Identity Center portal's GetRoleCredentials, and MFA codes on AssumeRole.

moto 5.2.5 has no SSO portal (``GET /federation/credentials``), so an SSO profile can
never resolve against the embedded server. This stub answers it the way the portal
does: the bearer token from the CLI's token cache buys temporary credentials for
(account, role), minted by moto's own STS so they act in that account, for the
permission set's default session duration (one hour), after which they expire
(console.demo.extensions.sts_expiry).

A sign-in session ends (``end_session``: it expired, or the user signed out): from then
on the portal refuses its token with 401 UnauthorizedException, and role credentials it
already bought keep working until their own expiration, as the Portal API Reference
says of Logout ("existing IAM role sessions ... continue based on the duration
configured in the permission set").

moto's AssumeRole also ignores ``SerialNumber``/``TokenCode``; real STS refuses a wrong
one-time code. Here a code must be six digits and ``000000`` is always wrong, so a
test can show that the code typed reaches STS and that a bad one is reported.
"""

from __future__ import annotations

import json
import re
import threading
from datetime import timezone
from typing import Any
from urllib.parse import parse_qs

TOKEN_HEADER = "x-amz-sso_bearer_token"
TOKEN_ENVIRON = "HTTP_X_AMZ_SSO_BEARER_TOKEN"
REVOKED_PREFIX = "revoked"  # tokens starting with this are refused (a signed-out session)
WRONG_MFA_CODE = "000000"
ROLE_SESSION_SECONDS = 3600  # a permission set's default session duration

_lock = threading.Lock()
_installed = False
_ended: set[str] = set()  # access tokens whose sign-in session has ended


def end_session(access_token: str) -> None:
    """The sign-in session behind `access_token` is over: the portal refuses the token."""
    with _lock:
        _ended.add(access_token)


def _ended_session(token: str) -> bool:
    with _lock:
        return token in _ended


def _json(start_response, status: str, body: dict, headers: list | None = None) -> list[bytes]:
    data = json.dumps(body).encode()
    start_response(status, [("Content-Type", "application/json"), ("Content-Length", str(len(data)))]
                   + (headers or []))
    return [data]


def _unauthorized(start_response, message: str) -> list[bytes]:
    return _json(start_response, "401 Unauthorized", {"message": message},
                 [("x-amzn-ErrorType", "UnauthorizedException")])


def role_credentials(environ: dict, start_response) -> list[bytes]:
    """GET /federation/credentials?role_name=R&account_id=A with the bearer token header."""
    from moto.sts.models import sts_backends

    token = environ.get(TOKEN_ENVIRON, "")
    query = parse_qs(environ.get("QUERY_STRING", ""))
    role = (query.get("role_name") or [""])[0]
    account = (query.get("account_id") or [""])[0]
    if not token or token.startswith(REVOKED_PREFIX) or _ended_session(token):
        return _unauthorized(start_response, "Session token not found or invalid")
    if not role or not re.fullmatch(r"\d{12}", account):
        return _json(start_response, "400 Bad Request", {"message": "role_name and a 12-digit account_id are required"},
                     [("x-amzn-ErrorType", "InvalidRequestException")])
    assumed = sts_backends[account]["aws"].assume_role(
        region_name="us-east-1",
        role_session_name=f"sso-{role}"[:64],
        role_arn=f"arn:aws:iam::{account}:role/aws-reserved/sso.amazonaws.com/{role}",
        policy=None,
        duration=ROLE_SESSION_SECONDS,
        external_id=None,
    )
    expiration = assumed.expiration
    if expiration.tzinfo is None:
        expiration = expiration.replace(tzinfo=timezone.utc)
    return _json(start_response, "200 OK", {"roleCredentials": {
        "accessKeyId": assumed.access_key_id,
        "secretAccessKey": assumed.secret_access_key,
        "sessionToken": assumed.session_token,
        "expiration": int(expiration.timestamp() * 1000),
    }})


def _check_mfa(response: Any) -> None:
    from moto.sts.exceptions import STSClientError

    serial = response._get_param("SerialNumber")
    code = response._get_param("TokenCode")
    if serial is None and code is None:
        return
    if serial is None or code is None:
        raise STSClientError("ValidationError", "SerialNumber and TokenCode must be given together")
    if not re.fullmatch(r"\d{6}", code) or code == WRONG_MFA_CODE:
        raise STSClientError("AccessDenied", "MultiFactorAuthentication failed with invalid MFA one time pass code.")


def install() -> None:
    global _installed
    with _lock:
        if _installed:
            return
        from moto.moto_server import werkzeug_app
        from moto.sts.responses import TokenResponse

        # werkzeug drops headers with underscores; the portal's token header has one.
        preserve = werkzeug_app.should_preserve_original_header_name
        werkzeug_app.should_preserve_original_header_name = (
            lambda name: name.lower() == TOKEN_HEADER or preserve(name)
        )

        dispatch = werkzeug_app.DomainDispatcherApplication.__call__

        def __call__(self, environ: dict, start_response):
            if environ.get("REQUEST_METHOD") == "GET" and environ.get("PATH_INFO", "").rstrip("/") == "/federation/credentials":
                return role_credentials(environ, start_response)
            return dispatch(self, environ, start_response)

        werkzeug_app.DomainDispatcherApplication.__call__ = __call__

        assume_role = TokenResponse.assume_role

        def checked_assume_role(self):
            _check_mfa(self)
            return assume_role(self)

        TokenResponse.assume_role = checked_assume_role
        _installed = True
