"""A titled panel around one ResourceTable: its state in the title, a filter input.

The title always says what the panel knows: loading, empty, failed (with what to
do), stale (data kept, with its age and why), or how many rows. The border colour
follows the state through CSS classes, so the theme decides the colours.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any, Iterable

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import Input, Static

from console.aws.errors import Problem
from console.text import inert
from widgets.cells import age as format_age
from widgets.resource_table import ResourceTable

STYLED_STATES = ("loading", "error", "stale")  # the states themes/opsdeck.tcss styles by class


@dataclass(frozen=True)
class PanelState:
    """What a panel knows about its data, independent of how it is drawn."""

    loaded: bool
    count: int
    problem: Problem | None = None
    age: float | None = None

    @property
    def name(self) -> str:
        if self.problem is not None:
            return "stale" if self.loaded else "error"
        if not self.loaded:
            return "loading"
        return "ok" if self.count else "empty"


def panel_title(title: str, noun: str, where: str, state: PanelState, shown: int | None = None) -> Text:
    """`Lambda · 12`, `Lambda · loading…`, `Lambda · stale 42s — <headline>`..."""
    result = Text(title, style="bold", end="")
    result.append(" · ")
    name = state.name
    if name == "loading":
        result.append("loading…")
    elif name == "empty":
        result.append(f"no {noun} in ")
        result.append_text(inert(where))
    elif name == "error":
        result.append("error — ")
        result.append_text(inert(state.problem.headline))
    elif name == "stale":
        result.append(f"stale {format_age(state.age)} — ")
        result.append_text(inert(state.problem.headline))
    elif shown is not None and shown != state.count:
        result.append(f"{shown}/{state.count}")
    else:
        result.append(str(state.count))
    return result


class FilterInput(Input):
    """The panel's `/` filter; esc clears and closes it (and only it)."""

    BINDINGS = [Binding("escape", "close", "Clear filter", id="filter.clear")]

    def action_close(self) -> None:
        self.value = ""
        self.display = False
        self.post_message(self.Submitted(self, ""))


class ResourcePanel(Vertical, can_focus=False):
    """One dashboard panel; `show()` takes the items and the state to display."""

    # esc clears a filter still applied after its box closed, before it can mean "back"
    BINDINGS = [Binding("escape", "clear_filter", "Clear filter", id="filter.clear")]

    def __init__(self, title: str, noun: str, table: ResourceTable, *, id: str) -> None:
        super().__init__(id=id, classes="-loading")  # born loading: no restyle on the first draw
        self.title = title
        self.noun = noun
        self.table = table
        self.where = ""
        self.state = PanelState(loaded=False, count=0)
        self._pending: tuple[tuple[Any, ...], datetime] | None = None  # items shown before mount

    def compose(self) -> ComposeResult:
        yield Static("", classes="panel-notice")
        yield self.table
        yield FilterInput(placeholder="filter by name", classes="panel-filter")

    def on_mount(self) -> None:
        self.query_one(".panel-filter", Input).display = False
        self._apply()

    # data ---------------------------------------------------------------------
    # A panel nested in the dashboard's grid mounts after its screen does, and data can
    # arrive in between: `show` keeps what it is given and draws it once mounted.
    def show(self, items: Iterable[Any], state: PanelState, where: str, now: datetime) -> None:
        self.where = where
        self.state = state
        self._pending = (tuple(items), now)
        if self.is_mounted:
            self._apply()

    def set_state(self, state: PanelState) -> None:
        self.state = state
        if self.is_mounted:
            self._draw_state()

    def _apply(self) -> None:
        if self._pending is not None:
            items, now = self._pending
            self._pending = None
            self.table.update_items(items, now)
        self._draw_state()

    def _draw_state(self) -> None:
        shown = self.table.row_count if self.table.filter_text else None
        self.border_title = panel_title(self.title, self.noun, self.where, self.state, shown)
        for name in STYLED_STATES:  # a class change restyles the panel's whole subtree: only these
            self.set_class(self.state.name == name, f"-{name}")
        notice = self.query_one(".panel-notice", Static)
        problem = self.state.problem
        if self.state.name == "error" and problem is not None:
            message = inert(problem.headline, style="bold")
            message.append("\n")
            message.append_text(inert(problem.remedy))
            notice.update(message)
        elif self.state.name == "empty":
            notice.update(inert(f"no {self.noun} in {self.where}"))
        else:
            notice.update("")
        notice.display = self.state.name in ("error", "empty")
        self.table.display = self.state.name not in ("error", "empty")

    # filter -------------------------------------------------------------------
    def open_filter(self) -> None:
        box = self.query_one(".panel-filter", Input)
        box.display = True
        box.focus()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "clear_filter":
            return bool(self.table.filter_text)  # else esc falls through to the app's "back"
        return True

    def action_clear_filter(self) -> None:
        self.query_one(".panel-filter", FilterInput).action_close()

    @on(Input.Changed, ".panel-filter")
    def _filter_changed(self, event: Input.Changed) -> None:
        self.table.set_filter(event.value)
        self._draw_state()

    @on(Input.Submitted, ".panel-filter")
    def _filter_submitted(self, event: Input.Submitted) -> None:
        if not event.value:
            event.input.display = False
        self.table.focus()
