"""The `:` command palette's opsdeck entries: panels to jump to and every action.

Actions come from the bindings active on the screen the palette was opened from, so
the palette, the footer and `?` help can never disagree about what exists: opsdeck's
own (with an id, as in help) that the footer shows, not cursor keys or Textual's
built-ins. The app adds entries that work on every screen (`:audit`). Each name
appears once. `logs GROUP [GROUP...]` follows any log groups (several: interleaved by
time, with a group column).
"""

from __future__ import annotations

import re
from functools import partial
from typing import Callable

from rich.text import Text
from textual.command import DiscoveryHit, Hit, Hits, Provider

from console.text import inert

Entry = tuple[str, str, Callable[[], object]]
LOGS_COMMAND = re.compile(r"^\s*logs\s+(?P<groups>.+)$", re.IGNORECASE)
LOGS_HELP = "Follow any log groups: logs GROUP [GROUP...] (e.g. logs /aws/lambda/orders /ecs/api)"


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
        yield DiscoveryHit("logs GROUP…", self._logs_usage, help=LOGS_HELP)
        for name, help_text, run in self._entries():
            yield DiscoveryHit(name, run, help=help_text)

    def _logs_usage(self) -> None:
        self.app.notify("Type logs and the group names in the palette: logs /aws/lambda/orders /ecs/api",
                        title="Logs", markup=False)

    def _logs_hit(self, query: str) -> Hit | None:
        """`logs GROUP...`: a hit that opens the log view on them, or one that says which
        name is not a log group name and what one looks like."""
        from screens.log_view import GROUP_NAME, LogViewScreen

        match = LOGS_COMMAND.match(query)
        if match is None:
            return None
        groups = list(dict.fromkeys(re.split(r"[\s,]+", match.group("groups").strip())))
        bad = [name for name in groups if not (name.startswith("arn:") or GROUP_NAME.match(name))]
        if bad:
            said = (f"Log group: {bad[0]!r} is not a log group name (expected 1 to 512 of letters, digits "
                    "and _ - / . #, or a log group ARN)")
            shown = Text("logs: ", end="")
            shown.append_text(inert(said))
            return Hit(1.0, shown, partial(self.app.notify, said, title="Logs", severity="error", markup=False),
                       help=LOGS_HELP)
        shown = Text("Logs · ", end="")
        shown.append_text(inert(", ".join(groups)))

        def open_view() -> None:
            self.app.push_screen(LogViewScreen(groups, title="Logs"))

        return Hit(1.0, shown, open_view, help=f"follow {len(groups)} log group{'s' if len(groups) > 1 else ''}")

    async def search(self, query: str) -> Hits:
        logs = self._logs_hit(query)
        if logs is not None:
            yield logs
            return
        matcher = self.matcher(query)
        for name, help_text, run in self._entries():
            score = matcher.match(name)
            if score > 0:
                yield Hit(score, matcher.highlight(name), run, help=help_text)
