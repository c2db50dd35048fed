"""`?` help: the keys that work on the screen below now, then what that screen shows.

The keys are generated from the bindings active where help was opened, never hand-kept,
grouped by the screen or widget that owns them (user keymaps included). Only opsdeck's
own bindings are listed: every one has an id (DESIGN: "Every action is a Binding with an
id"); Textual's built-ins (focus cycling, copy, ctrl+q) have none. What the screen shows
(its columns, colours, markers, windows) comes from the screen itself: a `help_sections()`
method (the dashboard: one section per panel, from PanelSpec.help) or a `HELP` string.
"""

from __future__ import annotations

from typing import Iterable

from rich.text import Text
from textual.app import App, ComposeResult
from textual.binding import ActiveBinding
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import Static

from console.text import inert, inert_str
from widgets.footer import Footer

HelpGroups = list[tuple[str, list[tuple[str, str]]]]  # (owner, [(keys, description)])
HelpSections = list[tuple[str, str]]  # (heading, what it explains)


def owner_name(node: object) -> str:
    if title := getattr(node, "help_title", None):  # e.g. a service's panel: "Lambda panel"
        return str(title)
    if isinstance(node, App):
        return "Global"
    if isinstance(node, Screen):
        return type(node).__name__.removesuffix("Screen") or "Screen"
    return type(node).__name__


def help_groups(active: Iterable[ActiveBinding], display_key) -> HelpGroups:
    """opsdeck's bindings with a description, by owner, app-wide ones first; keys that do the
    same thing share a row ("↓ j  Next row")."""
    groups: dict[str, dict[tuple[str, str], list[str]]] = {}
    for entry in active:
        binding = entry.binding
        if not binding.description or not binding.id:
            continue
        rows = groups.setdefault(owner_name(entry.node), {})
        keys = rows.setdefault((binding.action, binding.description), [])
        key = display_key(binding)
        if key not in keys:
            keys.append(key)
    ordered = sorted(groups.items(), key=lambda kv: (kv[0] != "Global", kv[0]))
    return [(owner, [(" ".join(keys), description) for (_, description), keys in rows.items()])
            for owner, rows in ordered if rows]


def help_sections(screen: object) -> HelpSections:
    """What `screen` explains about itself: its help_sections(), else its HELP text."""
    sections = getattr(screen, "help_sections", None)
    if callable(sections):
        return [(heading, text) for heading, text in sections() if text]
    text = getattr(screen, "HELP", "")
    return [(owner_name(screen), text)] if text else []


def render_help(groups: HelpGroups, sections: HelpSections = ()) -> Text:
    """The keys first (what help is opened for, mostly), then what the screen shows."""
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
    for heading, text in sections:
        result.append_text(inert(heading, style="bold underline"))
        result.append("\n")
        for paragraph in text.strip().split("\n\n"):  # lines joined: the screen's width wraps them
            result.append_text(inert(" ".join(paragraph.split())))
            result.append("\n\n")
    return result


class HelpScreen(Screen):
    """The keys that work on the screen below and what it shows; esc or ? closes it."""

    BINDINGS = [("escape,question_mark", "app.pop_screen", "Close help")]

    def __init__(self, groups: HelpGroups, sections: HelpSections = ()) -> None:
        super().__init__()
        self.groups = groups
        self.sections = list(sections)

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="help-scroll"):
            yield Static(render_help(self.groups, self.sections), id="help")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#help-scroll").focus()  # arrows, pgup/pgdn scroll a long help
