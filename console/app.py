"""The composition root of the TUI: identity first, then pollers wired to screens.

The app resolves who we are (STS) before anything else, because a missing or
expired credential would otherwise show up as four identical panel errors. Then it
starts one PollingEngine, turns every Store snapshot into a SnapshotArrived
message for the active screen, and refreshes the status bar once a second.
Screens decide what is polled by subscribing while they are visible.
"""

from __future__ import annotations

import asyncio
from typing import Any, Awaitable, Callable, Mapping

from textual.app import App
from textual.binding import Binding

from console.aws.clients import ClientPool
from console.aws.context import AwsContext
from console.aws.errors import Problem, describe_problem
from console.clock import Clock
from console.polling import PollingEngine, Snapshot, Store
from console.target import Target
from screens.base import SnapshotArrived, SourceScreen
from screens.commands import OpsdeckCommands
from screens.dashboard import DashboardScreen
from screens.help import HelpScreen, help_groups
from screens.loading import LoadingScreen
from screens.problem import ProblemScreen
from themes import DEFAULT_THEME, STYLESHEET, THEMES
from widgets.status_bar import StatusBar, StatusInfo

Sources = Mapping[str, tuple]  # name -> (fetch, interval[, after]), see console.sources
Identify = Callable[[AwsContext], Awaitable[str]]

# actions the app forwards to the active screen when it implements them
SCREEN_ACTIONS = frozenset({"filter", "drill_down"})


class OpsdeckApp(App):
    TITLE = "opsdeck"
    CSS_PATH = STYLESHEET
    COMMANDS = App.COMMANDS | {OpsdeckCommands}
    BINDINGS = [
        Binding("q", "quit", "Quit", id="quit"),
        Binding("question_mark", "help", "Help", id="help"),
        Binding("colon", "command_palette", "Palette", id="command_palette",
                tooltip="Panels and actions, fuzzy"),
        Binding("slash", "filter", "Filter", id="filter", tooltip="Filter the current table by name"),
        Binding("ctrl+r", "refresh", "Refresh", id="refresh", tooltip="Refresh every visible source now"),
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
        if sources is None:
            from console.sources import dashboard_sources

            sources = dashboard_sources()
        self.source_table: Sources = sources
        if identify is None:
            from console.identity import caller_account as identify
        self.identify: Identify = identify
        self.store = Store(clock)
        self.store.listen(self._on_snapshot)
        self.engine: PollingEngine | None = None
        self._closed = False

    # startup --------------------------------------------------------------------------
    def on_mount(self) -> None:
        for theme in THEMES:
            self.register_theme(theme)
        self.theme = DEFAULT_THEME
        self.push_screen(LoadingScreen(self._where()))
        self.run_worker(self.connect(), exclusive=True, group="connect")
        self.set_interval(1.0, self.refresh_status)

    async def connect(self) -> bool:
        """Resolve the account, then start polling and show the dashboard.

        On failure the problem screen says what to run; its ctrl+r calls this again.
        """
        try:
            account = await self.identify(AwsContext(self.pool, self.target))
        except asyncio.CancelledError:
            raise
        except Exception as exc:  # shown as a Problem, never a traceback
            self._show_problem(describe_problem(exc, profile=self.target.profile, endpoint=self.target.endpoint))
            return False
        self.target = self.target.with_account(account)
        if self.engine is None:
            self.engine = PollingEngine(self.pool, self.store, self.target)
            for name, source in self.source_table.items():
                self.engine.register(name, *source)
            self.engine.start()
        else:
            await self.engine.switch_target(self.target)
        if not isinstance(self.screen, DashboardScreen):
            await self.switch_screen(DashboardScreen())
        self.refresh_status()
        return True

    def _show_problem(self, problem: Problem) -> None:
        if isinstance(self.screen, ProblemScreen):
            self.screen.show(problem)
        else:
            self.switch_screen(ProblemScreen(problem))

    def _where(self) -> str:
        where = f"{self.target.label} / {self.target.region}"
        return f"{where} at {self.target.endpoint}" if self.target.endpoint else where

    # data flow ------------------------------------------------------------------------
    def _on_snapshot(self, snapshot: Snapshot) -> None:
        """Store listener (runs on the event loop): hand the snapshot to the screen."""
        self.screen.post_message(SnapshotArrived(snapshot))

    def status_info(self) -> StatusInfo:
        screen = self.screen
        sources = screen.sources if isinstance(screen, SourceScreen) else set()
        stats = self.pool.stats
        return StatusInfo(
            account=self.target.account,
            label=self.target.label,
            region=self.target.region,
            endpoint=self.target.endpoint,
            read_only=self.read_only,
            oldest_age=self.store.oldest_age(sources) if sources else None,
            calls_last_minute=stats.last_minute(),
            throttles=stats.throttles,
            errors=stats.errors,
        )

    def refresh_status(self) -> None:
        """Every second: the status bar, and any ages the active screen shows."""
        screen = self.screen
        if not screen.is_mounted:  # a screen being switched in has no widgets to update yet
            return
        for bar in screen.query(StatusBar):
            bar.show(self.status_info())
        if isinstance(screen, SourceScreen):
            screen.refresh_ages()

    # actions ------------------------------------------------------------------------------
    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in SCREEN_ACTIONS:
            return hasattr(self.screen, f"action_{action}")
        if action == "refresh":
            return self.engine is not None
        return True

    async def action_filter(self) -> None:
        await self.screen.run_action("filter")

    async def action_drill_down(self) -> None:
        await self.screen.run_action("drill_down")

    def action_refresh(self) -> None:
        if self.engine is not None:
            self.engine.refresh_now()

    def action_help(self) -> None:
        if isinstance(self.screen, HelpScreen):
            return
        groups = help_groups(self.screen.active_bindings.values(), self.get_key_display)
        self.push_screen(HelpScreen(groups))

    async def action_back(self) -> None:
        if len(self.screen_stack) > 2:  # never pop the home screen (or Textual's default)
            self.pop_screen()

    async def action_quit(self) -> None:
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
