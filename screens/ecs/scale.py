"""Small forms of the ECS actions: scale a service, stop a task (and the base the deploy and
rollback forms share). Each is a modal dismissed with the action to plan, or None; what was
typed is checked by the action's constructor, and its refusal (naming the field and what
was expected) is shown under the fields, the form staying open.
"""

from __future__ import annotations

from typing import Any

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Static

from console.services.ecs.actions import MAX_DESIRED, MAX_REASON, EcsScale, EcsStopTask, InputRefused, read_service
from console.services.ecs.models import ServiceRef, TaskRef
from console.text import inert


class ActionForm(ModalScreen[Any]):
    """A title, a line of context read from AWS, the fields, a message line, Go and Cancel.
    Subclasses yield their fields in `fields()`, read AWS in `load()` and build their
    action in `build()` (InputRefused: said at the form)."""

    DEFAULT_CSS = """
    ActionForm { align: center middle; }
    ActionForm > Vertical { width: 90%; max-width: 100; height: auto; max-height: 90%;
        border: thick $warning; background: $surface; padding: 1 2; overflow-y: auto; }
    ActionForm .form-row { height: auto; }
    ActionForm .form-label { width: 12; padding: 1 1 0 0; text-style: bold; }
    ActionForm Input, ActionForm Select { width: 1fr; }
    ActionForm #form-context { height: auto; color: $text-muted; }
    ActionForm #form-message { height: auto; color: $text-muted; }
    ActionForm #form-message.-error { color: $error; }
    ActionForm #form-buttons { height: auto; margin-top: 1; }
    ActionForm #form-buttons > Button { margin-right: 2; }
    """
    BINDINGS = [Binding("escape", "close", "Cancel", id="ecs.form.close")]
    TITLE_TEXT = ""
    GO = "Plan…"

    def __init__(self, subject: str) -> None:
        super().__init__()
        self.subject = subject

    def compose(self) -> ComposeResult:
        with Vertical():
            title = Text(self.TITLE_TEXT + " ", style="bold", end="")
            title.append_text(inert(self.subject, style="bold"))
            yield Static(title, id="form-title", markup=False)
            yield Static(Text("reading…", style="dim"), id="form-context", markup=False)
            yield from self.fields()
            yield Static("", id="form-message", markup=False)
            with Horizontal(id="form-buttons"):
                yield Button(self.GO, variant="warning", id="form-go")
                yield Button("Cancel", id="form-cancel")

    def fields(self) -> ComposeResult:
        yield from ()

    def row(self, label: str, widget: Any) -> Horizontal:
        return Horizontal(Static(label, classes="form-label"), widget, classes="form-row")

    def on_mount(self) -> None:
        self.read_context()

    @work(exclusive=True, group="ecs-form")
    async def read_context(self) -> None:
        context = self.query_one("#form-context", Static)
        try:
            said = await self.load(self.app.aws_context())
        except Exception as exc:  # noqa: BLE001 - said at the form, never a traceback
            said = getattr(exc, "tui", None) or str(exc)
            self.say(said, error=True)
            context.update("")
            return
        context.update(inert(said))

    async def load(self, ctx: Any) -> str:
        return ""

    def build(self) -> Any:
        raise NotImplementedError

    def say(self, message: str, error: bool = False) -> None:
        line = self.query_one("#form-message", Static)
        line.update(inert(message))
        line.set_class(error, "-error")

    def message_text(self) -> str:
        return str(self.query_one("#form-message", Static).render())

    @on(Input.Submitted)
    @on(Button.Pressed, "#form-go")
    def action_go(self) -> None:
        try:
            action = self.build()
        except InputRefused as exc:
            self.say(exc.tui, error=True)
            return
        self.dismiss(action)

    @on(Button.Pressed, "#form-cancel")
    def action_close(self) -> None:
        self.dismiss(None)


class ScaleScreen(ActionForm):
    """The new desired count of a service (its current one filled in)."""

    TITLE_TEXT = "Scale service"

    def __init__(self, ref: ServiceRef) -> None:
        super().__init__(f"{ref.service} ({ref.cluster})")
        self.ref = ref

    def fields(self) -> ComposeResult:
        yield self.row("Desired", Input(placeholder=f"a whole number from 0 to {MAX_DESIRED:,}", id="scale-count"))

    async def load(self, ctx: Any) -> str:
        raw = await read_service(ctx, self.ref.cluster, self.ref.service)
        count = self.query_one("#scale-count", Input)
        count.value = str(raw.get("desiredCount", 0))
        count.focus()
        return (f"now {raw.get('desiredCount', 0)} desired, {raw.get('runningCount', 0)} running, "
                f"{raw.get('pendingCount', 0)} pending; the next step shows the plan (current -> new)")

    def build(self) -> EcsScale:
        return EcsScale(self.ref.cluster, self.ref.service, self.query_one("#scale-count", Input).value)


class StopTaskScreen(ActionForm):
    """The reason to record on the task (required: ECS keeps it as the stoppedReason)."""

    TITLE_TEXT = "Stop task"

    def __init__(self, ref: TaskRef) -> None:
        super().__init__(f"{ref.task_arn.rsplit('/', 1)[-1]} ({ref.cluster})")
        self.ref = ref

    def fields(self) -> ComposeResult:
        yield self.row("Reason", Input(placeholder=f"why, up to {MAX_REASON} characters (required)", id="stop-reason"))

    async def load(self, ctx: Any) -> str:
        self.query_one("#stop-reason", Input).focus()
        return "ECS records the reason on the task (stoppedReason); a service's scheduler starts a replacement."

    def build(self) -> EcsStopTask:
        return EcsStopTask(self.ref.cluster, self.ref.task_arn, self.query_one("#stop-reason", Input).value)
