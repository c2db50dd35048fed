"""Stop and redrive an execution from the console; what a screen showing executions binds.

`open_stop_execution(node, execution_arn)` asks for the error and cause to record (both
optional, their lengths checked at the field), then plans the guarded stop and confirms it
in the generic modal. `open_redrive_execution(node, execution_arn)` plans the redrive and
confirms it: the plan names the states that run again; an execution that cannot be
redriven (still running, succeeded, over AWS's 14 days) is said in a notification. Both
capture the ARN when the key is pressed; read-only mode hides their keys (ids "action.").
"""

from __future__ import annotations

from typing import Any

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Static

from console.services.stepfunctions.actions import (
    MAX_CAUSE,
    MAX_ERROR,
    InputRefused,
    RedriveExecution,
    StopExecution,
)
from console.text import inert, inert_str
from screens.confirm import start_guarded_action

STOP_EXECUTION_BINDING = Binding("x", "stop_execution", "Stop execution", id="action.stepfunctions.stop-execution",
                                 tooltip="Stop the selected running execution, with an error and cause to record")
REDRIVE_EXECUTION_BINDING = Binding("R", "redrive_execution", "Redrive", id="action.stepfunctions.redrive-execution",
                                    tooltip="Redrive the selected failed, timed-out or aborted execution from the "
                                            "states that did not succeed")
EXECUTION_BINDINGS = [STOP_EXECUTION_BINDING, REDRIVE_EXECUTION_BINDING]


def open_stop_execution(node: Any, execution_arn: str) -> None:
    """Ask for the error and cause, then plan and confirm the stop (from `node`'s worker)."""
    def chosen(action: StopExecution | None) -> None:
        if action is not None:
            start_guarded_action(node, action)

    node.app.push_screen(StopExecutionScreen(execution_arn), callback=chosen)


def open_redrive_execution(node: Any, execution_arn: str) -> None:
    """Plan and confirm the redrive of `execution_arn`; a refusal is a notification."""
    try:
        action = RedriveExecution(execution_arn)
    except InputRefused as exc:
        node.app.notify(inert_str(str(exc)), title="Not redriven", severity="error", markup=False)
        return
    start_guarded_action(node, action)


class StopExecutionScreen(ModalScreen[StopExecution | None]):
    """The error and cause of a stop; dismissed with the StopExecution to plan, or None."""

    DEFAULT_CSS = """
    StopExecutionScreen { align: center middle; }
    StopExecutionScreen > Vertical { width: 90%; max-width: 100; height: auto; max-height: 90%;
        border: thick $warning; background: $surface; padding: 1 2; overflow-y: auto; }
    StopExecutionScreen .stop-row { height: auto; }
    StopExecutionScreen .stop-label { width: 8; padding: 1 1 0 0; text-style: bold; }
    StopExecutionScreen Input { width: 1fr; }
    StopExecutionScreen #stop-message { height: auto; color: $text-muted; }
    StopExecutionScreen #stop-message.-error { color: $error; }
    StopExecutionScreen #stop-buttons { height: auto; margin-top: 1; }
    StopExecutionScreen #stop-buttons > Button { margin-right: 2; }
    """
    BINDINGS = [Binding("escape", "close", "Cancel", id="stop.close")]

    def __init__(self, execution_arn: str) -> None:
        super().__init__()
        self.execution_arn = execution_arn

    def compose(self) -> ComposeResult:
        parts = self.execution_arn.split(":")
        name = f"{parts[7]} of {parts[6]}" if len(parts) >= 8 else self.execution_arn
        with Vertical():
            title = Text("Stop execution ", style="bold", end="")
            title.append_text(inert(name, style="bold"))
            yield Static(title, id="stop-title", markup=False)
            yield Static(Text("It ends ABORTED; Step Functions records the error and cause on the execution "
                              "(both optional). The next step shows the plan to confirm.", style="dim"),
                         markup=False)
            with Horizontal(classes="stop-row"):
                yield Static("Error", classes="stop-label")
                yield Input(placeholder=f"an error code, up to {MAX_ERROR} characters", id="stop-error")
            with Horizontal(classes="stop-row"):
                yield Static("Cause", classes="stop-label")
                yield Input(placeholder=f"why, up to {MAX_CAUSE:,} characters", id="stop-cause")
            yield Static("", id="stop-message", markup=False)
            with Horizontal(id="stop-buttons"):
                yield Button("Stop…", variant="warning", id="stop-go")
                yield Button("Cancel", id="stop-cancel")

    def on_mount(self) -> None:
        self.query_one("#stop-error", Input).focus()

    @on(Input.Submitted)
    @on(Button.Pressed, "#stop-go")
    def action_stop(self) -> None:
        error = self.query_one("#stop-error", Input).value.strip()
        cause = self.query_one("#stop-cause", Input).value.strip()
        try:
            action = StopExecution(self.execution_arn, error or None, cause or None)
        except InputRefused as exc:
            said = str(exc)
            message = self.query_one("#stop-message", Static)
            message.update(inert(said.replace("--error: ", "Error: ").replace("--cause: ", "Cause: ")))
            message.add_class("-error")
            field = "#stop-cause" if said.startswith("--cause") else "#stop-error"
            self.query_one(field, Input).focus()
            return
        self.dismiss(action)

    def message_text(self) -> str:
        return str(self.query_one("#stop-message", Static).render())

    @on(Button.Pressed, "#stop-cancel")
    def action_close(self) -> None:
        self.dismiss(None)
