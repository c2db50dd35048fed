"""RedriveExecution on moto's interpreter, following Step Functions' documentation.

moto 5.2.5 has no RedriveExecution (HTTP 500). Sources: the developer guide's
"Redriving executions" (https://docs.aws.amazon.com/step-functions/latest/dg/redrive-executions.html),
the API reference and botocore model (RedriveExecution, DescribeExecution, ListExecutions,
ExecutionRedrivenEventDetails; stepfunctions 2016-11-23) and "Redriving Map Runs"
(https://docs.aws.amazon.com/step-functions/latest/dg/redrive-map-run.html).

Reproduced:

- Only STANDARD executions that ended FAILED, TIMED_OUT or ABORTED, whose stop is at most
  14 days ago on the embedded AWS's clock (console.demo.clock: tests move it), with fewer
  than 24,999 history events, can be redriven. Otherwise ``ExecutionNotRedrivable``
  (HTTP 400); its message is the documented ``redriveStatusReason`` ("Execution is RUNNING
  and cannot be redriven.", "Execution is SUCCEEDED and cannot be redriven.", "Execution
  redrivable period exceeded.", "Execution history event limit exceeded."; the error's own
  text is not documented). EXPRESS executions: "This API action is not supported by
  EXPRESS state machines": ``ExecutionNotRedrivable`` as well (AWS would not find them).
  Unknown executions: ``ExecutionDoesNotExist``; malformed ARNs: ``InvalidArn`` (moto's).
- The redrive continues the same execution (same ARN, same definition, same
  ``$$.Execution`` context) from the unsuccessful state: the top-level state with a
  ``<Type>StateEntered`` event and no matching ``<Type>StateExited`` ("A parent workflow
  redrives unsuccessful states if there's no <stateType>Exited event corresponding to the
  <stateType>Entered event"), with the input that state was entered with. States that
  completed are not rerun. Per the guide's table this makes a failed Task run again (its
  Retry attempts start from 0 again), a Choice be re-evaluated, a Fail state fail again,
  a Wait wait again. The history keeps every earlier event; an ``ExecutionRedriven``
  event (``executionRedrivenEventDetails.redriveCount``) follows them, then the rerun's
  events, numbered on from the last one. The state machine's TimeoutSeconds counts from
  the redrive ("reset to 0").
- ListExecutions' order: "Running executions are sorted by their startDate or
  redriveDate, and other executions are sorted by their stopDate", most recent first
  (moto sorts by startDate only).
- ``redriveCount`` (0 until redriven) and ``redriveDate`` in DescribeExecution and
  ListExecutions; ``redriveStatus`` (REDRIVABLE / NOT_REDRIVABLE) and
  ``redriveStatusReason`` in DescribeExecution; ListExecutions' ``redriveFilter``
  (REDRIVEN / NOT_REDRIVEN). RedriveExecution answers ``{"redriveDate": ...}``.
- ``clientToken``: "The API will return idempotent responses for the last 10 client tokens
  used to successfully redrive the execution. These client tokens are valid for up to 15
  minutes after they are first used": such a repeat answers the first call's redriveDate
  and redrives nothing.
- AWS/States metrics: ExecutionsRedriven at the redrive, and at its end the Executions*
  outcome metric together with its RedrivenExecutions* twin (console.demo.extensions.sfn_metrics).

Not reproduced:

- Parallel and inline Map states are rerun whole: AWS reruns only the branches and
  iterations that failed or were aborted. Distributed Map runs are not redriven.
- Whether AWS writes a fresh ``<Type>StateEntered`` for the state it reruns is not
  documented; the interpreter writes one (it enters the state anew).
- A Wait with a Timestamp in the past is exited at once on AWS; the interpreter's Wait
  does the same only because the moment has passed (equivalent), a Task's own
  TimeoutSeconds restarts with the rerun as documented.
- Dates: redriveDate and the 14-day window use the embedded AWS's clock; the execution's
  startDate, stopDate and event timestamps are moto's (real time).
- "Execution was started before the launch of RedriveExecution" and the one-year maximum
  open time cannot happen here. ExecutionLimitExceeded is never answered.
"""

from __future__ import annotations

import json
import threading
from datetime import datetime, timedelta, timezone
from typing import Any

from console.demo import clock as demo_clock

REDRIVABLE_PERIOD = timedelta(days=14)
MAX_EVENTS = 24_999
TOKENS_KEPT = 10
TOKEN_LIFETIME = timedelta(minutes=15)
REDRIVE_ATTRIBUTE = "_opsdeck_redrive"

REASON_RUNNING = "Execution is RUNNING and cannot be redriven."
REASON_SUCCEEDED = "Execution is SUCCEEDED and cannot be redriven."
REASON_PERIOD = "Execution redrivable period exceeded."
REASON_EVENTS = "Execution history event limit exceeded."
REASON_EXPRESS = "This operation is not supported by this type of state machine"

_lock = threading.Lock()
_installed = False


class RedriveRecord:
    """What the embedded AWS remembers of an execution's redrives."""

    def __init__(self) -> None:
        self.count = 0
        self.date: datetime | None = None
        self.tokens: list[tuple[str, datetime, datetime]] = []  # (clientToken, first used, redriveDate)

    def repeat_of(self, token: str | None, now: datetime) -> datetime | None:
        """The redriveDate of an earlier successful redrive with this token, while it is valid."""
        if not token:
            return None
        for known, first_used, date in self.tokens:
            if known == token and now - first_used <= TOKEN_LIFETIME:
                return date
        return None

    def remember(self, token: str | None, now: datetime) -> None:
        if token:
            self.tokens = (self.tokens + [(token, now, now)])[-TOKENS_KEPT:]


def record_of(execution: Any) -> RedriveRecord:
    record = getattr(execution, REDRIVE_ATTRIBUTE, None)
    if record is None:
        record = RedriveRecord()
        setattr(execution, REDRIVE_ATTRIBUTE, record)
    return record


def redrive_count(execution: Any) -> int:
    record = getattr(execution, REDRIVE_ATTRIBUTE, None)
    return record.count if record else 0


def _status(execution: Any) -> str:
    return str(getattr(execution.exec_status, "value", execution.exec_status))


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)


def _events(execution: Any) -> list[dict[str, Any]]:
    worker = execution.exec_worker
    if worker is None or worker.env is None:
        return []
    return list(worker.env.event_manager.get_event_history())


def not_redrivable_reason(execution: Any, now: datetime) -> str | None:
    """Why RedriveExecution would refuse this execution now; None when it would not."""
    if str(getattr(execution.state_machine, "type", "STANDARD")) == "EXPRESS":
        return REASON_EXPRESS
    status = _status(execution)
    if status == "RUNNING":
        return REASON_RUNNING
    if status == "SUCCEEDED":
        return REASON_SUCCEEDED
    if execution.stop_date is not None and now - _aware(execution.stop_date) > REDRIVABLE_PERIOD:
        return REASON_PERIOD
    if len(_events(execution)) >= MAX_EVENTS:
        return REASON_EVENTS
    return None


def unsuccessful_state(definition: dict[str, Any], events: list[dict[str, Any]]) -> tuple[str, Any] | None:
    """(name, input) of the last top-level state entered and never exited; None when every
    entered state was exited."""
    top_level = set(definition.get("States", {}))
    open_states: dict[str, Any] = {}
    order: list[str] = []
    for event in events:
        entered = event.get("stateEnteredEventDetails")
        exited = event.get("stateExitedEventDetails")
        if entered and entered.get("name") in top_level:
            open_states[entered["name"]] = entered.get("input")
            order.append(entered["name"])
        elif exited and exited.get("name") in top_level:
            open_states.pop(exited["name"], None)
    for name in reversed(order):
        if name in open_states:
            raw = open_states[name]
            try:
                return name, json.loads(raw) if isinstance(raw, str) else raw
            except ValueError:
                return name, raw
    return None


def install() -> None:
    global _installed
    if _installed:
        return
    from moto.stepfunctions.exceptions import AWSError
    from moto.stepfunctions.parser.api import ExecutionStatus, HistoryEventType
    from moto.stepfunctions.parser.asl.component.common.flow.start_at import StartAt
    from moto.stepfunctions.parser.asl.eval.event.event_detail import EventDetails
    from moto.stepfunctions.parser.asl.eval.event.event_manager import EventHistoryContext
    from moto.stepfunctions.parser.backend.execution_worker import ExecutionWorker
    from moto.stepfunctions.parser.utils import TMP_THREADS
    from moto.stepfunctions.responses import ActionResult, StepFunctionResponse

    from console.demo.extensions import sfn_metrics

    class ExecutionNotRedrivable(AWSError):
        TYPE = "ExecutionNotRedrivable"
        STATUS = 400

    class RedriveWorker(ExecutionWorker):
        """Runs an execution's program again from one state, appending to its history."""

        def prepare(self, previous: ExecutionWorker, start_at: str, state_input: Any, count: int) -> None:
            """Everything before the interpreter thread, so the history never looks empty."""
            self._program = self._get_evaluation_entrypoint()
            self._program.start_at = StartAt(start_at)
            env = self._get_evaluation_environment()
            env.event_manager = previous.env.event_manager  # the same events and id counter
            last_id = max((e["id"] for e in env.event_manager.get_event_history()), default=0)
            env.event_history_context = EventHistoryContext(previous_event_id=last_id)
            env.states.reset(state_input)
            env.event_manager.add_event(
                context=env.event_history_context,
                event_type=HistoryEventType.ExecutionRedriven,
                event_details=EventDetails(executionRedrivenEventDetails={"redriveCount": count}),
            )
            self.env = env

        def _execution_logic(self) -> None:
            self._program.eval(self.env)
            self._execution_communication.terminated()

    def redrive(execution: Any, now: datetime, record: RedriveRecord) -> None:
        definition = json.loads(execution.state_machine.definition)
        events = _events(execution)
        restart = unsuccessful_state(definition, events)
        if restart is None:  # nothing entered and left open: run from the start, as entered
            restart = (definition["StartAt"], execution.input_data)
        worker = RedriveWorker(
            evaluation_details=execution.exec_worker._evaluation_details,
            exec_comm=execution._get_start_execution_worker_comm(),
            cloud_watch_logging_session=execution._cloud_watch_logging_session,
            activity_store=execution._activity_store,
        )
        record.count += 1
        record.date = now
        worker.prepare(execution.exec_worker, restart[0], restart[1], record.count)
        execution.exec_worker = worker
        execution.exec_status = ExecutionStatus.RUNNING
        execution.stop_date = None
        execution.error = execution.cause = execution.output = None
        sfn_metrics.on_redrive(execution)
        thread = threading.Thread(target=worker._execution_logic, daemon=True)
        TMP_THREADS.append(thread)
        thread.start()

    def redrive_execution(self):  # type: ignore[no-untyped-def]
        arn = self._get_param("executionArn")
        token = self._get_param("clientToken")
        execution = self.stepfunction_backend.describe_execution(arn)
        now = demo_clock.now()
        with _lock:
            record = record_of(execution)
            earlier = record.repeat_of(token, now)
            if earlier is not None:
                return ActionResult({"redriveDate": earlier})
            reason = not_redrivable_reason(execution, now)
            if reason is not None:
                raise ExecutionNotRedrivable(reason)
            redrive(execution, now, record)
            record.remember(token, now)
        return ActionResult({"redriveDate": now})

    redrive_execution.__name__ = "redrive_execution"
    StepFunctionResponse.redrive_execution = redrive_execution
    _patch_reads(StepFunctionResponse)
    _patch_list_order()
    _installed = True


def listed_at(execution: Any) -> datetime:
    """When ListExecutions places an execution: "Running executions are sorted by their
    startDate or redriveDate, and other executions are sorted by their stopDate"."""
    record = getattr(execution, REDRIVE_ATTRIBUTE, None)
    if _status(execution) == "RUNNING":
        moment = record.date if record is not None and record.date is not None else execution.start_date
    else:
        moment = execution.stop_date or execution.start_date
    return _aware(moment)


def _patch_list_order() -> None:
    """moto lists executions by startDate; AWS by the moment above, most recent first."""
    from moto.stepfunctions.models import StepFunctionBackend
    from moto.stepfunctions.utils import PAGINATION_MODEL
    from moto.utilities.paginator import paginate

    unpaged = StepFunctionBackend.list_executions.__wrapped__

    def list_executions(self, state_machine_arn, status_filter=None):  # type: ignore[no-untyped-def]
        return sorted(unpaged(self, state_machine_arn, status_filter=status_filter), key=listed_at, reverse=True)

    list_executions.__name__ = "list_executions"
    StepFunctionBackend.list_executions = paginate(PAGINATION_MODEL)(list_executions)


def _fields(execution: Any, now: datetime, describe: bool) -> dict[str, Any]:
    """The redrive fields of one execution, for DescribeExecution (`describe`) or ListExecutions."""
    if str(getattr(execution.state_machine, "type", "STANDARD")) == "EXPRESS":
        return {}
    record = getattr(execution, REDRIVE_ATTRIBUTE, None)
    fields: dict[str, Any] = {"redriveCount": record.count if record else 0}
    if record is not None and record.date is not None:
        fields["redriveDate"] = record.date
    if describe:
        reason = not_redrivable_reason(execution, now)
        fields["redriveStatus"] = "REDRIVABLE" if reason is None else "NOT_REDRIVABLE"
        if reason is not None:
            fields["redriveStatusReason"] = reason
    if _status(execution) == "TIMED_OUT" and execution.stop_date is not None:
        fields["stopDate"] = execution.stop_date  # moto leaves it out for TIMED_OUT only
    return fields


def _patch_reads(response_class: Any) -> None:
    original_describe = response_class.describe_execution
    original_list = response_class.list_executions

    def describe_execution(self):  # type: ignore[no-untyped-def]
        result = original_describe(self)
        execution = self.stepfunction_backend.describe_execution(self._get_param("executionArn"))
        result.result.update(_fields(execution, demo_clock.now(), describe=True))
        return result

    def list_executions(self):  # type: ignore[no-untyped-def]
        result = original_list(self)
        wanted = self._get_param("redriveFilter")
        backend = self.stepfunction_backend
        by_arn = {e.execution_arn: e for machine in backend.state_machines for e in machine.executions}
        now = demo_clock.now()
        items = []
        for item in result.result["executions"]:
            execution = by_arn.get(item["executionArn"])
            if execution is not None:
                item.update(_fields(execution, now, describe=False))
            redriven = item.get("redriveCount", 0) > 0
            if wanted == "REDRIVEN" and not redriven or wanted == "NOT_REDRIVEN" and redriven:
                continue
            items.append(item)
        result.result["executions"] = items
        return result

    describe_execution.__name__ = "describe_execution"
    list_executions.__name__ = "list_executions"
    response_class.describe_execution = describe_execution
    response_class.list_executions = list_executions
