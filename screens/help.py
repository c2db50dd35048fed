"""`?` help: generated from the bindings active where it was opened, never hand-kept.

Bindings are grouped by the screen or widget that owns them, so what the help lists
is exactly what the keys do right now (user keymaps included).
"""

from __future__ import annotations

from typing import Iterable

from rich.text import Text
from textual.app import App, ComposeResult
from textual.binding import ActiveBinding
from textual.screen import Screen
from textual.containers import VerticalScroll
from textual.widgets import Footer, Static

from console.text import inert, inert_str

HelpGroups = list[tuple[str, list[tuple[str, str]]]]  # (owner, [(key, description)])


def owner_name(node: object) -> str:
    if title := getattr(node, "help_title", None):  # e.g. a service's panel: "Lambda panel"
        return str(title)
    if isinstance(node, App):
        return "Global"
    if isinstance(node, Screen):
        return type(node).__name__.removesuffix("Screen") or "Screen"
    return type(node).__name__


def help_groups(active: Iterable[ActiveBinding], display_key) -> HelpGroups:
    """Group bindings with a description by owner, app-wide ones first."""
    groups: dict[str, list[tuple[str, str]]] = {}
    for entry in active:
        binding = entry.binding
        if not binding.description:
            continue
        rows = groups.setdefault(owner_name(entry.node), [])
        row = (display_key(binding), binding.description)
        if row not in rows:
            rows.append(row)
    ordered = sorted(groups.items(), key=lambda kv: (kv[0] != "Global", kv[0]))
    return [(owner, rows) for owner, rows in ordered]


def render_help(groups: HelpGroups) -> Text:
    result = Text(end="")
    for owner, rows in groups:
        result.append_text(inert(owner, style="bold underline"))
        result.append("\n")
        width = max(len(inert_str(key)) for key, _ in rows)
        for key, description in rows:
            result.append(f"  {inert_str(key):<{width}}  ", style="bold")
            result.append_text(inert(description))
            result.append("\n")
        result.append("\n")
    return result


class HelpScreen(Screen):
    """The keys that work on the screen below, grouped; esc or ? closes it."""

    BINDINGS = [("escape,question_mark", "app.pop_screen", "Close help")]

    def __init__(self, groups: HelpGroups) -> None:
        super().__init__()
        self.groups = groups

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="help-scroll"):  # focused: the arrows and page keys scroll a long help
            yield Static(render_help(self.groups), id="help")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#help-scroll").focus()
