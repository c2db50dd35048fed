"""Lambda code updates the way AWS reports them, on moto's docker-less Lambda.

moto 5.2.5 always reports LastUpdateStatus Successful, so a deploy's "wait until the
update is Successful, stop on Failed" path cannot be exercised. ``fail_next_update``
arms a failure for one function: its next UpdateFunctionCode is validated and applied
by moto as usual, then aborted the way Lambda aborts a failed update -- $LATEST keeps
its previous code -- and GetFunction(Configuration) of $LATEST reports
``LastUpdateStatus: Failed`` with the reason until the next successful code or
configuration update.

It also fixes a moto aliasing bug that matters to deploys: a published version shares
$LATEST's ``code`` dict (copy.copy), so updating $LATEST's image rewrote the ImageUri
(and S3Key) of every earlier version. Each update now gets a dict of its own.
"""

from __future__ import annotations

import threading
from typing import Any

_lock = threading.Lock()
_armed: dict[tuple[str, str, str], tuple[str, str]] = {}  # (account|*, region, name) -> (reason, code)
_installed = False
FAILURE_ATTRIBUTE = "_opsdeck_update_failure"


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
    from moto.awslambda.models import LambdaBackend, LambdaFunction

    original_fn_update = LambdaFunction.update_function_code
    original_configuration = LambdaFunction.get_configuration
    original_update_config = LambdaFunction.update_configuration
    original_backend_update = LambdaBackend.update_function_code

    def fn_update_function_code(self, updated_spec):  # type: ignore[no-untyped-def]
        if updated_spec is not self.code:
            self.code = dict(self.code)  # published versions keep the dict they were copied with
        return original_fn_update(self, updated_spec)

    def get_configuration(self, *args: Any, **kwargs: Any):  # type: ignore[no-untyped-def]
        config = original_configuration(self, *args, **kwargs)
        failure = getattr(self, FAILURE_ATTRIBUTE, None)
        if failure is not None and str(self.version) == "$LATEST" and "LastUpdateStatus" in config:
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

    def backend_update_function_code(self, function_name, qualifier, body):  # type: ignore[no-untyped-def]
        fn = self.get_function(function_name, qualifier)
        failure = _take(fn.account_id, fn.region, fn.function_name)
        if failure is None:
            previous = getattr(fn, FAILURE_ATTRIBUTE, None)
            setattr(fn, FAILURE_ATTRIBUTE, None)  # a successful update clears the last failure
            try:
                return original_backend_update(self, function_name, qualifier, body)
            except Exception:
                setattr(fn, FAILURE_ATTRIBUTE, previous)
                raise
        before = dict(fn.__dict__)
        original_backend_update(self, function_name, qualifier,  # moto validates and applies ...
                                {k: v for k, v in body.items() if k != "Publish"})
        fn.__dict__.clear()  # ... and Lambda aborts: $LATEST keeps its previous code
        fn.__dict__.update(before)
        setattr(fn, FAILURE_ATTRIBUTE, failure)
        return fn.get_configuration()

    fn_update_function_code.__name__ = "update_function_code"
    backend_update_function_code.__name__ = "update_function_code"
    LambdaFunction.update_function_code = fn_update_function_code
    LambdaFunction.get_configuration = get_configuration
    LambdaFunction.update_configuration = update_configuration
    LambdaBackend.update_function_code = backend_update_function_code
    _installed = True
