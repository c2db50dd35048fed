"""The log view and the invoke screen through the whole app, over HTTP to the embedded server."""

from __future__ import annotations

from datetime import datetime, timezone

from console.app import OpsdeckApp
from console.aws.clients import ClientPool
from console.clock import ManualClock
from console.target import Target
from screens.dashboard import DashboardScreen
from tests.pilot import wait_until


def real_now() -> datetime:
    """CloudWatch Logs refuses lines stamped far from the real time: the clock starts at now."""
    return datetime.now(timezone.utc).replace(microsecond=0)


def start_app(endpoint: str, clock: ManualClock | None = None, read_only: bool = False) -> OpsdeckApp:
    clock = clock or ManualClock(real_now())
    return OpsdeckApp(Target(None, "us-east-1", endpoint), ClientPool(clock), clock, read_only=read_only)


async def select_function(pilot, app: OpsdeckApp, name: str) -> None:
    """Wait for the Lambda panel to list `name`, and put the cursor on it."""
    await wait_until(pilot, lambda: isinstance(app.screen, DashboardScreen))
    table = app.screen.panel("lambda").table
    await wait_until(pilot, lambda: any(getattr(i, "name", None) == name for i in table.items))
    table.focus()
    assert table.select_key(next(i.key for i in table.items if i.name == name))
    await pilot.pause()
