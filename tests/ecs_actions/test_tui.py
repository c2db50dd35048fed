"""The ECS action keys through the whole app, on a small screen that mixes in ServiceActions
and TaskActions (the services and service screens of issue 11 mix in the same; test_screens
drives those): `s` scales (a bad count is said at the field), escape while a deploy's
rollout is followed stops watching and `u` points the service back. The shared clock moves
the embedded AWS's rollout; the results are read back through boto3."""

from __future__ import annotations

from textual.widgets import Input, Select, Static

from console.services.ecs.models import ServiceRef, TaskRef
from screens.confirm import ConfirmActionScreen
from screens.dashboard import DashboardScreen
from screens.ecs.actions import ServiceActions, TaskActions
from screens.ecs.deploy import DeployImageScreen, RollbackScreen
from screens.ecs.rollout import RolloutConfirmScreen
from screens.ecs.scale import ScaleScreen
from tests.ecs_views.test_tui import Board as ViewsBoard
from tests.lambda_tui.conftest import start_app
from tests.pilot import wait_until

from .conftest import CLUSTER, FAMILY, SERVICE


class Board(ServiceActions, TaskActions, ViewsBoard):
    """i11-views' board (a service and maybe a task selected, the view keys) with the action
    keys too: what the ECS screens offer."""

    BINDINGS = [*TaskActions.KEYS, *ServiceActions.KEYS, *ViewsBoard.BINDINGS]
    selected_service_ref = ViewsBoard.selected_service_ref  # before the mixins' NotImplementedError
    selected_task_ref = ViewsBoard.selected_task_ref


async def open_board(pilot, app, task: str | None = None) -> Board:
    await wait_until(pilot, lambda: isinstance(app.screen, DashboardScreen))
    board = Board(ServiceRef(app.target, CLUSTER, SERVICE), TaskRef(app.target, CLUSTER, task) if task else None)
    await app.push_screen(board)
    await pilot.pause()
    return board


async def test_s_scales_and_a_bad_count_is_said_at_the_field(estate, shared_clock):
    app = start_app(estate.account.endpoint, shared_clock)
    async with app.run_test(size=(160, 50)) as pilot:
        await open_board(pilot, app)
        await pilot.press("s")
        form = await wait_until(pilot, lambda: isinstance(app.screen, ScaleScreen) and app.screen)
        count = form.query_one("#scale-count", Input)
        await wait_until(pilot, lambda: count.value == "2")
        count.value = "lots"
        await pilot.press("enter")
        assert form.message_text() == "Desired count: expected a whole number from 0 to 5,000, got 'lots'"
        assert app.screen is form
        count.value = "4"
        await pilot.press("enter")
        modal = await wait_until(pilot, lambda: isinstance(app.screen, ConfirmActionScreen) and app.screen)
        assert "desired count 2 -> 4" in str(modal.query_one("#confirm-plan", Static).render())
        await pilot.click("#confirm-apply")
        await wait_until(pilot, lambda: estate.service()["desiredCount"] == 4)


async def test_escape_stops_following_and_u_points_the_service_back(estate, shared_clock):
    """Stopping the watch leaves the rollout to ECS (a cancel, not a failure); undo then
    points the service back at the revision it had."""
    app = start_app(estate.account.endpoint, shared_clock)
    async with app.run_test(size=(160, 50)) as pilot:
        await open_board(pilot, app)
        await pilot.press("d")
        form = await wait_until(pilot, lambda: isinstance(app.screen, DeployImageScreen) and app.screen)
        image = form.query_one("#deploy-image", Input)
        await wait_until(pilot, lambda: image.value)
        image.value = "registry.example/web:2.0"
        await pilot.press("enter")
        modal = await wait_until(pilot, lambda: isinstance(app.screen, RolloutConfirmScreen) and app.screen)
        await pilot.click("#confirm-apply")
        await wait_until(pilot, lambda: "IN_PROGRESS" in modal.shown_rollout())
        await pilot.press("escape")
        result = modal.query_one("#confirm-result", Static)
        await wait_until(pilot, lambda: "Cancelled after 2/3 steps" in str(result.render()), clock=shared_clock)
        assert "No longer following: stopped following deployment ecs-svc/" in modal.shown_rollout()
        assert estate.on() == f"{FAMILY}:3"
        await pilot.press("u")
        await wait_until(pilot, lambda: "Undo: Done: 1/1 steps applied and verified" in str(result.render()))
    assert estate.on() == f"{FAMILY}:2"


async def test_r_offers_the_previous_completed_deployment_or_a_revision_and_F_plans_a_forced_deployment(
        estate, shared_clock):
    app = start_app(estate.account.endpoint, shared_clock)
    async with app.run_test(size=(160, 50)) as pilot:
        board = await open_board(pilot, app)
        await pilot.press("r")
        form = await wait_until(pilot, lambda: isinstance(app.screen, RollbackScreen) and app.screen)
        choices = form.query_one("#rollback-to", Select)
        await wait_until(pilot, lambda: "on web:2" in str(form.query_one("#form-context", Static).render()))
        assert [str(label) for label, _ in choices._options if _ is not Select.BLANK] == [
            "the previous completed deployment", f"{FAMILY}:1"]
        await pilot.press("enter")
        modal = await wait_until(pilot, lambda: isinstance(app.screen, RolloutConfirmScreen) and app.screen)
        assert (f"task definition {FAMILY}:2 -> {FAMILY}:1 (the revision before the current one)"
                in str(modal.query_one("#confirm-plan", Static).render()))
        await pilot.press("escape")
        await wait_until(pilot, lambda: app.screen is board)
        await pilot.press("F")
        modal = await wait_until(pilot, lambda: isinstance(app.screen, RolloutConfirmScreen) and app.screen)
        assert f"Force a new deployment of service {SERVICE} on {FAMILY}:2" in \
            str(modal.query_one("#confirm-plan", Static).render())
        await pilot.press("escape")
    assert estate.on() == f"{FAMILY}:2" and len(estate.service()["deployments"]) == 1  # nothing applied
