"""Read-only mode in the TUI: bindings whose id starts with "action." are hidden from the
footer, `?` help and the palette, and their keys do nothing; the pool is read-only too."""

from __future__ import annotations

import pytest
from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import Footer

from console.app import OpsdeckApp
from console.aws.clients import ClientPool
from screens.commands import OpsdeckCommands
from screens.help import help_groups
from console.clock import ManualClock
from tests.app.conftest import T0, TARGET, FakeEstate, identify_ok, settle


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock(T0)


class ActionsScreen(Screen):
    """A screen with one mutating binding and one that only reads."""

    BINDINGS = [
        Binding("x", "mutate", "Mutate thing", id="action.test.mutate"),
        Binding("v", "view", "View thing", id="test.view"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.ran: list[str] = []

    def compose(self) -> ComposeResult:
        yield Footer()

    def action_mutate(self) -> None:
        self.ran.append("mutate")

    def action_view(self) -> None:
        self.ran.append("view")


class AppWithAnAction(OpsdeckApp):
    BINDINGS = OpsdeckApp.BINDINGS + [Binding("z", "zap", "Zap", id="action.test.zap")]

    def action_zap(self) -> None:
        self.zapped = True


def make(clock, read_only: bool, cls=OpsdeckApp) -> OpsdeckApp:
    return cls(TARGET, ClientPool(clock), clock, read_only=read_only, sources=FakeEstate().sources(),
               identify=identify_ok)


def shown(screen) -> set[str]:
    return {active.binding.description for active in screen.active_bindings.values()}


async def palette_names(app) -> set[str]:
    provider = OpsdeckCommands(app.screen)
    return {name for name, _, _ in provider._entries()}


def footer_text(screen) -> str:
    return " ".join(str(key.render()) for key in screen.query_one(Footer).children)


@pytest.mark.parametrize("read_only", [True, False])
async def test_action_bindings_are_hidden_and_inert_in_read_only_mode(clock, read_only):
    app = make(clock, read_only)
    async with app.run_test(size=(160, 40)) as pilot:
        await settle(pilot)
        screen = ActionsScreen()
        await app.push_screen(screen)
        await settle(pilot)
        assert app.pool.read_only is read_only  # the app makes its pool read-only too
        groups = help_groups(screen.active_bindings.values(), app.get_key_display)
        help_rows = {description for _, rows in groups for _, description in rows}
        for where in (shown(screen), help_rows, await palette_names(app)):
            assert "View thing" in where
            assert ("Mutate thing" in where) is (not read_only)
        assert ("Mutate thing" in footer_text(screen)) is (not read_only)
        assert "View thing" in footer_text(screen)
        await pilot.press("x", "v")
        await settle(pilot)
        assert screen.ran == (["view"] if read_only else ["mutate", "view"])
        # the palette's run path goes through App.run_action too
        assert await app.run_action("mutate", screen) is (not read_only)


async def test_app_level_action_bindings_are_disabled_by_check_action(clock):
    app = make(clock, True, AppWithAnAction)
    async with app.run_test(size=(160, 40)) as pilot:
        await settle(pilot)
        assert app.check_action("zap", ()) is False
        assert app.check_action("quit", ()) is True
        await pilot.press("z")
        await settle(pilot)
        assert not getattr(app, "zapped", False)


async def test_the_dashboard_offers_no_action_in_read_only_mode(clock):
    """Whatever "action." bindings the real screens carry (e.g. the rule toggle)."""
    from screens.dashboard import DashboardScreen

    for read_only in (False, True):
        app = make(clock, read_only)
        async with app.run_test(size=(160, 40)) as pilot:
            await settle(pilot, 6)
            assert isinstance(app.screen, DashboardScreen)
            app.screen.panel("events").table.focus()  # where the rule toggle applies
            await settle(pilot)
            ids = {a.binding.id for a in app.screen.active_bindings.values()}
            actions = {i for i in ids if (i or "").startswith("action.")}
            names = await palette_names(app)
            if read_only:
                assert actions == set()
                assert not any("rule" in name.lower() and "able" in name.lower() for name in names)
            else:
                assert actions, "the dashboard has action bindings to hide (else this test proves nothing)"
