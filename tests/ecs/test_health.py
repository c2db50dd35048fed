"""Health that tells the truth, read from the embedded server: what the tasks do (the
stopped ones AWS still lists) and not only what the running ones say now."""

from __future__ import annotations

from datetime import timedelta

from console.demo import control
from console.services.ecs.health import WINDOW
from console.services.ecs.models import FLAPPING, HEALTHY
from console.services.ecs.sources import ClustersSource, ServiceDetailSource, ServicesSource

from .conftest import HEALTH_CHECK_STOP


async def worker_failing_twice(estate, clock) -> tuple[str, str]:
    """The issue's worker-service: a task fails its container health check and is replaced,
    again a minute later; each replacement is running and healthy a minute after."""
    estate.cluster()
    estate.service("worker-service", desired=2)
    first = estate.fail_health_check("worker-service")
    await clock.advance(60)
    last = estate.fail_health_check("worker-service")
    await clock.advance(60)
    return first, last


async def test_a_worker_whose_tasks_keep_failing_health_checks_is_flapping_though_every_task_says_healthy(
        estate, aws, shared_clock):
    first, last = await worker_failing_twice(estate, shared_clock)

    [worker] = await ServicesSource()(aws())

    assert (worker.running, worker.desired, worker.healthy_tasks, worker.unhealthy_tasks) == (2, 2, 2, 0)
    assert worker.health.state == FLAPPING and worker.steady is False
    assert (worker.health.replaced, worker.health.failed_checks) == (2, 2)
    assert worker.reason == "tasks replaced 2× in 10 min (failed container health checks)"
    stop = worker.health.last_stop
    assert (stop.task_id, stop.reason, stop.health_check) == (last.rsplit("/", 1)[-1], HEALTH_CHECK_STOP, True)
    assert stop.at == estate.stopped_at(last)


async def test_replacements_older_than_the_window_no_longer_count_but_the_last_stop_is_still_told(
        estate, aws, shared_clock):
    first, last = await worker_failing_twice(estate, shared_clock)
    source = ServicesSource()
    await shared_clock.advance((estate.stopped_at(first) + timedelta(seconds=WINDOW) - shared_clock.now())
                               .total_seconds())  # the first stop is now WINDOW old: still inside
    [worker] = await source(aws())
    assert worker.health.replaced == 2 and worker.health.state == FLAPPING

    await shared_clock.advance(1)  # it has left the window; one replacement is no loop
    [worker] = await source(aws())
    assert worker.health.replaced == 1 and worker.health.state == HEALTHY and worker.steady
    assert worker.health.last_stop.task_id == last.rsplit("/", 1)[-1]


async def test_tasks_a_person_stopped_show_with_their_reason_and_are_not_counted_as_flapping(estate, aws,
                                                                                               shared_clock):
    """Tasks stopped with the AWS CLI appear (stopped, with stop code and reason) on the
    service's screen; a person stopping tasks is not the service failing."""
    estate.cluster()
    estate.service("api", desired=2)
    first, second = estate.running("api")
    estate.ecs.stop_task(cluster="prod", task=first)  # AWS's reason: "Task stopped by user"
    estate.stop(second, "rotating credentials")
    await shared_clock.advance(60)

    [api] = await ServicesSource()(aws())
    assert api.health.state == HEALTHY and api.health.replaced == 0
    assert api.health.last_stop.stop_code == "UserInitiated"

    detail = await ServiceDetailSource(api.ref).read(aws())
    running = [t for t in detail.tasks if not t.stopped]
    stopped = [t for t in detail.tasks if t.stopped]
    assert len(running) == 2 and detail.tasks[:2] == tuple(running)  # running first
    assert {t.arn for t in stopped} == {first, second}
    assert {(t.stop_code, t.stopped_reason) for t in stopped} == {
        ("UserInitiated", "Task stopped by user"), ("UserInitiated", "rotating credentials")}
    assert all(t.desired_status == "STOPPED" and t.stopped_at is not None for t in stopped)
    assert all(t.service == "api" and t.ref.task_arn == t.arn for t in detail.tasks)


async def test_a_stopped_task_is_described_once_then_only_listed(estate, aws, shared_clock):
    """A STOPPED task never changes: later refreshes list it, and describe only running tasks."""
    from .conftest import calls

    estate.cluster()
    estate.service("api", desired=1)
    estate.fail_health_check("api")
    await shared_clock.advance(60)
    source = ServicesSource()
    await source(aws())
    control.reset_request_counts(estate.account.endpoint)
    await shared_clock.advance(source.tasks_every)  # a quiet cluster's tasks are read again once a TASKS_EVERY
    [api] = await source(aws())
    assert api.health.replaced == 1  # still known
    assert calls(estate.account, "ListTasks") == 2  # RUNNING and STOPPED
    described = control.request_counts(estate.account.endpoint)
    assert control.count_of(described, "ecs", "DescribeTasks", estate.account.id) == 1  # the running one's batch


async def test_clusters_roll_up_their_services_health(estate, aws, shared_clock):
    estate.cluster(capacityProviders=["FARGATE", "FARGATE_SPOT"], defaultCapacityProviderStrategy=[
        {"capacityProvider": "FARGATE", "weight": 1, "base": 1}, {"capacityProvider": "FARGATE_SPOT", "weight": 3}])
    estate.service("worker-service", desired=2)
    estate.service("api", desired=1)
    estate.fail_health_check("worker-service")
    await shared_clock.advance(60)
    estate.fail_health_check("worker-service")
    await shared_clock.advance(60)

    services = await ServicesSource()(aws())
    [before] = await ClustersSource()(aws())  # the services not published yet: unknown
    assert (before.not_steady, before.flapping, before.unhealthy) == (None, None, None)
    [cluster] = await ClustersSource()(aws(peer_items=lambda name: services if name == "ecs" else None))

    assert cluster.name == "prod" and cluster.status == "ACTIVE"
    assert cluster.capacity_providers == ("FARGATE", "FARGATE_SPOT")
    assert [str(share) for share in cluster.default_strategy] == ["FARGATE:1 base 1", "FARGATE_SPOT:3"]
    assert (cluster.running_tasks, cluster.active_services) == (3, 2)
    assert (cluster.not_steady, cluster.flapping, cluster.unhealthy) == (1, 1, 0)


async def test_a_cluster_deleted_since_it_was_listed_leaves_the_others_on_screen(estate, aws):
    from dataclasses import replace

    from console.services.ecs.sources import list_clusters

    estate.cluster()
    estate.service("api", desired=1)
    [prod] = await list_clusters(aws())
    gone = replace(prod, arn=prod.arn.replace("/prod", "/deleted"), name="deleted")

    services = await ServicesSource().read(aws(), [gone, prod])

    assert [(s.cluster, s.name, s.health.state) for s in services] == [("prod", "api", HEALTHY)]


async def test_a_first_load_shows_each_clusters_health_before_the_utilisation(estate, aws, monkeypatch):
    """Health needs the tasks, not the utilisation figures: each cluster's rows are
    published with their health once its tasks are read, while the metrics (a slower
    phase: GetMetricData for every service) are still being read."""
    import asyncio

    from console.services.ecs import sources

    estate.cluster()
    estate.cluster("batch")
    estate.service("api", desired=1)
    estate.service("worker", cluster="batch", desired=1)
    metrics_asked = asyncio.Event()
    metrics_go_on = asyncio.Event()
    read_metrics = sources.fetch_service_metrics

    async def metrics_held(ctx, keys):
        metrics_asked.set()
        await metrics_go_on.wait()
        return await read_metrics(ctx, keys)

    monkeypatch.setattr(sources, "fetch_service_metrics", metrics_held)
    partials: list[tuple] = []

    def published(items, whole):
        partials.append(items)
        if all(s.health is not None for s in items):
            metrics_go_on.set()  # everyone's health is on screen: let the metrics in

    reading = asyncio.ensure_future(ServicesSource()(aws(partial=published)))
    services = await asyncio.wait_for(reading, 5)

    assert metrics_asked.is_set()
    with_health = [p for p in partials if all(s.health is not None for s in p)]
    assert with_health and all(s.metrics is None for s in with_health[0])
    assert {(s.cluster, s.name, s.health.state) for s in with_health[0]} == {
        ("prod", "api", HEALTHY), ("batch", "worker", HEALTHY)}
    # one cluster's health shown before the other's tasks were read
    assert any(sum(s.health is not None for s in p) == 1 for p in partials)
    assert all(s.metrics is not None for s in services)
