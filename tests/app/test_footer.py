"""The key footer rebuilds its keys only when what it shows changes (widgets/footer.py)."""

from __future__ import annotations

from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.reactive import reactive
from textual.widgets import Button
from textual.widgets._footer import FooterKey

from tests.pilot import wait_until
from widgets.footer import Footer


class Keys(App):
    BINDINGS = [Binding("d", "deploy", "Deploy"), Binding("r", "roll_back", "Roll back")]
    can_roll_back = reactive(False, bindings=True)

    def compose(self) -> ComposeResult:
        yield Button("a", id="a")
        yield Button("b", id="b")
        yield Footer()

    def check_action(self, action: str, parameters) -> bool | None:
        return None if action == "roll_back" and not self.can_roll_back else True


def shown(app: App) -> dict[str, bool]:
    """The app's own keys in the footer, each with whether it is offered as enabled."""
    return {key.key: not key._disabled for key in app.screen.query(FooterKey) if key.key in "dr"}


async def test_the_footer_keeps_its_keys_while_they_stay_the_same_and_follows_a_change():
    app = Keys()
    async with app.run_test() as pilot:
        await wait_until(pilot, lambda: shown(app).get("d"))
        assert shown(app) == {"d": True, "r": False}
        before = set(map(id, app.screen.query(FooterKey)))

        for _ in range(3):  # focus moves and refreshes that change no key
            await pilot.press("tab")
            app.screen.refresh_bindings()
            await pilot.pause()
        assert set(map(id, app.screen.query(FooterKey))) == before

        app.can_roll_back = True  # a key turns on: shown at once
        await wait_until(pilot, lambda: shown(app).get("r"))
        assert shown(app) == {"d": True, "r": True}
