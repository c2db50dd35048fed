"""The "ecs" source after its first load: a sweep within opsdeck's share of the quotas that
still shows an on-call engineer what matters -- a deployment starting on a row on screen
at the next tick, new and removed services within a listing period -- read back from the
embedded ECS over HTTP, one pool (one budget) across the ticks as the polling engine
keeps it."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

from console.demo import control
from console.services.ecs.sources import LIST_EVERY, ServicesSource

SERVICES = 120  # 12 DescribeServices: more than a tick's DESCRIBES_A_TICK
TICK = 5.0  # the "ecs" source's interval


def make_services(estate, count: int) -> dict[str, str]:
    estate.cluster()
    definition = estate.definition()
    clients = [estate.account.client("ecs") for _ in range(4)]

    def create(i: int) -> tuple[str, str]:
        name = f"svc-{i:03d}"
        arn = clients[i % 4].create_service(cluster="prod", serviceName=name, taskDefinition=definition,
                                            desiredCount=0, launchType="FARGATE")["service"]["serviceArn"]
        return name, arn

    with ThreadPoolExecutor(4) as pool:
        return dict(pool.map(create, range(count)))


async def test_on_screen_a_deployment_shows_at_the_next_tick_and_services_come_and_go(estate, aws, shared_clock):
    arns = make_services(estate, SERVICES)
    on_screen = frozenset({arns["svc-100"], arns["svc-101"]})  # far down the listing
    ctx = aws(visible=lambda source: on_screen if source == "ecs" else frozenset())
    source = ServicesSource()
    first = await source(ctx)
    assert len(first) == SERVICES

    described = []
    for _ in range(12):  # a minute of ticks: the share's spare is what paces the rest
        control.reset_request_counts(estate.account.endpoint)
        await shared_clock.advance(TICK)
        await source(ctx)
        described.append(control.count_of(control.request_counts(estate.account.endpoint), "ecs",
                                          "DescribeServices", estate.account.id))
    assert max(described) <= source.describes.batch  # spread: never every service in one tick

    estate.ecs.update_service(cluster="prod", service="svc-100", desiredCount=1, forceNewDeployment=True)
    await shared_clock.advance(TICK)
    rows = {s.name: s for s in await source(ctx)}
    assert rows["svc-100"].deploying  # on screen: at the next tick

    estate.ecs.create_service(cluster="prod", serviceName="svc-new", taskDefinition=estate.definition(),
                              desiredCount=0, launchType="FARGATE")
    estate.ecs.delete_service(cluster="prod", service="svc-007", force=True)
    seen_at = None
    for tick in range(int(LIST_EVERY // TICK) + 2):
        await shared_clock.advance(TICK)
        names = {s.name for s in await source(ctx)}
        if "svc-new" in names and "svc-007" not in names:
            seen_at = tick
            break
    assert seen_at is not None  # within a listing period and a tick
