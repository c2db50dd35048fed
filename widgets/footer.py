"""The key footer, rebuilt only when the keys it shows change.

Textual's Footer mounts a fresh widget per key on every bindings signal: each focus move,
each reactive declared with `bindings=True`, each `refresh_bindings()`. Most of those
signals change nothing it shows, yet every rebuild mounts and styles every key again: 28 % of
the CPU of 58 screen tests went there (119 s → 86 s once gone). This one compares the keys it
would show with the ones it shows and rebuilds only on a difference.
"""

from __future__ import annotations

from typing import Any

from textual.screen import Screen
from textual.widgets import Footer as TextualFooter


class Footer(TextualFooter):
    _shown: tuple[Any, ...] | None = None  # the keys of the last compose

    def _keys(self) -> tuple[Any, ...]:
        """What the footer's compose would show now, in a comparable form."""
        active = self.screen.active_bindings
        keys = tuple(
            (binding.key, binding.action, binding.description, binding.group, enabled, tooltip)
            for (_, binding, enabled, tooltip) in active.values()
            if binding.show
        )
        palette = active.get(self.app.COMMAND_PALETTE_BINDING)  # drawn apart, though not `show`n
        return keys, palette and palette[2:], self.show_command_palette, self.compact

    def compose(self):
        if self._bindings_ready:
            self._shown = self._keys()
        yield from super().compose()

    def bindings_changed(self, screen: Screen) -> None:
        self._bindings_ready = True
        if not screen.app.app_focus:
            return
        if self.is_attached and screen is self.screen:
            self.call_after_refresh(self._recompose_if_changed)

    async def _recompose_if_changed(self) -> None:
        if self.is_attached and self._keys() != self._shown:
            await self.recompose()
