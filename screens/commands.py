"""The `:` command palette's opsdeck entries: panels to jump to and every action.

Actions come from the bindings active on the screen the palette was opened from, so
the palette, the footer and `?` help can never disagree about what exists: opsdeck's
own (with an id, as in help) that the footer shows, not cursor keys or Textual's
built-ins. The app adds entries that work on every screen (`:audit`). Each name
appears once.
"""

from __future__ import annotations

from functools import partial
from typing import Callable

from textual.command import DiscoveryHit, Hit, Hits, Provider

Entry = tuple[str, str, Callable[[], object]]


class OpsdeckCommands(Provider):
    def _entries(self) -> list[Entry]:
        screen = self.screen
        entries: list[Entry] = list(getattr(screen, "palette_commands", lambda: [])())
        entries += getattr(self.app, "palette_commands", lambda: [])()
        for active in screen.active_bindings.values():
            binding = active.binding
            if not (binding.description and binding.id and binding.show) or binding.action == "command_palette":
                continue
            key = self.app.get_key_display(binding)
            run = partial(self.app.run_action, binding.action, active.node)
            entries.append((binding.description, f"{binding.tooltip or binding.description} ({key})", run))
        once: dict[str, Entry] = {}
        for entry in entries:
            once.setdefault(entry[0].casefold(), entry)
        return list(once.values())

    async def discover(self) -> Hits:
        for name, help_text, run in self._entries():
            yield DiscoveryHit(name, run, help=help_text)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for name, help_text, run in self._entries():
            score = matcher.match(name)
            if score > 0:
                yield Hit(score, matcher.highlight(name), run, help=help_text)
