"""SVG snapshot of the deploy progress view mid-canary at 160x45, frozen clock, known
figures: the app of tests/app (in-process sources) with the view fed the engine's
DeployEvents directly (no deploy runs), so nothing depends on the network or the time.

Update deliberately: `pytest tests/deploy_tui/test_snapshot.py --snapshot-update`,
then look at the SVG.
"""

from __future__ import annotations

from datetime import timedelta

from console.actions.base import Plan
from console.actions.runner import Confirmation
from console.services.lambda_.deploy.engine import DeployEvent
from console.services.lambda_.deploy.health import MinuteFigures, VersionHealth
from screens.dashboard import DashboardScreen
from tests.app.conftest import T0, clock, estate, make_app, settle  # noqa: F401 - fixtures

SIZE = (160, 45)
ARN = "arn:aws:lambda:us-east-1:123456789012:function:orders"


async def show_mid_canary(pilot):
    """The progress view of a canary deploy of `orders`, 3m20s into its 5-minute watch."""
    from screens.lambda_.deploy_progress import DeployProgressScreen

    plan = Plan("lambda.deploy", ARN, "orders", (), details={
        "function": "orders", "alias": "live", "old_version": "3", "strategy": "canary 10% for 5m"})
    end = T0 + timedelta(minutes=3, seconds=20)

    def minute(ago, invocations, errors, final):
        return MinuteFigures(T0 - timedelta(minutes=ago), invocations, errors, final)

    def event(phase, message, weight=0.1, new=None, old=None, window_end=None):
        return DeployEvent(phase, "orders", "live", "3", "4" if phase != "updating" else None, weight, message,
                           new, old, window_end)

    await settle(pilot, 6)
    assert isinstance(pilot.app.screen, DashboardScreen)
    screen = DeployProgressScreen(pilot.app.action_runner(), None, plan, Confirmation(typed="y"),
                                  autostart=False)
    await pilot.app.push_screen(screen)
    await settle(pilot, 2)
    screen.state = "running"
    for e in (
        event("updating", "updating the code of orders", 0.0),
        event("publishing", "published version 4 of orders", 0.0),
        event("shifting", "alias live: 10% on version 4, 90% on version 3"),
        event("watching", "watching 5m", window_end=end),
        event("watching", "minute 11:58 final: version 4 (new) 12 invocations, 0 errors (0.0%); version 3 (old) "
                          "108 invocations, 0 errors (0.0%)",
              new=VersionHealth("4", 12, 0, 4, 1, by_minute=(minute(2, 12, 0, True), minute(1, 4, 1, False))),
              old=VersionHealth("3", 108, 0, 37, 0, by_minute=(minute(2, 108, 0, True), minute(1, 37, 0, False))),
              window_end=end),
    ):
        screen.on_deploy_event(e)
    screen.step_line = "step 3 of 4"
    screen._draw()
    await settle(pilot, 4)


def test_deploy_progress_mid_canary(snap_compare, make_app):
    assert snap_compare(make_app(), terminal_size=SIZE, run_before=show_mid_canary)
