"""A state stopped in the middle of its work records no failure of its own.

When one iteration of a Map (or one branch of a Parallel) fails, the Map state fails
and AWS stops the other iterations: their history ends with ``MapIterationAborted``
(or ``ParallelStateAborted``), not with a failure of the task they were running
(HistoryEventType in botocore's stepfunctions 2016-11-23 model; "If any iteration
fails, the Map state fails", https://docs.aws.amazon.com/step-functions/latest/dg/state-map-inline.html).
StopExecution likewise ends an execution with ``ExecutionAborted`` only.

moto 5.2.5 stops such a frame by pruning every component it evaluates afterwards; a
Task state caught between two of its own steps then reads its stack empty-handed (a
Lambda task pops its parameters instead of its resource: ``'dict' object has no
attribute 'region'``), and that ``AttributeError`` is written into the history as a
``LambdaFunctionFailed`` of error ``Exception``. Seen in CI about one run in thirty
under load: a seeded batch with one out-of-stock item showed two failed Lambdas.
Here an execution state's error raised after its frame stopped is dropped: the frame
is no longer running, so moto's state evaluation returns without an event.
"""

from __future__ import annotations

from typing import Any

_installed = False


def install() -> None:
    global _installed
    if _installed:
        return
    from moto.stepfunctions.parser.asl.component.state.exec.execute_state import ExecutionState

    ExecutionState._evaluate_with_timeout = quiet_once_stopped(ExecutionState._evaluate_with_timeout)
    _installed = True


def quiet_once_stopped(evaluate: Any) -> Any:
    """`evaluate(state, env)`, its error dropped when `env` stopped running meanwhile."""

    def evaluate_with_timeout(self: Any, env: Any) -> None:
        try:
            evaluate(self, env)
        except Exception:
            if env.is_running():
                raise

    return evaluate_with_timeout
