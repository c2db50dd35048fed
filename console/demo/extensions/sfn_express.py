"""EXPRESS state machines the way Step Functions documents them, on moto's interpreter.

moto 5.2.5 runs EXPRESS executions like STANDARD ones and lists them. AWS does not:

- ListExecutions "is not supported by EXPRESS state machines" and answers the
  ``StateMachineTypeNotSupported`` error (botocore model, stepfunctions 2016-11-23:
  ListExecutions' documentation and error shapes; the shape: "State machine type is not
  supported."). ListExecutions with ``stateMachineArn`` naming an EXPRESS machine (or one
  of its versions or aliases) is refused here, with HTTP 400 and moto's own wording of
  the message (from LocalStack's provider, which moto ships but does not use for this
  call). The documented exception -- "you may list EXPRESS children started by a map run
  using the mapRunArn parameter" -- is left to moto: a request naming a ``mapRunArn`` is
  never refused.
- "Execution history is not captured by Step Functions" for Express workflows (the
  execution guarantees table,
  https://docs.aws.amazon.com/step-functions/latest/dg/express-at-least-once-execution.html).
  moto keeps every execution with its interpreter state for ever; a demo starting EXPRESS
  executions every few seconds would grow without bound. Each EXPRESS machine keeps only
  its newest ``KEEP_FINISHED`` finished executions (running ones are never dropped). No
  documented API lists them, so nothing the console may rely on changes.
"""

from __future__ import annotations

import threading
from typing import Any

KEEP_FINISHED = 100
EXPRESS = "EXPRESS"
MESSAGE = "This operation is not supported by this type of state machine"

_installed = False
_lock = threading.Lock()


def _type_of(machine: Any) -> str:
    """moto keeps the real type in ``type`` (its ``sm_type`` is always STANDARD)."""
    return str(getattr(machine, "type", None) or "STANDARD")


def _machine_for(backend: Any, arn: str) -> Any | None:
    """The state machine (or version) `arn` names; None when moto does not know it (moto
    then answers as it always does, e.g. StateMachineDoesNotExist)."""
    try:
        return backend.describe_state_machine(arn)
    except Exception:
        pass
    base = arn.rsplit(":", 1)[0]  # an alias or version ARN: arn:...:stateMachine:name:qualifier
    if base.count(":") < 6:
        return None
    try:
        return backend.describe_state_machine(base)
    except Exception:
        return None


def _trim(machine: Any) -> None:
    """Drop all but the newest KEEP_FINISHED finished executions of an EXPRESS machine."""
    with _lock:
        executions = machine.executions
        finished = [e for e in executions if getattr(e, "status", "RUNNING") != "RUNNING"]
        if len(finished) <= KEEP_FINISHED:
            return
        drop = {id(e) for e in finished[: len(finished) - KEEP_FINISHED]}
        machine.executions[:] = [e for e in executions if id(e) not in drop]


def install() -> None:
    global _installed
    if _installed:
        return
    from moto.stepfunctions.exceptions import AWSError
    from moto.stepfunctions.parser.models import StepFunctionsParserBackend
    from moto.stepfunctions.responses import StepFunctionResponse

    class StateMachineTypeNotSupported(AWSError):
        TYPE = "StateMachineTypeNotSupported"
        STATUS = 400

    original_list = StepFunctionResponse.list_executions
    original_start = StepFunctionsParserBackend.start_execution

    def list_executions(self):  # type: ignore[no-untyped-def]
        arn = self._get_param("stateMachineArn")
        if arn and not self._get_param("mapRunArn"):
            machine = _machine_for(self.stepfunction_backend, arn)
            if machine is not None and _type_of(machine) == EXPRESS:
                raise StateMachineTypeNotSupported(MESSAGE)
        return original_list(self)

    def start_execution(self, state_machine_arn, *args, **kwargs):  # type: ignore[no-untyped-def]
        execution = original_start(self, state_machine_arn, *args, **kwargs)
        machine = _machine_for(self, state_machine_arn)
        if machine is not None and _type_of(machine) == EXPRESS:
            _trim(machine)
        return execution

    list_executions.__name__ = "list_executions"
    start_execution.__name__ = "start_execution"
    StepFunctionResponse.list_executions = list_executions
    StepFunctionsParserBackend.start_execution = start_execution
    _installed = True

