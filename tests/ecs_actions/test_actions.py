"""The ECS actions through the Runner (plan -> confirm -> apply -> verify, audited) on the
embedded server, each read back through boto3."""

from __future__ import annotations

import pytest

from console.actions.runner import Confirmation
from console.services.ecs.actions import (
    EcsDeploy,
    EcsRollback,
    EcsScale,
    EcsStopTask,
    InputRefused,
    parse_count,
    parse_image,
)

from .conftest import CLUSTER, FAMILY, SERVICE, audit_records

YES = Confirmation(yes=True)


async def test_deploy_registers_a_copy_with_the_new_image_and_updates_the_service(runner, estate, tmp_path):
    action = EcsDeploy(CLUSTER, SERVICE, "app=registry.example/web:2.0")
    plan = await runner.prepare(action)
    assert [s.description for s in plan.steps] == [
        f"Register a new revision of {FAMILY}, copied from {FAMILY}:2 "
        "(container app: ~ image: registry.example/web:1.0 → registry.example/web:2.0)",
        f"Update service {SERVICE}: task definition {FAMILY}:2 -> the new revision of {FAMILY}",
    ]
    assert plan.steps[1].inverse_description == f"Update service {SERVICE}: task definition back to {FAMILY}:2"
    outcome = await runner.execute(action, plan, YES)
    assert outcome.ok, outcome
    assert estate.on() == f"{FAMILY}:3"
    old, new = estate.task_definition(f"{FAMILY}:2"), estate.task_definition(f"{FAMILY}:3")
    assert new["containerDefinitions"][0]["image"] == "registry.example/web:2.0"
    # everything else copied as it was
    for field in ("cpu", "memory", "networkMode", "requiresCompatibilities"):
        assert new[field] == old[field]
    assert [dict(c, image=None) for c in new["containerDefinitions"]] == \
        [dict(c, image=None) for c in old["containerDefinitions"]]
    assert estate.ecs.describe_task_definition(taskDefinition=f"{FAMILY}:3", include=["TAGS"])["tags"] == \
        [{"key": "team", "value": "shop"}]
    steps = [r for r in audit_records(tmp_path) if r["kind"] == "step"]
    assert steps[0]["details"]["new_task_definition"] == f"{FAMILY}:3"

    undone = await runner.undo(action, plan, outcome.result.applied)
    assert undone.ok and estate.on() == f"{FAMILY}:2"


async def test_deploy_to_a_task_definition_with_two_containers_needs_a_name(runner, estate):
    estate.ecs.update_service(cluster=CLUSTER, service=SERVICE, taskDefinition=estate.register("r/web:1", sidecar=True))
    with pytest.raises(InputRefused, match=r"--image: web:3 has several containers \(app, proxy\): name one"):
        await runner.prepare(EcsDeploy(CLUSTER, SERVICE, "r/web:2"))
    with pytest.raises(InputRefused, match=r"--image: no container named 'db' in web:3 \(its containers: app, proxy\)"):
        await runner.prepare(EcsDeploy(CLUSTER, SERVICE, "db=r/db:2"))
    plan = await runner.prepare(EcsDeploy(CLUSTER, SERVICE, "proxy=r/envoy:1.31"))
    assert plan.steps[0].description.endswith("(container proxy: ~ image: registry.example/envoy:1.30 → r/envoy:1.31)")
    assert estate.revisions() == [f"{FAMILY}:{n}" for n in (1, 2, 3)]


async def test_unknown_cluster_or_service_is_refused_before_anything_changes(runner, estate):
    with pytest.raises(InputRefused, match="CLUSTER: no cluster named 'nope' in us-east-1"):
        await runner.prepare(EcsDeploy("nope", SERVICE, "r/web:2"))
    with pytest.raises(InputRefused, match="SERVICE: no active service named 'api' in cluster 'shop'"):
        await runner.prepare(EcsScale(CLUSTER, "api", 3))
    with pytest.raises(InputRefused, match="--to: no task definition 'web:9' in us-east-1"):
        await runner.prepare(EcsRollback(CLUSTER, SERVICE, to="9"))
    assert estate.on() == f"{FAMILY}:2" and estate.revisions() == [f"{FAMILY}:1", f"{FAMILY}:2"]


async def test_rollback_goes_to_the_revision_before_then_to_the_completed_deployment(runner, estate):
    action = EcsRollback(CLUSTER, SERVICE)
    plan = await runner.prepare(action)
    # its only SUCCESSFUL deployment is the current one: the family's revision before it
    assert plan.steps[0].description == (f"Update service {SERVICE}: task definition {FAMILY}:2 -> {FAMILY}:1 "
                                         "(the revision before the current one)")
    outcome = await runner.execute(action, plan, YES)
    assert outcome.ok and estate.on() == f"{FAMILY}:1"
    again = await runner.prepare(EcsRollback(CLUSTER, SERVICE, to=f"{FAMILY}:1"))
    assert again.empty and "already on web:1" in again.note
    # mid-rollout, the deployment that completed is what a rollback goes back to
    back = await runner.prepare(EcsRollback(CLUSTER, SERVICE))
    assert back.steps[0].description.startswith(f"Update service {SERVICE}: task definition {FAMILY}:1 -> {FAMILY}:2 "
                                                "(deployment ecs-svc/")
    undone = await runner.undo(action, plan, outcome.result.applied)
    assert undone.ok and estate.on() == f"{FAMILY}:2"


async def test_rollback_with_no_earlier_revision_is_refused(runner, estate):
    estate.ecs.deregister_task_definition(taskDefinition=f"{FAMILY}:1")
    with pytest.raises(InputRefused, match=r"web has no earlier ACTIVE revision to roll back to \(choose one with --to\)"):
        await runner.prepare(EcsRollback(CLUSTER, SERVICE))


async def test_scale_shows_current_to_new_and_reads_the_count_back(runner, estate):
    action = EcsScale(CLUSTER, SERVICE, "5")
    plan = await runner.prepare(action)
    assert plan.summary == f"Scale service {SERVICE} ({CLUSTER}): desired count 2 -> 5"
    assert plan.steps[0].inverse_description == f"Set the desired count of service {SERVICE}: 5 -> 2"
    outcome = await runner.execute(action, plan, YES)
    assert outcome.ok and estate.service()["desiredCount"] == 5
    assert outcome.verify.details == [f"ok: service {SERVICE} wants 5 tasks (expected 5)"]


@pytest.mark.parametrize("given", ["-1", "2.5", "many", "", "5001"])
def test_a_desired_count_must_be_a_whole_number_in_range(given):
    with pytest.raises(InputRefused, match=rf"N: expected a whole number from 0 to 5,000, got {given!r}"):
        parse_count(given)


@pytest.mark.parametrize("given", ["", "app=", "=r/web:1", "r/web 1"])
def test_an_image_must_be_container_equals_uri(given):
    with pytest.raises(InputRefused, match=r"--image: expected \[CONTAINER=\]URI"):
        parse_image(given)


async def test_stop_task_records_the_reason(runner, estate):
    tasks = estate.running_tasks()
    assert tasks, "the embedded AWS runs the service's tasks"
    task = tasks[0]["taskArn"]
    action = EcsStopTask(CLUSTER, task.rsplit("/", 1)[-1], "draining a bad host")
    plan = await runner.prepare(action)
    assert plan.warnings == ("Stopping cannot be undone.", f"The service's scheduler starts a replacement task of "
                                                           f"service {SERVICE}.")
    outcome = await runner.execute(action, plan, YES)
    assert outcome.ok, outcome.verify
    [stopped] = estate.ecs.describe_tasks(cluster=CLUSTER, tasks=[task])["tasks"]
    assert stopped["desiredStatus"] == "STOPPED" and stopped["stoppedReason"] == "draining a bad host"
    assert stopped.get("stopCode", "UserInitiated") == "UserInitiated"


def test_stop_task_needs_a_reason():
    with pytest.raises(InputRefused, match="--reason: give the reason"):
        EcsStopTask(CLUSTER, "abc", "  ")
    with pytest.raises(InputRefused, match="--reason: expected at most 255 characters, got 256"):
        EcsStopTask(CLUSTER, "abc", "x" * 256)


async def test_stop_an_unknown_task_is_refused(runner, estate):
    with pytest.raises(InputRefused, match="TASK: no task '0123456789abcdef' in cluster 'shop'"):
        await runner.prepare(EcsStopTask(CLUSTER, "0123456789abcdef", "why"))


async def test_a_rollout_plan_warns_of_a_deployment_in_progress_and_of_no_circuit_breaker(runner, estate):
    settled = await runner.prepare(EcsDeploy(CLUSTER, SERVICE, "r/web:2", wait=True))
    assert settled.warnings == ()
    estate.ecs.update_service(cluster=CLUSTER, service=SERVICE, taskDefinition=f"{FAMILY}:1", deploymentConfiguration={
        "deploymentCircuitBreaker": {"enable": False, "rollback": False}})
    busy = await runner.prepare(EcsDeploy(CLUSTER, SERVICE, "r/web:2", wait=True))
    primary = estate.service()["deployments"][0]["id"]
    assert busy.warnings == (
        f"A deployment of {SERVICE} is in progress ({primary}, 2 deployments): this one replaces it.",
        f"The deployment circuit breaker of {SERVICE} is off: a rollout whose tasks keep failing never ends FAILED; "
        "opsdeck follows it for at most 60 minutes.")


async def test_deploying_the_image_a_container_already_runs_is_nothing_to_do(runner, estate):
    plan = await runner.prepare(EcsDeploy(CLUSTER, SERVICE, "app=registry.example/web:1.0"))
    assert plan.empty and plan.note.startswith("container app of web:2 already runs registry.example/web:1.0")
    assert estate.revisions() == [f"{FAMILY}:1", f"{FAMILY}:2"]
