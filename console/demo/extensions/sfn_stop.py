"""StopExecution keeping its error and cause, on moto's interpreter.

moto 5.2.5 ignores StopExecution's ``error`` and ``cause`` (it stops every execution with
empty strings) and marks the execution ABORTED only when its interpreter thread next
notices. AWS (botocore model, stepfunctions 2016-11-23; API reference
https://docs.aws.amazon.com/step-functions/latest/apireference/API_StopExecution.html):

- ``error``: "The error code of the failure" (0-256 characters), ``cause``: "A more
  detailed explanation of the cause of the failure" (0-32768); longer ones are refused
  with ``ValidationException`` (the generic constraint text, AWS documents none).
- The ``ExecutionAborted`` history event carries them (ExecutionAbortedEventDetails:
  error, cause); left out when not given.
- DescribeExecution's ``error`` and ``cause`` are the execution's; for an execution
  stopped with them the embedded AWS returns them (the model documents the fields as
  "if the state machine execution failed"; that AWS also fills them for an aborted one is
  observed, not documented).
- The answer's ``stopDate`` is the execution's stopDate: status ABORTED and that date
  are visible to DescribeExecution as soon as StopExecution returns.

Stopping an execution that has already ended changes nothing (moto's behaviour, kept).
"""

from __future__ import annotations

import datetime
from typing import Any

MAX_ERROR = 256
MAX_CAUSE = 32768
_installed = False


def _constraint(name: str, most: int) -> str:
    return (f"1 validation error detected: Value at '{name}' failed to satisfy constraint: "
            f"Member must have length less than or equal to {most}")


def install() -> None:
    global _installed
    if _installed:
        return
    from moto.stepfunctions.exceptions import ValidationException
    from moto.stepfunctions.parser.api import ExecutionStatus
    from moto.stepfunctions.parser.asl.eval.program_state import ProgramStopped
    from moto.stepfunctions.parser.backend import execution as execution_module
    from moto.stepfunctions.responses import ActionResult, StepFunctionResponse

    def stop_execution(self):  # type: ignore[no-untyped-def]
        arn = self._get_param("executionArn")
        error, cause = self._get_param("error"), self._get_param("cause")
        for name, value, most in (("error", error, MAX_ERROR), ("cause", cause, MAX_CAUSE)):
            if value is not None and len(value) > most:
                raise ValidationException(_constraint(name, most))
        execution = self.stepfunction_backend.describe_execution(arn)
        worker = execution.exec_worker
        if worker is not None and worker.env is not None:
            stop_date = datetime.datetime.now(tz=datetime.timezone.utc)
            execution.stop(stop_date=stop_date, error=error, cause=cause)
            if isinstance(worker.env.program_state(), ProgramStopped):
                _aborted(execution, stop_date, error, cause)
        return ActionResult({"stopDate": execution.stop_date})

    def _aborted(execution: Any, stop_date: datetime.datetime, error: str | None, cause: str | None) -> None:
        execution.exec_status = ExecutionStatus.ABORTED
        execution.stop_date = stop_date
        execution.error, execution.cause = error, cause

    original_reflect = execution_module.BaseExecutionWorkerCommunication._reflect_execution_status

    def _reflect_execution_status(self) -> None:  # type: ignore[no-untyped-def]
        original_reflect(self)
        state = self.execution.exec_worker.env.program_state()
        if isinstance(state, ProgramStopped):  # the stop's own date, error and cause
            _aborted(self.execution, state.stop_date, state.error, state.cause)

    stop_execution.__name__ = "stop_execution"
    StepFunctionResponse.stop_execution = stop_execution
    execution_module.BaseExecutionWorkerCommunication._reflect_execution_status = _reflect_execution_status
    _installed = True
