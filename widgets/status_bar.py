"""The bottom line: where the data comes from, how old it is, what it cost.

An on-call engineer must see at a glance which account/region they are looking at,
whether writes are disabled, and whether the data is fresh or AWS is pushing back.
The widget only draws a StatusInfo; the app gathers the figures every second.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

from rich.text import Text
from textual.widgets import Static

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
    throttles: int  # in the last `failures_window` seconds
    errors: int  # in the last `failures_window` seconds
    polled: bool = True  # the screen shows polled data (a detail or log screen reads its own)
    failures_window: float = 300.0


class StatusBar(Static):
    """Account · profile · region · endpoint · READ-ONLY · data age · API calls.

    One Static drawing one Text: there are no child widgets to query, so the app's
    once-a-second update is safe even while a screen is still being composed.
    """

    def show(self, info: StatusInfo) -> None:
        """Draw `info`; nothing when it says what is already drawn. The bar is one docked
        line: a new text never changes the layout, so none is asked for (a layout of the
        whole screen every second was most of an idle console's CPU)."""
        self.info = info
        text = status_text(info, self._style)
        if text == getattr(self, "_drawn", None):  # ages move a step a second at most
            return
        self._drawn = text
        self.update(text, layout=False)

    def _style(self, tone: str) -> str:
        return self.app.theme_variables.get(tone, "")

    def text(self) -> str:
        """The visible words, single-spaced, for tests and screen readers."""
        info = getattr(self, "info", None)
        return " ".join(status_text(info, lambda tone: "").plain.split()) if info else ""


def status_text(info: StatusInfo, style_of: Callable[[str], str]) -> Text:
    """The status line; `style_of(tone)` maps "warning"/"error" to the theme's colours."""
    where = [f"acct {info.account or '…'}", info.label, info.region]
    if info.endpoint:
        where.append(info.endpoint)
    line = Text(" ")
    line.append_text(inert("  ".join(where)))
    if info.read_only:
        line.append("  ")
        line.append(" READ-ONLY ", style=f"bold reverse {style_of('warning')}")
    line.append("   ")
    if info.polled:
        line.append(f"data {age(info.oldest_age)} old   " if info.oldest_age is not None else "no data yet   ")
    line.append(f"{info.calls_last_minute} calls/min   ")
    window = f"/{age(info.failures_window)}"
    line.append(f"{info.throttles} throttled{window}", style=f"bold {style_of('error')}" if info.throttles else "")
    line.append("   ")
    line.append(f"{info.errors} errors{window}", style=f"bold {style_of('error')}" if info.errors else "")
    return line
