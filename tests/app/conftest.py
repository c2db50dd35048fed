"""Fixtures for Pilot tests: models built in-process, a manual clock, no network.

Whole-app tests against the embedded moto server live alongside and use its session
fixture; these ones drive widgets and screens with known data.
"""

from __future__ import annotations

from datetime import datetime, timezone

import pytest

from console.clock import ManualClock
from console.services.ecs.models import HEALTHY, UNHEALTHY, CapacityShare, EcsCluster, EcsService, ServiceHealth
from console.services.events import fires
from console.services.events.models import EventRule, SchedulerSchedule
from console.services.lambda_.models import LambdaAlias, LambdaFunction, LambdaMetrics
from console.services.stepfunctions.models import ExecutionSummary, StateMachine, StateMachineMetrics
from console.target import Target

TARGET = Target(profile=None, region="us-east-1", endpoint="http://127.0.0.1:1", account="123456789012", demo=True)
T0 = datetime(2026, 11, 27, 12, 0, tzinfo=timezone.utc)


def function(name: str, invocations: float = 100, errors: float = 0, **kw) -> LambdaFunction:
    metrics = LambdaMetrics(invocations, errors, kw.pop("throttles", 0), 120.0, 900.0, 3)
    return LambdaFunction(
        target=TARGET, arn=f"arn:aws:lambda:us-east-1:123456789012:function:{name}", name=name,
        runtime=kw.pop("runtime", "python3.12"), architecture="arm64", memory_mb=256, timeout_s=30,
        package_type="Zip", last_modified=T0, code_sha256="abc", metrics=metrics,
    )


def alias(function_name: str, version: str = "3", weights=()) -> LambdaAlias:
    return LambdaAlias(TARGET, function_name, "live", version, tuple(weights))


def service(name: str, running: int = 2, desired: int = 2, unhealthy: int = 0) -> EcsService:
    return EcsService(
        target=TARGET, arn=f"arn:aws:ecs:us-east-1:123456789012:service/prod/{name}", name=name,
        cluster="prod", status="ACTIVE", desired=desired, running=running, pending=0, launch="FARGATE",
        task_definition=f"{name}:7", deployments=(), healthy_tasks=running - unhealthy,
        unhealthy_tasks=unhealthy, circuit_breaker=True,
        health=ServiceHealth(UNHEALTHY if unhealthy else HEALTHY, f"{unhealthy} of {running} tasks unhealthy"
                             if unhealthy else "", running - unhealthy, unhealthy, 0, 0, 0, 600.0, None),
    )


def cluster(name: str, services: int = 2, running: int = 3) -> EcsCluster:
    return EcsCluster(TARGET, f"arn:aws:ecs:us-east-1:123456789012:cluster/{name}", name, "ACTIVE",
                      ("FARGATE", "FARGATE_SPOT"), (CapacityShare("FARGATE", 1),), running, 0, services)


def machine(name: str, failed: int = 0, status: str = "SUCCEEDED", metrics: StateMachineMetrics | None = None,
            ) -> StateMachine:
    last = ExecutionSummary(f"arn:exec:{name}", "run-1", status, T0, T0)
    metrics = metrics or StateMachineMetrics(60, 10, failed, 0, 0, 850.0)
    return StateMachine(TARGET, f"arn:aws:states:us-east-1:123456789012:stateMachine:{name}", name,
                        "STANDARD", T0, last, 0, 10 - failed, failed, 10, metrics=metrics)


def express_machine(name: str, metrics: StateMachineMetrics | None = None) -> StateMachine:
    """An EXPRESS machine: AWS lists no executions for it, only its metrics."""
    metrics = metrics or StateMachineMetrics(60, 2160, 130, 65, 0, 1930.0)
    return StateMachine(TARGET, f"arn:aws:states:us-east-1:123456789012:stateMachine:{name}", name,
                        "EXPRESS", T0, None, 0, 0, 0, None, executions_unavailable="EXPRESS", metrics=metrics)


def rule(name: str, schedule: str | None = "rate(5 minutes)") -> EventRule:
    return EventRule(TARGET, f"arn:aws:events:us-east-1:123456789012:rule/{name}", name, "rule", "default",
                     "ENABLED", schedule, None, None if schedule else '{"source":["x"]}', "", 1,
                     timing=fires.timing(schedule, None, T0), read=True)


def schedule(name: str, expression: str = "cron(0 9 * * ? *)", zone: str | None = "Europe/Berlin"
             ) -> SchedulerSchedule:
    return SchedulerSchedule(TARGET, f"arn:aws:scheduler:us-east-1:123456789012:schedule/default/{name}", name,
                             "default", "ENABLED", expression, zone, "", None,
                             "arn:aws:lambda:us-east-1:123456789012:function:reports", "Lambda", 185, 86400, None,
                             timing=fires.timing(expression, zone, T0), due_24h=1, read=True)


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock(T0)


class FakeEstate:
    """In-process sources for the app: items per source, call counts, injected failures.

    These stand in for console.polling.sources' fetch functions (not for boto): they let a test
    say exactly what each poll returns and count how often each source is polled.
    """

    INTERVALS = {"lambda": 10.0, "lambda.aliases": 30.0, "ecs": 10.0, "ecs.clusters": 10.0, "stepfunctions": 10.0,
                 "events": 30.0, "scheduler": 30.0}

    def __init__(self) -> None:
        self.items: dict[str, tuple] = {name: () for name in self.INTERVALS}
        self.failures: dict[str, Exception] = {}
        self.calls: dict[str, int] = {name: 0 for name in self.INTERVALS}

    def sources(self) -> dict:
        return {name: (self._fetch(name), interval) for name, interval in self.INTERVALS.items()}

    def _fetch(self, name: str):
        async def fetch(ctx) -> tuple:
            self.calls[name] += 1
            if name in self.failures:
                raise self.failures[name]
            return self.items[name]

        return fetch


async def identify_ok(ctx) -> str:
    return "123456789012"


@pytest.fixture
def estate() -> FakeEstate:
    estate = FakeEstate()
    estate.items["lambda"] = (function("orders", 100, 12), function("payments", 100, 1), function("reports", 0, 0))
    estate.items["lambda.aliases"] = (alias("orders", "3", [("4", 0.1)]),)
    estate.items["ecs"] = (service("api"), service("worker", 1, 2, 1))
    estate.items["ecs.clusters"] = (cluster("prod"), cluster("batch", 0, 0))
    estate.items["stepfunctions"] = (machine("order-processing", 2, "FAILED"), express_machine("order-events"))
    estate.items["events"] = (rule("nightly"), rule("on-upload", None))
    estate.items["scheduler"] = (schedule("berlin-report"),)
    return estate


@pytest.fixture
def make_app(clock, estate):
    from console.app import OpsdeckApp
    from console.aws.clients import ClientPool

    def make(identify=identify_ok, read_only: bool = False, target: Target = TARGET):
        return OpsdeckApp(target, ClientPool(clock), clock, read_only=read_only,
                          sources=estate.sources(), identify=identify)

    return make


async def settle(pilot, rounds: int = 3) -> None:
    """Let posted messages and worker steps run."""
    for _ in range(rounds):
        await pilot.pause()
