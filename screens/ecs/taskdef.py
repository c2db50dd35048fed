"""A task definition revision, and the diff between two revisions of a family.

`TaskDefinitionScreen` reads one revision (a service's current one, a task's, or any
family:revision / ARN) with DescribeTaskDefinition and shows it read-only
(console.services.ecs.taskdef). Environment variables are listed by name: their values
may be credentials, so `v` shows them (and hides them again) on request. Secrets are
listed by name only: opsdeck never reads their values. `c` picks another revision of the
family (ListTaskDefinitions) and opens `TaskDefDiffScreen`: the older revision against
the newer, added/removed/changed per container. Revisions never change once registered:
each screen reads once, no polling.
"""

from __future__ import annotations

from typing import Any, Awaitable, Callable

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.widgets import Static

from console.aws.errors import ErrorClass, Problem, describe_problem
from console.services.ecs.taskdef import (
    EcsNotFound,
    TaskDefDiff,
    TaskDefinition,
    container_lines,
    describe_task_definition,
    diff_task_definitions,
    family_revisions,
)
from console.text import inert
from screens.base import SourceScreen
from widgets.footer import Footer
from widgets.section import Section
from widgets.status_bar import StatusBar


def explain(screen: SourceScreen, exc: BaseException) -> Problem:
    """What went wrong, for a Section: a resource that is gone, or AWS's failure explained."""
    if isinstance(exc, EcsNotFound):
        return Problem(ErrorClass.NOT_FOUND, str(exc), "", "Check the name and the region (:region switches it).")
    target = screen.opsdeck.target
    return describe_problem(exc, profile=target.profile, endpoint=target.endpoint)


def _tone(screen: SourceScreen, tone: str) -> str:
    try:
        return screen.app.theme_variables.get(tone, "")
    except Exception:  # noqa: BLE001 - no theme yet: plain
        return ""


class ReadOnceScreen(SourceScreen):
    """A screen that reads what it shows once, in a worker, into one Section."""

    DEFAULT_CSS = """
    ReadOnceScreen #ecs-section { height: 1fr; }
    ReadOnceScreen #ecs-section > VerticalScroll { height: 1fr; }
    """
    section_title = ""

    def compose(self) -> ComposeResult:
        self.body = Static("", id="ecs-body", markup=False)
        self.section = Section(self.section_title, VerticalScroll(self.body), id="ecs-section")
        yield Static(inert(self.heading(), style="bold"), id="ecs-title", markup=False)
        yield self.section
        yield StatusBar()
        yield Footer()

    def heading(self) -> str:
        return self.section_title

    def on_mount(self) -> None:
        self.run_worker(self._load(), exclusive=True, group="ecs-read")

    async def _load(self) -> None:
        try:
            await self.read(self.opsdeck.aws_context())
        except Exception as exc:  # every failure has a look; never a traceback
            self.section.failed(explain(self, exc))
            return
        self.draw()

    async def read(self, ctx: Any) -> None:
        raise NotImplementedError

    def draw(self) -> None:
        raise NotImplementedError

    def shown_text(self) -> str:
        """What the body shows (tests)."""
        return str(self.body.render()) if self.section.state == "ready" else self.section.notice_text


class TaskDefinitionScreen(ReadOnceScreen):
    """One revision, read-only; `v` shows environment values, `c` diffs against another revision."""

    HELP = """\
A task definition revision as ECS has it: CPU and memory, network mode, compatibilities,
roles, and per container its image, resources, ports, environment variable names, secret
names, health check and log configuration. Environment values are hidden (they may hold
credentials): `v` shows them, `v` again hides them. Secret values are never read. `c`
picks another revision of the family to compare with."""

    BINDINGS = [
        Binding("c", "compare", "Diff with…", id="ecs.taskdef.diff",
                tooltip="Compare with another revision of the family"),
        Binding("v", "reveal", "Env values", id="ecs.taskdef.reveal",
                tooltip="Show or hide environment variable values (they may hold credentials)"),
    ]
    section_title = "Task definition"

    def __init__(self, resolve: Callable[[Any], Awaitable[str]] | str, label: str | None = None) -> None:
        """`resolve`: family:revision or ARN, or a coroutine function finding it (a service's current one)."""
        super().__init__()
        self.resolve = resolve
        self.label = label
        self.task_def: TaskDefinition | None = None
        self.revealed = False

    def heading(self) -> str:
        return f"Task definition · {self.label}" if self.label else "Task definition"

    async def read(self, ctx: Any) -> None:
        reference = self.resolve if isinstance(self.resolve, str) else await self.resolve(ctx)
        self.task_def = TaskDefinition.from_api(await describe_task_definition(ctx, reference))

    def draw(self) -> None:
        task_def = self.task_def
        if task_def is None or not self.is_mounted:
            return
        text = Text(end="")
        text.append_text(inert(task_def.name, style="bold"))
        text.append("  ")
        text.append_text(inert(task_def.status, style=_tone(self, "success" if task_def.status == "ACTIVE"
                                                                   else "warning")))
        rows = (("cpu / memory", f"{task_def.cpu or '–'} / {task_def.memory or '–'} MiB"),
                ("network mode", task_def.network_mode or "–"),
                ("compatibilities", ", ".join(task_def.compatibilities) or "–"),
                ("task role", task_def.task_role or "none"),
                ("execution role", task_def.execution_role or "none"),
                ("arn", task_def.arn))
        for label, value in rows:
            text.append(f"\n{label:<16}", style="dim")
            text.append_text(inert(value))
        for container in task_def.containers:
            lines = container_lines(container, reveal=self.revealed)
            text.append("\n\n")
            text.append_text(inert(lines[0], style="bold"))
            for line in lines[1:]:
                label, _, value = line.strip().partition("  ")
                text.append(f"\n  {label:<14}", style="dim")
                text.append_text(inert(value.strip()))
        note = ("environment values shown: v hides them" if self.revealed
                else "environment values hidden (they may hold credentials): v shows them · secret values are never read")
        text.append(f"\n\n{note}", style="dim")
        self.body.update(text)
        self.section.ready(task_def.name)

    def action_reveal(self) -> None:
        if self.task_def is not None:
            self.revealed = not self.revealed
            self.draw()

    def action_compare(self) -> None:
        if self.task_def is not None:
            self.run_worker(self._pick_revision(self.task_def), exclusive=True, group="ecs-revisions")

    async def _pick_revision(self, current: TaskDefinition) -> None:
        from screens.switch import PickerScreen

        try:
            arns = await family_revisions(self.opsdeck.aws_context(), current.family)
        except Exception as exc:  # noqa: BLE001 - said, not raised
            self.notify(explain(self, exc).headline, title="Revisions", severity="error")
            return
        names = [arn.rsplit("/", 1)[-1] for arn in arns if arn != current.arn]
        if not names:
            self.notify(f"{current.family} has no other revision to compare with", title="Revisions")
            return

        def chosen(name: str | None) -> None:
            if name:
                other = int(name.rsplit(":", 1)[-1])
                old, new = (name, current.name) if other < current.revision else (current.name, name)
                self.app.push_screen(TaskDefDiffScreen(old, new))

        self.app.push_screen(PickerScreen(f"Compare {current.name} with", names), chosen)


class TaskDefDiffScreen(ReadOnceScreen):
    """What changes from revision `old` to `new`: + added, - removed, ~ changed."""

    HELP = """\
What changes from the older revision to the newer one: task CPU/memory, roles, network mode,
then per container its image, resources, ports, environment variable names (a changed value
is flagged, never shown), secret names, health check, log configuration and anything else
that differs. + added, - removed, ~ changed."""

    section_title = "Diff"

    def __init__(self, old: str, new: str) -> None:
        super().__init__()
        self.old_ref, self.new_ref = old, new
        self.diff: TaskDefDiff | None = None

    def heading(self) -> str:
        return f"Task definition diff · {self.old_ref} → {self.new_ref}"

    async def read(self, ctx: Any) -> None:
        old = await describe_task_definition(ctx, self.old_ref)
        new = await describe_task_definition(ctx, self.new_ref)
        self.diff = diff_task_definitions(old, new)

    def draw(self) -> None:
        diff = self.diff
        if diff is None or not self.is_mounted:
            return
        if diff.empty:
            self.section.empty(f"{diff.old} and {diff.new} define the same task")
            return
        marks = {"added": _tone(self, "success"), "removed": _tone(self, "error"), "changed": _tone(self, "warning")}
        text = Text(end="")
        groups = ([("task", diff.task)] if diff.task else []) + [
            (f"container {c.name} ({c.status})", c.changes) for c in diff.containers]
        for index, (title, changes) in enumerate(groups):
            if index:
                text.append("\n")
            text.append_text(inert(title, style="bold"))
            for change in changes:
                text.append("\n  ")
                text.append_text(inert(change.text(), style=marks[change.kind]))
        self.body.update(text)
        self.section.ready(f"{diff.old} → {diff.new}")
