"""Send a test event to a bus: a JSON editor pre-filled with an event shaped like the rule's
pattern, and, under it as you type, which rules on the bus would match it.

`open_put_event(node, bus, pattern)` is what `p` binds. The modal reads the bus's rules
once (DescribeEventBus, ListRules) and matches the event in the editor against them on
every edit with the local matcher (console.services.events.put_event, patterns), so the
answer is there before anything is sent. f5 checks the event (invalid JSON: the line and
column are said and the cursor goes there; a missing source, detail-type or detail is
named), then plans the guarded action (console.services.events.actions.PutTestEvent: the
plan names the matching rules again), the confirmation modal asks, the Runner applies,
verifies (FailedEntryCount 0, an EventId) and audits, and this modal closes.
"""

from __future__ import annotations

import asyncio
import json
from typing import Any

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.widgets import Button, Static, TextArea

from console.aws.errors import describe_problem
from console.services.events.actions import PutTestEvent
from console.services.events.put_event import (
    Bus,
    EventFileError,
    envelope,
    event_for_pattern,
    match_rules,
    read_bus,
    read_entry,
)
from console.text import inert, inert_str
from screens.action_form import ActionFormScreen
from widgets.payload_editor import PayloadEditor


def open_put_event(node: Any, bus: str, pattern: str | None = None) -> None:
    """Open the test-event editor for `bus`, the event shaped like `pattern` (a rule's)."""
    node.app.push_screen(PutEventScreen(bus, pattern))


class PutEventScreen(ActionFormScreen):
    """The test-event editor; dismissed with the sent event's EventId, or None."""

    MESSAGE, GO, REFUSED = "put-message", "put-go", "events:PutEvents"

    DEFAULT_CSS = """
    PutEventScreen { align: center middle; }
    PutEventScreen > Vertical { width: 90%; max-width: 110; height: 90%;
        border: thick $warning; background: $surface; padding: 0 1; }
    PutEventScreen #put-editor { height: 1fr; min-height: 4; }
    PutEventScreen #put-matches { height: auto; }
    PutEventScreen #put-message { height: auto; color: $text-muted; }
    PutEventScreen #put-message.-error { color: $error; }
    PutEventScreen #put-buttons { height: auto; }
    PutEventScreen #put-buttons > Button { margin-right: 2; }
    """
    BINDINGS = [
        Binding("f5", "send", "Send", id="action.events.put-event-send", priority=True,
                tooltip="Check the event, then plan and confirm sending it"),
        Binding("escape", "close", "Cancel", id="put.close"),
    ]

    def __init__(self, bus: str, pattern: str | None = None) -> None:
        super().__init__()
        self.bus_name = bus
        self.pattern = pattern
        self.bus: Bus | None = None
        self.bus_problem: str | None = None  # why the bus's rules could not be read
        self.state = "loading"  # loading | ready | sending | refused
        self.event_id: str | None = None

    def compose(self) -> ComposeResult:
        with Vertical():
            title = Text("Send a test event to bus ", style="bold", end="")
            title.append_text(inert(self.bus_name, style="bold"))
            yield Static(title, id="put-title", markup=False)
            yield PayloadEditor(json.dumps(event_for_pattern(self.pattern), indent=2, ensure_ascii=False),
                                id="put-editor")
            yield Static(Text("matches: reading the bus's rules…"), id="put-matches", markup=False)
            yield Static("", id="put-message", markup=False)
            with Horizontal(id="put-buttons"):
                yield Button("Send (f5)", variant="warning", id="put-go")
                yield Button("Cancel", id="put-cancel")

    def on_mount(self) -> None:
        self.editor.focus()
        if self.app.read_only:
            self.refuse_read_only()
            return
        self.run_worker(self._load_bus(), group="put-bus")

    @property
    def editor(self) -> PayloadEditor:
        return self.query_one("#put-editor", PayloadEditor)

    async def _load_bus(self) -> None:
        try:
            self.bus = await read_bus(self.app.aws_context(), self.bus_name)
        except asyncio.CancelledError:
            raise
        except Exception as exc:  # the bus gone, access denied, throttled: said, and sending still planned
            target = self.app.target
            self.bus_problem = describe_problem(exc, profile=target.profile, endpoint=target.endpoint).headline
        if self.state == "loading":
            self.state = "ready"
        self._show_matches()

    # the live answer ------------------------------------------------------------------------
    def matches_line(self) -> Text:
        """Which rules on the bus the event in the editor matches, as one line."""
        if self.bus_problem is not None:
            return inert(f"matches: unavailable (could not read the bus's rules: {self.bus_problem})")
        if self.bus is None:
            return Text("matches: reading the bus's rules…")
        try:
            entry = read_entry(self.editor.text)
        except EventFileError as exc:
            return inert(f"matches: – (the event is not complete: {exc})")
        event = envelope(entry, self.bus.account, self.app.target.region, self.app.clock.now())
        found = match_rules(self.bus.rules, event)
        line = inert(found.line())
        if found.enabled:
            line.stylize("bold")
        return line

    def _show_matches(self) -> None:
        self.query_one("#put-matches", Static).update(self.matches_line())

    @on(TextArea.Changed, "#put-editor")
    def _edited(self) -> None:
        self._show_matches()
        if self.showing_error():
            try:
                read_entry(self.editor.text)
            except EventFileError:
                return
            self.message(Text(""))

    # send -------------------------------------------------------------------------------------
    @on(Button.Pressed, "#put-go")
    def _go_pressed(self) -> None:
        self.action_send()

    def action_send(self) -> None:
        if self.app.read_only:
            self.refuse_read_only()
            return
        if self.state == "sending":
            return
        try:
            entry = read_entry(self.editor.text)
        except EventFileError as exc:
            self.message(inert(f"Event: {exc}. Nothing was sent."), "error")
            if exc.line is not None and exc.column is not None:
                self.editor.place_cursor(exc.line, exc.column)
            return
        self.run_worker(self._send(PutTestEvent(self.bus_name, entry)), exclusive=True, group="put-go")

    async def _send(self, action: PutTestEvent) -> None:
        if await self.run_guarded(action) is None:
            return
        self.event_id = action.event_id
        self.app.notify(inert_str(f"Event {action.event_id} sent to bus {self.bus_name}"), title="Test event sent",
                        markup=False)
        self.dismiss(action.event_id)

    def matches_text(self) -> str:
        return str(self.query_one("#put-matches", Static).render())

    @on(Button.Pressed, "#put-cancel")
    def _cancel_pressed(self) -> None:
        self.action_close()
