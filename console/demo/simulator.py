"""Keep the demo estate alive: metrics, log lines, executions and ECS task churn.

moto produces no Lambda metrics or logs and never moves ECS on its own, so
the server calls `Simulator.tick(now)` every few seconds in demo mode. Tests
call it explicitly. Everything a tick writes is drawn from a `random.Random`
seeded with (seed, now), so the same seed and clock give the same figures.

Lambda's metrics are written the way Lambda writes them (tests/contract/test_lambda.py):

- In the dimension sets Lambda publishes, and only those: {} (the account's
  functions together), {FunctionName}, {FunctionName, Resource} for invocations
  through an alias ("name:alias") or of a version ("name:version"), and
  {FunctionName, Resource, ExecutedVersion} for invocations through an alias (the
  version the alias routed them to). Unqualified invocations have no Resource.
  Sources: https://docs.aws.amazon.com/lambda/latest/dg/monitoring-metrics-view.html and
  aws-cdk-lib's lambda-canned-metrics catalogue; the Resource values are not on an AWS page
  (aws-cdk#14248 shows them listed from a real account).
- The metrics of every level: Invocations, Errors, Throttles, Duration and
  ConcurrentExecutions (the catalogue has each at all four levels), plus
  UnreservedConcurrentExecutions account-wide only. Metrics of features the estate's
  traffic does not use (provisioned concurrency, extensions, async destinations, stream
  sources) are not written. Throttled requests never run: they count as Throttles, never
  as Invocations, and carry no ExecutedVersion.
- Stamped with each invocation's start and written once it has ended ("The timestamp
  on a metric reflects when the function was invoked", monitoring-metrics-view.html):
  a tick writes the invocations that ended by `now`, whichever minute they started in,
  and keeps the rest running for a later tick. CloudWatch's ingestion delay is the
  embedded AWS's (console.demo.extensions.cloudwatch_index).
- Duration as raw values (Values/Counts, each distinct value once, at most 150 per
  datum, at most 1000 metric data and 1 MB per PutMetricData), so percentiles exist.
"""

from __future__ import annotations

import json
import math
import random
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from console.aws.limits import PUT_METRIC_DATA_MAX_BYTES, PUT_METRIC_DATA_MAX_METRICS, PUT_METRIC_DATA_MAX_VALUES
from console.demo import control, estate as E
from console.demo.estate import Clients
from console.demo.extensions import ecs_metrics

TICK = timedelta(seconds=5)
EXECUTION_EVERY = 3  # ticks between order-processing executions
EVENTS_PER_TICK = 3.0  # order-events (EXPRESS) executions per tick, on average
ECS_CHURN_EVERY = 6  # ticks between worker-service's failed health checks (about every 30 s)
ECS_LINES_EVERY = 3  # ticks between request lines in each running task's log stream
ECS_SPOT_EVERY = 180  # ticks between Spot interruptions of api-service (about every 15 minutes)
ECS_PULL_FAILURE_EVERY = 480  # ticks between image pulls that fail (about every 40 minutes)
LOGGED_PER_TICK = 3  # invocations per function whose lines are written each tick
_BASE_ERROR_RATE = 0.004
MINUTE = timedelta(minutes=1)
_BODY_BUDGET = PUT_METRIC_DATA_MAX_BYTES * 9 // 10  # our JSON estimate of a request body, with a margin


@dataclass(frozen=True)
class Call:
    """One request to a function: an invocation that ran, or a throttled request (no
    `invocation`). `qualifier` is the alias or version it was made through (None:
    unqualified); `start` is when Lambda received it."""

    function: str
    qualifier: str | None
    start: datetime
    invocation: E.Invocation | None = None

    @property
    def end(self) -> datetime:
        if self.invocation is None:
            return self.start
        return self.start + timedelta(milliseconds=self.invocation.duration_ms)

    @property
    def version(self) -> str | None:
        return self.invocation.version if self.invocation else None


@dataclass
class FunctionFigures:
    """What one tick wrote for one function, summed over its versions."""

    invocations: int = 0
    errors: int = 0
    throttles: int = 0
    durations: list[float] = field(default_factory=list)
    by_version: Counter = field(default_factory=Counter)
    running: int = 0  # started, not ended by the tick: written by a later tick

    def as_dict(self) -> dict[str, Any]:
        return {
            "Invocations": self.invocations,
            "Errors": self.errors,
            "Throttles": self.throttles,
            "DurationSum": round(sum(self.durations), 2),
            "DurationMax": max(self.durations, default=0.0),
            "DurationMin": min(self.durations, default=0.0),
            "ByVersion": dict(self.by_version),
            "Running": self.running,
        }


class Simulator:
    """Writes one tick of traffic for the estate's functions, executions and tasks."""

    def __init__(self, endpoint: str, seed: int = 7, account: str | None = None, local: bool = False):
        """`local`: running inside the server's process (the demo), metrics go straight to
        its CloudWatch backend instead of over HTTP (an hour of raw durations is ~600,000
        values: botocore's serializer alone takes seconds)."""
        self.aws = Clients(endpoint, account)
        self.local = local
        self.seed = seed
        self.ticks = 0
        self._streams: dict[tuple[str, str], str] = {}
        self._stream_rng = random.Random(seed)
        self._running: list[Call] = []  # invocations still running at the last tick
        self._reserved: dict[str, bool] = {}  # function -> has reserved concurrency
        self._ecs_written: dict[tuple[str, str], datetime] = {}  # service -> last AWS/ECS minute written
        self._ecs_minute: datetime | None = None  # the minute of the last tick that looked at ECS
        self._ecs_logged: set[str] | None = None  # tasks whose stream has its start banner

    def tick(self, now: datetime) -> dict[str, Any]:
        """Requests for the 5 s ending at `now`; writes the metrics of every invocation that
        ended by `now` (stamped with its start) and returns what was written."""
        self.ticks += 1
        rng = random.Random(f"{self.seed}:{E.ms(now)}")
        functions = self._functions()
        calls = [c for c in self._running if c.function in functions]
        log_lines = 0
        for spec in E.FUNCTIONS:
            if spec.name not in functions:
                continue
            weights = self._live_weights(spec.name)
            qualifier = E.LIVE_ALIAS if weights[0][0] != "$LATEST" else None
            started = [Call(spec.name, qualifier, _start_in(rng, now, TICK), inv)
                       for inv in self._invocations(rng, spec, weights)]
            throttles = rng.randrange(1, 4) if spec.name == E.CANARY_FUNCTION and rng.random() < 0.15 else 0
            started += [Call(spec.name, qualifier, _start_in(rng, now, TICK)) for _ in range(throttles)]
            calls += started
        ended = [c for c in calls if c.end <= now]
        self._running = [c for c in calls if c.end > now]
        figures = {name: _figures([c for c in ended if c.function == name],
                                  sum(c.function == name for c in self._running))
                   for name in sorted(functions & set(E.FUNCTION_NAMES))}
        datums = lambda_datums(ended, TICK, self._reserved_of(functions & set(E.FUNCTION_NAMES)))
        self._put_metrics(datums)
        for spec in E.FUNCTIONS:
            if spec.name in functions:
                log_lines += self._write_logs(rng, spec, [c.invocation for c in ended
                                                          if c.function == spec.name and c.invocation], now)
        summary: dict[str, Any] = {
            "tick": self.ticks,
            "now": now.isoformat(),
            "functions": {name: fig.as_dict() for name, fig in figures.items()},
            "datums": len(datums),
            "log_lines": log_lines,
            "execution": None,
            "events": self._start_events(rng, now),
            "ecs_replaced": None,
            "ecs_metrics": self._ecs_metrics(now),
        }
        if self.ticks % EXECUTION_EVERY == 0:
            summary["execution"] = self._start_execution(rng)
        if self.ticks % ECS_CHURN_EVERY == 0:
            summary["ecs_replaced"] = self._churn_task(rng, now)
        if self.ticks % ECS_SPOT_EVERY == 0:
            summary["ecs_spot_interrupted"] = self._interrupt_spot(rng, now)
        if self.ticks % ECS_LINES_EVERY == 0:
            summary["ecs_log_lines"] = self._ecs_lines(rng, now)
        return summary

    def backfill(self, now: datetime, minutes: int = 60) -> int:
        """Per-minute Lambda metrics for the `minutes` before `now`, as if the estate had
        been running: the demo's windows and sparklines have a history from the first
        look (logs, executions and ECS start with the first tick). Returns datums written."""
        rng = random.Random(f"{self.seed}:backfill:{E.ms(now)}")
        functions = self._functions()
        first = now.replace(second=0, microsecond=0) - timedelta(minutes=minutes)
        ticks_per_minute = int(MINUTE / TICK)
        calls: list[Call] = []
        for spec in E.FUNCTIONS:
            if spec.name not in functions:
                continue
            weights = self._live_weights(spec.name)
            qualifier = E.LIVE_ALIAS if weights[0][0] != "$LATEST" else None
            for minute in range(minutes):
                start = first + timedelta(minutes=minute)
                calls += [Call(spec.name, qualifier, _start_in(rng, start + MINUTE, MINUTE), inv)
                          for _ in range(ticks_per_minute) for inv in self._invocations(rng, spec, weights)]
        datums = lambda_datums(calls, MINUTE, self._reserved_of(functions & set(E.FUNCTION_NAMES)))
        self._put_metrics(datums)
        return len(datums) + self._backfill_express(rng, first, minutes) + self._backfill_ecs(now, minutes)

    def _backfill_express(self, rng: random.Random, first: datetime, minutes: int) -> int:
        """The EXPRESS machine's AWS/States metrics for the backfilled minutes, as its
        executions would have written them (E.express_minute_datums): nothing ran, and
        AWS lists no EXPRESS executions, so nothing disagrees with them. STANDARD machines
        get none: their metrics must match the executions ListExecutions shows."""
        machine = self._machine_arn(E.EVENTS_MACHINE)
        if not self._exists(machine):
            return 0
        per_minute = EVENTS_PER_TICK * int(timedelta(minutes=1) / TICK)
        datums = [d for minute in range(minutes)
                  for d in E.express_minute_datums(rng, machine, first + timedelta(minutes=minute), per_minute)]
        cw = self.aws("cloudwatch")
        for i in range(0, len(datums), PUT_METRIC_DATA_MAX_METRICS):
            cw.put_metric_data(Namespace="AWS/States", MetricData=datums[i : i + PUT_METRIC_DATA_MAX_METRICS])
        return len(datums)

    # -- Lambda ------------------------------------------------------------

    def _functions(self) -> set[str]:
        lam = self.aws("lambda")
        names: set[str] = set()
        for page in lam.get_paginator("list_functions").paginate():
            names.update(f["FunctionName"] for f in page["Functions"])
        return names

    def _reserved_of(self, functions: set[str]) -> set[str]:
        """Which of `functions` (those with traffic) have reserved concurrency, asked once per
        function: their executions are not in UnreservedConcurrentExecutions."""
        lam = self.aws("lambda")
        for name in sorted(functions - set(self._reserved)):
            found = lam.get_function_concurrency(FunctionName=name).get("ReservedConcurrentExecutions")
            self._reserved[name] = found is not None
        return {name for name in functions if self._reserved.get(name)}

    def _live_weights(self, fn: str) -> list[tuple[str, float]]:
        """(version, share) pairs of the `live` alias, as Lambda would route."""
        lam = self.aws("lambda")
        try:
            alias = lam.get_alias(FunctionName=fn, Name=E.LIVE_ALIAS)
        except lam.exceptions.ResourceNotFoundException:
            return [("$LATEST", 1.0)]
        extra = alias.get("RoutingConfig", {}).get("AdditionalVersionWeights", {})
        weights = sorted(extra.items())
        return [(alias["FunctionVersion"], 1.0 - sum(w for _, w in weights)), *weights]

    def _invocations(
        self, rng: random.Random, spec: E.FunctionSpec, weights: list[tuple[str, float]]
    ) -> list[E.Invocation]:
        count = max(0, round(rng.gauss(spec.rate, spec.rate * 0.2)))
        versions = [v for v, _ in weights]
        shares = [w for _, w in weights]
        out = []
        injected = {v: _injected_failure(self.aws, spec.name, v) for v in versions}
        for i in range(count):
            version = rng.choices(versions, shares)[0]
            error_rate = E.CANARY_ERROR_RATE if (spec.name, version) == (E.CANARY_FUNCTION, E.CANARY_VERSION) else _BASE_ERROR_RATE
            error = "card declined by issuer" if rng.random() < error_rate else None
            if injected[version] is not None:  # control.fail_function: every invocation of it fails
                error = injected[version]
            cold = rng.random() < 0.02
            out.append(E.fake_invocation(rng, spec, version, cold=cold, error=error))
        return out

    def _put_metrics(self, datums: list[dict[str, Any]]) -> None:
        put_lambda_metrics(self.aws, datums, local=self.local)

    def _write_logs(self, rng: random.Random, spec: E.FunctionSpec, invocations: list[E.Invocation], now: datetime) -> int:
        """Lines for a few invocations per version, always including the failed ones."""
        logged = [inv for inv in invocations if inv.error]
        logged += [inv for inv in invocations if not inv.error][: max(0, LOGGED_PER_TICK - len(logged))]
        by_version: dict[str, list[str]] = {}
        for inv in logged:
            by_version.setdefault(inv.version, []).extend(
                E.invocation_lines(spec.name, inv, E.fake_app_lines(rng, spec, inv))
            )
        logs = self.aws("logs")
        group = f"/aws/lambda/{spec.name}"
        written = 0
        start = E.ms(now - TICK)
        for version, lines in sorted(by_version.items()):
            key = (spec.name, version)
            if key not in self._streams:
                E.ensure_log_group(logs, group)
                self._streams[key] = E.lambda_stream_name(now, version, self._stream_rng)
            written += E.put_lines(logs, group, self._streams[key], lines, start)
        return written

    # -- Step Functions ------------------------------------------------------

    def _start_execution(self, rng: random.Random) -> dict[str, Any] | None:
        """Start an order; one in five carries a payment failure, one in eight a bad order,
        one in twenty a confirmation that cannot be sent (a failed Parallel branch)."""
        sfn = self.aws("stepfunctions")
        machine = f"arn:aws:states:{E.REGION}:{self.aws.account_id}:stateMachine:{E.ORDER_MACHINE}"
        number = 5000 + self.ticks
        roll = rng.random()
        kind = "payment" if roll < 0.2 else "validation" if roll < 0.325 else "confirmation" if roll < 0.375 else "ok"
        order = E.order_input(
            rng,
            number,
            fail_payment="card declined" if kind == "payment" else None,
            fail_validation="missing shipping address" if kind == "validation" else None,
            fail_confirmation="mailbox unavailable" if kind == "confirmation" else None,
        )
        name = f"sim-{self.seed}-{self.ticks:06d}"
        try:
            sfn.start_execution(stateMachineArn=machine, name=name, input=json.dumps(order))
        except (sfn.exceptions.StateMachineDoesNotExist, sfn.exceptions.ExecutionAlreadyExists):
            return None
        return {"name": name, "kind": kind}

    def _machine_arn(self, name: str) -> str:
        return f"arn:aws:states:{E.REGION}:{self.aws.account_id}:stateMachine:{name}"

    def _exists(self, machine: str) -> bool:
        sfn = self.aws("stepfunctions")
        try:
            sfn.describe_state_machine(stateMachineArn=machine)
        except sfn.exceptions.StateMachineDoesNotExist:
            return False
        return True

    def _start_events(self, rng: random.Random, now: datetime) -> dict[str, int] | None:
        """A few order status events on the EXPRESS machine (about EVENTS_PER_TICK): most
        delivered, some malformed (fail), a few waiting on a partner (time out). They run
        in the server's interpreter, whose end writes their AWS/States metrics."""
        sfn = self.aws("stepfunctions")
        machine = self._machine_arn(E.EVENTS_MACHINE)
        count = max(0, round(rng.gauss(EVENTS_PER_TICK, 1.0)))
        started: Counter = Counter()
        for i in range(count):
            kind = E.event_kind(rng)
            name = f"evt-{self.seed}-{E.ms(now)}-{i}"
            try:
                sfn.start_execution(stateMachineArn=machine, name=name,
                                    input=json.dumps(E.order_event(rng, 7000 + self.ticks, kind)))
            except sfn.exceptions.StateMachineDoesNotExist:
                return None
            except sfn.exceptions.ExecutionAlreadyExists:  # the same seed and clock again
                continue
            started[kind] += 1
        return dict(started)

    # -- ECS -----------------------------------------------------------------

    def _ecs_metrics(self, now: datetime) -> int:
        """AWS/ECS utilisation for each complete minute not yet written (ECS writes once a
        minute, so a tick within the same minute as the last reads nothing); returns datums."""
        minute = now.replace(second=0, microsecond=0)
        if self._ecs_minute is not None and minute <= self._ecs_minute:
            return 0
        self._ecs_minute = minute
        datums = [datum for (cluster, service), tasks in sorted(self._running_services().items())
                  for moment in ecs_metrics.due_minutes(self._ecs_written, (cluster, service), now)
                  for datum in ecs_metrics.service_datums(self.seed, self.aws.account_id, self.aws.region,
                                                          cluster, service, tasks, moment)]
        put_metrics(self.aws, ecs_metrics.NAMESPACE, datums, local=self.local)
        return len(datums)

    def _backfill_ecs(self, now: datetime, minutes: int) -> int:
        """The demo cluster's services running now, as if they had run for the `minutes` before
        `now`. Other clusters' (the large estate's) build theirs from the first minute on: an
        hour for 2,000 services is 240,000 datums, seconds of the demo's start-up."""
        first = now.replace(second=0, microsecond=0) - minutes * MINUTE
        datums = []
        for (cluster, service), tasks in sorted(self._running_services().items()):
            if cluster != E.CLUSTER:
                continue
            for index in range(minutes):
                datums += ecs_metrics.service_datums(self.seed, self.aws.account_id, self.aws.region,
                                                     cluster, service, tasks, first + index * MINUTE)
            self._ecs_written[(cluster, service)] = first + (minutes - 1) * MINUTE
        put_metrics(self.aws, ecs_metrics.NAMESPACE, datums, local=self.local)
        return len(datums)

    def _running_services(self) -> dict[tuple[str, str], int]:
        """(cluster, service) -> RUNNING tasks of the account's ACTIVE services that have any:
        from the server's backend in its own process, else through the API (DescribeServices'
        runningCount, 10 services a call)."""
        if self.local:
            return ecs_metrics.running_by_service(self.aws.account_id, self.aws.region)
        ecs = self.aws("ecs")
        running: dict[tuple[str, str], int] = {}
        for page in ecs.get_paginator("list_clusters").paginate():
            for cluster_arn in page["clusterArns"]:
                arns = [arn for p in ecs.get_paginator("list_services").paginate(cluster=cluster_arn, maxResults=100)
                        for arn in p["serviceArns"]]
                for i in range(0, len(arns), 10):
                    for service in ecs.describe_services(cluster=cluster_arn, services=arns[i : i + 10])["services"]:
                        if service["status"] == "ACTIVE" and service.get("runningCount"):
                            running[(cluster_arn.rsplit("/", 1)[-1], service["serviceName"])] = service["runningCount"]
        return running

    def _ecs_lines(self, rng: random.Random, now: datetime) -> int:
        """What the cluster's RUNNING tasks print: a start banner the first time a task is seen
        running (a replacement, a deploy's new task), then request lines. Tasks already there
        when the simulator first looks were seeded with theirs. Returns lines written."""
        ecs = self.aws("ecs")
        try:
            arns = [arn for page in ecs.get_paginator("list_tasks").paginate(cluster=E.CLUSTER, desiredStatus="RUNNING")
                    for arn in page["taskArns"]]
        except ecs.exceptions.ClusterNotFoundException:
            return 0
        if self._ecs_logged is None:
            self._ecs_logged = {arn.rsplit("/", 1)[-1] for arn in arns}
        running = [task for i in range(0, len(arns), 100)
                   for task in ecs.describe_tasks(cluster=E.CLUSTER, tasks=arns[i : i + 100])["tasks"]
                   if task["lastStatus"] == "RUNNING"]
        logs = self.aws("logs")
        E.ensure_log_group(logs, E.ECS_LOG_GROUP)
        written = 0
        for task in sorted(running, key=lambda t: t["taskArn"]):
            task_id = task["taskArn"].rsplit("/", 1)[-1]
            lines = []
            if task_id not in self._ecs_logged:
                self._ecs_logged.add(task_id)
                lines += E.ecs_app_lines(rng, task_id, starting=True)
            lines += E.ecs_app_lines(rng, task_id, starting=False)
            written += E.put_lines(logs, E.ECS_LOG_GROUP, E.ecs_stream_name(task_id), lines, E.ms(now - TICK))
        self._ecs_logged &= {arn.rsplit("/", 1)[-1] for arn in arns}  # stopped tasks are gone for good
        return written

    def _service_tasks(self, service: str) -> list[dict[str, Any]]:
        """The service's tasks whose desired status is RUNNING, described; [] without the cluster."""
        ecs = self.aws("ecs")
        try:
            arns = ecs.list_tasks(cluster=E.CLUSTER, serviceName=service)["taskArns"]
        except (ecs.exceptions.ClusterNotFoundException, ecs.exceptions.ServiceNotFoundException):
            return []
        return ecs.describe_tasks(cluster=E.CLUSTER, tasks=arns)["tasks"] if arns else []

    def _churn_task(self, rng: random.Random, now: datetime) -> str | None:
        """One of worker-service's RUNNING tasks fails its container health check: the scheduler
        stops it (ServiceSchedulerInitiated, "Task failed container health checks", the event
        "(service worker-service) (task ...) failed container health checks.") and launches a
        replacement; every ECS_PULL_FAILURE_EVERY ticks that replacement cannot pull its image
        (TaskFailedToStart), so a CannotPullContainerError is always among the last hour's
        stopped tasks. Returns the failed task's id."""
        running = sorted(t["taskArn"] for t in self._service_tasks(E.WORKER_SERVICE)
                         if t["lastStatus"] == "RUNNING" and t.get("healthStatus") != "UNHEALTHY")
        if not running:
            return None
        victim = rng.choice(running)
        control.set_ecs_health(self.aws.endpoint, E.CLUSTER, victim, "UNHEALTHY", account=self.aws.account,
                               region=self.aws.region)
        task_id = victim.rsplit("/", 1)[-1]
        self._last_lines(task_id, now, "health check failed: GET /healthz timed out after 5000 ms")
        if self.ticks % ECS_PULL_FAILURE_EVERY == 0:
            self._fail_pull(E.WORKER_SERVICE)
        return task_id

    def _fail_pull(self, service: str) -> str | None:
        """The service's task still starting cannot pull its image: TaskFailedToStart."""
        starting = sorted(t["taskArn"] for t in self._service_tasks(service)
                          if t["lastStatus"] in ("PROVISIONING", "PENDING"))
        if not starting:
            return None
        control.stop_ecs_task(self.aws.endpoint, E.CLUSTER, starting[0], "TaskFailedToStart",
                              account=self.aws.account, region=self.aws.region)
        return starting[0].rsplit("/", 1)[-1]

    def _interrupt_spot(self, rng: random.Random, now: datetime) -> str | None:
        """Fargate reclaims one of api-service's FARGATE_SPOT tasks: SpotInterruption, "Your
        Spot Task was interrupted.", and the scheduler launches a replacement."""
        spot = sorted(t["taskArn"] for t in self._service_tasks(E.SERVICE)
                      if t.get("capacityProviderName") == "FARGATE_SPOT" and t["lastStatus"] == "RUNNING")
        if not spot:
            return None
        victim = rng.choice(spot)
        control.stop_ecs_task(self.aws.endpoint, E.CLUSTER, victim, "SpotInterruption",
                              account=self.aws.account, region=self.aws.region)
        task_id = victim.rsplit("/", 1)[-1]
        self._last_lines(task_id, now, "Spot interruption notice received: draining connections")
        return task_id

    def _last_lines(self, task_id: str, now: datetime, why: str) -> None:
        logs = self.aws("logs")
        E.ensure_log_group(logs, E.ECS_LOG_GROUP)
        E.put_lines(logs, E.ECS_LOG_GROUP, E.ecs_stream_name(task_id), [why, "Received SIGTERM, shutting down"],
                    E.ms(now))


def _injected_failure(aws: Clients, function: str, version: str) -> str | None:
    """The message of a failure injected with control.fail_function, if any (same process)."""
    from console.demo.extensions import lambda_invoke

    failure = lambda_invoke.failure_for(aws.account_id, aws.region, function, version)
    return failure[0] if failure else None


def _start_in(rng: random.Random, end: datetime, span: timedelta) -> datetime:
    """A moment in the `span` before `end` (millisecond precision)."""
    return end - timedelta(milliseconds=rng.randrange(1, int(span.total_seconds() * 1000) + 1))


def write_traffic(aws: Clients, function: str, now: datetime, invocations: int, alias: str = E.LIVE_ALIAS,
                  seed: int = 7) -> dict[str, Any]:
    """Write exactly `invocations` requests to `function` through `alias` (or a published
    version, when `alias` is a version number), all started at `now` and ended by the time
    this is called (a test calls it when they have), for a test.

    Through an alias the requests are split between its versions by its routing weights,
    exactly (largest remainders, not at random), so a test knows each version's count;
    versions failing through control.fail_function error on every request, the others
    never do. Metrics go to the dimension sets Lambda writes (lambda_datums, stamped at
    `now`), with START/END/REPORT log lines for each version. Works in any account: the
    function need not be part of the seeded estate.
    """
    lam = aws("lambda")
    config = lam.get_function_configuration(FunctionName=function)
    if alias.isdigit():
        weights = [(alias, 1.0)]
    else:
        alias_raw = lam.get_alias(FunctionName=function, Name=alias)
        extra = sorted((alias_raw.get("RoutingConfig") or {}).get("AdditionalVersionWeights", {}).items())
        weights = [(alias_raw["FunctionVersion"], 1.0 - sum(w for _, w in extra)), *extra]
    exact = [(v, invocations * w) for v, w in weights]
    counts = {v: int(x) for v, x in exact}
    for v, x in sorted(exact, key=lambda item: item[1] - int(item[1]), reverse=True)[: invocations - sum(counts.values())]:
        counts[v] += 1
    rng = random.Random(f"{seed}:{function}:{E.ms(now)}")
    spec = E.FunctionSpec(function, config.get("Runtime") or "", int(config.get("MemorySize") or 128), 1, 0, 50.0)
    out: list[E.Invocation] = []
    for version, count in counts.items():
        error = _injected_failure(aws, function, version)
        out += [E.fake_invocation(rng, spec, version, error=error) for _ in range(count)]
    reserved = lam.get_function_concurrency(FunctionName=function).get("ReservedConcurrentExecutions") is not None
    datums = lambda_datums([Call(function, alias, now, inv) for inv in out], MINUTE,
                           {function} if reserved else set())
    put_lambda_metrics(aws, datums)
    logs = aws("logs")
    group = f"/aws/lambda/{function}"
    E.ensure_log_group(logs, group)
    for version in sorted(counts):
        lines = [line for inv in out if inv.version == version for line in E.invocation_lines(function, inv, [])]
        if lines:
            E.put_lines(logs, group, E.lambda_stream_name(now, version, rng), lines, E.ms(now))
    return {"by_version": {v: {"invocations": sum(inv.version == v for inv in out),
                               "errors": sum(inv.version == v and inv.error is not None for inv in out)}
                           for v in counts}}


def put_lambda_metrics(aws: Clients, datums: list[dict[str, Any]], local: bool = False) -> int:
    """PutMetricData in AWS/Lambda (put_metrics)."""
    return put_metrics(aws, "AWS/Lambda", datums, local)


def put_metrics(aws: Clients, namespace: str, datums: list[dict[str, Any]], local: bool = False) -> int:
    """PutMetricData in `namespace`, in as few calls as its limits allow (at most 1000
    metric data and 1 MB a call); returns the number of calls. `local`: in the server's
    own process, straight to its CloudWatch backend (the same PutMetricData, extensions
    included, without the HTTP round trip)."""
    if local:
        from moto.cloudwatch.models import cloudwatch_backends

        backend = cloudwatch_backends[aws.account_id][aws.region]
        for i in range(0, len(datums), PUT_METRIC_DATA_MAX_METRICS):
            backend.put_metric_data(namespace, [dict(d) for d in datums[i : i + PUT_METRIC_DATA_MAX_METRICS]])
        return math.ceil(len(datums) / PUT_METRIC_DATA_MAX_METRICS)
    cw = aws("cloudwatch")
    calls = 0
    batch: list[dict[str, Any]] = []
    size = 0
    for datum in datums:
        weight = len(json.dumps(datum, default=str)) + 64  # the JSON body, with room for its framing
        if batch and (len(batch) >= PUT_METRIC_DATA_MAX_METRICS or size + weight > _BODY_BUDGET):
            cw.put_metric_data(Namespace=namespace, MetricData=batch)
            calls += 1
            batch, size = [], 0
        batch.append(datum)
        size += weight
    if batch:
        cw.put_metric_data(Namespace=namespace, MetricData=batch)
        calls += 1
    return calls


def _figures(calls: list[Call], running: int = 0) -> FunctionFigures:
    fig = FunctionFigures(running=running)
    for call in calls:
        inv = call.invocation
        if inv is None:
            fig.throttles += 1
            continue
        fig.invocations += 1
        fig.errors += inv.error is not None
        fig.durations.append(inv.duration_ms)
        fig.by_version[inv.version] += 1
    return fig


def dimension_sets(call: Call) -> list[tuple[tuple[str, str], ...]]:
    """The dimension sets Lambda publishes a request under: the account, the function, the
    alias or version it was made through ("name:qualifier"), and, through an alias, the
    version that ran."""
    sets: list[tuple[tuple[str, str], ...]] = [(), (("FunctionName", call.function),)]
    if call.qualifier and call.qualifier != "$LATEST":
        resource = (("FunctionName", call.function), ("Resource", f"{call.function}:{call.qualifier}"))
        sets.append(resource)
        if not call.qualifier.isdigit() and call.version is not None:
            sets.append(resource + (("ExecutedVersion", call.version),))
    return sets


def lambda_datums(calls: list[Call], span: timedelta, reserved: set[str] = frozenset()) -> list[dict[str, Any]]:
    """AWS/Lambda datums for `calls` (all ended), per dimension set and per minute they
    started in: Invocations, Errors, Throttles, ConcurrentExecutions (the executions'
    time over `span`, as a Maximum) and Duration as raw values; UnreservedConcurrentExecutions
    account-wide only (functions with reserved concurrency left out)."""
    groups: dict[tuple[tuple[tuple[str, str], ...], datetime], list[Call]] = {}
    for call in calls:
        minute = call.start.replace(second=0, microsecond=0)
        for dims in dimension_sets(call):
            groups.setdefault((dims, minute), []).append(call)
    datums: list[dict[str, Any]] = []
    for (dims, minute), group in sorted(groups.items(), key=lambda item: (item[0][1], item[0][0])):
        runs = [c.invocation for c in group if c.invocation is not None]
        dimensions = [{"Name": n, "Value": v} for n, v in dims]

        def datum(name: str, unit: str, **value: Any) -> dict[str, Any]:
            return {"MetricName": name, "Dimensions": dimensions, "Timestamp": minute, "Unit": unit, **value}

        concurrency = _concurrency(runs, span)
        datums += [
            datum("Invocations", "Count", Value=len(runs)),
            datum("Errors", "Count", Value=sum(inv.error is not None for inv in runs)),
            datum("Throttles", "Count", Value=sum(c.invocation is None for c in group)),
            datum("ConcurrentExecutions", "Count", Value=concurrency),
        ]
        if not dims:
            unreserved = [c.invocation for c in group if c.invocation is not None and c.function not in reserved]
            datums.append(datum("UnreservedConcurrentExecutions", "Count", Value=_concurrency(unreserved, span)))
        durations = Counter(inv.duration_ms for inv in runs)
        values = sorted(durations)
        for i in range(0, len(values), PUT_METRIC_DATA_MAX_VALUES):
            chunk = values[i : i + PUT_METRIC_DATA_MAX_VALUES]
            datums.append(datum("Duration", "Milliseconds", Values=chunk, Counts=[durations[v] for v in chunk]))
    return datums


def _concurrency(runs: list[E.Invocation], span: timedelta) -> int:
    """Executions in flight on average over `span`, rounded up (a stand-in for Lambda's
    sampled maximum)."""
    return math.ceil(sum(inv.duration_ms for inv in runs) / span.total_seconds() / 1000) if runs else 0
