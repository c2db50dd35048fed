"""Layout, drawing and moving around: a large machine stays readable, outcomes show as glyph
and colour, hostile names stay inert, the arrows follow edges."""

from __future__ import annotations

import json
from collections import defaultdict

from console.services.stepfunctions.asl.view import GraphView
from console.services.stepfunctions.steps import GLYPHS, StateOutcome, StepStatus
from tests.sfn_graph.machines import CORPUS, large_machine, layout_problems

RETRY = "retry-with-exponential-backoff-sam_statemachine_statemachine.asl.json"


def test_a_machine_of_120_states_stays_readable():
    view = GraphView.from_definition(large_machine(30))
    layout = view.layout
    assert len(layout.boxes) == 122
    assert layout_problems(layout) == []
    # every edge is drawn: each Next ends in an arrow into its target, each label is on screen
    arrows_into = defaultdict(int)
    for lines in layout.lines:
        for (x, y), (glyph, _) in lines.arrows.items():
            for box in layout.boxes.values():
                if glyph == "▼" and box.rect.y == y + 1 and box.rect.x <= x < box.rect.right:
                    arrows_into[box.name] += 1
    reached = {e.target for e in layout.edges if e.target is not None}
    assert {name for name in reached if arrows_into[name] == 0} == set()
    assert len([lb for lb in layout.labels if lb.text == "catch States.ALL"]) == 30
    assert len([lb for lb in layout.labels if lb.text == "default"]) == 30
    # no layer wider than one stage's states side by side with the Catch line beside them
    by_layer = defaultdict(list)
    for box in layout.boxes.values():
        by_layer[box.layer].append(box.rect)
    widest = max(max(r.right for r in rects) - min(r.x for r in rects) for rects in by_layer.values())
    assert widest <= 60
    assert max(len(rects) for rects in by_layer.values()) <= 3
    # twenty-nine Catches share one line into the handler: one arrow, not thirty
    assert arrows_into["Notify failure"] == 1


def test_outcomes_give_every_box_a_glyph_and_a_colour():
    view = GraphView.from_definition((CORPUS / RETRY).read_text())
    names = [s.name for s in view.machine.walk()]
    statuses = list(StepStatus)
    outcomes = {name: StateOutcome(statuses[i % len(statuses)]) for i, name in enumerate(names)}
    retried = next(s.name for s in view.machine.walk() if s.retriers)
    outcomes[retried] = StateOutcome(StepStatus.RETRIED, 3)
    drawing = view.render(outcomes)
    for name, outcome in outcomes.items():
        rect = drawing.boxes[name]
        line = drawing.lines[rect.y + 1]
        first = line.plain[rect.x + 2]
        assert first == GLYPHS[outcome.status], name
        styles = {str(span.style) for span in line.spans if span.start <= rect.x + 2 < span.end}
        assert any(_colour(outcome.status) in style for style in styles), (name, styles)
    rect = drawing.boxes[retried]
    assert any("↻ 3 attempts" in drawing.lines[y].plain[rect.x:rect.right] for y in range(rect.y, rect.bottom))


def _colour(status: StepStatus) -> str:
    from console.services.stepfunctions.asl.render import STATUS_STYLES

    return STATUS_STYLES[status].split()[-1]


def test_the_selected_box_is_reversed_and_only_it():
    view = GraphView.from_definition((CORPUS / RETRY).read_text())
    name = view.tab_order()[1]
    drawing = view.render(selected=name)
    rect = drawing.boxes[name]
    reversed_rows = {y for y, line in enumerate(drawing.lines) for span in line.spans if "reverse" in str(span.style)}
    assert reversed_rows == set(range(rect.y, rect.bottom))


def test_hostile_names_and_rules_are_drawn_inert():
    text = json.dumps({"StartAt": "[bold red]x[/]\x1b]52;c;aGk=\x07", "States": {
        "[bold red]x[/]\x1b]52;c;aGk=\x07": {"Type": "Choice", "Default": "End\x9b",
                                            "Choices": [{"Variable": "$.a\x1b[2J", "IsPresent": True, "Next": "End\x9b"}]},
        "End\x9b": {"Type": "Succeed"}}})
    drawing = GraphView.from_definition(text).render()
    plain = drawing.plain()
    assert "[bold red]x[/]␛]52;c;aGk=␇" in plain
    assert "End<9B>" in plain and "$.a␛[2J" in plain
    assert not any(ord(c) < 32 or 0x7F <= ord(c) < 0xA0 for c in plain.replace("\n", ""))


def test_wide_characters_keep_the_boxes_square():
    text = json.dumps({"StartAt": "注文を処理", "States": {"注文を処理": {"Type": "Pass", "Next": "完了"},
                                                           "完了": {"Type": "Succeed"}}})
    drawing = GraphView.from_definition(text).render()
    assert all(line.cell_len == drawing.width for line in drawing.lines)


def test_arrows_follow_edges_and_tab_visits_every_state():
    view = GraphView.from_definition((CORPUS / "parallel-human-approval_statemachine_StateMachine.asl.json").read_text())
    assert view.start == "Parallel"
    inside = view.neighbour("Parallel", "down")  # into the Parallel: a branch's first state
    assert view.graph.scope[inside] == "Parallel"
    right = view.neighbour(inside, "right")
    assert right is not None and view.graph.scope[right] == "Parallel" and right != inside
    assert view.neighbour(right, "left") == inside
    assert view.neighbour(inside, "up") == "Parallel"  # out again
    after = view.neighbour(inside, "down")  # the branch ends: on to what follows the Parallel
    assert after in ("Success", "Fail")
    assert view.neighbour("Parallel", "up") is None
    order = view.tab_order()
    assert sorted(order) == sorted(view.graph.states)
    name, seen = view.start, []
    for _ in order:
        seen.append(name)
        name = view.next_in_tab_order(name)
    assert sorted(seen) == sorted(order) and name == view.start
    assert view.next_in_tab_order(view.start, backwards=True) == order[-1]


def test_moving_the_selection_changes_only_the_selected_box():
    view = GraphView.from_definition((CORPUS / "parallel-human-approval_statemachine_StateMachine.asl.json").read_text())
    plain = view.render()
    for name in view.tab_order():  # the Parallel (a container) included
        drawing = view.render(selected=name)
        rect = drawing.boxes[name]
        assert [line.plain for line in drawing.lines] == [line.plain for line in plain.lines]
        changed = {y for y, (a, b) in enumerate(zip(drawing.lines, plain.lines)) if a.spans != b.spans}
        assert changed and changed <= set(range(rect.y, rect.bottom)), name
