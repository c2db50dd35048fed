"""A machine as a graph: nodes keyed by state name, edges Next / Default / each Choice rule
(labelled with the rule) / Catch (labelled with its ErrorEquals) / End. Parallel branches
and Map processors are sub-graphs of the state holding them (`scope`); Retry is not an
edge but an annotation of the state (State.retriers)."""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum

from console.services.stepfunctions.asl.model import Machine, State


class EdgeKind(str, Enum):
    NEXT = "next"
    DEFAULT = "default"
    CHOICE = "choice"
    CATCH = "catch"
    END = "end"


@dataclass(frozen=True)
class Edge:
    source: str
    target: str | None  # None: End (the machine or branch stops here)
    kind: EdgeKind
    label: str | None = None

    @property
    def dotted(self) -> bool:
        return self.kind is EdgeKind.CATCH


def scope_edges(machine: Machine) -> list[Edge]:
    """The edges between the states of one (sub)machine, in definition order."""
    found: list[Edge] = []
    for state in machine.states.values():
        if state.next is not None:
            found.append(Edge(state.name, state.next, EdgeKind.NEXT))
        for rule in state.choices:
            found.append(Edge(state.name, rule.next, EdgeKind.CHOICE, rule.label))
        if state.default is not None:
            found.append(Edge(state.name, state.default, EdgeKind.DEFAULT, "default"))
        for catcher in state.catchers:
            found.append(Edge(state.name, catcher.next, EdgeKind.CATCH, "catch " + ", ".join(catcher.errors)))
        if state.terminal:
            found.append(Edge(state.name, None, EdgeKind.END))
    return found


class Graph:
    """Every state of a machine (nested ones too) with its edges and its container."""

    def __init__(self, machine: Machine) -> None:
        self.machine = machine
        self.states: dict[str, State] = {}
        self.scope: dict[str, str | None] = {}  # state -> the Parallel/Map holding it (None: top)
        self.edges: list[Edge] = []
        self.successors: dict[str, list[str]] = {}
        self.predecessors: dict[str, list[str]] = {}
        self._add(machine, None)

    def _add(self, machine: Machine, container: str | None) -> None:
        for state in machine.states.values():
            self.states[state.name] = state
            self.scope[state.name] = container
            self.successors.setdefault(state.name, [])
            self.predecessors.setdefault(state.name, [])
        for edge in scope_edges(machine):
            self.edges.append(edge)
            if edge.target is not None and edge.target not in self.successors[edge.source]:
                self.successors[edge.source].append(edge.target)
                self.predecessors[edge.target].append(edge.source)
        for state in machine.states.values():
            for child in state.children:
                self._add(child, state.name)

    def starts_within(self, container: str) -> list[str]:
        """The first state of each branch (Parallel) or of the processor (Map)."""
        return [child.start_at for child in self.states[container].children]
