"""Machines made at random (seeded, so every run draws the same ones): loops, Choices
pointing anywhere, Catches up and down, nested Parallel and Map. Whatever the shape, no box
overlaps another, no edge runs through a box and every state is drawn."""

from __future__ import annotations

import json
import random

import pytest

from console.services.stepfunctions.asl.view import GraphView
from tests.sfn_graph.machines import layout_problems


def random_states(rng: random.Random, prefix: str, count: int, depth: int) -> dict:
    names = [f"{prefix}{i}" for i in range(count)]
    states: dict = {}
    for i, name in enumerate(names):
        kind = rng.choice(["Task", "Task", "Pass", "Choice", "Wait", "Succeed", "Fail"]
                          + (["Parallel", "Map"] if depth < 2 else []))
        state: dict = {"Type": kind}
        if kind == "Choice":
            state["Choices"] = [{"Variable": f"$.v{j}", "NumericEquals": j, "Next": rng.choice(names)}
                                for j in range(rng.randint(1, 4))]
            if rng.random() < 0.7:
                state["Default"] = rng.choice(names)
        elif kind not in ("Succeed", "Fail"):
            if i + 1 < count and rng.random() < 0.85:
                state["Next"] = names[i + 1] if rng.random() < 0.7 else rng.choice(names)
            else:
                state["End"] = True
        if kind in ("Task", "Parallel", "Map"):
            if rng.random() < 0.5:
                state["Catch"] = [{"ErrorEquals": ["States.ALL"], "Next": rng.choice(names)}]
            if rng.random() < 0.4:
                state["Retry"] = [{"ErrorEquals": ["States.ALL"], "MaxAttempts": rng.randint(1, 5)}]
        if kind == "Task":
            state["Resource"] = "arn:aws:states:::lambda:invoke"
        if kind == "Parallel":
            state["Branches"] = [random_machine(rng, f"{name}b{b}.", depth + 1) for b in range(rng.randint(1, 3))]
        if kind == "Map":
            state["ItemProcessor"] = random_machine(rng, f"{name}m.", depth + 1)
        states[name] = state
    states[f"{prefix}end"] = {"Type": "Succeed"}
    return states


def random_machine(rng: random.Random, prefix: str = "S", depth: int = 0) -> dict:
    states = random_states(rng, prefix, rng.randint(1, 9 if depth else 16), depth)
    return {"StartAt": next(iter(states)), "States": states}


@pytest.mark.parametrize("seed", range(60))
def test_any_shape_lays_out_cleanly(seed):
    rng = random.Random(seed)
    view = GraphView.from_definition(json.dumps(random_machine(rng)))
    assert layout_problems(view.layout) == []
    drawing = view.render(selected=view.start)
    assert set(drawing.boxes) == {s.name for s in view.machine.walk()}
    assert all(line.cell_len == drawing.width for line in drawing.lines)
