"""The function detail screen over HTTP against the embedded estate.

`open_detail` starts the real app (no dashboard polling: the sources table is empty, so
the only calls are the screen's own) and pushes the detail screen of one function.
"""

from __future__ import annotations

from datetime import datetime, timezone

import boto3
import pytest

from console.app import OpsdeckApp
from console.aws.clients import ClientPool
from console.clock import ManualClock
from console.services.lambda_.sources import function_from_api
from console.target import Target
from screens.dashboard import DashboardScreen
from screens.lambda_.function_detail import FunctionDetailScreen
from tests.pilot import wait_until


def real_now() -> datetime:
    """CloudWatch rejects stamps far from the server's time: the manual clock starts at real now."""
    return datetime.now(timezone.utc).replace(microsecond=0)


def function_model(endpoint: str, name: str, client=None):
    lam = client or boto3.client("lambda", endpoint_url=endpoint, region_name="us-east-1")
    target = Target(None, "us-east-1", endpoint)
    return function_from_api(target, lam.get_function(FunctionName=name)["Configuration"])


def make_app(endpoint: str, clock: ManualClock) -> OpsdeckApp:
    return OpsdeckApp(Target(None, "us-east-1", endpoint, demo=True), ClientPool(clock), clock, sources={})


async def open_detail(pilot, app: OpsdeckApp, function, **kw) -> FunctionDetailScreen:
    await wait_until(pilot, lambda: isinstance(app.screen, DashboardScreen))
    screen = FunctionDetailScreen(function, **kw)
    await app.push_screen(screen)
    return screen


async def settled(pilot, screen: FunctionDetailScreen, *section_ids: str) -> None:
    """Until the named sections (all when none named) have left `loading`. A ManualClock
    moves only if they have not within 100 rounds: reads beyond Lambda's burst (a second
    detail opened in one test) wait for their token on it (console.aws.budget)."""
    ids = section_ids or tuple(screen.sections)

    def done() -> bool:
        return all(screen.sections[i].state != "loading" for i in ids)

    try:
        await wait_until(pilot, done, rounds=100, patience=0)  # 5 s, then time moves
    except AssertionError:
        clock = screen.app.clock
        await wait_until(pilot, done, rounds=300, clock=clock if isinstance(clock, ManualClock) else None)
    await pilot.pause()


def rows(screen: FunctionDetailScreen, table_id: str) -> list[list[str]]:
    table = screen.query_one(f"#{table_id}")
    return [[cell.plain if hasattr(cell, "plain") else str(cell) for cell in table.get_row_at(i)]
            for i in range(table.row_count)]


def static_text(screen: FunctionDetailScreen, widget_id: str) -> str:
    """What a Static shows, rendered wide enough that nothing wraps."""
    from rich.console import Console

    console = Console(width=250, record=True, color_system=None, file=open("/dev/null", "w"))
    console.print(screen.query_one(f"#{widget_id}").content)
    return console.export_text()


def field(screen: FunctionDetailScreen, widget_id: str, label: str) -> str:
    """The value on the `label  value` line of a key/value section."""
    for line in static_text(screen, widget_id).splitlines():
        if line.startswith(label + " "):
            return line[len(label):].strip()
    raise AssertionError(f"no {label!r} line in #{widget_id}:\n{static_text(screen, widget_id)}")


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock(real_now())
