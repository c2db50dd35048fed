"""`:profile` and `:region`: pick where the console looks, without restarting it.

A small modal with a filter box over a list; enter picks the highlighted (or first
matching) entry. The palette entries come from `TargetCommands`, a palette provider,
and the app does the switching (PollingEngine.switch_target cancels the old target's
calls and drops their results).
"""

from __future__ import annotations

from typing import Sequence

from textual.app import ComposeResult
from textual.binding import Binding
from textual.command import DiscoveryHit, Hit, Hits, Provider
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, OptionList, Static
from textual.widgets.option_list import Option

from console.text import inert


class PickerScreen(ModalScreen[str | None]):
    """Pick one of `choices`; returns it, or None on esc."""

    DEFAULT_CSS = """
    PickerScreen { align: center middle; }
    PickerScreen > #picker { width: 60; height: auto; max-height: 80%; padding: 1 2;
                             border: round $primary; background: $surface; }
    PickerScreen OptionList { height: auto; max-height: 20; }
    """
    BINDINGS = [
        Binding("escape", "cancel", "Cancel", id="picker.cancel"),
        Binding("down", "cursor(1)", "Next", id="picker.down", show=False),
        Binding("up", "cursor(-1)", "Previous", id="picker.up", show=False),
    ]

    def __init__(self, title: str, choices: Sequence[str], current: str | None = None) -> None:
        super().__init__()
        self.title_text = title
        self.choices = list(choices)
        self.current = current

    def compose(self) -> ComposeResult:
        with Vertical(id="picker"):
            yield Static(inert(self.title_text), id="picker-title")
            yield Input(placeholder="type to filter", id="picker-filter")
            yield OptionList(*self._options(""), id="picker-options")

    def on_mount(self) -> None:
        options = self.query_one(OptionList)
        if self.current in self.choices:
            options.highlighted = self.choices.index(self.current)
        elif self.choices:
            options.highlighted = 0
        self.query_one(Input).focus()

    def _options(self, query: str) -> list[Option]:
        query = query.strip().lower()
        return [
            Option(inert(("● " if choice == self.current else "  ") + choice), id=choice)
            for choice in self.choices
            if query in choice.lower()
        ]

    def on_input_changed(self, event: Input.Changed) -> None:
        options = self.query_one(OptionList)
        options.clear_options()
        options.add_options(self._options(event.value))
        if options.option_count:
            options.highlighted = 0

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        options = self.query_one(OptionList)
        if options.highlighted is not None and options.option_count:
            self.dismiss(options.get_option_at_index(options.highlighted).id)

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.dismiss(event.option.id)

    def action_cursor(self, step: int) -> None:
        options = self.query_one(OptionList)
        if step > 0:
            options.action_cursor_down()
        else:
            options.action_cursor_up()

    def action_cancel(self) -> None:
        self.dismiss(None)


class TargetCommands(Provider):
    """Palette entries `profile` and `region`, whatever screen is showing."""

    ENTRIES = (
        ("profile", "Switch AWS profile (panels reload)", "switch_profile"),
        ("region", "Switch AWS region (panels reload)", "switch_region"),
    )

    def _run(self, action: str):
        async def run() -> None:
            await self.app.run_action(action)

        return run

    async def discover(self) -> Hits:
        for name, help_text, action in self.ENTRIES:
            yield DiscoveryHit(name, self._run(action), help=help_text)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for name, help_text, action in self.ENTRIES:
            score = matcher.match(name)
            if score > 0:
                yield Hit(score, matcher.highlight(name), self._run(action), help=help_text)
