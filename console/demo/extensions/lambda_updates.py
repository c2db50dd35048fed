"""Lambda code and configuration updates the way AWS reports them, on moto's docker-less Lambda.

moto 5.2.5 applies an update and reports LastUpdateStatus Successful at once. Lambda
updates asynchronously (https://docs.aws.amazon.com/lambda/latest/dg/functions-states.html):

- "InProgress: An update is happening on an existing function" until "Successful: The
  update has completed". Here an UpdateFunctionCode or UpdateFunctionConfiguration leaves
  $LATEST InProgress for realism.lambda_update_seconds on the server's clock
  (console.demo.clock; AWS documents no duration; 0, the tests' default, is moto's
  immediate Successful).
- "The following operations fail while an asynchronous update is in progress:
  UpdateFunctionCode, UpdateFunctionConfiguration, PublishVersion": they answer
  ResourceConflictException (HTTP 409, botocore:lambda "The resource already exists, or
  another operation is in progress"). The message, "The operation cannot be performed at
  this time. An update is in progress for resource: <function ARN>", is OBSERVED in real
  AWS output, not documented.
- LastModified moves with every code or configuration update (moto keeps the creation
  time); it is written on the server's clock, like the creation time and a published
  version's (when it was published).

``fail_next_update`` arms a failure for one function: its next UpdateFunctionCode is
validated and applied by moto as usual, then aborted the way Lambda aborts a failed
update -- $LATEST keeps its previous code -- and GetFunction(Configuration) of $LATEST
reports ``LastUpdateStatus: Failed`` with the reason (after the InProgress window) until
the next successful code or configuration update.

It also fixes a moto aliasing bug that matters to deploys: a published version shares
$LATEST's ``code`` dict (copy.copy), so updating $LATEST's image rewrote the ImageUri
(and S3Key) of every earlier version. Each update now gets a dict of its own.
"""

from __future__ import annotations

import threading
from datetime import datetime
from typing import Any

from console.demo import clock as demo_clock
from console.demo import realism

_lock = threading.Lock()
_armed: dict[tuple[str, str, str], tuple[str, str]] = {}  # (account|*, region, name) -> (reason, code)
_installed = False
FAILURE_ATTRIBUTE = "_opsdeck_update_failure"
BUSY_ATTRIBUTE = "_opsdeck_update_until"  # epoch seconds on the server's clock: InProgress until then
IN_PROGRESS_MESSAGE = "The operation cannot be performed at this time. An update is in progress for resource: {arn}"


def lambda_time(moment: datetime | None = None) -> str:
    """A LastModified value (moto's format) for `moment`, by default the server's now."""
    moment = moment or demo_clock.now()
    return moment.strftime("%Y-%m-%dT%H:%M:%S.%f000Z")


def set_last_modified(account: str, region: str, function: str, version: str, moment: datetime) -> None:
    """Seeding: `function`'s `version` ("$LATEST" or a number) was last modified at `moment`
    (LookupError when there is no such function or version)."""
    from moto.awslambda.utils import get_backend  # the docker-less backend the server uses

    backend = get_backend(account, region)
    try:
        fn = backend._lambdas.get_function_by_name_with_qualifier(function, None if version == "$LATEST" else version)
    except Exception as exc:  # moto's 404
        raise LookupError(f"no version {version} of function {function} in {account}/{region}") from exc
    fn.last_modified = lambda_time(moment)


def _busy(fn: Any) -> bool:
    until = getattr(fn, BUSY_ATTRIBUTE, None)
    return until is not None and demo_clock.timestamp() < until


def _start_update(fn: Any) -> None:
    """An update was accepted: LastModified moves, and it is InProgress for a while."""
    fn.last_modified = lambda_time()
    seconds = realism.current().lambda_update_seconds
    setattr(fn, BUSY_ATTRIBUTE, demo_clock.timestamp() + seconds if seconds > 0 else None)


_conflict: Any = None  # the 409 error class, made by install() (moto is imported lazily)


def refuse_while_busy(fn: Any) -> None:
    """ResourceConflictException (409) while `fn` ($LATEST) has an update in progress."""
    if _busy(fn):
        raise _conflict("ResourceConflictException", IN_PROGRESS_MESSAGE.format(arn=fn.function_arn))


def fail_next_update(function: str, reason: str, reason_code: str = "InternalError",
                     account: str | None = None, region: str = "us-east-1") -> None:
    """The next UpdateFunctionCode of ``function`` (in ``account``, or any) ends Failed with ``reason``."""
    name = function.split(":function:")[-1].split(":")[0] if function.startswith("arn:") else function.split(":")[0]
    with _lock:
        _armed[(account or "*", region, name)] = (reason, reason_code)


def clear_updates() -> None:
    """Disarm every pending failure (failures already reported stay until the next update)."""
    with _lock:
        _armed.clear()


def _take(account: str, region: str, name: str) -> tuple[str, str] | None:
    with _lock:
        return _armed.pop((account, region, name), None) or _armed.pop(("*", region, name), None)


def install() -> None:
    global _installed
    if _installed:
        return
    from moto.awslambda.exceptions import LambdaClientError
    from moto.awslambda.models import LambdaBackend, LambdaFunction

    class UpdateInProgress(LambdaClientError):
        code = 409

    global _conflict
    _conflict = UpdateInProgress

    original_init = LambdaFunction.__init__
    original_fn_update = LambdaFunction.update_function_code
    original_configuration = LambdaFunction.get_configuration
    original_update_config = LambdaFunction.update_configuration
    original_set_version = LambdaFunction.set_version
    original_backend_update = LambdaBackend.update_function_code
    original_backend_update_config = LambdaBackend.update_function_configuration
    original_backend_publish = LambdaBackend.publish_version

    def init(self, *args: Any, **kwargs: Any) -> None:  # type: ignore[no-untyped-def]
        original_init(self, *args, **kwargs)
        self.last_modified = lambda_time()  # created: on the server's clock, like every later change

    def fn_update_function_code(self, updated_spec):  # type: ignore[no-untyped-def]
        if updated_spec is not self.code:
            self.code = dict(self.code)  # published versions keep the dict they were copied with
        return original_fn_update(self, updated_spec)

    def get_configuration(self, *args: Any, **kwargs: Any):  # type: ignore[no-untyped-def]
        config = original_configuration(self, *args, **kwargs)
        if str(self.version) != "$LATEST" or "LastUpdateStatus" not in config:
            return config
        if _busy(self):
            config["LastUpdateStatus"] = "InProgress"
            config.pop("LastUpdateStatusReason", None)
            config.pop("LastUpdateStatusReasonCode", None)
            return config
        failure = getattr(self, FAILURE_ATTRIBUTE, None)
        if failure is not None:
            config["LastUpdateStatus"] = "Failed"
            config["LastUpdateStatusReason"] = failure[0]
            config["LastUpdateStatusReasonCode"] = failure[1]
        return config

    def update_configuration(self, config_updates):  # type: ignore[no-untyped-def]
        failure = getattr(self, FAILURE_ATTRIBUTE, None)
        setattr(self, FAILURE_ATTRIBUTE, None)  # a successful update clears the last failure
        try:
            return original_update_config(self, config_updates)
        except Exception:
            setattr(self, FAILURE_ATTRIBUTE, failure)
            raise

    def set_version(self, version):  # type: ignore[no-untyped-def]
        original_set_version(self, version)
        self.last_modified = lambda_time()  # when it was published, on the server's clock
        setattr(self, BUSY_ATTRIBUTE, None)

    def backend_update_function_code(self, function_name, qualifier, body):  # type: ignore[no-untyped-def]
        fn = self.get_function(function_name, qualifier)
        refuse_while_busy(fn)
        failure = _take(fn.account_id, fn.region, fn.function_name)
        if failure is None:
            previous = getattr(fn, FAILURE_ATTRIBUTE, None)
            setattr(fn, FAILURE_ATTRIBUTE, None)  # a successful update clears the last failure
            try:
                original_backend_update(self, function_name, qualifier, body)
            except Exception:
                setattr(fn, FAILURE_ATTRIBUTE, previous)
                raise
            _start_update(fn)
            return fn.get_configuration()
        before = dict(fn.__dict__)
        original_backend_update(self, function_name, qualifier,  # moto validates and applies ...
                                {k: v for k, v in body.items() if k != "Publish"})
        fn.__dict__.clear()  # ... and Lambda aborts: $LATEST keeps its previous code
        fn.__dict__.update(before)
        setattr(fn, FAILURE_ATTRIBUTE, failure)
        _start_update(fn)  # InProgress first, then Failed
        fn.last_modified = before.get("last_modified", fn.last_modified)
        return fn.get_configuration()

    def backend_update_function_configuration(self, function_name, qualifier, body):  # type: ignore[no-untyped-def]
        fn = self.get_function(function_name, qualifier)
        refuse_while_busy(fn)
        if original_backend_update_config(self, function_name, qualifier, body) is None:
            return None
        _start_update(fn)
        return fn.get_configuration()

    def backend_publish_version(self, function_name, description=""):  # type: ignore[no-untyped-def]
        refuse_while_busy(self._lambdas.get_function_by_name_or_arn_forbid_qualifier(function_name))
        return original_backend_publish(self, function_name, description)

    fn_update_function_code.__name__ = "update_function_code"
    backend_update_function_code.__name__ = "update_function_code"
    backend_update_function_configuration.__name__ = "update_function_configuration"
    backend_publish_version.__name__ = "publish_version"
    LambdaFunction.__init__ = init
    LambdaFunction.update_function_code = fn_update_function_code
    LambdaFunction.get_configuration = get_configuration
    LambdaFunction.update_configuration = update_configuration
    LambdaFunction.set_version = set_version
    LambdaBackend.update_function_code = backend_update_function_code
    LambdaBackend.update_function_configuration = backend_update_function_configuration
    LambdaBackend.publish_version = backend_publish_version
    _installed = True
