"""A laid-out machine as styled text: box-drawing characters on a grid of cells.

Boxes show the state's name and type (a glyph before the name when an execution's outcome
is known, its attempts when it was retried); Catch edges are dotted (┄ ┆) with a "catch"
label, Next / Default / Choice edges solid, Choice rules and "default" written on their
edges; Parallel branches sit side by side in a double-lined box, a Map's processor inside
its box. Every text comes from the definition and is drawn as plain cells of a rich Text,
never as markup.
"""

from __future__ import annotations

from dataclasses import dataclass
from itertools import groupby
from operator import itemgetter
from typing import Mapping

from rich.cells import cell_len
from rich.text import Span, Text

from console.services.stepfunctions.asl.layout import (
    DOWN, LEFT, RIGHT, UP, Box, Layout, Rect, cut, extra_lines, retry_line, type_line,
)
from console.services.stepfunctions.steps import GLYPHS, StateOutcome, StepStatus
from console.text import inert_str

STATUS_STYLES: dict[StepStatus, str] = {
    StepStatus.SUCCEEDED: "green",
    StepStatus.FAILED: "bold red",
    StepStatus.CAUGHT: "magenta",
    StepStatus.RETRIED: "yellow",
    StepStatus.RUNNING: "bold cyan",
    StepStatus.NOT_REACHED: "grey50",
}
EDGE_STYLE = "grey62"
CATCH_STYLE = "dark_orange"
LABEL_STYLE = "italic grey70"
CATCH_LABEL_STYLE = "italic dark_orange"
SELECTED = "reverse bold"

# border sets: corners, sides, and the marks where an edge leaves the bottom / the top
_BORDERS = {
    "light": ("┌┐└┘", "─│", "┬┴"),
    "round": ("╭╮╰╯", "─│", "┬┴"),
    "heavy": ("┏┓┗┛", "━┃", "┳┻"),
    "double": ("╔╗╚╝", "═║", "╤╧"),
}
_KIND_BORDER = {"Choice": "round", "Succeed": "heavy", "Fail": "heavy", "Parallel": "double", "Map": "double"}

_LINES = {
    UP | DOWN: "│", LEFT | RIGHT: "─", DOWN | RIGHT: "┌", DOWN | LEFT: "┐", UP | RIGHT: "└", UP | LEFT: "┘",
    UP | DOWN | RIGHT: "├", UP | DOWN | LEFT: "┤", DOWN | LEFT | RIGHT: "┬", UP | LEFT | RIGHT: "┴",
    UP | DOWN | LEFT | RIGHT: "┼", UP: "│", DOWN: "│", LEFT: "─", RIGHT: "─", 0: "·",
}
_DOTTED = {UP | DOWN: "┆", LEFT | RIGHT: "┄", UP: "┆", DOWN: "┆", LEFT: "┄", RIGHT: "┄"}


@dataclass(frozen=True)
class Drawing:
    """The graph as lines of styled text, and where each state's box is on them."""

    lines: list[Text]
    boxes: dict[str, Rect]
    width: int
    height: int

    def plain(self) -> str:
        return "\n".join(line.plain.rstrip() for line in self.lines)


class _Canvas:
    def __init__(self, width: int, height: int, blank: bool = True) -> None:
        """`blank=False`: no rows yet (the caller copies in those it repaints; the rest is ignored)."""
        self.width, self.height = width, height
        self.chars: list = [[" "] * width for _ in range(height)] if blank else [None] * height
        self.styles: list = [[""] * width for _ in range(height)] if blank else [None] * height

    def put(self, x: int, y: int, char: str, style: str = "") -> None:
        if 0 <= y < self.height and 0 <= x < self.width and self.chars[y] is not None:
            self.chars[y][x], self.styles[y][x] = char, style

    def text(self, x: int, y: int, text: str, style: str = "", limit: int | None = None) -> None:
        if limit is not None:
            text = cut(text, limit)
        for char in text:
            width = cell_len(char)
            self.put(x, y, char, style)
            if width == 2:
                self.put(x + 1, y, "", style)  # the second half of a wide character
            x += max(width, 1)

    def line(self, y: int) -> Text:
        """Row `y` as Text: one span per run of a style ("" halves of wide characters take no place)."""
        spans, position = [], 0
        for style, run in groupby(zip(self.styles[y], self.chars[y]), key=itemgetter(0)):
            length = len("".join(char for _, char in run))
            if style:
                spans.append(Span(position, position + length, style))
            position += length
        return Text("".join(self.chars[y]), spans=spans, no_wrap=True, end="")

    def lines(self) -> list[Text]:
        return [self.line(y) for y in range(self.height)]


def render(layout: Layout, outcomes: Mapping[str, StateOutcome] | None = None,
           selected: str | None = None) -> Drawing:
    """Draw `layout`; states with an outcome get its colour and glyph, `selected` is reversed."""
    return Painter(layout, outcomes).drawing(selected)


class Painter:
    """A layout painted once for some outcomes; `drawing(selected)` then repaints only the
    rows of the selected box, so moving the selection across a large graph stays cheap."""

    def __init__(self, layout: Layout, outcomes: Mapping[str, StateOutcome] | None = None) -> None:
        self.layout = layout
        self.outcomes = dict(outcomes or {})
        canvas = _Canvas(layout.width, layout.height)
        for lines in layout.lines:
            for (x, y), (bits, solid, dotted) in lines.cells.items():
                is_dotted = solid == 0 and dotted > 0
                char = (_DOTTED.get(bits) if is_dotted else None) or _LINES.get(bits, "┼")
                canvas.put(x, y, char, CATCH_STYLE if is_dotted else EDGE_STYLE)
            for (x, y), (glyph, is_dotted) in lines.arrows.items():
                canvas.put(x, y, glyph, CATCH_STYLE if is_dotted else EDGE_STYLE)
        for label in layout.labels:
            canvas.text(label.x, label.y, label.text, CATCH_LABEL_STYLE if label.dotted else LABEL_STYLE)
        # containers first, so the boxes inside them are drawn over their background
        for box in sorted(layout.boxes.values(), key=lambda b: (b.rect.width * b.rect.height), reverse=True):
            _draw_box(canvas, box, self.outcomes.get(box.name), False)
        self.canvas = canvas
        self.lines = canvas.lines()
        self.boxes = {name: box.rect for name, box in layout.boxes.items()}

    def drawing(self, selected: str | None = None) -> Drawing:
        lines = self.lines
        box = self.layout.boxes.get(selected) if selected is not None else None
        if box is not None:
            rows = range(box.rect.y, box.rect.bottom)
            canvas = _Canvas(self.canvas.width, self.canvas.height, blank=False)
            for y in rows:  # only these rows are copied and repainted
                canvas.chars[y], canvas.styles[y] = list(self.canvas.chars[y]), list(self.canvas.styles[y])
            _draw_box(canvas, box, self.outcomes.get(box.name), True)  # border and header: nothing inside
            lines = list(lines)
            for y in rows:
                lines[y] = canvas.line(y)
        return Drawing(lines, self.boxes, self.layout.width, self.layout.height)


def _draw_box(canvas: _Canvas, box: Box, outcome: StateOutcome | None, selected: bool) -> None:
    rect, state = box.rect, box.state
    corners, sides, marks = _BORDERS[_KIND_BORDER.get(state.type, "light")]
    style = STATUS_STYLES[outcome.status] if outcome is not None else ""
    border = f"{style} {SELECTED}".strip() if selected else style
    right, bottom = rect.right - 1, rect.bottom - 1
    canvas.put(rect.x, rect.y, corners[0], border)
    canvas.put(right, rect.y, corners[1], border)
    canvas.put(rect.x, bottom, corners[2], border)
    canvas.put(right, bottom, corners[3], border)
    for x in range(rect.x + 1, right):
        canvas.put(x, rect.y, marks[1] if x in box.up_ports else sides[0], border)
        canvas.put(x, bottom, marks[0] if x in box.down_ports else sides[0], border)
    for y in range(rect.y + 1, bottom):
        canvas.put(rect.x, y, sides[1], border)
        canvas.put(right, y, sides[1], border)
    inner = rect.width - 4
    glyph = GLYPHS[outcome.status] if outcome is not None else " "
    name = f"{glyph} {inert_str(state.name)}"
    canvas.text(rect.x + 2, rect.y + 1, name, f"bold {style} {SELECTED if selected else ''}".strip(), inner)
    kind = type_line(state) + (" ↺" if box.self_loop else "")
    rows = [kind]
    retry = retry_line(state, outcome.attempts if outcome is not None else None)
    if retry is not None:
        rows.append(retry)
    rows += extra_lines(state)
    for i, row in enumerate(rows):
        row_style = style or "grey70"
        if row.startswith("↻"):
            row_style = STATUS_STYLES[StepStatus.RETRIED]
        canvas.text(rect.x + 2, rect.y + 2 + i, row, row_style, inner)
    for x, y0, y1 in box.separators:
        for y in range(y0, y1 + 1):
            canvas.put(x, y, "┆", "grey42")


def legend() -> Text:
    """Each status's glyph and colour, and how a Catch edge looks."""
    text = Text(no_wrap=True, end="")
    for status in StepStatus:
        text.append(f"{GLYPHS[status]} {status.value}", STATUS_STYLES[status])
        text.append("  ")
    text.append("┄┄ catch", CATCH_STYLE)
    text.append("  ")
    text.append("↻ retry", STATUS_STYLES[StepStatus.RETRIED])
    return text
