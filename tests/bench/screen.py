"""Reading the dashboard off a terminal screen: panel titles, their rows, placeholders.

Works on the text a terminal shows (pyte's display lines), nothing from inside the app.
What it relies on, and where the app draws it:

- A panel is a box whose top border carries its title (widgets/panel.py `panel_title`):
  `╭─ <Title>[ · extra] · <state> ─…─╮`, where <state> is `loading…` before the first
  data, the row count once loaded (`shown/count` while filtered), `no <noun> in <region>`
  when empty, `error — …` or `stale <age> — …`. The titles come from the service registry
  (each panel's SPEC.title); the Lambda panel adds its metric window (`Lambda · 15m · 8`).
- Inside the box: the table's header line, then one line per row.
- A value not known yet is drawn as a placeholder: `…` as a whole cell (the Step Functions
  panel's NOT_READ, the ECS panel's health before the tasks are read, the status bar's
  account before GetCallerIdentity answers) and `loading…` (a panel's title before its
  first data). `–` (widgets/cells.py DASH) means unknown or none and is final: the Lambda
  panel draws metrics not fetched yet that way too, so the screen cannot tell those apart.
  A `…` ending a longer word is truncation, not a placeholder.

tests/bench/test_screen.py checks these rules against screens of the real app.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Iterable, Sequence

TOP_LEFT, TOP_RIGHT = "╭┌┏╔", "╮┐┓╗"
BOTTOM_LEFT = "╰└┗╚"
SEPARATOR = " · "
ELLIPSIS = "…"
LOADING = "loading"  # a title's state before the first data (the word, with or without "…")
# Box drawing and block elements (borders, scrollbars, sparklines) separate cells like spaces.
_CELL_SPLIT = re.compile(r"[\s\u2500-\u259f]+")


@dataclass(frozen=True)
class Placeholder:
    row: int
    column: int
    text: str
    panel: str | None = None  # the panel whose box holds it; None: outside every panel


@dataclass(frozen=True)
class PanelView:
    """One panel as the screen shows it."""

    title: str
    state: str  # "loading", "count", "empty", "error", "stale" or "unknown"
    count: int | None  # the count its title says (the whole count while filtered)
    rows: int  # data lines below the header
    top: int  # screen row of its top border, and the columns of its two sides
    left: int
    right: int
    bottom: int  # screen row of its bottom border (the last screen row when cut off)

    @property
    def shown(self) -> bool:
        """Loaded, at least one row counted in its title and one row drawn below the header."""
        return self.state in ("count", "stale") and (self.count or 0) > 0 and self.rows > 0

    def holds(self, row: int, column: int) -> bool:
        return self.top <= row <= self.bottom and self.left <= column <= self.right


def title_state(state: str) -> tuple[str, int | None]:
    """("count", 12) for `12` or `3/12`, ("loading", None) for `loading…`, ..."""
    state = state.strip()
    if state.lower().startswith(LOADING):
        return "loading", None
    match = re.fullmatch(r"(?:\d+/)?(\d+)", state)
    if match:
        return "count", int(match.group(1))
    for prefix, name in (("no ", "empty"), ("error", "error"), ("stale", "stale")):
        if state.startswith(prefix):
            return name, None
    return "unknown", None


def _title_text(line: str, start: int) -> str:
    """The title from `start` to where the border line resumes."""
    end = len(line)
    for marker in (" ─", " ━", " ═", "─", "╮", "┐"):
        found = line.find(marker, start)
        if found != -1:
            end = min(end, found)
    return line[start:end].rstrip()


def find_panel(lines: Sequence[str], title: str) -> PanelView | None:
    """The panel titled `title` (exactly, as the registry names it), if on screen."""
    for row, line in enumerate(lines):
        start = 0
        while (at := line.find(title, start)) != -1:
            start = at + 1
            left = max(line.rfind(c, 0, at) for c in TOP_LEFT)
            if left == -1 or line[left + 1:at].strip("─━═ "):
                continue  # not a border title: the title must follow its corner
            text = _title_text(line, at)
            if not (text == title or text.startswith(title + SEPARATOR)):
                continue
            rights = [i for i in (line.find(c, at) for c in TOP_RIGHT) if i != -1]
            right = min(rights) if rights else len(line) - 1
            state, count = title_state(text.rsplit(SEPARATOR, 1)[1] if SEPARATOR in text else "")
            bottom = len(lines) - 1
            for below in range(row + 1, len(lines)):
                corner = lines[below][left:left + 1]
                if corner and corner in BOTTOM_LEFT:
                    bottom = below
                    break
            inside = [lines[r][left + 1:right] for r in range(row + 1, bottom)]
            # the first line inside is the table's header; data lines hold a letter or digit
            rows = sum(1 for text_line in inside[1:] if any(ch.isalnum() for ch in text_line))
            return PanelView(title, state, count, rows, row, left, right, bottom)
    return None


def find_panels(lines: Sequence[str], titles: Iterable[str]) -> dict[str, PanelView | None]:
    return {title: find_panel(lines, title) for title in titles}


def placeholders(lines: Sequence[str], panels: Iterable[PanelView | None] = ()) -> list[Placeholder]:
    """Every value on screen not known yet: a whole-cell `…`, or `loading`."""
    boxes = [p for p in panels if p is not None]
    found = []
    for row, line in enumerate(lines):
        for match in re.finditer(r"[^\s\u2500-\u259f]+", line):
            token = match.group(0)
            if token == ELLIPSIS or token.lower().startswith(LOADING):
                column = match.start()
                panel = next((p.title for p in boxes if p.holds(row, column)), None)
                found.append(Placeholder(row, column, token, panel))
    return found


@dataclass(frozen=True)
class Reading:
    """What one screen says: each panel, and what is not known yet."""

    panels: dict[str, PanelView | None]
    placeholders: list[Placeholder]

    @property
    def all_present(self) -> bool:
        return all(p is not None for p in self.panels.values())

    @property
    def all_shown(self) -> bool:
        """Every panel shows at least one row."""
        return all(p is not None and p.shown for p in self.panels.values())

    @property
    def complete(self) -> bool:
        """Every panel shown, and no placeholder left anywhere on screen."""
        return self.all_shown and not self.placeholders

    def summary(self) -> dict:
        return {
            "panels": {t: None if p is None else {"state": p.state, "count": p.count, "rows": p.rows}
                       for t, p in self.panels.items()},
            "placeholders": _where(self.placeholders),
        }


def _where(found: list[Placeholder]) -> dict[str, int]:
    counts: dict[str, int] = {}
    for p in found:
        key = p.panel or "outside the panels"
        counts[key] = counts.get(key, 0) + 1
    return counts


def read(lines: Sequence[str], titles: Iterable[str]) -> Reading:
    panels = find_panels(lines, titles)
    return Reading(panels, placeholders(lines, panels.values()))


def panel_titles() -> tuple[str, ...]:
    """The dashboard's panel titles, from the service registry (in its order)."""
    from screens.registry import service_panels

    return tuple(panel.SPEC.title for panel in service_panels())
