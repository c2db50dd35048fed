"""Scale the real sleeps of moto's Step Functions interpreter.

With execute_state_machine=true moto runs definitions for real, and Retry
intervals, Wait states and TimeoutSeconds block for real seconds: a demo
execution with a 30 s retry would stall the estate. Every such wait is multiplied
by ``OPSDECK_SFN_TIME_SCALE`` (read at each wait; the demo server defaults it to
0.01). Histories are unchanged: only the wall-clock time between events shrinks.
"""

from __future__ import annotations

import os
import threading
import time as _time
import types

_installed = False


def time_scale() -> float:
    try:
        return max(float(os.environ.get("OPSDECK_SFN_TIME_SCALE", "1")), 0.0)
    except ValueError:
        return 1.0


def _scaled(seconds: float | None) -> float | None:
    return None if seconds is None else seconds * time_scale()


class _ScaledEvent(threading.Event):
    """threading.Event whose timed waits are scaled (execute_state's TimeoutSeconds)."""

    def wait(self, timeout: float | None = None) -> bool:
        return super().wait(_scaled(timeout))


class _ScaledJoinThread(threading.Thread):
    """threading.Thread whose timed join is scaled (the state machine's own TimeoutSeconds)."""

    def join(self, timeout: float | None = None) -> None:
        super().join(_scaled(timeout))


def _time_module() -> types.SimpleNamespace:
    """A stand-in for ``time`` in the patched modules: scaled sleep, everything else real."""
    shim = types.SimpleNamespace(**{k: getattr(_time, k) for k in dir(_time) if not k.startswith("__")})
    shim.sleep = lambda seconds: _time.sleep(_scaled(seconds) or 0)
    return shim


def _threading_module() -> types.SimpleNamespace:
    shim = types.SimpleNamespace(**{k: getattr(threading, k) for k in dir(threading) if not k.startswith("__")})
    shim.Event = _ScaledEvent
    shim.Thread = _ScaledJoinThread
    return shim


def install() -> None:
    global _installed
    if _installed:
        return
    from moto.stepfunctions.parser.asl.component.common.retry import retrier_decl
    from moto.stepfunctions.parser.asl.component.program import program
    from moto.stepfunctions.parser.asl.component.state.exec import execute_state
    from moto.stepfunctions.parser.asl.component.state.exec.state_task.service import (
        state_task_service_callback,
    )
    from moto.stepfunctions.parser.asl.component.state.wait.wait_function import wait_function

    retrier_decl.time = _time_module()  # Retry IntervalSeconds/BackoffRate
    state_task_service_callback.time = _time_module()  # .sync polling delay
    execute_state.threading = _threading_module()  # a state's TimeoutSeconds
    program.threading = _threading_module()  # the state machine's TimeoutSeconds

    def _wait_interval(self, env, wait_seconds):  # type: ignore[no-untyped-def]
        """Wait state: one scaled wait, still interruptible by stop_execution."""
        if wait_seconds > 0:
            env.program_state_event.wait(_scaled(wait_seconds))

    wait_function.WaitFunction._wait_interval = _wait_interval
    _installed = True
