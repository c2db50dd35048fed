"""Keep the demo estate alive: metrics, log lines, executions and ECS task churn.

moto produces no Lambda metrics or logs and never moves ECS on its own, so
the server calls `Simulator.tick(now)` every few seconds in demo mode. Tests
call it explicitly. Everything a tick writes is drawn from a `random.Random`
seeded with (seed, now), so the same seed and clock give the same figures.
"""

from __future__ import annotations

import json
import math
import random
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from console.demo import control, estate as E
from console.demo.estate import Clients

TICK = timedelta(seconds=5)
EXECUTION_EVERY = 3  # ticks between order-processing executions
EVENTS_PER_TICK = 3.0  # order-events (EXPRESS) executions per tick, on average
ECS_CHURN_EVERY = 6  # ticks between ECS task replacements
LOGGED_PER_TICK = 3  # invocations per function whose lines are written each tick
_BASE_ERROR_RATE = 0.004
_PUT_BATCH = 500


@dataclass
class FunctionFigures:
    """What one tick reported for one function, summed over its versions."""

    invocations: int = 0
    errors: int = 0
    throttles: int = 0
    durations: list[float] = field(default_factory=list)
    by_version: Counter = field(default_factory=Counter)

    def as_dict(self) -> dict[str, Any]:
        return {
            "Invocations": self.invocations,
            "Errors": self.errors,
            "Throttles": self.throttles,
            "DurationSum": round(sum(self.durations), 2),
            "DurationMax": max(self.durations, default=0.0),
            "DurationMin": min(self.durations, default=0.0),
            "ByVersion": dict(self.by_version),
        }


class Simulator:
    """Writes one tick of traffic for the estate's functions, executions and tasks."""

    def __init__(self, endpoint: str, seed: int = 7, account: str | None = None):
        self.aws = Clients(endpoint, account)
        self.seed = seed
        self.ticks = 0
        self._streams: dict[tuple[str, str], str] = {}
        self._stream_rng = random.Random(seed)

    def tick(self, now: datetime) -> dict[str, Any]:
        """Write traffic for the 5 s ending at `now`; return what was written."""
        self.ticks += 1
        rng = random.Random(f"{self.seed}:{E.ms(now)}")
        functions = self._functions()
        figures: dict[str, FunctionFigures] = {}
        datums: list[dict[str, Any]] = []
        log_lines = 0
        for spec in E.FUNCTIONS:
            if spec.name not in functions:
                continue
            weights = self._live_weights(spec.name)
            invocations = self._invocations(rng, spec, weights)
            # Throttled requests never run, so they carry no executed version.
            throttles = rng.randrange(1, 4) if spec.name == E.CANARY_FUNCTION and rng.random() < 0.15 else 0
            figures[spec.name] = _figures(invocations, throttles)
            datums += _datums(spec.name, invocations, throttles, now)
            log_lines += self._write_logs(rng, spec, invocations, now)
        self._put_metrics(datums)
        summary: dict[str, Any] = {
            "tick": self.ticks,
            "now": now.isoformat(),
            "functions": {name: fig.as_dict() for name, fig in figures.items()},
            "datums": len(datums),
            "log_lines": log_lines,
            "execution": None,
            "events": self._start_events(rng, now),
            "ecs_replaced": None,
        }
        if self.ticks % EXECUTION_EVERY == 0:
            summary["execution"] = self._start_execution(rng)
        if self.ticks % ECS_CHURN_EVERY == 0:
            summary["ecs_replaced"] = self._churn_task(rng, now)
        return summary

    def backfill(self, now: datetime, minutes: int = 60) -> int:
        """Per-minute Lambda metrics for the `minutes` before `now`, as if the estate had
        been running: the demo's windows and sparklines have a history from the first
        look (logs, executions and ECS start with the first tick). Returns datums written."""
        rng = random.Random(f"{self.seed}:backfill:{E.ms(now)}")
        functions = self._functions()
        first = now.replace(second=0, microsecond=0) - timedelta(minutes=minutes)
        ticks_per_minute = int(timedelta(minutes=1) / TICK)
        datums: list[dict[str, Any]] = []
        for spec in E.FUNCTIONS:
            if spec.name not in functions:
                continue
            weights = self._live_weights(spec.name)
            for minute in range(minutes):
                invocations = [inv for _ in range(ticks_per_minute) for inv in self._invocations(rng, spec, weights)]
                datums += _datums(spec.name, invocations, 0, first + timedelta(minutes=minute), span=timedelta(minutes=1))
        self._put_metrics(datums)
        return len(datums) + self._backfill_express(rng, first, minutes)

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
        for i in range(0, len(datums), _PUT_BATCH):
            cw.put_metric_data(Namespace="AWS/States", MetricData=datums[i : i + _PUT_BATCH])
        return len(datums)

    # -- Lambda ------------------------------------------------------------

    def _functions(self) -> set[str]:
        lam = self.aws("lambda")
        names: set[str] = set()
        for page in lam.get_paginator("list_functions").paginate():
            names.update(f["FunctionName"] for f in page["Functions"])
        return names

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
        cw = self.aws("cloudwatch")
        for i in range(0, len(datums), _PUT_BATCH):
            cw.put_metric_data(Namespace="AWS/Lambda", MetricData=datums[i : i + _PUT_BATCH])

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
        """Start an order; one in five carries a payment failure, one in eight a bad order."""
        sfn = self.aws("stepfunctions")
        machine = f"arn:aws:states:{E.REGION}:{self.aws.account_id}:stateMachine:{E.ORDER_MACHINE}"
        number = 5000 + self.ticks
        roll = rng.random()
        kind = "payment" if roll < 0.2 else "validation" if roll < 0.325 else "ok"
        order = E.order_input(
            rng,
            number,
            fail_payment="card declined" if kind == "payment" else None,
            fail_validation="missing shipping address" if kind == "validation" else None,
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

    def _churn_task(self, rng: random.Random, now: datetime) -> str | None:
        """Stop one of my-service's tasks, as a failed health check would; the
        ECS extension starts its replacement."""
        ecs = self.aws("ecs")
        try:
            running = sorted(ecs.list_tasks(cluster=E.CLUSTER, desiredStatus="RUNNING")["taskArns"])
        except ecs.exceptions.ClusterNotFoundException:
            return None
        if not running:
            return None
        victim = rng.choice(running)
        ecs.stop_task(cluster=E.CLUSTER, task=victim, reason="Task failed container health checks")
        control.reconcile_ecs(self.aws.endpoint)  # the server's ECS extension starts the replacement
        logs = self.aws("logs")
        E.ensure_log_group(logs, E.ECS_LOG_GROUP)
        task_id = victim.rsplit("/", 1)[-1]
        E.put_lines(
            logs,
            E.ECS_LOG_GROUP,
            E.ecs_stream_name(task_id),
            ["health check failed: GET /health timed out after 5000 ms", "Received SIGTERM, shutting down"],
            E.ms(now),
        )
        after = set(ecs.list_tasks(cluster=E.CLUSTER, desiredStatus="RUNNING")["taskArns"])
        for arn in sorted(after - set(running)):
            new_id = arn.rsplit("/", 1)[-1]
            E.put_lines(logs, E.ECS_LOG_GROUP, E.ecs_stream_name(new_id), E.ecs_app_lines(rng, new_id, starting=True), E.ms(now))
        return task_id


def _injected_failure(aws: Clients, function: str, version: str) -> str | None:
    """The message of a failure injected with control.fail_function, if any (same process)."""
    from console.demo.extensions import lambda_invoke

    failure = lambda_invoke.failure_for(aws.account_id, aws.region, function, version)
    return failure[0] if failure else None


def write_traffic(aws: Clients, function: str, now: datetime, invocations: int, alias: str = E.LIVE_ALIAS,
                  seed: int = 7) -> dict[str, Any]:
    """Write exactly `invocations` requests to `function` through `alias` at `now`, for a test.

    The requests are split between the alias's versions by its routing weights, exactly
    (largest remainders, not at random), so a test knows each version's count; versions
    failing through control.fail_function error on every request, the others never do.
    Metrics go under FunctionName, Resource and ExecutedVersion as the simulator writes
    them, with START/END/REPORT log lines for each version. Works in any account: the
    function need not be part of the seeded estate.
    """
    lam = aws("lambda")
    config = lam.get_function_configuration(FunctionName=function)
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
    datums = _datums(function, out, 0, now, alias)
    cw = aws("cloudwatch")
    for i in range(0, len(datums), _PUT_BATCH):
        cw.put_metric_data(Namespace="AWS/Lambda", MetricData=datums[i : i + _PUT_BATCH])
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


def _figures(invocations: list[E.Invocation], throttles: int) -> FunctionFigures:
    fig = FunctionFigures(throttles=throttles)
    for inv in invocations:
        fig.invocations += 1
        fig.errors += inv.error is not None
        fig.durations.append(inv.duration_ms)
        fig.by_version[inv.version] += 1
    return fig


def _datums(fn: str, invocations: list[E.Invocation], throttles: int, now: datetime,
            alias: str = E.LIVE_ALIAS, span: timedelta = TICK) -> list[dict[str, Any]]:
    """Datums per dimension set: FunctionName, +Resource (alias), +ExecutedVersion, for
    the invocations of the `span` ending at `now`."""
    groups: list[tuple[list[dict[str, str]], list[E.Invocation], int]] = [
        ([{"Name": "FunctionName", "Value": fn}], invocations, throttles),
        ([{"Name": "FunctionName", "Value": fn}, {"Name": "Resource", "Value": f"{fn}:{alias}"}], invocations, throttles),
    ]
    for version in sorted({inv.version for inv in invocations}):
        groups.append(
            (
                [{"Name": "FunctionName", "Value": fn}, {"Name": "ExecutedVersion", "Value": version}],
                [inv for inv in invocations if inv.version == version],
                0,
            )
        )
    datums = []
    for dims, invs, throttled in groups:
        errors = sum(inv.error is not None for inv in invs)
        durations = [inv.duration_ms for inv in invs]
        concurrency = math.ceil(sum(durations) / span.total_seconds() / 1000) if durations else 0

        def datum(name: str, unit: str, **value: Any) -> dict[str, Any]:
            return {"MetricName": name, "Dimensions": dims, "Timestamp": now, "Unit": unit, **value}

        datums += [
            datum("Invocations", "Count", Value=len(invs)),
            datum("Errors", "Count", Value=errors),
            datum("Throttles", "Count", Value=throttled),
            datum("ConcurrentExecutions", "Count", Value=concurrency),
        ]
        if durations:
            datums.append(
                datum(
                    "Duration",
                    "Milliseconds",
                    StatisticValues={
                        "SampleCount": len(durations),
                        "Sum": round(sum(durations), 2),
                        "Minimum": min(durations),
                        "Maximum": max(durations),
                    },
                )
            )
    return datums
