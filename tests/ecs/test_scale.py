"""A cluster of 2,000 services (e1s's case): the requests a refresh makes, counted by the
embedded server, against the API's page and batch sizes.

Creating the services takes 6 to 9 s (2,000 CreateService requests over HTTP, 8 at a
time: the server spends ~3 ms on each, so a client without botocore is no faster), each
refresh about 3 s;
writing them into moto's backend would need code in the server's process, which the
embedded AWS offers only for its whole large estate. Hence the `long` mark: `make test`
starts it first. One service in eight runs a task (250 in all), so tasks span pages too.
"""

from __future__ import annotations

import math
from concurrent.futures import ThreadPoolExecutor

import pytest

from console.demo import control
from console.services.ecs.sources import ServicesSource
from tests.clock import time_flies

SERVICES = 2_000
TASKS = SERVICES // 8
LIST_PAGE, DESCRIBE_SERVICES, DESCRIBE_TASKS, METRIC_QUERIES = 100, 10, 100, 500


def make_services(estate) -> None:
    estate.cluster("big")
    definition = estate.definition()
    clients = [estate.account.client("ecs") for _ in range(8)]

    def create(i: int) -> None:
        clients[i % 8].create_service(cluster="big", serviceName=f"svc-{i:04d}", taskDefinition=definition,
                                      desiredCount=1 if i % 8 == 0 else 0, launchType="FARGATE")

    with ThreadPoolExecutor(8) as pool:
        list(pool.map(create, range(SERVICES)))
    control.settle_ecs(estate.account.endpoint, account=estate.account.id)


@pytest.mark.long
async def test_2000_services_cost_pages_and_batches_not_services(estate, aws, shared_clock):
    make_services(estate)
    counts = lambda: control.request_counts(estate.account.endpoint)  # noqa: E731
    per = lambda answer, operation, service="ecs": control.count_of(answer, service, operation,  # noqa: E731
                                                                    estate.account.id)
    partials: list[int] = []
    source = ServicesSource()
    control.reset_request_counts(estate.account.endpoint)

    async with time_flies(shared_clock):  # opsdeck's pacing within the ECS quotas waits on this clock
        services = await source(aws(partial=lambda items, whole: partials.append(len(items))))
    first = counts()

    assert len(services) == SERVICES and all(s.health is not None for s in services)
    assert sum(s.running for s in services) == TASKS and sum(s.health.healthy_tasks for s in services) == TASKS
    assert (per(first, "ListClusters"), per(first, "DescribeClusters")) == (1, 1)
    assert per(first, "ListServices") == SERVICES // LIST_PAGE  # 20 pages of 100
    assert per(first, "DescribeServices") == SERVICES // DESCRIBE_SERVICES  # 200 batches of 10
    running_pages = math.ceil(TASKS / LIST_PAGE)
    assert per(first, "ListTasks") == running_pages + 1  # RUNNING in 3 pages, STOPPED (none) in 1
    assert per(first, "DescribeTasks") == math.ceil(TASKS / DESCRIBE_TASKS)
    assert per(first, "GetMetricData", "cloudwatch") == 2 * SERVICES // METRIC_QUERIES  # 2 queries a service
    # rows appear as pages are described: the first batch of 10 at once, then a page's worth
    # more at a time (a screen of 2,000 rows redrawn some 20 times, not 200), then all
    assert partials[0] == DESCRIBE_SERVICES and partials[-1] == SERVICES and partials == sorted(partials)
    assert 2 < len(partials) <= SERVICES // LIST_PAGE + 2
    assert all(n % DESCRIBE_SERVICES == 0 for n in partials)

    # After the first load, the services are re-read as a sweep within a tenth of the
    # "service reads" quota (120 calls a minute): never 220 in one minute, at most
    # DESCRIBES_A_TICK describes a tick, every service described again within minutes.
    ticks = []
    for _ in range(4 * 60 // 5):  # four minutes of 5 s ticks
        control.reset_request_counts(estate.account.endpoint)
        await shared_clock.advance(5)
        async with time_flies(shared_clock):
            services = await source(aws())
        ticks.append(counts())
    described = [per(tick, "DescribeServices") for tick in ticks]
    listed = [per(tick, "ListServices") for tick in ticks]
    assert len(services) == SERVICES and max(described) <= source.describes.batch
    minutes = [sum(described[i:i + 12]) + sum(listed[i:i + 12]) for i in range(len(ticks) - 11)]
    assert max(minutes) <= 120, minutes
    assert sum(described) >= SERVICES // DESCRIBE_SERVICES  # every service read again
    assert sum(listed) >= SERVICES // LIST_PAGE  # and listed again: new and removed ones appear
    assert sum(per(tick, "DescribeTasks") for tick in ticks) >= math.ceil(TASKS / DESCRIBE_TASKS)
    assert max(per(tick, "GetMetricData", "cloudwatch") for tick in ticks) <= 2 * SERVICES // METRIC_QUERIES
