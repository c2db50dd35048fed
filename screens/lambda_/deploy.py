"""Deploy (`d`), roll back (`r`), and deploys a crash left open, in the TUI.

The screens ask and draw; console.services.lambda_.actions builds the actions (a bad
option raises PlanRefused naming it, before any AWS call) and the Runner plans,
confirms, applies, verifies and audits. The flow of a deploy: form -> plan (Runner.prepare)
-> the generic confirmation (ConfirmActionScreen, which makes a protected target's name
be typed) -> DeployProgressScreen, which runs it live. `r` shows where the alias is and
plans a rollback (to the audit trail's previous version, or `--to`), or, when the
alias carries weights, offers abort or promote. On start, each deploy a crash left
open gets a modal: promote, abort, or later.
"""

from __future__ import annotations

import asyncio
import re
from typing import Any

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Checkbox, Input, Select, Static

from console.actions.base import PlanRefused
from console.actions.confirm import ConfirmationError, check_confirmation
from console.actions.runner import Confirmation
from console.aws.errors import describe_problem
from console.services.lambda_.models import LambdaFunction
from console.text import inert, inert_str
from screens.base import SourceScreen
from screens.confirm import ConfirmActionScreen
from widgets.footer import Footer
from widgets.status_bar import StatusBar

SOURCE_KINDS = (("directory", "directory"), ("zip file", "zip"), ("image URI", "image"))
STRATEGIES = (("all at once", "all"), ("canary P%:D", "canary"), ("linear P%:D", "linear"))

# which form field an option named in a PlanRefused message belongs to
FIELD_OF_OPTION = {
    "--dir": "deploy-source", "--zip": "deploy-source", "--image": "deploy-source",
    "give the code": "deploy-source", "give only one source": "deploy-source",
    "--canary": "deploy-step", "--linear": "deploy-step", "give --canary": "deploy-step",
    "--grace": "deploy-grace", "--max-errors": "deploy-max-errors",
    "--min-invocations": "deploy-min-invocations", "alias": "deploy-alias", "--alias": "deploy-alias",
}
# the form's words for the options a refusal worded for the command line names
FORM_WORDS = {
    "--dir": "directory", "--zip": "zip file", "--image": "image URI", "--canary": "canary", "--linear": "linear",
    "--grace": "Grace", "--max-errors": "Max errors", "--min-invocations": "Min invocations",
    "--allow-no-traffic": "allow no traffic", "--alias": "Alias", "--to": "To version", "--version": "version",
}
_OPTION = re.compile(r"(--[a-z][a-z-]*)(?: [A-Z]+\b)?")  # `--zip FILE`: the option and its metavariable
_LEADING_OPTION = re.compile(r"^(--[a-z][a-z-]*): ")
# a field and the controls that change what it means (the source's kind, the strategy)
FIELD_GROUPS = {
    "deploy-source": {"deploy-source", "deploy-source-kind"},
    "deploy-step": {"deploy-step", "deploy-strategy"},
    "deploy-min-invocations": {"deploy-min-invocations", "deploy-allow-no-traffic"},
}
FIELD_LABELS = {
    "deploy-source": "Source", "deploy-step": "Strategy", "deploy-grace": "Grace",
    "deploy-max-errors": "Max errors", "deploy-min-invocations": "Min invocations", "deploy-alias": "Alias",
}


def field_of(message: str) -> str | None:
    """The form field a refusal is about: the option its message starts with (or mentions)."""
    for option, field in FIELD_OF_OPTION.items():
        if message.startswith(option):
            return field
    for option, field in FIELD_OF_OPTION.items():
        if option.startswith("--") and option in message:
            return field
    return None


def in_form_words(message: str, field_named: bool = False) -> str:
    """A refusal of the actions' options (worded for the command line: `--max-errors: expected
    ...`) in the words of the form that sets them: no opsdeck flags in the console. The option
    it starts with is dropped when the form names its field already (`field_named`)."""
    if field_named:
        message = _LEADING_OPTION.sub("", message)
    else:
        message = _LEADING_OPTION.sub(lambda m: f"{FORM_WORDS.get(m.group(1), m.group(1)[2:])}: ", message)
    return _OPTION.sub(lambda m: f'"{FORM_WORDS.get(m.group(1), m.group(1)[2:].replace("-", " "))}"', message)


def _problem_text(app, exc: Exception) -> str:
    if isinstance(exc, PlanRefused):
        return exc.tui
    if isinstance(exc, ConfirmationError):
        return str(exc)
    target = app.target
    problem = describe_problem(exc, profile=target.profile, endpoint=target.endpoint)
    return str(exc) if problem.kind.value == "other" else f"{problem.headline}: {problem.detail}"


def _refresh(app) -> None:
    engine = getattr(app, "engine", None)
    if engine is not None:
        engine.refresh_now()


# -- the plan's confirmation -----------------------------------------------------------------
class DeployConfirmScreen(ConfirmActionScreen):
    """The generic confirmation modal (plan, typed name on protected targets), dismissed with
    the Confirmation: the deploy itself runs in DeployProgressScreen, which shows it live."""

    def apply(self, confirmation: Confirmation) -> None:  # replaces the parent's apply worker
        try:
            check_confirmation(self.plan, confirmation.typed, confirmation.yes, confirmation.i_know_protected)
        except ConfirmationError as exc:
            self.query_one("#confirm-error", Static).update(inert(str(exc)))
            return
        self.dismiss(confirmation)


# -- `d`: the deploy form ---------------------------------------------------------------------
class DeployFormScreen(SourceScreen):
    """The options of `opsdeck lambda deploy` as a form; enter plans, esc goes back."""

    HELP = """\
New code for the function, from a directory, a zip file or an image URI, published as a
new version and moved onto the alias that carries its traffic: all at once, as a canary
(P% for D, then all) or linearly (+P% every D). More errors than "Max errors" on the new
version, or fewer invocations than "Min invocations", move the alias back. Grace: how
long after a minute ends its metrics count as final. Nothing changes before you confirm
the plan."""

    BINDINGS = [
        Binding("escape", "back", "Back", id="deploy.back"),
        Binding("f5", "plan", "Plan", id="action.lambda.deploy-plan", priority=True,
                tooltip="Read the function and its alias, and show what the deploy will change"),
    ]

    def __init__(self, function: LambdaFunction) -> None:
        super().__init__()
        self.function = function
        self.state = "ready"  # ready | planning
        self.message = ""
        self.invalid_field: str | None = None  # the field the message is about
        self._invalid_values: tuple[object, ...] = ()  # and what it held then

    def _demo_source(self, image: bool) -> str:
        """In the demo, a directory to deploy is at hand: opsdeck's tiny example handler."""
        if image or not getattr(self.app, "target", None) or not self.app.target.demo:
            return ""
        from console.services.lambda_.deploy import EXAMPLE_SOURCE

        return str(EXAMPLE_SOURCE)

    def _default_grace(self) -> str:
        """What a blank Grace means for this function: its timeout + the ingestion delay."""
        from console.cloudwatch.metrics import INGESTION_DELAY
        from console.services.lambda_.deploy.health import default_settle
        from console.services.lambda_.deploy.strategy import format_seconds

        timeout = self.function.timeout_s or 3
        return (f"{format_seconds(default_settle(timeout))}: timeout {format_seconds(timeout)} + "
                f"delay {format_seconds(INGESTION_DELAY)} (assumed)")

    def compose(self) -> ComposeResult:
        f = self.function
        title = Text("Deploy ", style="bold", end="")
        title.append_text(inert(f.name, style="bold"))
        title.append_text(inert(f" · {f.package_type} function · code {f.code_sha256}", style="dim"))
        yield Static(title, id="deploy-form-title", markup=False)
        image = f.package_type == "Image"
        with Vertical(id="deploy-form"):
            with Horizontal(classes="deploy-row"):
                yield Static("Source", classes="deploy-label")
                yield Select(SOURCE_KINDS, value="image" if image else "directory", allow_blank=False,
                             id="deploy-source-kind")
                yield Input(self._demo_source(image),
                            placeholder="image URI (repo:tag or @digest)" if image else "path of the directory",
                            id="deploy-source")
            with Horizontal(classes="deploy-row"):
                yield Static("Alias", classes="deploy-label")
                yield Input("live", id="deploy-alias")
                yield Static("the alias that carries the traffic", classes="deploy-hint")
            with Horizontal(classes="deploy-row"):
                yield Static("Strategy", classes="deploy-label")
                yield Select(STRATEGIES, value="all", allow_blank=False, id="deploy-strategy")
                yield Input("10%:5m", id="deploy-step", disabled=True)
                yield Static("canary: P% for D, then all · linear: +P% every D", classes="deploy-hint")
            with Horizontal(classes="deploy-row"):
                yield Static("Max errors", classes="deploy-label")
                yield Input("0", id="deploy-max-errors")
                yield Static("more errors than this on the new version roll it back", classes="deploy-hint")
            with Horizontal(classes="deploy-row"):
                yield Static("Min invocations", classes="deploy-label")
                yield Input("1", id="deploy-min-invocations")
                yield Checkbox("allow no traffic", id="deploy-allow-no-traffic")
            with Horizontal(classes="deploy-row"):
                yield Static("Grace", classes="deploy-label")
                yield Input("", placeholder=self._default_grace(), id="deploy-grace")
                yield Static("how long after a minute ends its metrics are final (s/m/h); blank: the "
                             "function's timeout + CloudWatch's delay", classes="deploy-hint")
        yield Static("", id="deploy-form-message", markup=False)
        with Horizontal(id="deploy-form-buttons"):
            yield Button("Plan (f5)", variant="primary", id="deploy-plan")
            yield Button("Cancel (esc)", id="deploy-cancel")
        yield StatusBar()
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#deploy-source", Input).focus()
        self.call_after_refresh(self.opsdeck.refresh_status)
        if self.opsdeck.read_only:
            self._say("Read-only mode: nothing can be deployed from this session.")
            self.query_one("#deploy-plan", Button).disabled = True

    # form ------------------------------------------------------------------------------------
    @on(Select.Changed, "#deploy-strategy")
    def _strategy_changed(self, event: Select.Changed) -> None:
        self.query_one("#deploy-step", Input).disabled = event.value == "all"

    @on(Select.Changed, "#deploy-source-kind")
    def _source_kind_changed(self, event: Select.Changed) -> None:
        placeholders = {"directory": "path of the directory", "zip": "path of the zip file",
                        "image": "image URI (repo:tag or @digest)"}
        self.query_one("#deploy-source", Input).placeholder = placeholders.get(str(event.value), "")

    @on(Checkbox.Changed, "#deploy-allow-no-traffic")
    def _no_traffic_changed(self, event: Checkbox.Changed) -> None:
        self.query_one("#deploy-min-invocations", Input).disabled = event.value

    def value(self, field: str) -> str:
        return self.query_one(f"#{field}", Input).value.strip()

    def options(self) -> dict[str, Any]:
        """The form as LambdaDeploy's keyword arguments (the CLI's options)."""
        kind = str(self.query_one("#deploy-source-kind", Select).value)
        strategy = str(self.query_one("#deploy-strategy", Select).value)
        source = self.value("deploy-source")
        allow = self.query_one("#deploy-allow-no-traffic", Checkbox).value
        return {
            "directory": source if kind == "directory" else None,
            "zip": source if kind == "zip" else None,
            "image": source if kind == "image" else None,
            "alias": self.value("deploy-alias") or "live",
            "canary": self.value("deploy-step") if strategy == "canary" else None,
            "linear": self.value("deploy-step") if strategy == "linear" else None,
            "max_errors": self.value("deploy-max-errors"),
            "min_invocations": "1" if allow else self.value("deploy-min-invocations"),
            "allow_no_traffic": allow,
            "grace": self.value("deploy-grace") or None,
        }

    @on(Input.Changed)
    @on(Select.Changed)
    @on(Checkbox.Changed)
    def _field_changed(self) -> None:
        """The error about a field goes as soon as that field (or what it depends on) is edited:
        the plan checks it again, and reading a directory on every key would be too slow."""
        if self.invalid_field is not None and self._group_values(self.invalid_field) != self._invalid_values:
            self._say("")

    def _group_values(self, field: str) -> tuple[object, ...]:
        return tuple(self.query_one(f"#{name}").value for name in sorted(FIELD_GROUPS.get(field, {field})))

    def _say(self, message: str, field: str | None = None) -> None:
        for box in self.query(Input):
            box.remove_class("-invalid")
        self.invalid_field = field
        self._invalid_values = self._group_values(field) if field is not None else ()
        self.message = message
        shown = Text(end="")
        if field is not None:
            self.query_one(f"#{field}", Input).add_class("-invalid")
            shown.append(f"{FIELD_LABELS.get(field, field)}: ", style="bold")
        shown.append_text(inert(in_form_words(message, field_named=field is not None)))
        box = self.query_one("#deploy-form-message", Static)
        box.update(shown)
        box.set_class(bool(message), "-error")

    @on(Input.Submitted)
    @on(Button.Pressed, "#deploy-plan")
    def _plan_pressed(self) -> None:
        self.action_plan()

    @on(Button.Pressed, "#deploy-cancel")
    def action_back(self) -> None:
        if self.state != "planning":
            self.app.pop_screen()

    def action_plan(self) -> None:
        """Build the action (bad options are refused here, naming the field), then plan it."""
        from console.services.lambda_.actions import LambdaDeploy

        if self.state == "planning":
            return
        if self.opsdeck.read_only:
            self._say("Read-only mode: nothing can be deployed from this session.")
            return
        try:
            action = LambdaDeploy(self.function.name, **self.options())
        except ValueError as exc:  # PlanRefused is a ValueError: the message names the option
            self._say(_problem_text(self.app, exc), field_of(str(exc)))
            return
        self._say("Planning: reading the function and its alias…")
        self.plan_deploy(action)

    @work(exclusive=True, group="deploy-plan")
    async def plan_deploy(self, action) -> None:
        from screens.lambda_.deploy_progress import DeployProgressScreen

        self.state = "planning"
        try:
            runner = self.opsdeck.action_runner()
            plan = await runner.prepare(action)
        except asyncio.CancelledError:
            raise
        except Exception as exc:
            self.state = "ready"
            self._say(_problem_text(self.app, exc), field_of(str(exc)))
            return
        self.state = "ready"
        if plan.empty:
            self._say(plan.note or "Nothing to deploy.")
            return
        self._say("")
        confirmation = await self.app.push_screen_wait(DeployConfirmScreen(runner, action, plan))
        if not isinstance(confirmation, Confirmation):
            self._say("Not deployed: the plan was not confirmed.")
            return
        # not awaited: switching removes this screen, which cancels this very worker
        self.app.call_later(self.app.switch_screen, DeployProgressScreen(runner, action, plan, confirmation))


# -- `r`: roll back (or settle a deploy in progress) -----------------------------------------------
class RollbackScreen(ModalScreen):
    """Where the alias is now; roll back (to the previous version, or one typed), or, when it
    carries weights (a deploy in progress), abort or promote. Plans before closing, so a bad
    version is said here; dismissed with (runner, action, plan) or None."""

    BINDINGS = [Binding("escape", "close", "Cancel", id="rollback.close")]

    def __init__(self, function: LambdaFunction) -> None:
        super().__init__()
        self.function = function
        self.weights: dict[str, float] = {}
        self.version: str | None = None
        self.state = "loading"  # loading | ready | planning

    def compose(self) -> ComposeResult:
        with Vertical(id="rollback-box"):
            title = Text("Roll back ", style="bold", end="")
            title.append_text(inert(self.function.name, style="bold"))
            yield Static(title, markup=False)
            yield Static(Text("reading the alias…", style="dim"), id="rollback-where", markup=False)
            with Horizontal(classes="deploy-row"):
                yield Static("Alias", classes="deploy-label")
                yield Input("live", id="rollback-alias")
            with Horizontal(classes="deploy-row"):
                yield Static("To version", classes="deploy-label")
                yield Input(placeholder="blank: the version before the last deploy", id="rollback-to")
            yield Static("", id="rollback-message", markup=False)
            # the default (focused, styled primary) is the safe way back: roll back, or abort a
            # deploy in progress; Promote is plain and last, not one tab from the default
            with Horizontal(id="rollback-buttons"):
                yield Button("Roll back", variant="primary", id="rollback-go")
                yield Button("Cancel", id="rollback-cancel")
                yield Button("Promote", id="rollback-promote")

    def on_mount(self) -> None:
        self.query_one("#rollback-promote", Button).display = False
        self.query_one("#rollback-go", Button).focus()
        self.read_alias()

    @on(Input.Submitted, "#rollback-alias")
    def _alias_changed(self) -> None:
        self.read_alias()

    @work(exclusive=True, group="rollback-read")
    async def read_alias(self) -> None:
        from console.services.lambda_.deploy.engine import describe_routing, get_alias

        alias = self.query_one("#rollback-alias", Input).value.strip() or "live"
        where = self.query_one("#rollback-where", Static)
        try:
            self.version, self.weights = await get_alias(self.app.aws_context(), self.function.name, alias)
        except asyncio.CancelledError:
            raise
        except Exception as exc:
            self.version, self.weights = None, {}
            where.update(inert(_problem_text(self.app, exc)))
            self.state = "ready"
            return
        text = Text(f"alias {alias}: ", style="bold", end="")
        text.append_text(inert(describe_routing(self.version, self.weights)))
        if self.weights:
            text.append("\nA deploy is in progress: roll back aborts it (the alias goes back to version "
                        f"{self.version}); promote gives the new version all the traffic.")
            self.query_one("#rollback-go", Button).label = "Abort deploy"
        else:
            self.query_one("#rollback-go", Button).label = "Roll back"
        self.query_one("#rollback-promote", Button).display = bool(self.weights)
        where.update(text)
        self.state = "ready"

    @on(Input.Submitted, "#rollback-to")
    @on(Button.Pressed, "#rollback-go")
    def _rollback_pressed(self) -> None:
        from console.services.lambda_.actions import LambdaRollback

        runner = self.app.action_runner()
        self._plan(lambda alias: LambdaRollback(self.function.name, alias,
                                                to=self.query_one("#rollback-to", Input).value.strip() or None,
                                                audit=runner.audit), runner)

    @on(Button.Pressed, "#rollback-promote")
    def _promote_pressed(self) -> None:
        from console.services.lambda_.actions import LambdaPromote

        self._plan(lambda alias: LambdaPromote(self.function.name, alias), self.app.action_runner())

    def _plan(self, make, runner) -> None:
        if self.state == "planning":
            return
        alias = self.query_one("#rollback-alias", Input).value.strip() or "live"
        try:
            action = make(alias)
        except ValueError as exc:
            self._say(_problem_text(self.app, exc))
            return
        self.plan_action(runner, action)

    @work(exclusive=True, group="rollback-plan")
    async def plan_action(self, runner, action) -> None:
        self.state = "planning"
        self._say("Planning…")
        try:
            plan = await runner.prepare(action)
        except asyncio.CancelledError:
            raise
        except Exception as exc:
            self.state = "ready"
            self._say(_problem_text(self.app, exc))
            return
        self.state = "ready"
        self.dismiss((runner, action, plan))

    def _say(self, message: str) -> None:
        box = self.query_one("#rollback-message", Static)
        box.update(inert(in_form_words(message)))
        box.set_class(bool(message) and message != "Planning…", "-error")

    @on(Button.Pressed, "#rollback-cancel")
    def action_close(self) -> None:
        self.dismiss(None)


def open_rollback(screen, function: LambdaFunction) -> None:
    """`r`: the rollback modal, then the generic confirmation; a settled alias closes any
    deploy a crash left open on it."""
    screen.run_worker(_rollback_flow(screen.app, function), group="lambda-rollback")


async def _rollback_flow(app, function: LambdaFunction) -> None:
    chosen = await app.push_screen_wait(RollbackScreen(function))
    if not chosen:
        return
    runner, action, plan = chosen
    await confirm_and_settle(app, runner, action, plan, function.name, action.alias)


async def confirm_and_settle(app, runner, action, plan, function: str, alias: str):
    """The generic confirmation modal for `plan`; then close the open deploys the alias now
    settles (as the CLI does) and refresh the dashboard. Returns the Outcome (or None)."""
    from console.services.lambda_.deploy.engine import get_alias
    from console.services.lambda_.deploy.resume import close_resolved

    outcome = None
    if not plan.empty:
        outcome = await app.push_screen_wait(ConfirmActionScreen(runner, action, plan))
        if outcome is None or not outcome.ok:
            _refresh(app)
            return outcome
    try:
        version, weights = await get_alias(runner.ctx, function, alias)
        if not weights:
            caller = await runner.caller()
            closed = close_resolved(runner.audit, function, alias, version, region=runner.ctx.target.region,
                                    account=runner.ctx.target.account, caller=caller.arn,
                                    resolved_by=outcome.run if outcome else None)
            if closed:
                app.notify(f"Closed {len(closed)} unfinished deploy(s) of {inert_str(function)} in the audit trail.",
                           markup=False)
    except asyncio.CancelledError:
        raise
    except Exception as exc:
        app.notify(inert_str(_problem_text(app, exc)), title="Could not update the audit trail",
                   severity="warning", markup=False)
    if plan.empty:
        app.notify(inert_str(plan.note or "Nothing to do."), markup=False)
    _refresh(app)
    return outcome


# -- deploys a crash left open ----------------------------------------------------------------------
class ResumeDeployScreen(ModalScreen[str | None]):
    """One open deploy: what was happening, and Promote / Abort / Later (read-only: Later only).
    A modal, but it blocks nothing else: the dashboard under it keeps loading (screens.base),
    and one key, `l` or esc, puts off this offer and the ones after it."""

    BINDINGS = [
        Binding("l,escape", "later", "Later", id="resume.later"),
        Binding("p", "promote", "Promote", id="action.resume.promote"),
        Binding("a", "abort", "Abort", id="action.resume.abort"),
    ]

    def __init__(self, record, read_only: bool, blocked: str = "") -> None:
        super().__init__()
        self.record = record
        self.read_only = read_only
        self.blocked = blocked  # why it cannot be settled from here (another region or account)

    def compose(self) -> ComposeResult:
        r = self.record
        with Vertical(id="resume-box"):
            yield Static(Text("A deploy was left unfinished", style="bold"), markup=False)
            yield Static(inert(r.describe()), id="resume-what", markup=False)
            where = f"region {r.region or '?'} · account {r.account or '?'} · audit run {r.run}"
            yield Static(inert(where, style="dim"), markup=False)
            if self.read_only:
                note = ("Read-only mode: nothing can be changed from this session. Settle it from one that may "
                        "change things: `r` on the function promotes or aborts it.")
            elif self.blocked:
                note = self.blocked
            else:
                note = (f"Promote: version {r.new_version} takes all the traffic of alias {r.alias}. "
                        if r.new_version else "No version was published: it can only be aborted. ")
                note += f"Abort: alias {r.alias} goes back to version {r.old_version}. Both ask to confirm."
            yield Static(inert(note), id="resume-note", markup=False)
            with Horizontal(id="resume-buttons"):
                if self.can_promote:
                    yield Button("Promote", variant="primary", id="resume-promote")
                if self.can_act:
                    yield Button("Abort", variant="warning", id="resume-abort")
                yield Button("Later", id="resume-later")
            keys = (["p promote"] if self.can_promote else []) + (["a abort"] if self.can_act else [])
            yield Static(Text("  ·  ".join(keys + ["l later (esc)"]), style="dim"), id="resume-keys", markup=False)

    @property
    def can_act(self) -> bool:
        return not self.read_only and not self.blocked

    @property
    def can_promote(self) -> bool:
        return self.can_act and bool(self.record.new_version)

    def on_mount(self) -> None:
        self.query_one("#resume-later", Button).focus()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        return {"promote": self.can_promote, "abort": self.can_act}.get(action, True)

    @on(Button.Pressed, "#resume-promote")
    def action_promote(self) -> None:
        self.dismiss("promote")

    @on(Button.Pressed, "#resume-abort")
    def action_abort(self) -> None:
        self.dismiss("abort")

    @on(Button.Pressed, "#resume-later")
    def action_later(self) -> None:
        self.dismiss(None)


def offer_open_deploys(screen) -> None:
    """On start: a modal per deploy a crash left open (none when there is none)."""
    from console.audit import AuditLog
    from console.services.lambda_.deploy.resume import open_deploys

    try:
        records = open_deploys(AuditLog(None, screen.app.clock))
    except (OSError, ValueError):
        return
    if records:
        screen.run_worker(_resume_flow(screen.app, records), group="deploy-resume")


async def _resume_flow(app, records) -> None:
    from console.services.lambda_.actions import resolution_action

    for number, record in enumerate(records):
        target = app.target
        blocked = ""
        if record.region and record.region != target.region:
            blocked = f"It ran in region {record.region}, not {target.region}: switch region (:region) to settle it."
        elif record.account and target.account and record.account != target.account:
            blocked = f"It ran in account {record.account}, not {target.account}: switch profile to settle it."
        decision = await app.push_screen_wait(ResumeDeployScreen(record, app.read_only, blocked))
        if decision is None:  # later: for this one and the rest, not one key per deploy
            left = len(records) - number
            app.notify("`r` on the function promotes or aborts it; :audit lists it.",
                       title=f"{left} deploy{'s' if left > 1 else ''} left open", timeout=20, markup=False)
            return
        if decision not in ("promote", "abort") or app.read_only or blocked:
            continue
        try:
            runner = app.action_runner()
            action = resolution_action(record, decision)
            plan = await runner.prepare(action)
        except asyncio.CancelledError:
            raise
        except Exception as exc:
            app.notify(inert_str(_problem_text(app, exc)), title=f"Could not {decision} the deploy",
                       severity="error", markup=False)
            continue
        await confirm_and_settle(app, runner, action, plan, record.function, record.alias)
