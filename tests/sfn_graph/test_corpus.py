"""Every definition of the corpus (109 real ones from aws-samples, tests/data/asl): the
valid ones parse, lay out and render with no box overlapping another and no edge through a
box; the invalid ones give a DefinitionError naming the problem, never another exception."""

from __future__ import annotations

import pytest

from console.services.stepfunctions.asl.model import DefinitionError, parse
from console.services.stepfunctions.asl.view import GraphView
from tests.sfn_graph.machines import corpus_files, layout_problems

INVALID = {
    # a template whose "Messages" value was never substituted
    "sfn-iot-data-analytics-dataset_statemachine_statemachine.asl.json": "not valid JSON: Expecting ',' delimiter (line 10, column 33)",
    # "QueryLanguage" put inside States, where every field is a state
    "shared-fallback-state-jsonata_statemachine_statemachine.asl.json": "state 'QueryLanguage': expected a state object",
}


def test_the_corpus_is_all_there():
    assert len(corpus_files()) == 109


@pytest.mark.parametrize("path", corpus_files(), ids=lambda p: p.name.removesuffix(".asl.json"))
def test_each_definition_renders_or_says_why_not(path):
    text = path.read_text(encoding="utf-8")
    if path.name in INVALID:
        with pytest.raises(DefinitionError) as caught:
            parse(text)
        assert caught.value.message.startswith(INVALID[path.name])
        return
    view = GraphView.from_definition(text)
    assert layout_problems(view.layout) == []
    drawing = view.render(selected=view.start)
    names = {state.name for state in view.machine.walk()}
    assert set(drawing.boxes) == names  # every state drawn, nested ones too
    assert len(drawing.lines) == drawing.height
    assert all(line.cell_len == drawing.width for line in drawing.lines)
    assert view.layout.undrawn == [e for e in view.layout.edges if e.source == e.target]


def test_a_jsonata_choice_shows_its_condition():
    text = (corpus_files()[0].parent / "bedrock-evaluations-sam_statemachine_statemachine.asl.json").read_text()
    plain = GraphView.from_definition(text).render().plain()
    assert "$states.inpu…atus = 'COMPLETE'" in plain
    assert "{%" not in plain
