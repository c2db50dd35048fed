"""The state-graph widget in a real Textual app: arrows follow edges, tab cycles, the
selection is scrolled into view and announced, a screen can select by name; a snapshot of
a corpus graph at 120x40 with an execution's outcomes."""

from __future__ import annotations

from textual.app import App, ComposeResult

from console.services.stepfunctions.asl.view import GraphView
from console.services.stepfunctions.steps import StateOutcome, StepStatus
from tests.sfn_graph.machines import CORPUS, large_machine
from widgets.state_graph import StateGraph

SIZE = (120, 40)
RETRY = "retry-with-exponential-backoff-sam_statemachine_statemachine.asl.json"


class GraphApp(App):
    def __init__(self, view: GraphView, outcomes=None) -> None:
        super().__init__()
        self.view, self.outcomes = view, outcomes
        self.changes: list[str | None] = []

    def compose(self) -> ComposeResult:
        yield StateGraph(self.view, self.outcomes, id="graph")

    def on_mount(self) -> None:
        self.query_one("#graph", StateGraph).canvas.focus()

    def on_state_graph_selection_changed(self, message: StateGraph.SelectionChanged) -> None:
        self.changes.append(message.state)


def in_view(graph: StateGraph, name: str) -> bool:
    rect = graph.drawing.boxes[name]
    region = graph.canvas.scrollable_content_region
    x, y = graph.canvas.scroll_offset
    return x <= rect.x and rect.x + rect.width <= x + region.width and y <= rect.y and rect.y + rect.height <= y + region.height


async def test_arrows_tab_and_select_by_name_on_a_large_machine():
    view = GraphView.from_definition(large_machine(30))
    app = GraphApp(view)
    async with app.run_test(size=SIZE) as pilot:
        graph = app.query_one("#graph", StateGraph)
        assert graph.selected == "Load 0" and in_view(graph, "Load 0")
        assert graph.canvas.virtual_size.height > 600  # far taller than the screen: it scrolls
        await pilot.press("down")
        assert graph.selected == "Route 0"
        await pilot.press("down")  # of the rules' targets and the Default, the nearest below
        below = graph.selected
        assert below in view.graph.successors["Route 0"]
        await pilot.press("up")
        assert graph.selected == "Route 0"
        await pilot.press("tab")
        assert graph.selected == view.next_in_tab_order("Route 0")
        await pilot.press("shift+tab")
        assert graph.selected == "Route 0"
        assert graph.select("Handle B 29")  # what a step-through's n/p does
        await pilot.pause()
        assert in_view(graph, "Handle B 29") and graph.canvas.scroll_offset.y > 500
        assert not graph.select("No such state")
        await pilot.press("home")
        await pilot.pause()
        assert graph.selected == "Load 0" and in_view(graph, "Load 0")
        assert app.changes == ["Route 0", below, "Route 0",
                               view.next_in_tab_order("Route 0"), "Route 0", "Handle B 29", "Load 0"]


async def test_left_and_right_go_beside_and_a_click_selects():
    view = GraphView.from_definition((CORPUS / "parallel-human-approval_statemachine_StateMachine.asl.json").read_text())
    app = GraphApp(view)
    async with app.run_test(size=SIZE) as pilot:
        graph = app.query_one("#graph", StateGraph)
        await pilot.press("down")
        first = graph.selected
        assert view.graph.scope[first] == "Parallel"
        await pilot.press("right")
        assert graph.selected != first and view.graph.scope[graph.selected] == "Parallel"
        await pilot.press("left")
        assert graph.selected == first
        rect = graph.drawing.boxes["Success"]
        await pilot.click("#state-graph-canvas", offset=(rect.x + 2 - graph.canvas.scroll_offset.x,
                                                         rect.y + 1 - graph.canvas.scroll_offset.y))
        assert graph.selected == "Success"


def retry_outcomes(view: GraphView) -> dict[str, StateOutcome]:
    names = [s.name for s in view.machine.walk()]
    outcomes = {name: StateOutcome(StepStatus.NOT_REACHED) for name in names}
    outcomes[names[0]] = StateOutcome(StepStatus.RETRIED, 3)
    return outcomes


def test_snapshot_of_a_corpus_graph_with_outcomes(snap_compare):
    view = GraphView.from_definition((CORPUS / RETRY).read_text())
    assert snap_compare(GraphApp(view, retry_outcomes(view)), terminal_size=SIZE)


async def test_showing_another_machine_keeps_the_selection_only_if_it_exists_there():
    first = GraphView.from_definition((CORPUS / RETRY).read_text())
    second = GraphView.from_definition(large_machine(2))
    app = GraphApp(first)
    async with app.run_test(size=SIZE) as pilot:
        graph = app.query_one("#graph", StateGraph)
        assert graph.select("Succeed")
        graph.show(second)
        await pilot.pause()
        assert graph.selected == "Load 0" and "Load 1" in graph.drawing.boxes
        graph.show(first, selected="Fail")
        await pilot.pause()
        assert graph.selected == "Fail"
        graph.set_outcomes({"Fail": StateOutcome(StepStatus.FAILED)})
        await pilot.pause()
        rect = graph.drawing.boxes["Fail"]
        assert graph.drawing.lines[rect.y + 1].plain[rect.x + 2] == "✗"
