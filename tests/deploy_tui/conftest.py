"""Deploy and roll back through the whole app, over HTTP to the embedded server.

Functions live in the test's own account (tests/deploy's Functions helper); the app
runs on a ManualClock that only the test moves, so canary windows pass without waiting.
"""

from __future__ import annotations

from datetime import datetime, timezone

import pytest
from textual.widgets import Input, Select

from console.app import OpsdeckApp
from console.aws.clients import ClientPool
from console.clock import ManualClock
from console.target import Target
from tests.deploy.conftest import Functions, audit, ctx, functions, runner, source  # noqa: F401 - fixtures
from tests.lambda_tui.conftest import select_function
from tests.pilot import click, wait_until


@pytest.fixture
def clock() -> ManualClock:
    # CloudWatch Logs refuses lines stamped far from real time (control.lambda_traffic writes some)
    return ManualClock(datetime.now(timezone.utc).replace(microsecond=0))


def start_app(functions: Functions, clock: ManualClock, read_only: bool = False) -> OpsdeckApp:
    return OpsdeckApp(Target(None, "us-east-1", functions.account.endpoint), ClientPool(clock), clock,
                      read_only=read_only)


async def open_form(pilot, app, name: str):
    from screens.lambda_.deploy import DeployFormScreen

    await select_function(pilot, app, name)
    await pilot.press("d")
    return await wait_until(pilot, lambda: isinstance(app.screen, DeployFormScreen) and app.screen)


def fill(form, **values) -> None:
    """Set the form's fields by id suffix: source=..., strategy=..., step=..., grace=..."""
    for name, value in values.items():
        widget = form.query_one(f"#deploy-{name.replace('_', '-')}")
        assert isinstance(widget, (Input, Select))
        widget.value = value


async def plan_and_confirm(pilot, app, form):
    """f5 plans; the generic confirmation shows the plan; Apply starts the progress view."""
    from screens.lambda_.deploy import DeployConfirmScreen
    from screens.lambda_.deploy_progress import DeployProgressScreen

    await pilot.press("f5")
    # the modal is the screen before its buttons are mounted: wait for the one clicked
    modal = await wait_until(pilot, lambda: isinstance(app.screen, DeployConfirmScreen)
                             and app.screen.query("#confirm-apply") and app.screen)
    plan_shown = str(modal.query_one("#confirm-plan").render())
    await click(pilot, "#confirm-apply")
    progress = await wait_until(pilot, lambda: isinstance(app.screen, DeployProgressScreen) and app.screen)
    return progress, plan_shown


async def advance(pilot, clock: ManualClock, seconds: int, step: int = 5) -> None:
    """Move the app's clock on in small steps, letting the deploy (and pollers) work between."""
    for _ in range(0, seconds, step):
        await clock.advance(step)
        await pilot.pause(0.02)
