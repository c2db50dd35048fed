"""Parsing and validating definitions: each rule AWS applies gives a DefinitionError that
names the problem and the state, inside Parallel branches and Map processors too."""

from __future__ import annotations

import json

import pytest

from console.services.stepfunctions.asl.graph import EdgeKind, Graph
from console.services.stepfunctions.asl.model import DefinitionError, parse, rule_label

TASK = "arn:aws:states:::lambda:invoke"


def machine(states: dict, start: str = "A", **top) -> str:
    return json.dumps({"StartAt": start, "States": states, **top})


def parallel(branch_states: dict, start: str = "In") -> dict:
    return {"Type": "Parallel", "End": True, "Branches": [{"StartAt": start, "States": branch_states}]}


def inline_map(states: dict, start: str = "In") -> dict:
    return {"Type": "Map", "End": True, "ItemProcessor": {"StartAt": start, "States": states}}


# (definition, the state named, words of the problem)
BROKEN = {
    "unknown Next": (machine({"A": {"Type": "Pass", "Next": "Nowhere"}, "B": {"Type": "Succeed"}}),
                     "A", "Next names no state of its machine: 'Nowhere'"),
    "unknown Default": (machine({"A": {"Type": "Choice", "Default": "Gone",
                                       "Choices": [{"Variable": "$.x", "IsPresent": True, "Next": "B"}]},
                                 "B": {"Type": "Succeed"}}), "A", "Default names no state"),
    "unknown Choice rule target": (machine({"A": {"Type": "Choice", "Choices": [
        {"Variable": "$.x", "IsPresent": True, "Next": "Gone"}]}, "B": {"Type": "Succeed"}}),
        "A", "a Choice rule's Next names no state"),
    "unknown Catch target": (machine({"A": {"Type": "Task", "Resource": TASK, "End": True,
                                            "Catch": [{"ErrorEquals": ["States.ALL"], "Next": "Gone"}]}}),
                             "A", "a Catch's Next names no state"),
    "StartAt naming no state": (machine({"A": {"Type": "Succeed"}}, start="Begin"), None,
                                "StartAt names no state: 'Begin'"),
    "no terminal state": (machine({"A": {"Type": "Pass", "Next": "B"}, "B": {"Type": "Pass", "Next": "A"}}),
                          None, "no terminal state"),
    "Choice without Choices": (machine({"A": {"Type": "Choice", "Default": "B"}, "B": {"Type": "Succeed"}}),
                               "A", "a Choice state needs Choices"),
    "Map without a processor": (machine({"A": {"Type": "Map", "End": True}}), "A",
                                "a Map state needs a processor (ItemProcessor or Iterator)"),
    "neither Next nor End": (machine({"A": {"Type": "Pass"}, "B": {"Type": "Succeed"}}), "A",
                             "has neither Next nor End: true"),
    "unknown Type": (machine({"A": {"Type": "Lambda", "End": True}}), "A", "Type 'Lambda' is not one of"),
    "state not an object": (machine({"A": {"Type": "Succeed"}, "QueryLanguage": "JSONata"}), "QueryLanguage",
                            "expected a state object"),
    "name used twice": (machine({"A": parallel({"A": {"Type": "Succeed"}}, start="A")}), "A", "the name is used twice"),
    "unknown Next in a Parallel branch": (machine({"A": parallel({"In": {"Type": "Pass", "Next": "A"},
                                                                           "Out": {"Type": "Succeed"}})}),
                                          "In", "Next names no state of its machine: 'A'"),
    "no terminal state in a Map processor": (
        machine({"A": inline_map({"In": {"Type": "Pass", "Next": "Again"}, "Again": {"Type": "Pass", "Next": "In"}})}),
        "A", "in A: no terminal state"),
    "Choice without Choices in a Map": (machine({"A": inline_map({"In": {"Type": "Choice", "Default": "Out"},
                                                                   "Out": {"Type": "Succeed"}})}),
                                        "In", "a Choice state needs Choices"),
    "StartAt naming no state in a branch": (machine({"A": parallel({"In": {"Type": "Succeed"}}, start="Nope")}),
                                            "A", "in A: StartAt names no state: 'Nope'"),
    "Map without a processor in a branch": (machine({"A": parallel({"In": {"Type": "Map", "End": True}})}),
                                            "In", "a Map state needs a processor"),
}


@pytest.mark.parametrize("case", BROKEN, ids=list(BROKEN))
def test_each_rule_names_the_problem_and_the_state(case):
    text, state, words = BROKEN[case]
    with pytest.raises(DefinitionError) as caught:
        parse(text)
    assert caught.value.state == state
    assert words in caught.value.message
    if state is not None:
        assert caught.value.message.startswith(f"state {state!r}: ")


@pytest.mark.parametrize("text, where", [
    ("{\n  \"StartAt\": \"A\",\n  \"States\": {,}\n}", (3, 14)),
    ("", (1, 1)),
    ("[1, 2", (1, 6)),
])
def test_invalid_json_gives_line_and_column(text, where):
    with pytest.raises(DefinitionError) as caught:
        parse(text)
    assert (caught.value.line, caught.value.column) == where
    assert caught.value.message.startswith("not valid JSON: ")
    assert f"(line {where[0]}, column {where[1]})" in caught.value.message


@pytest.mark.parametrize("text, problem", [
    ("[]", "expected a JSON object with StartAt and States"),
    ('{"States": {"A": {"Type": "Succeed"}}}', "StartAt is missing"),
    ('{"StartAt": "A"}', "States is missing"),
])
def test_the_top_level_shape(text, problem):
    with pytest.raises(DefinitionError, match=problem):
        parse(text)


def test_every_edge_kind_and_retry_as_an_annotation():
    text = machine({
        "A": {"Type": "Task", "Resource": TASK, "Next": "Pick",
              "Retry": [{"ErrorEquals": ["States.Timeout"], "MaxAttempts": 5}, {"ErrorEquals": ["States.ALL"]}],
              "Catch": [{"ErrorEquals": ["Payment.Declined", "States.Timeout"], "Next": "Failed"}]},
        "Pick": {"Type": "Choice", "Default": "Done",
                 "Choices": [{"Variable": "$.n", "NumericGreaterThan": 3, "Next": "Failed"}]},
        "Failed": {"Type": "Fail"},
        "Done": {"Type": "Pass", "End": True},
    })
    graph = Graph(parse(text))
    kinds = {(e.source, e.target, e.kind, e.label) for e in graph.edges}
    assert kinds == {
        ("A", "Pick", EdgeKind.NEXT, None),
        ("A", "Failed", EdgeKind.CATCH, "catch Payment.Declined, States.Timeout"),
        ("Pick", "Failed", EdgeKind.CHOICE, "$.n > 3"),
        ("Pick", "Done", EdgeKind.DEFAULT, "default"),
        ("Failed", None, EdgeKind.END, None),
        ("Done", None, EdgeKind.END, None),
    }
    assert graph.states["A"].retries == 5  # MaxAttempts defaults to 3; the largest counts


@pytest.mark.parametrize("rule, label", [
    ({"Variable": "$.status", "StringEquals": "FAILED"}, '$.status == "FAILED"'),
    ({"Variable": "$.n", "NumericLessThanEqualsPath": "$.max"}, "$.n <= $.max"),
    ({"Variable": "$.ok", "BooleanEquals": False}, "$.ok == false"),
    ({"Variable": "$.name", "StringMatches": "log-*"}, '$.name ~ "log-*"'),
    ({"Variable": "$.x", "IsPresent": False}, "$.x is not present"),
    ({"And": [{"Variable": "$.a", "NumericGreaterThanEquals": 1},
              {"Or": [{"Variable": "$.b", "IsNull": True}, {"Not": {"Variable": "$.c", "StringEquals": "x"}}]}]},
     '$.a >= 1 && ($.b is null || !$.c == "x")'),
    ({"Condition": "{% $states.input.total > 100 %}"}, "$states.input.total > 100"),
])
def test_choice_rule_labels(rule, label):
    assert rule_label(rule) == label


def test_jsonata_machine_with_distributed_map():
    text = machine({"A": {"Type": "Map", "Next": "Z", "ItemReader": {"Resource": "arn:aws:states:::s3:getObject"},
                          "ResultWriter": {"Resource": "arn:aws:states:::s3:putObject"},
                          "ItemProcessor": {"ProcessorConfig": {"Mode": "DISTRIBUTED", "ExecutionType": "EXPRESS"},
                                            "StartAt": "In", "States": {"In": {"Type": "Pass", "End": True}}}},
                    "Z": {"Type": "Choice", "Choices": [{"Condition": "{% $x %}", "Next": "A"}], "Default": "E"},
                    "E": {"Type": "Succeed"}}, QueryLanguage="JSONata")
    parsed = parse(text)
    assert parsed.query_language == "JSONata"
    a = parsed.states["A"]
    assert (a.distributed, a.item_reader, a.result_writer) == (
        True, "arn:aws:states:::s3:getObject", "arn:aws:states:::s3:putObject")
    assert parsed.states["Z"].choices[0].label == "$x"
