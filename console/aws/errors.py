"""What went wrong with a call, in the words an on-call engineer needs.

Every failure is sorted into one ErrorClass; `describe_problem` turns an exception into
a Problem with a headline and the command that fixes it, for the error screens and
stale-panel badges. No traceback text ever reaches the screen.
"""

from __future__ import annotations

import enum
import re
from dataclasses import dataclass

from botocore.exceptions import (
    ClientError,
    ConnectionClosedError,
    ConnectTimeoutError,
    EndpointConnectionError,
    NoCredentialsError,
    NoRegionError,
    PartialCredentialsError,
    ProfileNotFound,
    ReadTimeoutError,
    SSOTokenLoadError,
    TokenRetrievalError,
    UnauthorizedSSOTokenError,
)

try:  # aiohttp raises its own errors below botocore on connection failures
    from aiohttp import ClientConnectionError as _AiohttpConnectionError
except ImportError:  # pragma: no cover - aiohttp is a dependency of aiobotocore
    _AiohttpConnectionError = OSError

from console.aws.readonly import ReadOnlyViolation


class ErrorClass(str, enum.Enum):
    THROTTLED = "throttled"
    AUTH_EXPIRED = "auth-expired"
    NO_CREDENTIALS = "no-credentials"
    ACCESS_DENIED = "access-denied"
    NETWORK = "network"
    NOT_FOUND = "not-found"
    READ_ONLY = "read-only"  # refused by opsdeck itself; nothing was sent
    OTHER = "other"


THROTTLE_CODES = frozenset(
    {
        "Throttling",
        "ThrottlingException",
        "ThrottledException",
        "RequestThrottledException",
        "TooManyRequestsException",
        "ProvisionedThroughputExceededException",
        "TransactionInProgressException",
        "RequestLimitExceeded",
        "BandwidthLimitExceeded",
        "LimitExceededException",
        "RequestThrottled",
        "SlowDown",
        "PriorRequestNotComplete",
        "EC2ThrottledException",
    }
)
EXPIRED_CODES = frozenset(
    {
        "ExpiredToken",
        "ExpiredTokenException",
        "RequestExpired",
        "InvalidClientTokenId",
        "UnrecognizedClientException",
        "InvalidSignatureException",
        "SignatureDoesNotMatch",
        "AuthFailure",
    }
)
DENIED_CODES = frozenset(
    {"AccessDenied", "AccessDeniedException", "UnauthorizedOperation", "Forbidden"}
)
NOT_FOUND_SUFFIXES = ("NotFound", "NotFoundException", "DoesNotExist", "NoSuchEntity")


def error_code(exc: BaseException) -> str | None:
    if isinstance(exc, ClientError):
        return exc.response.get("Error", {}).get("Code")
    return None


def classify_code(code: str | None, status: int | None = None) -> ErrorClass:
    if code in THROTTLE_CODES or status == 429:
        return ErrorClass.THROTTLED
    if code in EXPIRED_CODES:
        return ErrorClass.AUTH_EXPIRED
    if code in DENIED_CODES or (code or "").endswith("AccessDenied") or status == 403:
        return ErrorClass.ACCESS_DENIED
    if code and (code.endswith(NOT_FOUND_SUFFIXES) or code == "ResourceNotFoundException"):
        return ErrorClass.NOT_FOUND
    return ErrorClass.OTHER


def classify(exc: BaseException) -> ErrorClass:
    if isinstance(exc, ReadOnlyViolation):
        return ErrorClass.READ_ONLY
    if isinstance(exc, ClientError):
        status = exc.response.get("ResponseMetadata", {}).get("HTTPStatusCode")
        return classify_code(error_code(exc), status)
    if isinstance(exc, (SSOTokenLoadError, UnauthorizedSSOTokenError, TokenRetrievalError)):
        return ErrorClass.AUTH_EXPIRED
    if isinstance(exc, (NoCredentialsError, PartialCredentialsError, ProfileNotFound, NoRegionError)):
        return ErrorClass.NO_CREDENTIALS
    if isinstance(
        exc,
        (EndpointConnectionError, ConnectTimeoutError, ReadTimeoutError, ConnectionClosedError, _AiohttpConnectionError, OSError, TimeoutError),
    ):
        return ErrorClass.NETWORK
    return ErrorClass.OTHER


@dataclass(frozen=True)
class Problem:
    """A failure explained: what is wrong, and what to run about it."""

    kind: ErrorClass
    headline: str
    detail: str
    remedy: str

    @property
    def fatal_for_session(self) -> bool:
        """True when nothing will load until the user fixes credentials or the endpoint."""
        return self.kind in (
            ErrorClass.NO_CREDENTIALS,
            ErrorClass.AUTH_EXPIRED,
            ErrorClass.NETWORK,
        )


_ACTION_IN_MESSAGE = re.compile(r"perform: ([\w-]+:[\w*]+)")


def denied_action(exc: BaseException) -> str:
    """`service:Operation` that was refused: from AWS's message, else the operation name."""
    match = _ACTION_IN_MESSAGE.search(str(exc))
    if match:
        return match.group(1)
    return getattr(exc, "operation_name", None) or "this call"


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip() or type(exc).__name__
    return text.splitlines()[0][:300]


def describe_problem(exc: BaseException, *, profile: str | None, endpoint: str | None) -> Problem:
    """Explain `exc` for a person; `profile` and `endpoint` make the remedy concrete."""
    kind = classify(exc)
    who = f"--profile {profile}" if profile else ""
    detail = _first_line(exc)
    if isinstance(exc, ReadOnlyViolation):
        return Problem(kind, f"Read-only mode: opsdeck will not call {exc.service}:{exc.operation}", detail,
                       "Nothing was sent to AWS. Start opsdeck without --read-only, or set "
                       f"`read_only = false` for [profiles.{profile or 'default'}] in config.toml, to make changes.")
    if kind is ErrorClass.NO_CREDENTIALS:
        if isinstance(exc, ProfileNotFound):
            return Problem(kind, f"Profile {profile!r} is not in your AWS config", detail,
                           "Run `aws configure list-profiles` to see the profiles you have, "
                           f"or `aws configure --profile {profile}` to create it.")
        if isinstance(exc, NoRegionError):
            return Problem(kind, "No AWS region is set", detail,
                           "Pass --region, set AWS_REGION, or set `region` for the profile in ~/.aws/config.")
        return Problem(kind, "No AWS credentials found", detail,
                       f"Run `aws configure {who}`".replace("  ", " ").strip()
                       + " or `aws sso login " + (who or "--profile NAME") + "`, "
                       "or export AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, then press ctrl+r.")
    if kind is ErrorClass.AUTH_EXPIRED:
        return Problem(kind, "Your AWS session has expired or the keys are not valid", detail,
                       f"Run `aws sso login {who or '--profile NAME'}` (SSO) or refresh your keys.")
    if kind is ErrorClass.ACCESS_DENIED:
        check = f"aws sts get-caller-identity {who}".strip()
        return Problem(kind, f"Access denied: {denied_action(exc)}", detail,
                       f"The identity you are using lacks this permission. Check who that is with `{check}` "
                       "and ask for read access (e.g. the ReadOnlyAccess managed policy).")
    if kind is ErrorClass.NETWORK:
        where = endpoint or "the AWS endpoint"
        return Problem(kind, f"Cannot reach {where}", detail,
                       "Check the network, VPN or proxy"
                       + (", and that the endpoint given by --endpoint-url / AWS_ENDPOINT_URL is running" if endpoint else "")
                       + "; opsdeck retries by itself and ctrl+r retries now.")
    if kind is ErrorClass.THROTTLED:
        return Problem(kind, "AWS is throttling requests", detail,
                       "opsdeck backs off by itself; data is kept and marked stale meanwhile.")
    if kind is ErrorClass.NOT_FOUND:
        return Problem(kind, "Not found", detail, "The resource may have been deleted; press ctrl+r.")
    return Problem(kind, "AWS returned an error", detail, "Press ctrl+r to retry.")
