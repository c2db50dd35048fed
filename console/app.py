"""The composition root of the TUI: identity first, then pollers wired to screens.

The app resolves who we are (STS) before anything else, because a missing or
expired credential would otherwise show up as four identical panel errors. Then it
starts one PollingEngine, turns every Store snapshot into a SnapshotArrived
message for the active screen, and refreshes the status bar once a second.
Screens decide what is polled by subscribing while they are visible.
"""

from __future__ import annotations

import asyncio
import os
import sys
from typing import Any, Awaitable, Callable, Mapping

from textual.app import App
from textual.binding import Binding
from textual.css.query import NoMatches
from textual.screen import ModalScreen

from console.aws.accounting import RECENT_ERRORS_SECONDS
from console.aws.clients import ClientPool
from console.aws.context import AwsContext
from console.aws.errors import ErrorClass, Problem, classify, describe_problem
from console.clock import Clock
from console.memory import freeze_startup_objects
from console.polling import PollingEngine, Snapshot, Store
from console.target import Target
from screens.base import SnapshotArrived, SourceScreen
from screens.commands import OpsdeckCommands
from screens.switch import TargetCommands
from screens.dashboard import DashboardScreen
from screens.help import HelpScreen, help_groups, help_sections
from screens.loading import LoadingScreen
from screens.problem import ProblemScreen
from themes import DEFAULT_THEME, STYLESHEET, THEMES
from widgets.status_bar import StatusBar, StatusInfo

Sources = Mapping[str, tuple]  # name -> Source(fetch, interval[, after]), see console.polling.sources
Identify = Callable[[AwsContext], Awaitable[str]]

# actions the app forwards to the active screen when it implements them
SCREEN_ACTIONS = frozenset({"filter", "drill_down"})


MUTATING_BINDING_PREFIX = "action."  # binding ids of actions that change AWS state


def _mutating_binding(node: Any, action: str) -> bool:
    """True when `node` binds `action` (as written, or by its bare name) with an "action." id."""
    for _, binding in getattr(node, "_bindings", ()):
        if (binding.id or "").startswith(MUTATING_BINDING_PREFIX) and action in (
            binding.action, binding.action.split("(", 1)[0].rsplit(".", 1)[-1]
        ):
            return True
    return False


class OpsdeckApp(App):
    TITLE = "opsdeck"
    CSS_PATH = STYLESHEET
    # Every screen is `-narrow` below 120 columns (80x24 is where many terminals open), `-wide`
    # above: themes/opsdeck.tcss stacks what sits side by side when narrow.
    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (120, "-wide")]
    COMMANDS = App.COMMANDS | {OpsdeckCommands, TargetCommands}
    BINDINGS = [
        Binding("q", "quit", "Quit", id="quit"),
        Binding("question_mark", "help", "Help", id="help"),
        Binding("colon", "command_palette", "Palette", id="command_palette",
                tooltip="Panels and actions, fuzzy"),
        Binding("slash", "filter", "Filter", id="filter", tooltip="Filter the current table by name"),
        Binding("ctrl+r", "refresh", "Refresh", id="refresh", tooltip="Refresh every visible source now"),
        # Only while the session has expired: on every screen, ctrl+r first resolves the
        # credentials afresh, then does what it does there (console.app.OpsdeckApp.renew_session).
        Binding("ctrl+r", "renew_session", "Renew session", id="renew-session", priority=True,
                tooltip="Read the credentials again (after `aws sso login`, or with a new MFA code), then refresh"),
        Binding("escape", "back", "Back", id="back"),
        Binding("enter", "drill_down", "Open", id="drill_down", tooltip="Details of the selected resource"),
    ]

    def __init__(
        self,
        target: Target,
        pool: ClientPool,
        clock: Clock,
        read_only: bool = False,
        sources: Sources | None = None,
        identify: Identify | None = None,
    ) -> None:
        super().__init__()
        self.target = target
        self.pool = pool
        self.clock = clock
        self.read_only = read_only
        if read_only:  # enforced below the UI too: the pool refuses mutating calls
            pool.read_only = True
        if sources is None:
            from console.services import dashboard_sources

            sources = dashboard_sources()
        self.source_table: Sources = sources
        if identify is None:
            from console.identity import caller_account as identify
        self.identify: Identify = identify
        self.store = Store(clock)
        self.store.listen(self._on_snapshot)
        self.engine: PollingEngine | None = None
        self._closed = False
        self._expiry_told = False  # the user was told (or asked for a code) since the session expired
        self._showed_expired = False  # what the footer's bindings last showed

    # startup --------------------------------------------------------------------------
    def on_mount(self) -> None:
        for theme in THEMES:
            self.register_theme(theme)
        self.theme = DEFAULT_THEME
        self.push_screen(LoadingScreen(self._where()))
        self.run_worker(self.connect(), exclusive=True, group="connect")
        self.set_interval(1.0, self.refresh_status)
        if not self.is_headless and _terminal_alive():
            self.set_interval(TERMINAL_CHECK_SECONDS, self._exit_without_terminal)

    def _exit_without_terminal(self) -> None:
        """A console whose terminal went away (a closed window, a killed tmux server while
        `make demo` ran it: make took the hangup, opsdeck did not) would go on polling AWS
        and drawing into nothing: measured at 60 % of a core each. Quit instead."""
        if not _terminal_alive():
            self.exit()

    async def connect(self) -> bool:
        """Resolve the account, then start polling and show the dashboard.

        On failure the problem screen says what to run; its ctrl+r calls this again.
        """
        try:
            if not await self._ensure_mfa():
                return False
            account = await self.identify(AwsContext(self.pool, self.target))
        except asyncio.CancelledError:
            raise
        except Exception as exc:  # shown as a Problem, never a traceback
            problem = describe_problem(exc, profile=self.target.profile, endpoint=self.target.endpoint)
            if problem.kind in (ErrorClass.AUTH_EXPIRED, ErrorClass.NO_CREDENTIALS):
                # aiobotocore caches a session's credential provider: after `aws sso login`
                # (or for a new MFA code) the retry must resolve the profile afresh.
                await self.pool.reset_credentials(self.target.profile)
            self._show_problem(problem)
            return False
        self.target = self.target.with_account(account)
        if self.engine is None:
            self.engine = PollingEngine(self.pool, self.store, self.target, ui_paints=True)
            for name, source in self.source_table.items():
                self.engine.register(name, *source)
            self.engine.start()
        else:
            await self.engine.switch_target(self.target)
        if not isinstance(self.screen, DashboardScreen):
            await self.switch_screen(DashboardScreen())
            freeze_startup_objects()
        self.refresh_status()
        return True

    async def _ensure_mfa(self) -> bool:
        """A role profile with `mfa_serial`: ask for the code in a modal, then AssumeRole with it
        (botocore's own prompt would block the event loop). False when the user cancels."""
        from console.aws.credentials import mfa_role

        role = mfa_role(self.target.profile)
        if role is None or self.pool.has_credentials(role.name):
            return True
        keys = await self._mfa_session(role)
        if keys is None:
            self._show_problem(Problem(
                ErrorClass.NO_CREDENTIALS, f"Profile {role.name} needs an MFA code",
                f"role {role.role_arn}, MFA device {role.mfa_serial}",
                "Press ctrl+r and type the code your MFA device shows now."))
            return False
        self.pool.use_credentials(role.name, keys)
        return True

    async def _mfa_session(self, role: Any, reason: str | None = None) -> Any:
        """Ask for a code in the MFA modal until STS accepts one; the role's new credentials
        (StaticKeys), or None when the user cancels."""
        from botocore.exceptions import ClientError

        from console.aws.credentials import assume_role_with_mfa
        from screens.mfa import MfaScreen

        error: str | None = None
        while True:
            code = await self.push_screen_wait(MfaScreen(role.name, role.mfa_serial or "", error, reason))
            if code is None:
                return None
            try:
                return await assume_role_with_mfa(
                    self.pool.session(role.source_profile), role, code, self.clock,
                    region=self.target.region, endpoint=self.target.endpoint)
            except ClientError as exc:  # a wrong or reused code: ask again, with STS's answer
                if classify(exc) is not ErrorClass.ACCESS_DENIED:
                    raise
                error = describe_problem(exc, profile=role.name, endpoint=self.target.endpoint).detail

    # a session that expires mid-session ---------------------------------------------------
    def _expired_mfa_role(self) -> Any:
        """The target's MFA role profile when opsdeck holds an MFA session for it, else None."""
        from console.aws.credentials import mfa_role

        keys = self.pool.credentials_of(self.target.profile)
        return mfa_role(self.target.profile) if keys is not None and keys.source == "mfa" else None

    def _session_expired(self, problem: Problem) -> None:
        """A poll found the target's session expired: data stays on screen, marked stale. An
        MFA session asks for a new code at once; any other says what to run, then ctrl+r."""
        self.refresh_bindings()  # the footer offers ctrl+r "Renew session"
        if self._expiry_told:
            return
        self._expiry_told = True
        if self._expired_mfa_role() is not None:
            self.run_worker(self.renew_session(), exclusive=True, group="renew")
        else:
            self.notify(f"{problem.remedy} Then press ctrl+r: opsdeck reads them again, no restart needed.",
                        title=problem.headline, severity="error", timeout=30, markup=False)

    async def renew_session(self) -> bool:
        """Resolve the target's credentials afresh (the SSO token cache, the profile's files
        and keyring), or for an MFA role ask for a new code; then refresh what is on screen.
        False when the user cancelled the code (the expired session stays, and says so)."""
        role = self._expired_mfa_role()
        keys = None
        if role is not None:
            keys = await self._mfa_session(role, f"The MFA session of profile {role.name} has expired: "
                                                 "type the code your MFA device shows now.")
            if keys is None:
                self.notify(f"Nothing loads with profile {role.name} until it has a new MFA code: "
                            "press ctrl+r to type one.", title="The MFA session has expired",
                            severity="error", timeout=30, markup=False)
                return False
        await self.pool.reset_credentials(self.target.profile, keys)
        self._expiry_told = False  # still expired: say so again
        self.refresh_bindings()
        await self._check_bindings("ctrl+r")  # now what ctrl+r does on this screen: a refresh
        return True

    def _show_problem(self, problem: Problem) -> None:
        if isinstance(self.screen, ProblemScreen):
            self.screen.show(problem)
        else:
            self.switch_screen(ProblemScreen(problem))

    def _where(self) -> str:
        where = f"{self.target.label} / {self.target.region}"
        return f"{where} at {self.target.endpoint}" if self.target.endpoint else where

    def aws_context(self) -> AwsContext:
        """Clients for one-off reads and calls on the current target (detail screens, invoke)."""
        return AwsContext(self.pool, self.target)

    # guarded actions (console.actions) ---------------------------------------------------
    def action_runner(self):
        """The Runner for the current target: one per target, so the caller ARN is fetched
        once per session and a profile/region switch never acts on the old target."""
        from console.actions.runner import Runner
        from console.audit import AuditLog

        runner = getattr(self, "_action_runner", None)
        if runner is None or getattr(self, "_action_runner_target", None) != self.target:
            runner = Runner(AwsContext(self.pool, self.target), AuditLog(None, self.clock),
                            read_only=self.read_only)
            self._action_runner, self._action_runner_target = runner, self.target
        return runner

    # data flow ------------------------------------------------------------------------
    def _on_snapshot(self, snapshot: Snapshot) -> None:
        """Store listener (runs on the event loop): hand the snapshot to the screens in view,
        the active one and any under the modals on top of it."""
        for screen in reversed(self.screen_stack):
            screen.post_message(SnapshotArrived(snapshot))
            if not isinstance(screen, ModalScreen):
                break
        problem = snapshot.error
        if (problem is not None and problem.kind is ErrorClass.AUTH_EXPIRED and snapshot.target == self.target
                and self.pool.expired(self.target.profile)):  # not a call begun before a renewal
            self._session_expired(problem)

    def status_info(self) -> StatusInfo:
        screen = self.screen
        sources = screen.sources if isinstance(screen, SourceScreen) else set()
        stats = self.pool.stats
        throttles, errors = stats.recent_failures()
        return StatusInfo(
            account=self.target.account,
            label=self.target.label,
            region=self.target.region,
            endpoint=self.target.endpoint,
            read_only=self.read_only,
            oldest_age=self.store.oldest_age(sources) if sources else None,
            calls_last_minute=stats.last_minute(),
            throttles=throttles,
            errors=errors,
            polled=bool(sources),
            failures_window=RECENT_ERRORS_SECONDS,
        )

    def refresh_status(self) -> None:
        """Every second: the status bar, and any ages the active screen shows."""
        if not self.screen_stack:  # shutting down: the timer can fire after the last screen went
            return
        screen = self.screen
        if not screen.is_mounted:  # a screen being switched in has no widgets to update yet
            return
        expired = self.pool.expired(self.target.profile)
        if expired != self._showed_expired:  # e.g. a detail screen's own read found it expired
            self._showed_expired = expired
            self.refresh_bindings()
        for bar in screen.query(StatusBar):
            bar.show(self.status_info())
        if isinstance(screen, SourceScreen):
            try:
                screen.refresh_ages()
            except NoMatches:  # the app is closing: its screens lose their widgets before the timer stops
                return

    # actions ------------------------------------------------------------------------------
    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if self.read_only and _mutating_binding(self, action):
            return False
        if action in SCREEN_ACTIONS:
            return hasattr(self.screen, f"action_{action}")
        if action == "refresh":
            return self.engine is not None
        if action == "renew_session":  # the problem screen's own ctrl+r re-resolves everything
            return (self.engine is not None and self.pool.expired(self.target.profile)
                    and not isinstance(self.screen, (ProblemScreen, ModalScreen)))
        return True

    # Read-only mode hides and refuses every binding whose id starts with "action." on any
    # node (screens and widgets included, whose own check_action the app cannot override):
    # footer, `?` help and the palette all list bindings through _check_action_state, and
    # key presses and palette entries all run through run_action.
    def _check_action_state(self, action: str, default_namespace: Any) -> bool | None:
        if self.read_only and _mutating_binding(default_namespace, action):
            return False
        return super()._check_action_state(action, default_namespace)

    async def run_action(self, action: Any, default_namespace: Any = None, namespaces: Any = None) -> bool:
        if self.read_only and isinstance(action, str) and _mutating_binding(default_namespace or self, action):
            return False
        return await super().run_action(action, default_namespace, namespaces)

    async def action_filter(self) -> None:
        await self.screen.run_action("filter")

    async def action_drill_down(self) -> None:
        await self.screen.run_action("drill_down")

    def action_refresh(self) -> None:
        if self.engine is not None:
            self.engine.refresh_now()

    def action_renew_session(self) -> None:
        self.run_worker(self.renew_session(), exclusive=True, group="renew")

    def action_help(self) -> None:
        if isinstance(self.screen, HelpScreen):
            return
        groups = help_groups(self.screen.active_bindings.values(), self.get_key_display)
        self.push_screen(HelpScreen(groups, help_sections(self.screen)))

    # the `:` palette -------------------------------------------------------------------------
    def palette_commands(self) -> list[tuple[str, str, object]]:
        """(name, help, callback) entries the palette offers on every screen."""
        return [("audit", "Audit trail of applied actions (and any left unfinished)", self.open_audit)]

    def get_system_commands(self, screen: Any):
        """Textual's own palette entries, less those opsdeck has as keys (Quit: q) or replaces
        (Keys: `?` help; Maximize: panels size themselves)."""
        for command in super().get_system_commands(screen):
            if command.title in ("Theme", "Screenshot"):
                yield command

    def open_audit(self) -> None:
        from console.audit import AuditLog
        from screens.audit import AuditScreen

        if not isinstance(self.screen, AuditScreen):
            self.push_screen(AuditScreen(AuditLog(None, self.clock)))

    async def action_back(self) -> None:
        if len(self.screen_stack) > 2:  # never pop the home screen (or Textual's default)
            self.pop_screen()

    # switching profile and region (`:profile`, `:region`) ---------------------------------
    def action_switch_profile(self) -> None:
        from console.aws.credentials import available_profiles
        from screens.switch import PickerScreen

        choices = available_profiles()
        if "default" not in choices:
            choices.insert(0, "default")
        self.push_screen(PickerScreen("AWS profile", choices, self.target.profile or "default"), self._profile_picked)

    def action_switch_region(self) -> None:
        from console.aws.credentials import regions
        from screens.switch import PickerScreen

        choices = regions()
        if self.target.region not in choices:
            choices.insert(0, self.target.region)
        self.push_screen(PickerScreen("AWS region", choices, self.target.region), self._region_picked)

    def _profile_picked(self, choice: str | None) -> None:
        profile = None if choice in (None, "default") else choice
        if choice is None or profile == self.target.profile:
            return
        from console.aws.credentials import default_region
        from console.config import ConfigError, load_settings

        try:
            configured = load_settings().profile(profile).region
        except ConfigError:
            configured = None
        region = configured or default_region(profile) or self.target.region
        self.switch_target(Target(profile, region, self.target.endpoint))

    def _region_picked(self, choice: str | None) -> None:
        if choice and choice != self.target.region:
            t = self.target
            self.switch_target(Target(t.profile, choice, t.endpoint, None, t.demo))

    def switch_target(self, target: Target) -> None:
        """Look somewhere else: resolve the identity there, then the engine cancels the old
        target's calls and drops their results. Read-only only ever gets stricter."""
        from console.config import ConfigError, load_settings

        try:
            read_only = load_settings().is_read_only(target.profile)
        except ConfigError:  # the config broke mid-session: refuse changes rather than guess
            read_only = True
        if read_only:
            self.read_only = True
            self.pool.read_only = True
        self.target = target
        self._expiry_told = False  # what was told was about the old target's session
        self.refresh_status()
        self.run_worker(self.connect(), exclusive=True, group="connect")

    async def action_quit(self) -> None:
        """`q` (and ctrl+q): quit -- but while an action applies or watches (a canary), ask
        first: abort it, leave it unwatched, or stay (screens.confirm)."""
        from screens.confirm import QuitWhileRunningScreen, running_actions

        running = running_actions(self)
        if not running:
            await self._quit()
        elif not isinstance(self.screen, QuitWhileRunningScreen):
            self.push_screen(QuitWhileRunningScreen(running), self._quit_answered)

    def _quit_answered(self, choice: str | None) -> None:
        if choice in ("abort", "leave"):
            self.run_worker(self._quit_after(choice), group="quit", exclusive=True)

    async def _quit_after(self, choice: str) -> None:
        from screens.confirm import quit_after

        if await quit_after(self, choice):
            self.call_later(self._quit)

    async def _quit(self) -> None:
        await self.shutdown()
        self.exit()

    async def on_unmount(self) -> None:
        await self.shutdown()

    async def shutdown(self) -> None:
        """Stop polling and close every AWS client, once."""
        if self._closed:
            return
        self._closed = True
        if self.engine is not None:
            await self.engine.stop()
        await self.pool.close()


TERMINAL_CHECK_SECONDS = 2.0


def _terminal_alive() -> bool:
    """Whether the process still has its controlling terminal on stdout."""
    try:
        os.tcgetpgrp(sys.__stdout__.fileno())
    except (OSError, ValueError, AttributeError):
        return False
    return True
