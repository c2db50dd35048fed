"""One machine ready to draw and to walk: parsed, laid out once, rendered for any outcomes
and selection; moving from state to state along the edges (what the graph widget's keys do).

Directions: "down" goes to a successor (into a Parallel/Map: its first state; from the
last state of a branch: what follows the Parallel/Map), "up" to a predecessor (from a
branch's first state: its Parallel/Map), "left"/"right" to the nearest state beside it in
its layer. Of several candidates the one closest in x wins."""

from __future__ import annotations

from typing import Mapping

from rich.text import Text

from console.services.stepfunctions.asl.graph import Graph
from console.services.stepfunctions.asl.layout import Layout, layout
from console.services.stepfunctions.asl.model import Machine, parse
from console.services.stepfunctions.asl.render import Drawing, Painter, legend
from console.services.stepfunctions.steps import StateOutcome

DIRECTIONS = ("up", "down", "left", "right")


class GraphView:
    def __init__(self, machine: Machine) -> None:
        self.machine = machine
        self.graph = Graph(machine)
        self.layout: Layout = layout(machine)
        self._painter: Painter | None = None
        self._painted_for: frozenset = frozenset()

    @classmethod
    def from_definition(cls, text: str | bytes) -> "GraphView":
        """Raises DefinitionError for invalid JSON or an invalid definition."""
        return cls(parse(text))

    @property
    def start(self) -> str:
        return self.machine.start_at

    def render(self, outcomes: Mapping[str, StateOutcome] | None = None, selected: str | None = None) -> Drawing:
        """The drawing for these outcomes with `selected` highlighted. The painting for the
        last outcomes is kept: a new selection repaints only the rows of the selected box."""
        key = frozenset((outcomes or {}).items())
        if self._painter is None or self._painted_for != key:
            self._painter, self._painted_for = Painter(self.layout, outcomes), key
        return self._painter.drawing(selected)

    def legend(self) -> Text:
        return legend()

    def tab_order(self) -> list[str]:
        """Every state, top to bottom then left to right on screen."""
        boxes = self.layout.boxes
        return sorted(boxes, key=lambda name: (boxes[name].rect.y, boxes[name].rect.x))

    def next_in_tab_order(self, name: str | None, backwards: bool = False) -> str:
        order = self.tab_order()
        if name not in order:
            return order[-1 if backwards else 0]
        return order[(order.index(name) + (-1 if backwards else 1)) % len(order)]

    def neighbour(self, name: str, direction: str) -> str | None:
        """The state `direction` leads to from `name`, following edges; None: nowhere."""
        if direction not in DIRECTIONS:
            raise ValueError(f"direction must be one of {DIRECTIONS}, got {direction!r}")
        if name not in self.graph.states:
            return None
        if direction == "down":
            candidates = self._below(name)
        elif direction == "up":
            candidates = self._above(name)
        else:
            candidates = self._beside(name, direction == "right")
        return self._closest(name, candidates)

    def _below(self, name: str) -> list[str]:
        state = self.graph.states[name]
        if state.children:
            return self.graph.starts_within(name)
        found = list(self.graph.successors[name])
        container = self.graph.scope[name]
        while not found and container is not None:
            found = list(self.graph.successors[container])
            container = self.graph.scope[container]
        return found

    def _above(self, name: str) -> list[str]:
        found = list(self.graph.predecessors[name])
        container = self.graph.scope[name]
        if not found and container is not None:
            return [container]
        return found

    def _beside(self, name: str, right: bool) -> list[str]:
        here = self.layout.boxes[name]
        same_layer = [b for b in self.layout.boxes.values()
                      if b.scope == here.scope and b.layer == here.layer and b.name != name]
        row = here.rect.center[1]
        beside = same_layer or [b for b in self.layout.boxes.values()
                                if b.rect.y <= row < b.rect.bottom and b.name != name]
        if right:
            return [b.name for b in beside if b.rect.x > here.rect.x]
        return [b.name for b in beside if b.rect.x < here.rect.x]

    def _closest(self, name: str, candidates: list[str]) -> str | None:
        if not candidates:
            return None
        x, y = self.layout.boxes[name].rect.center
        boxes = self.layout.boxes
        return min(candidates, key=lambda c: (abs(boxes[c].rect.center[0] - x), abs(boxes[c].rect.center[1] - y)))
