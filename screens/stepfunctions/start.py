"""Start an execution from the console: a JSON editor pre-filled from a past execution's input.

`open_start_execution(node, machine_arn)` is what a key on a state machine binds. The
modal lists the machine's newest executions (ListExecutions) and fills the editor with the
input of the newest (DescribeExecution); choosing another loads its input instead. f5
checks the input before anything is sent (invalid JSON: the line and column are said and
the cursor goes there; a bad name is said at the name box), then plans the guarded action
(console.services.stepfunctions.actions.StartExecution), the generic confirmation modal asks,
the Runner applies, verifies and audits, and this modal closes with the new execution's ARN.
"""

from __future__ import annotations

import asyncio
from typing import Any, Callable

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.widgets import Button, Input, Select, Static, TextArea

from console.aws.errors import describe_problem, error_code
from console.services.stepfunctions.actions import (
    InputError,
    InputRefused,
    InputTooLarge,
    PastExecution,
    StartExecution,
    check_name,
    execution_input,
    parse_input,
    past_executions,
)
from console.text import inert, inert_str
from screens.action_form import ActionFormScreen
from widgets import cells
from widgets.payload_editor import PayloadEditor

# the key a state machine's row binds (`s`); its id starts with "action." so read-only hides it
START_EXECUTION_BINDING = Binding("s", "start_execution", "Start execution", id="action.stepfunctions.start-execution",
                                  tooltip="Start an execution of the selected state machine, its input pre-filled "
                                          "from a past execution's")
EMPTY = "{}"


def open_start_execution(node: Any, machine_arn: str, machine_name: str | None = None,
                         on_started: Callable[[str], Any] | None = None) -> None:
    """Open the start modal for a machine; `on_started(execution_arn)` once one has started."""
    def done(execution_arn: str | None) -> None:
        if execution_arn and on_started is not None:
            on_started(execution_arn)

    node.app.push_screen(StartExecutionScreen(machine_arn, machine_name), callback=done)


def _past_label(past: PastExecution, now: Any) -> Text:
    text = inert(past.name, style="bold")
    text.append(f" · {past.status}")
    if past.started_at is not None:
        text.append(f" · {cells.since(past.started_at, now)} ago")
    text.end = ""
    return text


class StartExecutionScreen(ActionFormScreen):
    """The start form; dismissed with the new execution's ARN, or None."""

    MESSAGE, GO, REFUSED = "start-message", "start-go", "states:StartExecution"

    DEFAULT_CSS = """
    StartExecutionScreen { align: center middle; }
    StartExecutionScreen > Vertical { width: 90%; max-width: 110; height: 90%;
        border: thick $warning; background: $surface; padding: 0 1; }
    StartExecutionScreen .start-row { height: auto; }
    StartExecutionScreen .start-label { width: 12; padding: 1 1 0 0; text-style: bold; }
    StartExecutionScreen #start-from, StartExecutionScreen #start-name { width: 1fr; }
    StartExecutionScreen #start-editor { height: 1fr; min-height: 4; }
    StartExecutionScreen #start-message { height: auto; color: $text-muted; }
    StartExecutionScreen #start-message.-error { color: $error; }
    StartExecutionScreen #start-buttons { height: auto; }
    StartExecutionScreen #start-buttons > Button { margin-right: 2; }
    """
    BINDINGS = [
        Binding("f5", "start", "Start", id="action.stepfunctions.start-send", priority=True,
                tooltip="Check the input, then plan and confirm the start"),
        Binding("escape", "close", "Cancel", id="start.close"),
    ]

    def __init__(self, machine_arn: str, machine_name: str | None = None) -> None:
        super().__init__()
        self.machine_arn = machine_arn
        self.machine_name = machine_name or machine_arn.rsplit(":", 1)[-1]
        self.past: dict[str, PastExecution] = {}
        self.state = "loading"  # loading | ready | sending | refused
        self.execution_arn: str | None = None

    def compose(self) -> ComposeResult:
        with Vertical():
            title = Text("Start an execution of ", style="bold", end="")
            title.append_text(inert(self.machine_name, style="bold"))
            yield Static(title, id="start-title", markup=False)
            with Horizontal(classes="start-row"):
                yield Static("Input from", classes="start-label")
                yield Select([], prompt="reading past executions…", id="start-from",
                             tooltip="Start from the input of one of the newest executions")
            with Horizontal(classes="start-row"):
                yield Static("Name", classes="start-label")
                yield Input(placeholder="blank: opsdeck-<time>-<random>", id="start-name")
            yield PayloadEditor(EMPTY, id="start-editor")
            yield Static("", id="start-message", markup=False)
            with Horizontal(id="start-buttons"):
                yield Button("Start (f5)", variant="warning", id="start-go")
                yield Button("Cancel", id="start-cancel")

    def on_mount(self) -> None:
        self.editor.focus()
        if self.app.read_only:
            self.refuse_read_only()
            return
        self.run_worker(self._load_past(), group="start-past")

    @property
    def editor(self) -> PayloadEditor:
        return self.query_one("#start-editor", PayloadEditor)

    # past executions ---------------------------------------------------------------
    async def _load_past(self) -> None:
        picker = self.query_one("#start-from", Select)
        try:
            found = await past_executions(self.app.aws_context(), self.machine_arn)
        except asyncio.CancelledError:
            raise
        except Exception as exc:  # EXPRESS, throttled, gone: start from {} and say why
            if error_code(exc) == "StateMachineTypeNotSupported":
                said = Text("EXPRESS machine: AWS lists no past executions; the input starts as {}.")
            else:
                target = self.app.target
                said = Text("Could not read past executions (the input starts as {}): ", end="")
                said.append_text(inert(describe_problem(exc, profile=target.profile,
                                                       endpoint=target.endpoint).headline))
            self._ready(said)
            return
        self.past = {p.arn: p for p in found}
        if not found:
            self._ready(Text("No past executions: the input starts as {}."))
            return
        now = self.app.clock.now()
        with picker.prevent(Select.Changed):
            picker.set_options([(_past_label(p, now), p.arn) for p in found])
            picker.value = found[0].arn
        await self._load_input(found[0].arn)

    @on(Select.Changed, "#start-from")
    def _chosen(self, event: Select.Changed) -> None:
        if event.value is not Select.NULL:
            self.run_worker(self._load_input(str(event.value)), exclusive=True, group="start-input")

    async def _load_input(self, execution_arn: str) -> None:
        name = self.past[execution_arn].name if execution_arn in self.past else execution_arn
        try:
            text = await execution_input(self.app.aws_context(), execution_arn)
        except asyncio.CancelledError:
            raise
        except Exception as exc:
            target = self.app.target
            said = Text("Could not read that execution's input: ", end="")
            said.append_text(inert(describe_problem(exc, profile=target.profile, endpoint=target.endpoint).headline))
            self._ready(said, tone="error")
            return
        self.editor.load_text(text)
        said = Text("Input of ", end="")
        said.append_text(inert(name))
        said.append(": edit it, then f5 to start.")
        self._ready(said)

    def _ready(self, text: Text, tone: str | None = None) -> None:
        if self.state == "loading":
            self.state = "ready"
        self.message(text, tone)

    # start ----------------------------------------------------------------------------
    @on(Button.Pressed, "#start-go")
    def _go_pressed(self) -> None:
        self.action_start()

    def action_start(self) -> None:
        if self.app.read_only:
            self.refuse_read_only()
            return
        if self.state == "sending":
            return
        name = self.query_one("#start-name", Input).value.strip()
        try:
            if name:
                check_name(name)
        except InputRefused as exc:
            self.message(inert(f"Name: {str(exc).removeprefix('--name: ')}. Nothing was sent."), "error")
            self.query_one("#start-name", Input).focus()
            return
        text = self.editor.text
        try:
            parse_input(text)
        except InputError as exc:
            self.message(Text(f"Input: invalid JSON at line {exc.line}, column {exc.column}: {exc.message}. "
                               "Nothing was sent."), "error")
            self.editor.place_cursor(exc.line, exc.column)
            return
        except InputTooLarge as exc:
            self.message(Text(f"Input: {exc}. Nothing was sent."), "error")
            return
        self.state = "sending"  # a second f5 before the worker runs starts nothing
        self.run_worker(self._start(text, name or None), exclusive=True, group="start-go")

    async def _start(self, text: str, name: str | None) -> None:
        """Plan -> the confirmation modal (which applies, verifies and audits) -> close with the ARN."""
        action = StartExecution(self.machine_arn, text, name)
        if await self.run_guarded(action) is None:
            return
        if getattr(self.app, "engine", None) is not None:
            self.app.engine.refresh_now()
        self.execution_arn = action.execution_arn
        self.app.notify(inert_str(f"Started execution {action.execution_name} of {self.machine_name}"),
                        title="Execution started", markup=False)
        self.dismiss(action.execution_arn)

    def explain(self, said: str) -> str:
        return said.replace("--name: ", "Name: ")

    @on(TextArea.Changed, "#start-editor")
    def _edited(self) -> None:
        """An error about the input goes once the input parses."""
        if self.showing_error():
            try:
                parse_input(self.editor.text)
            except (InputError, InputTooLarge):
                return
            self.message(Text(""), None)

    @on(Button.Pressed, "#start-cancel")
    def _cancel_pressed(self) -> None:
        self.action_close()
