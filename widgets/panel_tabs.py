"""The dashboard's tab strip, shown when the terminal is too small for every panel at once.

One label per panel (`1 Lambda · 3`), its number the key that shows it; the current
one stands out, a failing or stale panel is toned like its border, so trouble in a
hidden panel still shows. Labels wrap to a second line whole, never split, and a click
on one chooses it. Colours come from the theme through component classes.
"""

from __future__ import annotations

from dataclasses import dataclass

from rich.style import Style
from rich.text import Text
from textual import events
from textual.message import Message
from textual.widget import Widget

SEPARATOR = " "


@dataclass(frozen=True)
class Tab:
    title: str
    state: str  # a PanelState name: loading | empty | ok | error | stale
    count: int

    def label(self, number: int) -> str:
        detail = {"loading": "…", "error": "error", "stale": f"{self.count} stale"}.get(self.state, str(self.count))
        return f" {number} {self.title} · {detail} "


class PanelTabs(Widget, can_focus=False):
    """`tabs` and the `current` index; posts Chosen(index) when a label is clicked."""

    COMPONENT_CLASSES = {"panel-tabs--tab", "panel-tabs--current", "panel-tabs--error", "panel-tabs--stale"}

    class Chosen(Message):
        def __init__(self, index: int) -> None:
            super().__init__()
            self.index = index

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.tabs: tuple[Tab, ...] = ()
        self.current = 0
        self._spans: list[tuple[int, int, int, int]] = []  # (line, start, end, index) of each label

    def show(self, tabs: tuple[Tab, ...], current: int) -> None:
        if (tabs, current) != (self.tabs, self.current):
            self.tabs, self.current = tabs, current
            self.refresh(layout=True)

    def _lines(self, width: int) -> list[list[tuple[int, str]]]:
        """Labels laid out left to right, a label that would not fit starting a new line."""
        lines: list[list[tuple[int, str]]] = [[]]
        used = 0
        for index, tab in enumerate(self.tabs):
            label = tab.label(index + 1)
            needed = len(label) + (len(SEPARATOR) if lines[-1] else 0)
            if lines[-1] and used + needed > width:
                lines.append([])
                used, needed = 0, len(label)
            lines[-1].append((index, label))
            used += needed
        return lines

    def get_content_height(self, container, viewport, width: int) -> int:
        return len(self._lines(width)) if self.tabs else 0

    def render(self) -> Text:
        text = Text(end="", no_wrap=True, overflow="ellipsis")
        self._spans = []
        for number, line in enumerate(self._lines(self.size.width)):
            if number:
                text.append("\n")
            column = 0
            for position, (index, label) in enumerate(line):
                if position:
                    text.append(SEPARATOR)
                    column += len(SEPARATOR)
                text.append(label, self._style(index))
                self._spans.append((number, column, column + len(label), index))
                column += len(label)
        return text

    def _style(self, index: int) -> Style:
        style = self.get_component_rich_style("panel-tabs--tab")
        if index == self.current:
            style += self.get_component_rich_style("panel-tabs--current")
        state = self.tabs[index].state
        if state in ("error", "stale"):  # the tone wins: trouble shows on the current tab too
            style += self.get_component_rich_style(f"panel-tabs--{state}")
        return style

    def on_click(self, event: events.Click) -> None:
        for line, start, end, index in self._spans:
            if event.y == line and start <= event.x < end:
                self.post_message(self.Chosen(index))
                return
