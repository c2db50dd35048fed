"""SVG snapshots of the log view and the invoke screen at 160x45, with known data and a
frozen clock: the app of tests/app (in-process sources) with the log tail, the qualifier
list and the invoke call replaced by fixed answers, so nothing depends on the network
or on the time of day.

Update deliberately: `pytest tests/lambda_tui/test_snapshots.py --snapshot-update`,
then look at the SVGs.
"""

from __future__ import annotations

import asyncio
import json
from datetime import timedelta


from console.services.lambda_.invoke import InvokeResult
from console.cloudwatch.logs import LogEvent
from console.cloudwatch.logs_feed import LogFeed
from console.services.lambda_.qualifiers import Qualifiers
from screens.dashboard import DashboardScreen
from tests.app.conftest import T0, alias, clock, estate, function, make_app, settle  # noqa: F401 - fixtures

SIZE = (160, 45)

LINES = [
    "INIT_START Runtime Version: python:3.12.v38\tRuntime Version ARN: arn:aws:lambda:us-east-1::runtime:abc\n",
    "START RequestId: 1f0e-aa Version: 4\n",
    '{"level": "INFO", "message": "order received", "orderId": "o-1001"}\n',
    "[WARNING]\t2026-11-27T11:58:01.120Z\t1f0e-aa\tinventory low for sku-7\n",
    "[ERROR]\tPaymentError: card declined\nTraceback (most recent call last):\n"
    '  File "/var/task/handler.py", line 12, in handler\n',
    "[DEBUG]\tretrying with backup gateway\n",
    "customer note: [bold red]not markup[/] \x1b[31mnot red\x1b[0m \x07\n",
    "END RequestId: 1f0e-aa\n",
    "REPORT RequestId: 1f0e-aa\tDuration: 812.44 ms\tBilled Duration: 813 ms\tMemory Size: 256 MB\t"
    "Max Memory Used: 91 MB\tInit Duration: 402.17 ms\t\n",
    "START RequestId: 2b7c-bb Version: 4\n",
    "[INFO]\torder o-1002 accepted\n",
    "END RequestId: 2b7c-bb\n",
    "REPORT RequestId: 2b7c-bb\tDuration: 35.08 ms\tBilled Duration: 36 ms\tMemory Size: 256 MB\t"
    "Max Memory Used: 92 MB\t\n",
]


class FixedFeed(LogFeed):
    """Stands in for console.cloudwatch.logs_feed.LogFeed: the lines above as the history,
    then live tail with nothing new (a session started, one empty update)."""

    def fixed_lines(self) -> list[LogEvent]:
        at = T0 - timedelta(minutes=2)
        return [LogEvent("/aws/lambda/orders", "2026/11/27/[4]abc", at + timedelta(milliseconds=1537 * i),
                         at, message, str(i)) for i, message in enumerate(LINES)]

    async def batches(self, follow: bool = True):
        self._succeeded()
        yield self.fixed_lines()
        self.mode, self.sessions = "live", 1
        self._succeeded()
        yield []
        await asyncio.Event().wait()


async def open_logs(pilot):
    """The log view of `orders`, its feed answered by FixedFeed (patched in by the test)."""
    import screens.log_view

    await settle(pilot, 6)
    assert isinstance(pilot.app.screen, DashboardScreen)
    screen = screens.log_view.LogViewScreen([function("orders").log_group], title="Logs · orders")
    await pilot.app.push_screen(screen)
    await settle(pilot, 6)
    assert screen.polls >= 1


def test_log_view(snap_compare, make_app, monkeypatch):
    import screens.log_view

    monkeypatch.setattr(screens.log_view, "LogFeed", FixedFeed)
    assert snap_compare(make_app(), terminal_size=SIZE, run_before=open_logs)


async def known_qualifiers(ctx, name):
    return Qualifiers((alias("orders", "3", [("4", 0.1)]),), ("$LATEST", "4", "3"))


def failing_result() -> InvokeResult:
    error = {"errorMessage": "card declined", "errorType": "PaymentError",
             "stackTrace": ['  File "/var/task/handler.py", line 12, in handler\n']}
    tail = ("START RequestId: 1f0e-aa Version: 4\n[ERROR]\tPaymentError: card declined\n"
            "END RequestId: 1f0e-aa\nREPORT RequestId: 1f0e-aa\tDuration: 812.44 ms\t"
            "Billed Duration: 813 ms\tMemory Size: 256 MB\tMax Memory Used: 91 MB\t\n")
    return InvokeResult(200, "Unhandled", "4", json.dumps(error, indent=2), tail, "1f0e-aa", "RequestResponse")


def answer_invokes(monkeypatch) -> None:
    """The qualifier list answers with the fixed aliases above."""
    import screens.lambda_.invoke

    monkeypatch.setattr(screens.lambda_.invoke, "fetch_qualifiers", known_qualifiers)


async def open_and_invoke(pilot):
    """The invoke screen of `orders` (its live alias chosen) showing a function error's
    result (the invoke itself, planned, confirmed and sent to the embedded AWS, is
    tests/lambda_tui/test_invoke_action.py's)."""
    import screens.lambda_.invoke

    await settle(pilot, 6)
    screen = screens.lambda_.invoke.InvokeScreen(function("orders"))
    await pilot.app.push_screen(screen)
    screen.editor.cursor_blink = False  # a blinking cursor would make the snapshot depend on timing
    await settle(pilot, 4)
    assert screen.qualifier == "live"
    screen.show_result(failing_result())
    await settle(pilot, 4)
    assert screen.state == "done"


def test_invoke_screen_with_a_function_error(snap_compare, make_app, monkeypatch):
    answer_invokes(monkeypatch)
    assert snap_compare(make_app(), terminal_size=SIZE, run_before=open_and_invoke)
