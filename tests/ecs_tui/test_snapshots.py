"""SVG snapshots of the ECS screens with known data (tests/ecs_tui/known.py) and a frozen
clock: the clusters panel, a cluster's services worst first, the flapping worker's own
screen (tasks with the stopped ones dimmed, deployments and their history, the events
timeline), wide and at 80x24.

Update deliberately: `pytest tests/ecs_tui/test_snapshots.py --snapshot-update`, then
look at the SVGs.
"""

from __future__ import annotations

from screens.ecs.service import ServiceScreen
from screens.ecs.services import ServicesScreen
from tests.app.conftest import settle
from tests.ecs_tui import known
from tests.ecs_tui.conftest import answer_detail, clock, dashboard, ecs_estate, estate, make_app  # noqa: F401


def on_services(pilot):
    async def run(pilot):
        screen = await dashboard(pilot)
        table = screen.panel("ecs").table
        assert table.select_key(known.clusters()[0].key)
        await pilot.press("enter")
        await settle(pilot, 6)
        assert isinstance(pilot.app.screen, ServicesScreen)
    return run(pilot)


def on_service(pilot):
    async def run(pilot):
        await pilot.app.push_screen(ServiceScreen(known.worker()))
        for _ in range(4):
            await settle(pilot, 4)
            await pilot.pause(0.05)
        assert pilot.app.screen.tasks.row_count == 4
    return run(pilot)


async def loaded_panel(pilot):
    await dashboard(pilot)


def test_clusters_panel(snap_compare, make_app, ecs_estate):
    """Alone under its tab: the cluster in trouble first with its roll-up, the calm one,
    and one whose services' tasks are not read yet ("…")."""
    assert snap_compare(make_app(), terminal_size=(160, 14), run_before=loaded_panel)


def test_services_screen(snap_compare, make_app, ecs_estate):
    """Failed, flapping, short, deploying first, each with why; sparklines; hostile name inert."""
    assert snap_compare(make_app(), terminal_size=(220, 16), run_before=on_services)


def test_service_screen(snap_compare, make_app, ecs_estate, answer_detail):
    answer_detail(known.worker_detail())
    assert snap_compare(make_app(), terminal_size=(180, 45), run_before=on_service)


def test_service_screen_80x24(snap_compare, make_app, ecs_estate, answer_detail):
    answer_detail(known.worker_detail())
    assert snap_compare(make_app(), terminal_size=(80, 24), run_before=on_service)


def test_services_screen_80x24(snap_compare, make_app, ecs_estate):
    """The service, its health and what it runs first: the rest scrolls sideways."""
    assert snap_compare(make_app(), terminal_size=(80, 24), run_before=on_services)
