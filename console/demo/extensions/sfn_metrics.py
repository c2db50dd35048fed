"""AWS/States execution metrics, written where moto's interpreter starts and ends executions.

moto 5.2.5 publishes no Step Functions metrics. AWS documents, for every state machine,
STANDARD and EXPRESS alike ("All state machines emit metrics", the execution metrics of
https://docs.aws.amazon.com/step-functions/latest/dg/procedure-cw-metrics.html):

- ExecutionsStarted, ExecutionsSucceeded, ExecutionsFailed, ExecutionsAborted,
  ExecutionsTimedOut: counts (unit Count, read with Sum);
- ExecutionTime: "Interval, in milliseconds, between the time the execution starts and
  the time it closes" (unit Milliseconds, read with Average);
- ExecutionThrottled: "will only be emitted in the case of throttled execution" (state
  transition throttling). The embedded AWS throttles no state transition, so it never
  writes it;
- dimension ``StateMachineArn``; "Step Functions emits two ExecutionsStarted metrics for
  every state machine execution ... ExecutionStarted=1 and then ExecutionStarted=0 after
  the execution completes": so do we, which is why only Sum counts executions.

The figures are what ran: ExecutionsStarted is written when moto's ``Execution.start``
runs, the outcome when its interpreter thread reports the end (``terminated``): one
datapoint of 1 for the status the execution ended with and 0 for the other four outcome
metrics, and ExecutionTime = the execution's own stopDate - startDate (what
DescribeExecution reports; with OPSDECK_SFN_TIME_SCALE the Wait and Retry sleeps inside
it are scaled, so long-waiting executions read shorter than on AWS). Datapoints are
stamped with the embedded AWS's clock (console.demo.clock) at the moment they are
written. Executions started through a version or an alias count under their state
machine's ARN; the {StateMachineArn, Version} and {StateMachineArn, Alias} sets and the
account-level (dimensionless) series are not written.

Redriven executions (console.demo.extensions.sfn_redrive), as the same page's "Redrive
execution metrics for Standard Workflows" lists them: ExecutionsRedriven (1) when redriven;
at the end "the Executions* metric is emitted" for the outcome, and its RedrivenExecutions*
twin (RedrivenExecutionsSucceeded, -Failed, -Aborted, -TimedOut: 1 for the outcome, 0 for
the others), ExecutionTime from the original startDate. No second ExecutionsStarted: the
redrive started no execution.

`put_execution_metrics` writes the same datapoints for an execution that did not run in
the interpreter (the large estate's stored records, the simulator's backfill).
"""

from __future__ import annotations

import logging
from datetime import datetime, timezone
from typing import Any

from console.demo import clock as demo_clock

log = logging.getLogger("opsdeck.demo.sfn_metrics")

NAMESPACE = "AWS/States"
OUTCOMES = {
    "SUCCEEDED": "ExecutionsSucceeded",
    "FAILED": "ExecutionsFailed",
    "ABORTED": "ExecutionsAborted",
    "TIMED_OUT": "ExecutionsTimedOut",
}
REDRIVEN_OUTCOMES = {f"REDRIVEN_{status}": metric.replace("Executions", "RedrivenExecutions", 1)
                     for status, metric in OUTCOMES.items()}
_installed = False


def _cloudwatch(account: str, region: str) -> Any:
    from moto.cloudwatch.models import cloudwatch_backends

    return cloudwatch_backends[account][region]


def _dims(machine_arn: str) -> list[dict[str, str]]:
    return [{"Name": "StateMachineArn", "Value": machine_arn}]


def started_datums(machine_arn: str, at: datetime, value: float = 1.0) -> list[dict[str, Any]]:
    return [{"MetricName": "ExecutionsStarted", "Dimensions": _dims(machine_arn), "Timestamp": at,
             "Value": value, "Unit": "Count"}]


def ended_datums(machine_arn: str, status: str, at: datetime, duration_ms: float | None,
                 redriven: bool = False) -> list[dict[str, Any]]:
    """The outcome metrics of one execution that closed with `status` at `at`, the second
    ExecutionsStarted (0) and, when known, its ExecutionTime. `redriven`: the close of a
    redrive, with the RedrivenExecutions* metrics instead of the second ExecutionsStarted."""
    dims = _dims(machine_arn)
    datums = [] if redriven else started_datums(machine_arn, at, 0.0)
    outcomes = {**OUTCOMES, **REDRIVEN_OUTCOMES} if redriven else OUTCOMES
    datums += [{"MetricName": metric, "Dimensions": dims, "Timestamp": at, "Unit": "Count",
                "Value": 1.0 if outcome.removeprefix("REDRIVEN_") == status else 0.0}
               for outcome, metric in outcomes.items()]
    if duration_ms is not None:
        datums.append({"MetricName": "ExecutionTime", "Dimensions": dims, "Timestamp": at,
                       "Value": max(0.0, duration_ms), "Unit": "Milliseconds"})
    return datums


def _as_moto_stores_it(moment: datetime) -> datetime:
    """moto keeps PutMetricData timestamps as naive UTC (its request parser's output);
    a mix of naive and aware ones breaks its own timestamp comparisons."""
    return moment.astimezone(timezone.utc).replace(tzinfo=None) if moment.tzinfo else moment


def put(account: str, region: str, datums: list[dict[str, Any]]) -> None:
    """PutMetricData into the account's CloudWatch, from inside the server's process."""
    if datums:
        datums = [{**d, "Timestamp": _as_moto_stores_it(d["Timestamp"])} for d in datums]
        _cloudwatch(account, region).put_metric_data(NAMESPACE, datums)


def put_execution_metrics(account: str, region: str, machine_arn: str, status: str,
                          start: datetime, stop: datetime | None) -> None:
    """Every datapoint one execution produces: started at `start`, its outcome at `stop`
    (None: still running)."""
    datums = started_datums(machine_arn, start)
    if stop is not None and status in OUTCOMES:
        datums += ended_datums(machine_arn, status, stop, (stop - start).total_seconds() * 1000)
    put(account, region, datums)


def machine_arn_of(execution: Any) -> str:
    """The state machine an execution counts under (a version's own machine for versions)."""
    machine = execution.state_machine
    return getattr(machine, "source_arn", None) or machine.arn


def _aware(moment: Any) -> datetime | None:
    if not isinstance(moment, datetime):
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)


def _on_start(execution: Any) -> None:
    put(execution.account_id, execution.region_name, started_datums(machine_arn_of(execution), demo_clock.now()))


def _on_end(execution: Any) -> None:
    status = getattr(execution.exec_status, "value", execution.exec_status)
    if status not in OUTCOMES:
        return
    start, stop = _aware(execution.start_date), _aware(execution.stop_date)
    duration = (stop - start).total_seconds() * 1000 if start and stop else None
    from console.demo.extensions.sfn_redrive import redrive_count

    put(execution.account_id, execution.region_name,
        ended_datums(machine_arn_of(execution), status, demo_clock.now(), duration,
                     redriven=redrive_count(execution) > 0))


def on_redrive(execution: Any) -> None:
    """ExecutionsRedriven, when an execution is redriven (never fails the redrive)."""
    try:
        put(execution.account_id, execution.region_name, [{
            "MetricName": "ExecutionsRedriven", "Dimensions": _dims(machine_arn_of(execution)),
            "Timestamp": demo_clock.now(), "Value": 1.0, "Unit": "Count"}])
    except Exception:
        log.exception("ExecutionsRedriven not written for %s", getattr(execution, "exec_arn", "?"))


def install() -> None:
    global _installed
    if _installed:
        return
    from moto.stepfunctions.parser.backend import execution as execution_module

    original_start = execution_module.Execution.start
    original_terminated = execution_module.BaseExecutionWorkerCommunication.terminated

    def start(self) -> None:  # type: ignore[no-untyped-def]
        if not self.exec_worker:  # moto refuses a second start; count only real ones
            try:  # before the interpreter thread starts: it may end before start() returns
                _on_start(self)
            except Exception:  # metrics are best effort on AWS too; never fail the call
                log.exception("ExecutionsStarted not written for %s", getattr(self, "exec_arn", "?"))
        original_start(self)

    def terminated(self) -> None:  # type: ignore[no-untyped-def]
        original_terminated(self)
        try:
            _on_end(self.execution)
        except Exception:
            log.exception("outcome metrics not written for %s", getattr(self.execution, "exec_arn", "?"))

    execution_module.Execution.start = start
    execution_module.BaseExecutionWorkerCommunication.terminated = terminated
    _installed = True
