"""Steady state in words while the embedded ECS rolls out: a deploy in progress, then one
the circuit breaker fails and rolls back, read as the panel reads them (time moves on the
shared clock; the server's rollout engine follows it)."""

from __future__ import annotations

from console.services.ecs.models import FAILED, FLAPPING, HEALTHY, ROLLING_OUT
from console.services.ecs.sources import ServiceDetailSource, ServicesSource

BREAKER = {"deploymentCircuitBreaker": {"enable": True, "rollback": True}, "maximumPercent": 200,
           "minimumHealthyPercent": 100}


async def deploy(estate, image: str) -> str:
    """A new revision of the service's task definition with `image`, deployed; its ARN."""
    estate.definitions.pop("app")
    arn = estate.definition("app", image)
    estate.ecs.update_service(cluster="prod", service="api", taskDefinition=arn)
    return arn


async def test_a_deploy_reads_as_rolling_out_with_its_progress_then_steady(estate, aws, shared_clock):
    estate.cluster()
    estate.service("api", desired=2, deploymentConfiguration=BREAKER)
    await deploy(estate, "registry/app:1.1")
    source = ServicesSource()

    [api] = await source(aws())
    primary = api.primary
    assert api.deploying and api.health.state == ROLLING_OUT
    assert api.reason == f"rolling out {primary.id} {primary.running}/2 new tasks"
    assert primary.task_definition == "app:2" and primary.rollout_state == "IN_PROGRESS"
    assert primary.rollout_reason == f"ECS deployment {primary.id} in progress."
    assert [d.status for d in api.deployments] == ["PRIMARY", "ACTIVE"]

    for _ in range(20):  # the new tasks start and pass their checks; the old ones drain
        await shared_clock.advance(15)
        [api] = await source(aws())
        if api.steady:
            break
    assert api.health.state == HEALTHY and api.reason == ""
    assert [(d.status, d.rollout_state) for d in api.deployments] == [("PRIMARY", "COMPLETED")]
    assert api.task_definition == "app:2" and api.running == 2


async def test_a_deploy_the_circuit_breaker_fails_reads_as_flapping_then_failed_then_rolled_back(
        estate, aws, shared_clock):
    estate.cluster()
    estate.service("api", desired=2, deploymentConfiguration=BREAKER)
    await deploy(estate, "registry/app:1.1-broken")  # its containers fail every health check
    source = ServicesSource()

    seen: list[tuple[str, str]] = []
    for step in (15, 90, *[30] * 15):  # the first failures come ~105 s in, the breaker's third ~210 s
        await shared_clock.advance(step)
        [api] = await source(aws())
        if not seen or seen[-1] != (api.health.state, api.reason):
            seen.append((api.health.state, api.reason))
        if api.steady and any(state == FAILED for state, _ in seen):
            break
    states = [state for state, _ in seen]
    assert [states[0], states[-1]] == [ROLLING_OUT, HEALTHY]
    assert FLAPPING in states and FAILED in states and states.index(FLAPPING) < states.index(FAILED)
    assert next(reason for state, reason in seen if state == FLAPPING).endswith(
        "in 10 min (failed container health checks)")
    assert next(reason for state, reason in seen if state == FAILED).startswith(
        "deployment failed (circuit breaker); rolling back to app:1: ")
    assert api.task_definition == "app:1" and api.circuit_breaker and api.rollback
    assert api.health.last_stop.reason == "Task failed container health checks"

    detail = await ServiceDetailSource(api.ref).read(aws())
    assert [d.status for d in detail.history] == ["ROLLBACK_SUCCESSFUL", "SUCCESSFUL"]  # newest first
    rolled = detail.history[0]
    assert rolled.rollback_reason == "ECS deployment circuit breaker: tasks failed to start."
    assert rolled.circuit_breaker_status == "TRIGGERED" and rolled.circuit_breaker_failures >= 3
