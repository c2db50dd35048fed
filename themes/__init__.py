"""opsdeck's look: Theme objects and the stylesheet that uses their variables only.

Widgets never name colours; they use $error, $warning, $success, $accent... so a
theme (or the user's choice of a built-in one) recolours everything at once.
"""

from __future__ import annotations

from pathlib import Path

from textual.theme import Theme

STYLESHEET = Path(__file__).with_name("opsdeck.tcss")

OPSDECK = Theme(
    name="opsdeck",
    primary="#3B82F6",
    secondary="#8B5CF6",
    accent="#F59E0B",
    warning="#F2C94C",
    error="#EF5350",
    success="#4CAF50",
    foreground="#D8DEE9",
    background="#12161C",
    surface="#1A2029",
    panel="#232B36",
    dark=True,
)

THEMES: tuple[Theme, ...] = (OPSDECK,)
DEFAULT_THEME = OPSDECK.name
