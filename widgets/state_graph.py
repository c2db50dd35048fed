"""A state machine graph: scrollable both ways, one state selected, arrows following edges.

The widget draws what a graph source renders (the core's
console.services.stepfunctions.asl.view.GraphView, passed in by the screen): lines of rich
Text and each state's box. Every text in them comes from the definition and is already
plain cells (never markup). Keys: arrows move along the edges (down: successors, up:
predecessors, left/right: beside in the layer), `tab`/`shift+tab` cycle through every
state, `home` goes back to the start; a click selects the box under the pointer. Each
change of selection posts `StateGraph.SelectionChanged`; `select(name)` lets a screen
drive it (a step-through's n/p). The selected box is kept in view.
"""

from __future__ import annotations

from typing import Any, Mapping, Protocol

from rich.segment import Segment
from rich.text import Text
from textual import events
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.geometry import Region, Size
from textual.message import Message
from textual.scroll_view import ScrollView
from textual.strip import Strip
from textual.widgets import Static


class Drawing(Protocol):
    lines: list[Text]
    boxes: Mapping[str, Any]  # name -> rect with x, y, width, height
    width: int
    height: int


class GraphSource(Protocol):
    @property
    def start(self) -> str: ...

    def render(self, outcomes: Mapping[str, Any] | None = None, selected: str | None = None) -> Drawing: ...

    def neighbour(self, name: str, direction: str) -> str | None: ...

    def next_in_tab_order(self, name: str | None, backwards: bool = False) -> str: ...

    def legend(self) -> Text: ...


class GraphCanvas(ScrollView, can_focus=True):
    """The drawing itself, as a line-API scroll view (only the rows on screen are cut)."""

    BINDINGS = [
        Binding("up", "move('up')", "Up", show=False),
        Binding("down", "move('down')", "Down", show=False),
        Binding("left", "move('left')", "Left", show=False),
        Binding("right", "move('right')", "Right", show=False),
        Binding("tab", "cycle", "Next state", show=False),
        Binding("shift+tab", "cycle(True)", "Previous state", show=False),
        Binding("home", "home", "Start", show=False),
    ]

    DEFAULT_CSS = """
    GraphCanvas { height: 1fr; }
    """

    def __init__(self, graph: "StateGraph", **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.graph = graph
        self._strips: dict[int, Strip] = {}

    def on_mount(self) -> None:
        self.drawn()
        self.call_after_refresh(self.graph.scroll_to_selected)

    def drawn(self) -> None:
        """The drawing changed: forget cut lines, resize, repaint."""
        self._strips.clear()
        drawing = self.graph.drawing
        self.virtual_size = Size(drawing.width, drawing.height) if drawing else Size(0, 0)
        self.refresh()

    def render_line(self, y: int) -> Strip:
        drawing = self.graph.drawing
        scroll_x, scroll_y = self.scroll_offset
        row = y + scroll_y
        width = self.scrollable_content_region.width
        if drawing is None or row >= drawing.height:
            return Strip.blank(width, self.rich_style)
        strip = self._strips.get(row)
        if strip is None:
            segments = [s for s in drawing.lines[row].render(self.app.console) if s.text != "\n"]
            strip = Strip(Segment.apply_style(segments, self.rich_style), drawing.width)
            self._strips[row] = strip
        return strip.crop_extend(scroll_x, scroll_x + width, self.rich_style)

    def action_move(self, direction: str) -> None:
        self.graph.move(direction)

    def action_cycle(self, backwards: bool = False) -> None:
        self.graph.cycle(backwards)

    def action_home(self) -> None:
        if self.graph.source is not None:
            self.graph.select(self.graph.source.start)

    def on_click(self, event: events.Click) -> None:
        drawing = self.graph.drawing
        if drawing is None:
            return
        x, y = event.x + self.scroll_offset.x, event.y + self.scroll_offset.y
        hits = [(r.width * r.height, name) for name, r in drawing.boxes.items()
                if r.x <= x < r.x + r.width and r.y <= y < r.y + r.height]
        if hits:
            self.graph.select(min(hits)[1])  # the innermost box: a state inside a Parallel, not the Parallel


class StateGraph(Vertical):
    """A graph with its legend. `show(source, outcomes)` sets what to draw."""

    DEFAULT_CSS = """
    StateGraph { height: 1fr; }
    StateGraph > .state-graph--legend { height: 1; padding: 0 1; }
    """

    class SelectionChanged(Message):
        def __init__(self, graph: "StateGraph", state: str | None) -> None:
            super().__init__()
            self.graph = graph
            self.state = state

        @property
        def control(self) -> "StateGraph":
            return self.graph

    def __init__(self, source: GraphSource | None = None, outcomes: Mapping[str, Any] | None = None,
                 *, selected: str | None = None, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.source = source
        self.outcomes = outcomes
        self.selected = selected if selected is not None else (source.start if source is not None else None)
        self.drawing: Drawing | None = None
        self.canvas = GraphCanvas(self, id="state-graph-canvas")
        self.legend = Static("", classes="state-graph--legend")

    def compose(self) -> ComposeResult:
        yield self.canvas
        yield self.legend

    def on_mount(self) -> None:
        self._redraw(scroll=True)

    def show(self, source: GraphSource, outcomes: Mapping[str, Any] | None = None,
             selected: str | None = None) -> None:
        """Draw another machine (or the same with other outcomes)."""
        keep = selected or self.selected
        self.source, self.outcomes, self.drawing = source, outcomes, None
        self.selected = keep if keep is not None and self._known(keep) else source.start
        self._redraw(scroll=True)

    def set_outcomes(self, outcomes: Mapping[str, Any] | None) -> None:
        self.outcomes = outcomes
        self._redraw(scroll=False)

    def select(self, name: str) -> bool:
        """Select the state `name` and bring it into view; False if there is no such state."""
        if self.source is None or not self._known(name):
            return False
        if name != self.selected:
            self.selected = name
            self._redraw(scroll=True)
            self.post_message(self.SelectionChanged(self, name))
        else:
            self.scroll_to_selected()
        return True

    def move(self, direction: str) -> None:
        if self.source is None or self.selected is None:
            return
        target = self.source.neighbour(self.selected, direction)
        if target is not None:
            self.select(target)

    def cycle(self, backwards: bool = False) -> None:
        if self.source is not None:
            self.select(self.source.next_in_tab_order(self.selected, backwards))

    def _known(self, name: str) -> bool:
        drawing = self.drawing or (self.source.render() if self.source is not None else None)
        return drawing is not None and name in drawing.boxes

    def _redraw(self, scroll: bool) -> None:
        if self.source is None:
            self.drawing = None
            self.legend.update("")
        else:
            self.drawing = self.source.render(self.outcomes, self.selected)
            self.legend.update(self.source.legend())
        if self.canvas.is_mounted:
            self.canvas.drawn()
            if scroll:
                self.call_after_refresh(self.scroll_to_selected)

    def scroll_to_selected(self) -> None:
        if self.drawing is None or self.selected not in self.drawing.boxes:
            return
        rect = self.drawing.boxes[self.selected]
        self.canvas.scroll_to_region(Region(rect.x, rect.y, rect.width, rect.height), animate=False, force=True)
