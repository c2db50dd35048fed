"""A deploy while it runs: phase, alias weights, each version's own health, time left, events.

The screen only draws and asks. The Runner applies the plan (audited); the deploy
engine (console.services.lambda_.deploy) reports DeployEvents to `action.listener`, which this screen
is while it is open. `esc` asks before aborting; yes sets the cancel flag, and the
engine moves the alias back to the old version within a second and says so. The
worker is never cancelled to abort: that is what a crash looks like (the audit's
`started` stays open for resume). `q` while it runs asks (screens.confirm): abort (as
esc does, then quit once the alias is back), leave it unwatched (the worker is cancelled
as in a crash: the next start offers promote or abort), or stay. The time left ticks
from the event's window_end on the app's clock, so a ManualClock moves it in tests.
"""

from __future__ import annotations

import asyncio
from datetime import datetime
from typing import Any

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Button, Static

from console.actions.base import Plan, Progress
from console.actions.runner import Confirmation, Outcome, Runner
from console.aws.errors import describe_problem
from console.services.lambda_.deploy.engine import DeployEvent, DeployReport
from console.services.lambda_.deploy.health import VersionHealth
from console.services.lambda_.deploy.strategy import format_seconds
from console.text import inert
from screens.base import SourceScreen
from screens.confirm import RunningAction, stop_watching, worker_ended
from widgets.footer import Footer
from widgets.status_bar import StatusBar

PHASES = {
    "updating": "Updating the code",
    "publishing": "Publishing a version",
    "shifting": "Shifting traffic",
    "watching": "Watching the new version",
    "grace": "Waiting until the window's last minute is final (CloudWatch's delay)",
    "promoting": "Promoting",
    "rolling-back": "Moving the alias back",
    "done": "Finished",
}
NOT_MOVED = ("updating", "publishing")  # the alias has not changed yet in these phases

OUTCOME_WORDS = {
    "promoted": "PROMOTED",
    "rolled-back": "ROLLED BACK AUTOMATICALLY",
    "aborted": "ABORTED",
    "failed": "FAILED",
    "not-run": "NOT STARTED",
}


def _styled(prefix: str, rest: Text, style: str = "bold") -> Text:
    """`prefix` in `style`, then `rest` as it is (Text("x", style=...) + rest would style both)."""
    text = Text(end="")
    text.append(prefix, style=style)
    text.append_text(rest)
    return text


MINUTES_SHOWN = 6  # the newest minutes of the watch, one line each


def minute_table(new: VersionHealth | None, old: VersionHealth | None) -> Text:
    """Each version's figures minute by minute as they arrive: `so far` until a minute is
    final (a count that may still grow gives no rate)."""
    if new is None or old is None:
        return Text("")
    starts = sorted({m.start for m in new.by_minute} | {m.start for m in old.by_minute})[-MINUTES_SHOWN:]
    if not starts:
        return Text("no minute has arrived from CloudWatch yet", style="dim")
    width = 36
    table = Text(end="")
    table.append_text(inert(f"{'minute':<8}{'new v' + new.version:<{width}}old v{old.version}", style="bold"))
    for start in starts:
        cells = []
        for health in (new, old):
            minute = health.minute(start)
            cells.append(minute.describe() if minute else "0 invocations, 0 errors")
        table.append("\n")
        table.append_text(inert(f"{start:%H:%M}   {cells[0]:<{width}}{cells[1]}"))
    return table


def outcome_words(report: DeployReport, outcome: Outcome | None) -> Text:
    """The end of a deploy in words: what happened, why, and where the alias is now."""
    text = Text(end="")
    heading = OUTCOME_WORDS.get(report.outcome, report.outcome.upper())
    text.append(heading, style="bold")
    reason = report.reason
    if reason.lower().startswith(heading.lower()):  # "Aborted by the user" -> "ABORTED by the user"
        text.append_text(inert(reason[len(heading):]))
    elif reason:
        text.append(": ")
        text.append_text(inert(reason))
    if report.outcome in ("rolled-back", "aborted"):
        text.append("\n")
        text.append_text(inert(f"Alias {report.alias} of {report.function} is back on version "
                               f"{report.old_version}."))
    elif report.outcome == "failed" and outcome is not None and outcome.result.error is not None:
        problem = outcome.result.error
        if problem.remedy:
            text.append("\n")
            text.append_text(inert(problem.remedy))
    if outcome is not None and outcome.verify is not None:
        for detail in outcome.verify.details:
            text.append("\nverify ")
            text.append_text(inert(detail))
    return text


class AbortDeployScreen(ModalScreen[bool]):
    """`abort the deploy? the alias goes back to version N` -- yes or no."""

    BINDINGS = [Binding("escape", "keep", "Keep deploying", id="deploy.abort.keep")]

    def __init__(self, question: str) -> None:
        super().__init__()
        self.question = question

    def compose(self) -> ComposeResult:
        with Vertical(id="abort-box"):
            yield Static(inert(self.question, style="bold"), id="abort-question", markup=False)
            with Horizontal(id="abort-buttons"):
                yield Button("Abort deploy", variant="error", id="abort-yes")
                yield Button("Keep deploying", id="abort-no")

    def on_mount(self) -> None:
        self.query_one("#abort-no", Button).focus()

    @on(Button.Pressed, "#abort-yes")
    def _yes(self) -> None:
        self.dismiss(True)

    @on(Button.Pressed, "#abort-no")
    def _no(self) -> None:
        self.dismiss(False)

    def action_keep(self) -> None:
        self.dismiss(False)


class DeployProgressScreen(SourceScreen):
    """Runs one confirmed deploy and shows it live; esc aborts (asked), then closes."""

    HELP = """\
The deploy as it runs: each step of the plan (applied, running, failed), then, for a
canary or linear deploy, the share of traffic on the new version, the time left in the
current step and the new version's errors and invocations as each minute's figures
arrive. Too many errors move the alias back by themselves; esc asks before aborting."""

    BINDINGS = [
        Binding("escape", "abort_or_close", "Abort / close", id="deploy.abort",
                tooltip="While deploying: abort (the alias goes back to the old version). After: close"),
    ]

    def __init__(self, runner: Runner, action: Any, plan: Plan, confirmation: Confirmation,
                 autostart: bool = True) -> None:
        super().__init__()
        self.runner = runner
        self.action = action
        self.plan = plan
        self.confirmation = confirmation
        self.autostart = autostart
        self.cancel_flag = asyncio.Event()
        self.state = "starting"  # starting | running | aborting | done
        self.event: DeployEvent | None = None
        self.window_end: datetime | None = None
        self.log_lines: list[Text] = []
        self.step_line = ""
        self.outcome: Outcome | None = None
        self.report: DeployReport | None = None
        self.old_version = str(plan.details.get("old_version", "?"))
        self.deploy_worker: Any = None

    # layout --------------------------------------------------------------------------------
    def compose(self) -> ComposeResult:
        title = Text("Deploy ", style="bold", end="")
        title.append_text(inert(self.plan.target_name, style="bold"))
        details = self.plan.details
        title.append_text(inert(f" · {details.get('strategy', '')} · alias {details.get('alias', '?')}"
                                f" · from version {self.old_version}", style="dim"))
        yield Static(title, id="deploy-title", markup=False)
        with Vertical(id="deploy-status"):
            yield Static("", id="deploy-phase", markup=False)
            yield Static("", id="deploy-step", markup=False)
            with Horizontal(id="deploy-bar"):
                yield Static("", id="deploy-bar-old", markup=False)
                yield Static("", id="deploy-bar-new", markup=False)
            yield Static("", id="deploy-weights", markup=False)
            yield Static("", id="deploy-health-new", markup=False)
            yield Static("", id="deploy-health-old", markup=False)
            yield Static("", id="deploy-minutes", markup=False)
            yield Static("", id="deploy-time", markup=False)
        yield Static("", id="deploy-outcome", markup=False)
        yield Static(Text("Events", style="bold"), id="deploy-log-title", markup=False)
        with VerticalScroll(id="deploy-log"):
            yield Static("", id="deploy-log-lines", markup=False)
        yield StatusBar()
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#deploy-outcome", Static).display = False
        self._draw()
        self.set_interval(1.0, self.tick)
        self.call_after_refresh(self.opsdeck.refresh_status)
        if self.autostart:
            self.action.listener = self.on_deploy_event
            self.deploy_worker = self.run_deploy()

    # running -------------------------------------------------------------------------------
    @work(exclusive=True, group="deploy-run")
    async def run_deploy(self) -> None:
        self.state = "running"
        self._draw()
        try:
            self.outcome = await self.runner.execute(self.action, self.plan, self.confirmation,
                                                     progress=self.on_progress, cancel=self.cancel_flag)
        except asyncio.CancelledError:
            raise  # the app is going away: the audit's open `started` lets the next start resume
        except Exception as exc:  # refused (read-only), confirmation, audit or STS: nothing applied
            target = self.runner.ctx.target
            problem = describe_problem(exc, profile=target.profile, endpoint=target.endpoint)
            reason = str(exc) if problem.kind.value == "other" else f"{problem.headline}: {problem.detail}"
            details = self.plan.details
            self.report = DeployReport("not-run", f"{reason} (nothing was changed)", self.plan.target_name,
                                       details.get("alias", "?"), self.old_version, None)
        else:
            self.report = self.action.report()
        self.state = "done"
        self._draw()
        self._show_outcome()
        engine = self.opsdeck.engine
        if engine is not None:
            engine.refresh_now()

    def on_deploy_event(self, event: DeployEvent) -> None:
        """The engine's listener: called on the event loop, in the deploy's worker."""
        self.event = event
        if event.window_end is not None or event.phase not in ("watching", "grace"):
            self.window_end = event.window_end
        self._log(_styled(f"[{event.phase}] ", inert(event.message)))
        self._draw()

    def on_progress(self, event: Progress) -> None:
        if event.state == "running":
            self.step_line = f"step {event.index + 1} of {event.total}"
        elif event.state == "failed" and event.error is not None:
            self._log(_styled(f"[step {event.index + 1} failed] ", inert(event.error.headline)))
        self._draw()

    def _log(self, line: Text) -> None:
        stamp = self.opsdeck.clock.now().strftime("%H:%M:%S ")
        self.log_lines.append(_styled(stamp, line, "dim"))
        self.query_one("#deploy-log-lines", Static).update(Text("\n", end="").join(self.log_lines))
        self.query_one("#deploy-log", VerticalScroll).scroll_end(animate=False)

    # drawing -------------------------------------------------------------------------------
    @property
    def time_left(self) -> float | None:
        if self.window_end is None or self.state == "done":
            return None
        return max(0.0, (self.window_end - self.opsdeck.clock.now()).total_seconds())

    def tick(self) -> None:
        """Every second: the time left in the window, on the app's clock."""
        self._draw_time()

    def _draw_time(self) -> None:
        left = self.time_left
        phase = self.event.phase if self.event else ""
        if left is None:
            text = Text("")
        else:
            label = "until the last minute is final" if phase == "grace" else "time left in the window"
            text = Text(f"{label}: {format_seconds(left)}", end="")
        self.query_one("#deploy-time", Static).update(text)

    def _draw(self) -> None:
        event = self.event
        phase = event.phase if event else ("starting" if self.state != "done" else "done")
        words = Text(end="")
        words.append("Phase: ", style="bold")
        words.append(PHASES.get(phase, "Starting") if event or self.state != "done" else "Finished")
        if event is not None and phase not in ("done", "watching", "grace"):  # those say health, shown below
            words.append(" · ")
            words.append_text(inert(event.message))
        if self.state == "aborting" and phase != "done":
            words.append(" · aborting: ", style="bold")
            words.append(f"the alias goes back to version {self.old_version}")
        self.query_one("#deploy-phase", Static).update(words)
        self.query_one("#deploy-step", Static).update(Text(self.step_line, style="dim"))
        self._draw_bar()
        new = event.new if event else None
        old = event.old if event else None
        self.query_one("#deploy-health-new", Static).update(
            _styled("new ", inert(new.describe())) if new else Text("new version: no figures yet",
                                                                                      style="dim"))
        self.query_one("#deploy-health-old", Static).update(
            _styled("old ", inert(old.describe())) if old else Text(""))
        self.query_one("#deploy-minutes", Static).update(minute_table(new, old))
        self._draw_time()

    def _draw_bar(self) -> None:
        event = self.event
        weight = event.weight if event else 0.0
        new_version = (event.new_version if event else None) or "new"
        new_cells = round(weight * 100)
        old_cells = 100 - new_cells
        bar_old = self.query_one("#deploy-bar-old", Static)
        bar_new = self.query_one("#deploy-bar-new", Static)
        bar_old.display, bar_new.display = old_cells > 0, new_cells > 0
        bar_old.styles.width = f"{max(old_cells, 1)}fr"
        bar_new.styles.width = f"{max(new_cells, 1)}fr"
        bar_old.update(Text(f" {1 - weight:.0%} " if old_cells >= 6 else "", end=""))
        bar_new.update(Text(f" {weight:.0%} " if new_cells >= 6 else "", end=""))
        alias = self.plan.details.get("alias", "?")
        weights = Text(end="")
        weights.append(f"alias {alias}: ", style="bold")
        weights.append_text(inert(f"{1 - weight:.0%} on version {self.old_version} (old)"))
        weights.append("  ·  ")
        weights.append_text(inert(f"{weight:.0%} on version {new_version} (new)"))
        self.query_one("#deploy-weights", Static).update(weights)

    def _show_outcome(self) -> None:
        report = self.report
        box = self.query_one("#deploy-outcome", Static)
        if report is None:
            return
        for outcome in OUTCOME_WORDS:
            box.remove_class(f"-{outcome}")
        box.add_class(f"-{report.outcome}")
        box.update(outcome_words(report, self.outcome))
        box.display = True
        self._log(_styled("[outcome] ", Text(OUTCOME_WORDS.get(report.outcome, ""))))

    def outcome_text(self) -> str:
        """What the outcome box says (tests, and the e2e reader)."""
        return str(self.query_one("#deploy-outcome", Static).render()) if self.report else ""

    def view_text(self) -> str:
        """Everything the status area shows, as plain text."""
        ids = ("deploy-phase", "deploy-weights", "deploy-health-new", "deploy-health-old", "deploy-minutes",
               "deploy-time")
        return "\n".join(str(self.query_one(f"#{i}", Static).render()) for i in ids)

    # leaving -------------------------------------------------------------------------------
    def action_abort_or_close(self) -> None:
        if self.state == "done":
            self.app.pop_screen()
            return
        if self.state == "aborting":
            return
        phase = self.event.phase if self.event else None
        if phase is None or phase in NOT_MOVED:
            question = (f"Abort the deploy? The alias has not moved: it stays on version {self.old_version} "
                        "(a version already published stays, unused).")
        else:
            question = f"Abort the deploy? The alias goes back to version {self.old_version}."
        self.app.push_screen(AbortDeployScreen(question), callback=self._abort_answered)

    def running_action(self) -> RunningAction | None:
        """What quitting must ask about while the deploy runs (screens.confirm)."""
        if self.deploy_worker is None or self.deploy_worker.is_finished or self.state == "done":
            return None
        alias, function = self.plan.details.get("alias", "?"), self.plan.target_name
        event = self.event
        moved = event is not None and event.phase not in NOT_MOVED
        where = f"on version {self.old_version}"
        if event is not None and moved:
            where = (f"{1 - event.weight:.0%} on version {self.old_version}, "
                     f"{event.weight:.0%} on version {event.new_version or 'new'}")
        phase = PHASES.get(event.phase, "Starting") if event else "Starting"
        return RunningAction(
            what=f"Deploy of {function}, alias {alias} ({where}): {phase.lower()}",
            abort_means=(f"alias {alias} goes back to version {self.old_version}, all traffic" if moved else
                         f"the alias has not moved: it stays on version {self.old_version}"),
            leave_means=(f"alias {alias} stays as it is ({where}) with nothing watching it; the next start "
                         "offers to promote or abort it"),
            abort=self._abort_for_quit, leave=self._leave_for_quit)

    async def _abort_for_quit(self) -> bool:
        self._abort_answered(True)
        await worker_ended(self.deploy_worker)
        return self.report is not None and self.report.outcome != "failed"

    async def _leave_for_quit(self) -> None:
        self._log(_styled("[left] ", Text("unwatched: the next start offers to promote or abort")))
        await stop_watching(self.deploy_worker)

    def _abort_answered(self, yes: bool | None) -> None:
        if yes and self.state in ("starting", "running"):
            self.state = "aborting"
            self.cancel_flag.set()
            self._log(_styled("[abort] ", Text(f"asked by the user: the alias goes back to version "
                                               f"{self.old_version}")))
            self._draw()
