"""The ECS read-only views' keys (task definition, revision diff, logs, exec command),
mixed into every ECS screen that shows services or tasks.

A screen that mixes in ServiceViews lists `*ServiceViews.KEYS` in its BINDINGS and implements `selected_service_ref()`; TaskViews,
`selected_task_ref()` (the same methods screens.ecs.actions asks for).

Keys: `t` task definition (its screen: `c` diff with another revision, `v` environment
values), `l` logs (the awslogs streams of exactly that task, or of the service's running
tasks), `e` the `aws ecs execute-command` line to copy. A screen with both mixins (a
service with its tasks) acts on the selected task while `selected_task_ref()` gives one,
else on the service, whatever the order of the KEYS in its BINDINGS: each mixin's check_action lets the other's
binding of the same key run (a screen whose tasks table is not focused may return None from
`selected_task_ref()`, so `l` there means the service). check_action runs on every footer
refresh: the `selected_*_ref()` methods must be cheap.
Each action reads what it needs afresh from AWS from the ref.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any, Awaitable, Callable

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

from console.services.ecs.models import ServiceRef, TaskRef
from console.text import inert

LOG_BACKLOG_CAP = timedelta(days=1)  # a stopped task's lines, read from its start, at most this far back
MISSING_GROUP_HINT = ("The awslogs driver writes to this group once a task has started (it creates it only when "
                      "awslogs-create-group is true). opsdeck keeps checking.")


# -- what the keys open ------------------------------------------------------------------------
def open_task_definition(screen: Any, resolve: Callable[[Any], Awaitable[str]], label: str) -> None:
    from screens.ecs.taskdef import TaskDefinitionScreen

    screen.app.push_screen(TaskDefinitionScreen(resolve, label))


async def open_logs(screen: Any, resolve: Callable[[Any], Awaitable[Any]], changing: bool = False) -> None:
    """Resolve the streams, then open the log view on them; what cannot be followed is said.
    `changing` (a service's tasks come and go): the view resolves them again as it follows."""
    from screens.ecs.taskdef import explain
    from screens.log_view import BACKLOG_SECONDS, LogViewScreen

    app = screen.app
    try:
        resolution = await resolve(app.aws_context())
    except Exception as exc:  # noqa: BLE001 - said, never a traceback
        app.notify(explain(screen, exc).headline, title="Logs", severity="error")
        return
    notes = list(resolution.notes)
    if not resolution.sources:
        app.notify("\n".join(notes) or "nothing to follow", title=f"Logs · {resolution.title}", severity="warning",
                   timeout=12)
        return
    region = app.target.region
    regions = [s.region for s in resolution.sources]
    chosen = region if region in regions else regions[0]
    sources = [s for s in resolution.sources if s.region == chosen]
    notes += [f"group {s.group} in {s.region} is not shown here (one region at a time)"
              for s in resolution.sources if s.region != chosen]
    backlog = float(BACKLOG_SECONDS)
    if resolution.since is not None:  # stopped tasks: from their start, or their lines are missed
        since = max(resolution.since, app.clock.now() - LOG_BACKLOG_CAP)
        backlog = max(backlog, (app.clock.now() - since).total_seconds() + 60)

    async def restream() -> dict[str, tuple[str, ...]]:
        again = await resolve(app.aws_context())
        return {s.group: s.streams for s in again.sources if s.region == chosen}

    app.push_screen(LogViewScreen(
        [s.group for s in sources], title=f"Logs · {resolution.title}", backlog=backlog,
        streams={s.group: s.streams for s in sources}, logs_region=None if chosen == region else chosen,
        missing_hint=MISSING_GROUP_HINT, restream=restream if changing else None))
    if notes:
        app.notify("\n".join(notes), title=f"Logs · {resolution.title}", severity="warning", timeout=12)


class ExecCommandScreen(ModalScreen[None]):
    """The `aws ecs execute-command` line(s) to copy, or why ECS Exec will not work yet."""

    DEFAULT_CSS = """
    ExecCommandScreen { align: center middle; }
    ExecCommandScreen > #exec { width: 90%; max-width: 140; height: auto; max-height: 90%; padding: 0 2;
                                border: round $primary; background: $surface; }
    ExecCommandScreen #exec-keys { margin-bottom: 1; }
    ExecCommandScreen #exec-body { height: auto; max-height: 30; }
    """
    BINDINGS = [
        Binding("escape", "app.pop_screen", "Close", id="ecs.exec.close"),
        Binding("c", "copy", "Copy", id="ecs.exec.copy", tooltip="Copy the first command to the clipboard"),
    ]

    def __init__(self, resolve: Callable[[Any], Awaitable[Any]], label: str) -> None:
        super().__init__()
        self.resolve = resolve
        self.label = label
        self.plan: Any = None

    def compose(self) -> ComposeResult:
        with Vertical(id="exec"):
            yield Static(inert(f"Exec · {self.label}", style="bold"), id="exec-title", markup=False)
            yield Static(Text("c copy the first command · esc close · runs with the AWS CLI and its Session "
                              "Manager plugin", style="dim"), id="exec-keys", markup=False)
            with VerticalScroll(id="exec-body"):
                yield Static(Text("reading the task…", style="dim"), id="exec-text", markup=False)

    def on_mount(self) -> None:
        self.run_worker(self._load(), exclusive=True)

    async def _load(self) -> None:
        from screens.ecs.taskdef import explain

        try:
            self.plan = await self.resolve(self.app.aws_context())
        except Exception as exc:  # noqa: BLE001 - said, never a traceback
            self.query_one("#exec-text", Static).update(inert(explain(self, exc).headline, style="bold"))
            return
        self.query_one("#exec-text", Static).update(self._text())

    def _text(self) -> Text:
        plan = self.plan
        text = Text(end="")
        for problem in plan.problems:
            text.append_text(inert(problem, style=self.app.theme_variables.get("warning", "")))
            text.append("\n\n")
        if not plan.commands:
            text.append("no container to open a shell in", style="dim")
        for index, (container, command) in enumerate(plan.commands):
            if index:
                text.append("\n")
            text.append(f"container {container}" + (" (first: c copies it)" if index == 0 else ""), style="dim")
            text.append("\n")
            text.append_text(inert(command, style="bold" if index == 0 else ""))
            text.append("\n")
        return text

    def shown_text(self) -> str:
        return str(self.query_one("#exec-text", Static).render())

    def action_copy(self) -> None:
        command = self.plan.command if self.plan is not None else None
        if command:
            self.app.copy_to_clipboard(command)
            self.notify("copied: paste it in a terminal", title="Exec")

    @property
    def opsdeck(self) -> Any:  # explain() reads the target from here, as on SourceScreens
        return self.app


# -- the mixins ------------------------------------------------------------------------------
SERVICE_ACTIONS = frozenset({"ecs_service_taskdef", "ecs_service_logs", "ecs_service_exec"})
TASK_ACTIONS = frozenset({"ecs_task_taskdef", "ecs_task_logs", "ecs_task_exec"})


class ServiceViews:
    """Keys that open views of the selected service."""

    KEYS: list = [  # Textual reads BINDINGS only from DOMNode classes, so a screen lists `*Mixin.KEYS` in its own BINDINGS
        Binding("t", "ecs_service_taskdef", "Task def", id="ecs.service.taskdef",
                tooltip="The service's current task definition (c: diff with another revision)"),
        Binding("l", "ecs_service_logs", "Logs", id="ecs.service.logs",
                tooltip="Follow the awslogs streams of the service's running tasks"),
        Binding("e", "ecs_service_exec", "Exec", id="ecs.service.exec",
                tooltip="The aws ecs execute-command line for one of the service's tasks"),
    ]
    def selected_service_ref(self) -> ServiceRef | None:
        raise NotImplementedError

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """These keys give way (to the other binding of the same key) when no service is
        selected, and on a screen with TaskViews too while a task is: a task's views first."""
        if action in SERVICE_ACTIONS and (self.selected_service_ref() is None or (
                isinstance(self, TaskViews) and self.selected_task_ref() is not None)):
            return False
        return super().check_action(action, parameters)  # type: ignore[misc]

    def action_ecs_service_taskdef(self) -> None:
        from console.services.ecs.taskdef import service_task_definition

        ref = self.selected_service_ref()
        if ref is not None:
            open_task_definition(self, lambda ctx: service_task_definition(ctx, ref), f"service {ref.service}")

    def action_ecs_service_logs(self) -> None:
        from console.services.ecs.logs import service_logs

        ref = self.selected_service_ref()
        if ref is not None:
            self.run_worker(open_logs(self, lambda ctx: service_logs(ctx, ref), changing=True), group="ecs-logs")  # type: ignore[attr-defined]

    def action_ecs_service_exec(self) -> None:
        from console.services.ecs.exec import service_exec

        ref = self.selected_service_ref()
        if ref is not None:
            self.app.push_screen(ExecCommandScreen(lambda ctx: service_exec(ctx, ref), f"service {ref.service}"))  # type: ignore[attr-defined]


class TaskViews:
    """Keys that open views of the selected task."""

    KEYS: list = [  # Textual reads BINDINGS only from DOMNode classes, so a screen lists `*Mixin.KEYS` in its own BINDINGS
        Binding("t", "ecs_task_taskdef", "Task def", id="ecs.task.taskdef",
                tooltip="The task's task definition revision (c: diff with another revision)"),
        Binding("l", "ecs_task_logs", "Logs", id="ecs.task.logs",
                tooltip="Follow this task's awslogs streams (a stopped task's from its start)"),
        Binding("e", "ecs_task_exec", "Exec", id="ecs.task.exec",
                tooltip="The aws ecs execute-command line to open a shell in this task"),
    ]
    def selected_task_ref(self) -> TaskRef | None:
        raise NotImplementedError

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """No task selected: these keys give way (a service's `l` then acts on the service)."""
        if action in TASK_ACTIONS and self.selected_task_ref() is None:
            return False
        return super().check_action(action, parameters)  # type: ignore[misc]

    def action_ecs_task_taskdef(self) -> None:
        from console.services.ecs.taskdef import task_definition_of

        ref = self.selected_task_ref()
        if ref is not None:
            open_task_definition(self, lambda ctx: task_definition_of(ctx, ref), f"task {ref.task_arn.rsplit('/', 1)[-1]}")

    def action_ecs_task_logs(self) -> None:
        from console.services.ecs.logs import task_logs

        ref = self.selected_task_ref()
        if ref is not None:
            self.run_worker(open_logs(self, lambda ctx: task_logs(ctx, ref)), group="ecs-logs")  # type: ignore[attr-defined]

    def action_ecs_task_exec(self) -> None:
        from console.services.ecs.exec import task_exec

        ref = self.selected_task_ref()
        if ref is not None:
            label = f"task {ref.task_arn.rsplit('/', 1)[-1]}"
            self.app.push_screen(ExecCommandScreen(lambda ctx: task_exec(ctx, ref), label))  # type: ignore[attr-defined]
