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
        text = status_text(info, self._style, self.size.width or None)
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


def status_text(info: StatusInfo, style_of: Callable[[str], str], width: int | None = None) -> Text:
    """The status line; `style_of(tone)` maps "warning"/"error" to the theme's colours.
    Within `width` it closes up its gaps, then leaves out the endpoint (which the profile
    and account already place), at last its labels and the calls a minute, so the age,
    throttles and errors stay on an 80-column screen."""
    for layout in ("wide", "close", "no endpoint", "compact"):
        line = _status_line(info, style_of, layout)
        if width is None or line.cell_len <= width:
            return line
    return line


def _status_line(info: StatusInfo, style_of: Callable[[str], str], layout: str) -> Text:
    compact = layout == "compact"
    space = " " * (3 if layout == "wide" else 2)
    where = [info.account or "…" if compact else f"acct {info.account or '…'}", info.label, info.region]
    if info.endpoint and layout in ("wide", "close"):
        where.append(info.endpoint)
    line = Text(" ")
    line.append_text(inert((" " if compact else "  ").join(where)))
    if info.read_only:
        line.append(" " if compact else "  ")
        line.append(" READ-ONLY ", style=f"bold reverse {style_of('warning')}")
    line.append(space)
    if info.polled:
        if info.oldest_age is None:
            line.append(f"no data yet{space}")
        else:
            line.append(f"{'' if compact else 'data '}{age(info.oldest_age)} old{space}")
    if not compact:
        line.append(f"{info.calls_last_minute} calls/min{space}")
    window = f"/{age(info.failures_window)}"
    line.append(f"{info.throttles} throttled{window}", style=f"bold {style_of('error')}" if info.throttles else "")
    line.append(space)
    line.append(f"{info.errors} errors{window}", style=f"bold {style_of('error')}" if info.errors else "")
    return line
