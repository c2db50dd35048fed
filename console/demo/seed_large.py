"""Bulk estate for benchmarks: thousands of resources in well under a minute.

Through the HTTP API this would take minutes (moto re-validates, the Step
Functions interpreter starts a thread per execution), so it writes straight
into moto 5.2.5's backends; it must run in the server's process. Executions
are stored as finished records (no interpreter, hence no history: the
benchmarks list and describe them, they do not step through them), with the
AWS/States metrics those executions would have written
(console.demo.extensions.sfn_metrics). The EXPRESS machines have no records
(AWS lists no EXPRESS executions), only an hour of AWS/States metrics
(console.demo.estate.express_minute_datums).
"""

from __future__ import annotations

import base64
import json
import random
import time
from datetime import datetime, timedelta, timezone
from typing import Any

from console.demo import estate as E

FUNCTIONS = 2_000
# ECS, e1s's case: 2,000 services with the small estate's 2, most of them in one cluster
# (ListServices pages of 100 and DescribeServices batches of 10 are per cluster).
CLUSTERS = (("platform-prod", 1_498), ("data-prod", 200), ("edge-prod", 100), ("batch-prod", 100),
            ("internal-tools", 100))
SERVICES = sum(size for _, size in CLUSTERS)
TASKS_PER_SERVICE, TASKS_PER_SERVICE_WEIGHTS = (1, 2, 3), (1, 2, 1)  # about 4,000 tasks in all
STATE_MACHINES = 100  # STANDARD
EXECUTIONS = 2_000  # 20 per STANDARD state machine
EXPRESS_MACHINES = 10  # no execution records (AWS lists none): an hour of AWS/States metrics each
EXPRESS_PER_MINUTE = 120.0  # executions a minute, on average, per EXPRESS machine
RULES = 500

_RUNTIMES = ("python3.12", "python3.11", "nodejs20.x")
_TEAMS = ("orders", "payments", "catalog", "search", "identity", "shipping", "billing", "growth")
_COMPONENTS = ("api", "worker", "consumer", "gateway", "indexer", "sync", "notifier", "scheduler")
_SIZES = ((256, 512), (512, 1024), (1024, 2048))  # Fargate task CPU units, MiB


def seed_large(account: str = E.DEFAULT_ACCOUNT, region: str = E.REGION) -> dict[str, int]:
    """Add the bulk estate to `account`/`region`; returns what was created, with the time taken."""
    rng = random.Random(11)
    started = time.perf_counter()
    role = _lambda_role(account)
    counts = {
        "functions": _functions(account, region, role),
        **_ecs(account, region, rng),
        **_state_machines(account, region, role, rng),
        "rules": _rules(account, region),
    }
    counts["seconds"] = round(time.perf_counter() - started, 2)  # type: ignore[assignment]
    print(f"seed_large: {counts}", flush=True)
    return counts


def _lambda_role(account: str) -> str:
    """moto checks a function's role exists: reuse the small estate's or make it."""
    from moto.iam.models import NotFoundException, iam_backends

    iam = iam_backends[account]["aws"]
    try:
        return iam.get_role(E.LAMBDA_ROLE).arn
    except NotFoundException:
        policy = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com"}, "Action": "sts:AssumeRole"}]}
        return iam.create_role(E.LAMBDA_ROLE, json.dumps(policy), "/", None, "", [], None).arn


def _functions(account: str, region: str, role: str) -> int:
    from moto.awslambda.utils import get_backend  # lambda-simple's when docker is off

    backend = get_backend(account, region)
    packages = {
        runtime: base64.b64encode(E.function_zip(E.FunctionSpec("bulk", runtime, 128, 0, 0, 0.0))).decode()
        for runtime in _RUNTIMES
    }
    for i in range(FUNCTIONS):
        team = _TEAMS[i % len(_TEAMS)]
        runtime = _RUNTIMES[i % len(_RUNTIMES)]
        backend.create_function(
            {
                "FunctionName": f"{team}-fn-{i:04d}",
                "Runtime": runtime,
                "Role": role,
                "Handler": "index.handler" if runtime.startswith("nodejs") else "app.handler",
                "Code": {"ZipFile": packages[runtime]},
                "MemorySize": (128, 256, 512, 1024)[i % 4],
                "Timeout": 30,
                "Tags": {"team": team},
            }
        )
    return FUNCTIONS


def _ecs(account: str, region: str, rng: random.Random) -> dict[str, int]:
    """SERVICES services over CLUSTERS, made as CreateService makes them on this server:
    the ECS extension's scheduler (console.demo.extensions.ecs_tasks.touch) starts each
    one's tasks; the server's settle after seeding puts their rollout in the past. Straight into the backend, as the rest of the
    bulk estate: over HTTP, 2,000 RegisterTaskDefinition and CreateService calls would
    multiply the server's start-up time."""
    from moto.ecs.models import ecs_backends

    from console.demo.extensions.ecs_tasks import touch

    backend = ecs_backends[account][region]
    network = {"awsvpcConfiguration": _default_network(account, region)}
    tasks = 0
    index = 0
    for cluster, size in CLUSTERS:
        backend.create_cluster(
            cluster_name=cluster,
            capacity_providers=["FARGATE", "FARGATE_SPOT"],
            default_capacity_provider_strategy=[{"capacityProvider": "FARGATE", "weight": 1, "base": 0}],
        )
        for _ in range(size):
            team = _TEAMS[index % len(_TEAMS)]
            name = f"{team}-{_COMPONENTS[index // len(_TEAMS) % len(_COMPONENTS)]}-{index:04d}"
            task_def = _task_definition(backend, account, region, name, rng)
            service = backend.create_service(
                cluster_str=cluster,
                service_name=name,
                desired_count=rng.choices(TASKS_PER_SERVICE, TASKS_PER_SERVICE_WEIGHTS)[0],
                task_definition_str=task_def.arn,
                launch_type="FARGATE",
                network_configuration=network,
                tags=[{"key": "team", "value": team}],
            )
            _deployment_settings(service, index)
            touch(backend, service)
            tasks += service.desired_count
            index += 1
    return {"clusters": len(CLUSTERS), "services": index, "tasks": tasks}


def _task_definition(backend: Any, account: str, region: str, family: str, rng: random.Random) -> Any:
    """The service's task definition: one revision, or a few for every fifth service (it
    has been deployed before); the service runs the latest."""
    cpu, memory = rng.choice(_SIZES)
    for revision in range(1, 2 + (rng.randrange(3) if rng.random() < 0.2 else 0)):
        task_def = backend.register_task_definition(
            family=family,
            container_definitions=[
                {
                    "name": E.CONTAINER,
                    "image": f"{account}.dkr.ecr.{region}.amazonaws.com/{family}:1.{revision}.{rng.randrange(9)}",
                    "cpu": cpu,
                    "memory": memory,
                    "essential": True,
                }
            ],
            network_mode="awsvpc",
            requires_compatibilities=["FARGATE"],
            cpu=str(cpu),
            memory=str(memory),
        )
    return task_def


def _deployment_settings(service: Any, index: int) -> None:
    """What CreateService keeps on this server beyond moto (console.demo.extensions.ecs_tasks):
    the circuit breaker (on, with rollback, for most services) and, for every third
    service, a FARGATE/FARGATE_SPOT capacity-provider strategy instead of a launch type."""
    service.deployment_configuration = {
        "deploymentCircuitBreaker": {"enable": index % 5 != 0, "rollback": index % 5 != 0},
        "maximumPercent": 200,
        "minimumHealthyPercent": 100,
    }
    if index % 3 == 0:
        strategy = [{"capacityProvider": "FARGATE", "weight": 1, "base": 1},
                    {"capacityProvider": "FARGATE_SPOT", "weight": 3}]
        service.capacity_provider_strategy = strategy
        service.launch_type = None
        for deployment in service.deployments:
            deployment["launchType"] = None
            deployment["capacityProviderStrategy"] = strategy


def _default_network(account: str, region: str) -> dict[str, Any]:
    """moto validates awsvpc subnets and groups: use the default VPC's."""
    from moto.ec2.models import ec2_backends

    ec2 = ec2_backends[account][region]
    groups = ec2.describe_security_groups(filters={"group-name": ["default"]})
    return {
        "subnets": sorted(subnet.id for subnet in ec2.describe_subnets())[:2],
        "securityGroups": [groups[0].id],
        "assignPublicIp": "DISABLED",
    }


def _sfn_backend(account: str, region: str) -> Any:
    """The backend the server answers from: the interpreter's when execution is on."""
    from moto.stepfunctions.responses import get_backend

    return get_backend(account, region)


def _state_machines(account: str, region: str, role: str, rng: random.Random) -> dict[str, int]:
    from moto.stepfunctions.models import Execution

    from console.demo.extensions import sfn_metrics

    backend = _sfn_backend(account, region)
    sfn_role = role.replace(E.LAMBDA_ROLE, E.SFN_ROLE)
    per_machine = EXECUTIONS // STATE_MACHINES
    now = datetime.now(timezone.utc)
    for m in range(STATE_MACHINES):
        name = f"{_TEAMS[m % len(_TEAMS)]}-flow-{m:03d}"
        fn = f"arn:aws:lambda:{region}:{account}:function:{_TEAMS[m % len(_TEAMS)]}-fn-{m:04d}"
        definition = {
            "StartAt": "Work",
            "States": {
                "Work": {"Type": "Task", "Resource": fn, "Next": "Done"},
                "Done": {"Type": "Succeed"},
            },
        }
        machine = backend.create_state_machine(name=name, definition=json.dumps(definition), roleArn=sfn_role)
        datums: list[dict[str, Any]] = []
        for e in range(per_machine):
            start = now - timedelta(minutes=5 * (per_machine - e), seconds=rng.randrange(60))
            execution = Execution(
                region_name=region,
                account_id=account,
                state_machine_name=name,
                execution_name=f"run-{e:04d}",
                state_machine_arn=machine.arn,
                execution_input=json.dumps({"run": e}),
            )
            failed = rng.random() < 0.07
            execution.start_date = start
            execution.stop_date = start + timedelta(seconds=rng.uniform(0.4, 40))
            execution.status = "FAILED" if failed else "SUCCEEDED"
            if failed:
                execution.error, execution.cause = "States.TaskFailed", "downstream dependency timed out"
            else:
                execution.output = json.dumps({"run": e, "ok": True})
            machine.executions.append(execution)
            datums += sfn_metrics.started_datums(machine.arn, execution.start_date)
            datums += sfn_metrics.ended_datums(machine.arn, execution.status, execution.stop_date,
                                               (execution.stop_date - start).total_seconds() * 1000)
        sfn_metrics.put(account, region, datums)
    for m in range(EXPRESS_MACHINES):
        team = _TEAMS[m % len(_TEAMS)]
        definition = {"StartAt": "Route", "States": {"Route": {"Type": "Pass", "End": True}}}
        machine = backend.create_state_machine(name=f"{team}-events-{m:03d}", definition=json.dumps(definition),
                                               roleArn=sfn_role, sm_type="EXPRESS")
        first = now.replace(second=0, microsecond=0) - timedelta(minutes=60)
        sfn_metrics.put(account, region, [
            d for minute in range(60)
            for d in E.express_minute_datums(rng, machine.arn, first + timedelta(minutes=minute), EXPRESS_PER_MINUTE)])
    return {"state_machines": STATE_MACHINES + EXPRESS_MACHINES, "express_machines": EXPRESS_MACHINES,
            "executions": STATE_MACHINES * per_machine}


def _rules(account: str, region: str) -> int:
    from moto.events.models import events_backends

    backend = events_backends[account][region]
    for i in range(RULES):
        team = _TEAMS[i % len(_TEAMS)]
        name = f"{team}-rule-{i:03d}"
        if i % 2:
            backend.put_rule(name, scheduled_expression=f"rate({5 + i % 55} minutes)", state="ENABLED")
        else:
            pattern = {"source": [f"shop.{team}"], "detail-type": [f"Event{i % 7}"]}
            backend.put_rule(name, event_pattern=json.dumps(pattern), state="DISABLED" if i % 10 == 0 else "ENABLED")
        fn = f"arn:aws:lambda:{region}:{account}:function:{team}-fn-{i:04d}"
        backend.put_targets(name, None, [{"Id": "fn", "Arn": fn}])
    return RULES
