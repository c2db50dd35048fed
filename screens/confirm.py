"""The confirmation modal of a guarded action: the plan, then progress, then the result.

It only asks and draws. The Runner (console.actions) checks the confirmation (a
protected target needs its name typed in the Input), applies, verifies and audits; the
modal shows each step as it is applied, `escape` while applying cancels at the next
step, and after a failure or cancel `u` applies the inverses of the applied steps.
Dismissed with the last Outcome (None if nothing was applied).

Quitting while an action applies or watches asks first (QuitWhileRunningScreen, from the
App's quit): abort it (it moves back: the applied steps are undone, a canary's alias
goes back), leave it unwatched (the audit trail keeps it open: the next start offers to
resume it), or stay (the default). A screen running an action says so with
`running_action()`.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from typing import Any, Awaitable, Callable

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Static

from console.actions.base import Plan, Progress
from console.actions.confirm import ConfirmationError
from console.actions.runner import Confirmation, Outcome, Runner
from console.text import inert


@dataclass(frozen=True)
class RunningAction:
    """An action a screen is applying or watching, as quitting needs to know it."""

    what: str  # what runs, and where it is now
    abort_means: str  # what aborting does, e.g. "alias live goes back to version 1"
    leave_means: str  # what stays as it is, and how it is picked up again
    abort: Callable[[], Awaitable[bool]]  # move back; True once it has ended cleanly
    leave: Callable[[], Awaitable[None]]  # stop watching, change nothing (the audit stays open)


def running_actions(app) -> list[RunningAction]:
    """The actions the screens of `app` are running now."""
    found = []
    for screen in app.screen_stack:
        running = getattr(screen, "running_action", None)
        action = running() if callable(running) else None
        if action is not None:
            found.append(action)
    return found


class QuitWhileRunningScreen(ModalScreen[str]):
    """`q` while an action runs: abort it, leave it unwatched, or stay (the default)."""

    DEFAULT_CSS = """
    QuitWhileRunningScreen { align: center middle; }
    QuitWhileRunningScreen > Vertical { width: 90%; max-width: 100; height: auto; max-height: 90%;
        border: thick $warning; background: $surface; padding: 1 2; }
    QuitWhileRunningScreen #quit-buttons { height: auto; margin-top: 1; }
    QuitWhileRunningScreen Button { margin-right: 2; }
    """
    BINDINGS = [
        Binding("escape", "stay", "Stay", id="quit.stay"),
        Binding("s", "stay", "Stay", id="quit.stay-key", show=False),
        Binding("a", "abort", "Abort and quit", id="quit.abort", show=False),
        Binding("l", "leave", "Leave unwatched and quit", id="quit.leave", show=False),
    ]

    def __init__(self, running: list[RunningAction]) -> None:
        super().__init__()
        self.running = running

    def compose(self) -> ComposeResult:
        text = Text("Quit while an action is running?", style="bold", end="")
        for action in self.running:
            text.append("\n\n")
            text.append_text(inert(action.what, style="bold"))
            text.append("\n  Abort: ", style="bold")
            text.append_text(inert(action.abort_means))
            text.append(", then quit.")
            text.append("\n  Leave unwatched: ", style="bold")
            text.append_text(inert(action.leave_means))
            text.append(".")
        text.append("\n\n  Stay: ", style="bold")
        text.append("keep watching; nothing changes.")
        with Vertical():
            yield Static(text, id="quit-question", markup=False)
            with Horizontal(id="quit-buttons"):
                yield Button("Stay", variant="primary", id="quit-stay")
                yield Button("Abort and quit", variant="error", id="quit-abort")
                yield Button("Leave unwatched and quit", id="quit-leave")

    def on_mount(self) -> None:
        self.query_one("#quit-stay", Button).focus()

    @on(Button.Pressed, "#quit-stay")
    def action_stay(self) -> None:
        self.dismiss("stay")

    @on(Button.Pressed, "#quit-abort")
    def action_abort(self) -> None:
        self.dismiss("abort")

    @on(Button.Pressed, "#quit-leave")
    def action_leave(self) -> None:
        self.dismiss("leave")


async def worker_ended(worker: Any) -> None:
    """Wait until `worker` has ended, however it ended."""
    from textual.worker import WorkerCancelled, WorkerFailed

    if worker is None:
        return
    try:
        await worker.wait()
    except (WorkerCancelled, WorkerFailed):
        pass


async def stop_watching(worker: Any) -> None:
    """Cancel the worker that runs an action, as a crash would (the audit's `started` stays
    open), and wait until it has stopped: nothing of it runs after the clients close."""
    if worker is None or worker.is_finished:
        return
    worker.cancel()
    await worker_ended(worker)


async def quit_after(app, choice: str | None) -> bool:
    """Carry out the answer to QuitWhileRunningScreen; True when the app may quit now.
    Abort waits until every action has moved back; one that did not end cleanly keeps
    the app open, saying so (its screen shows why)."""
    running = running_actions(app)  # again: one may have finished while the user read
    if choice == "leave":
        for action in running:
            await action.leave()
        return True
    if choice == "abort":
        app.notify("Aborting: opsdeck quits once the action has moved back.", title="Quitting", markup=False)
        results = await asyncio.gather(*(action.abort() for action in running))
        if all(results):
            return True
        app.notify("The abort did not end cleanly: opsdeck stays open. Its screen says what happened.",
                   title="Not quitting", severity="error", markup=False)
    return False


def plan_text(plan: Plan, where: str) -> Text:
    text = Text(end="")
    text.append_text(inert(plan.summary or plan.action, style="bold"))
    text.append("\ntarget: ")
    text.append_text(inert(plan.target_arn))
    text.append("\n")
    text.append_text(inert(where))
    if plan.protected:
        text.append("\nPROTECTED profile or account: type the name to confirm", style="bold")
    for warning in plan.warnings:
        text.append("\nWARNING: ", style="bold")
        text.append_text(inert(warning))
    for number, step in enumerate(plan.steps, 1):
        text.append(f"\n  {number}. ")
        text.append_text(inert(step.description))
        if step.inverse_description:
            text.append("\n     undo: ", style="dim")
            text.append_text(inert(step.inverse_description, style="dim"))
    if plan.empty:
        text.append("\n")
        text.append_text(inert(plan.note or "Nothing to do."))
    return text


def outcome_text(outcome: Outcome, heading: str = "") -> Text:
    result = outcome.result
    total = len(result.planned)
    text = Text(end="")
    if outcome.ok:
        text.append(f"{heading}Done: {len(result.applied)}/{total} steps applied and verified", style="bold")
    elif result.cancelled:
        text.append(f"{heading}Cancelled after {len(result.applied)}/{total} steps", style="bold")
    elif result.failed is not None:
        text.append(f"{heading}FAILED: ", style="bold")
        text.append_text(inert(result.failed.description))
        if result.error is not None:
            text.append("\n  ")
            text.append_text(inert(f"{result.error.headline}: {result.error.detail}"))
    else:
        text.append(f"{heading}Verify FAILED", style="bold")
    for step in result.applied:
        text.append("\n  applied: ")
        text.append_text(inert(step.description))
    for step in result.not_applied:
        text.append("\n  not applied: ")
        text.append_text(inert(step.description))
    if outcome.verify is not None:
        for detail in outcome.verify.details:
            text.append("\n  verify ")
            text.append_text(inert(detail))
    if not outcome.ok and result.inverses:
        text.append("\nPress u to undo:")
        for step in result.inverses:
            text.append("\n  ")
            text.append_text(inert(step.description))
    return text


class ConfirmActionScreen(ModalScreen[Outcome | None]):
    DEFAULT_CSS = """
    ConfirmActionScreen { align: center middle; }
    ConfirmActionScreen > Vertical { width: 90%; max-width: 110; height: auto; max-height: 90%;
        border: thick $warning; background: $surface; padding: 1 2; }
    ConfirmActionScreen #confirm-buttons { height: auto; margin-top: 1; }
    ConfirmActionScreen #confirm-error { color: $error; }
    ConfirmActionScreen Button { margin-right: 2; }
    """
    BINDINGS = [
        Binding("escape", "cancel", "Cancel", id="confirm.cancel"),
        Binding("u", "undo", "Undo applied steps", id="action.confirm.undo", show=False),
    ]

    def __init__(self, runner: Runner, action: Any, plan: Plan, close_when_done: bool = False) -> None:
        super().__init__()
        self.runner = runner
        self.action = action
        self.plan = plan
        self.close_when_done = close_when_done  # a success needs no second look (the caller shows the result)
        self.cancel_flag = asyncio.Event()
        self.state = "asking"  # asking | applying | done
        self.outcome: Outcome | None = None
        self.progress_lines: list[Text] = []
        self.abort_asked = False  # quitting asked to abort: stop, then undo what was applied
        self.finished = asyncio.Event()  # set when an apply (and any undo after it) has ended
        self.apply_worker: Any = None

    def compose(self) -> ComposeResult:
        target = self.runner.ctx.target
        where = f"profile {target.label} · region {target.region} · account {target.account or '?'}"
        with Vertical():
            with VerticalScroll(id="confirm-plan-scroll"):
                yield Static(plan_text(self.plan, where), id="confirm-plan")
            if self.plan.protected and not self.plan.empty:
                yield Input(placeholder=f"type {self.plan.target_name} to confirm", id="confirm-name")
            yield Static("", id="confirm-error")
            yield Static("", id="confirm-progress")
            yield Static("", id="confirm-result")
            with Horizontal(id="confirm-buttons"):
                if not self.plan.empty:
                    yield Button("Apply", variant="warning", id="confirm-apply")
                yield Button("Undo", id="confirm-undo", disabled=True)
                yield Button("Close" if self.plan.empty else "Cancel", id="confirm-close")

    def on_mount(self) -> None:
        self.query_one("#confirm-undo", Button).display = False
        focus = self.query("#confirm-name") or self.query("#confirm-apply") or self.query("#confirm-close")
        focus.first().focus()

    # asking -----------------------------------------------------------------------------
    @on(Input.Submitted, "#confirm-name")
    @on(Button.Pressed, "#confirm-apply")
    def _apply_pressed(self) -> None:
        if self.state != "asking":
            return
        typed = self.query_one("#confirm-name", Input).value if self.plan.protected else "y"
        self.apply_worker = self.apply(Confirmation(typed=typed))

    @work(exclusive=True, group="confirm-apply")
    async def apply(self, confirmation: Confirmation) -> None:
        error = self.query_one("#confirm-error", Static)
        try:
            from console.actions.confirm import check_confirmation

            check_confirmation(self.plan, confirmation.typed, confirmation.yes, confirmation.i_know_protected)
        except ConfirmationError as exc:
            error.update(inert(str(exc)))
            return
        error.update("")
        self.state = "applying"
        self.query_one("#confirm-apply", Button).disabled = True
        self.query_one("#confirm-close", Button).label = "Stop after this step"
        try:
            self.outcome = await self.runner.execute(self.action, self.plan, confirmation, self._progress,
                                                     self.cancel_flag)
        except Exception as exc:  # refused (read-only), or the run could not start (audit, STS)
            error.update(inert(str(exc)))
            self.state = "asking"
            self.cancel_flag = asyncio.Event()  # an escape pressed meanwhile must not cancel a retry
            self.query_one("#confirm-apply", Button).disabled = False
            self.query_one("#confirm-close", Button).label = "Cancel"
            self.finished.set()
            return
        if self.close_when_done and self.outcome.ok:
            self.dismiss(self.outcome)
            return
        self._show_result(self.outcome)
        if self.abort_asked and self.outcome.result.inverses:  # quitting asked to move back
            await self._undo()
        self.finished.set()

    def _progress(self, event: Progress) -> None:
        if event.state == "running":
            return
        line = Text(f"[{event.index + 1}/{event.total}] {event.state}: ", end="")
        line.append_text(inert(event.step.description))
        self.progress_lines.append(line)
        self.query_one("#confirm-progress", Static).update(Text("\n").join(self.progress_lines))

    def _show_result(self, outcome: Outcome, heading: str = "") -> None:
        self.state = "done"
        self.query_one("#confirm-result", Static).update(outcome_text(outcome, heading))
        close = self.query_one("#confirm-close", Button)
        close.label = "Close"
        close.focus()
        undo = self.query_one("#confirm-undo", Button)
        can_undo = not outcome.ok and bool(outcome.result.inverses) and heading == ""
        undo.display = can_undo
        undo.disabled = not can_undo

    # undo ---------------------------------------------------------------------------------
    @on(Button.Pressed, "#confirm-undo")
    def _undo_pressed(self) -> None:
        self.action_undo()

    def action_undo(self) -> None:
        if self.state == "done" and self.outcome is not None and not self.outcome.ok and self.outcome.result.inverses:
            self.undo()

    @work(exclusive=True, group="confirm-apply")
    async def undo(self) -> None:
        await self._undo()

    async def _undo(self) -> None:
        self.state = "applying"
        self.query_one("#confirm-undo", Button).disabled = True
        self.cancel_flag = asyncio.Event()  # the apply's flag may be set already (it was cancelled)
        self.query_one("#confirm-close", Button).label = "Stop after this step"
        applied = self.outcome.result.applied
        try:
            undone = await self.runner.undo(self.action, self.plan, applied, self._progress, self.cancel_flag)
        except Exception as exc:
            self.query_one("#confirm-error", Static).update(inert(str(exc)))
            self.state = "done"
            self.query_one("#confirm-close", Button).label = "Close"
            return
        self.outcome = undone
        self._show_result(undone, "Undo: ")

    # quitting while it applies ------------------------------------------------------------
    def running_action(self) -> RunningAction | None:
        if self.state != "applying" or self.apply_worker is None or self.apply_worker.is_finished:
            return None
        what = self.plan.summary or self.plan.action
        undo = " and the steps already applied are undone" if self.plan.steps else ""
        return RunningAction(
            what=f"{what} (being applied)",
            abort_means=f"it stops after the step in progress{undo}",
            leave_means="it stops where it is, with nothing to finish it; the next start lists it as unfinished",
            abort=self._abort_for_quit, leave=self._leave_for_quit)

    async def _abort_for_quit(self) -> bool:
        self.abort_asked = True
        self.cancel_flag.set()
        await self.finished.wait()
        outcome = self.outcome
        return outcome is not None and (outcome.ok or not outcome.result.applied)  # undone, or nothing to undo

    async def _leave_for_quit(self) -> None:
        await stop_watching(self.apply_worker)

    # leaving --------------------------------------------------------------------------------
    @on(Button.Pressed, "#confirm-close")
    def _close_pressed(self) -> None:
        self.action_cancel()

    def action_cancel(self) -> None:
        if self.state == "applying":
            self.cancel_flag.set()  # stops before the next step; the result says what was applied
            self.query_one("#confirm-close", Button).label = "Stopping…"
            return
        self.dismiss(self.outcome)


def start_guarded_action(node, action: Any, on_applied: Callable[[], None] | None = None,
                         modal: type[ConfirmActionScreen] | None = None) -> None:
    """From a key press: plan `action` in a worker, then confirm in the modal (`modal`: a
    ConfirmActionScreen subclass that draws more of the run, e.g. a rollout). Planning
    errors (read-only, bad config, resource gone) become a notification, never a traceback;
    an applied action asks every source for a refresh, and calls `on_applied` (a screen that
    keeps what it read, e.g. an ended execution, reads it again)."""
    node.run_worker(_plan_and_confirm(node.app, action, on_applied, modal or ConfirmActionScreen),
                    group="action-plan")


async def _plan_and_confirm(app, action: Any, on_applied: Callable[[], None] | None = None,
                            modal: type[ConfirmActionScreen] = ConfirmActionScreen) -> None:
    from console.aws.errors import describe_problem
    from console.text import inert_str

    target = app.target
    try:
        runner = app.action_runner()
        plan = await runner.prepare(action)
    except Exception as exc:  # read-only, bad config, rule gone: said, never a traceback
        problem = describe_problem(exc, profile=target.profile, endpoint=target.endpoint)
        said = getattr(exc, "tui", None) or str(exc)  # PlanRefused: its words for the console
        message = said if problem.kind.value == "other" else f"{problem.headline}: {problem.detail}"
        app.notify(inert_str(message), title=f"{action.name} not started", severity="error", markup=False)
        return

    def done(outcome: Outcome | None) -> None:
        if outcome is None or not outcome.result.applied:
            return
        if on_applied is not None:
            on_applied()
        if app.engine is not None:
            app.engine.refresh_now()

    await app.push_screen(modal(runner, action, plan), callback=done)
