"""The bottom line: where the data comes from, how old it is, what it cost.

An on-call engineer must see at a glance which account/region they are looking at,
whether writes are disabled, and whether the data is fresh or AWS is pushing back.
The widget only draws a StatusInfo; the app gathers the figures every second.
"""

from __future__ import annotations

from dataclasses import dataclass

from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.widgets import Label

from console.text import inert
from widgets.cells import age


@dataclass(frozen=True)
class StatusInfo:
    account: str | None
    label: str  # profile name, `default` or `demo`
    region: str
    endpoint: str | None
    read_only: bool
    oldest_age: float | None  # seconds; None before any data is on screen
    calls_last_minute: int
    throttles: int
    errors: int


class StatusBar(Horizontal):
    """Account · profile · region · endpoint · READ-ONLY · data age · API calls."""

    def compose(self) -> ComposeResult:
        for name in ("account", "profile", "region", "endpoint", "read-only", "spacer", "age", "calls", "throttles", "errors"):
            yield Label("", id=name)

    def on_mount(self) -> None:
        self.query_one("#read-only").display = False
        self.query_one("#endpoint").display = False

    def show(self, info: StatusInfo) -> None:
        self._set("account", f"acct {info.account or '…'}")
        self._set("profile", info.label)
        self._set("region", info.region)
        self._set("endpoint", info.endpoint or "", visible=bool(info.endpoint))
        self._set("read-only", "READ-ONLY", visible=info.read_only)
        self._set("age", f"data {age(info.oldest_age)} old" if info.oldest_age is not None else "no data yet")
        self._set("calls", f"{info.calls_last_minute} calls/min")
        self._set("throttles", f"{info.throttles} throttled", alert=info.throttles > 0)
        self._set("errors", f"{info.errors} errors", alert=info.errors > 0)

    def _set(self, name: str, value: str, *, visible: bool = True, alert: bool = False) -> None:
        label = self.query_one(f"#{name}", Label)
        label.update(inert(value))
        label.display = visible
        label.set_class(alert, "-alert")

    def text(self) -> str:
        """The visible text, for tests and screen readers."""
        return " ".join(
            str(label.content) for label in self.query(Label) if label.display and str(label.content)
        )
