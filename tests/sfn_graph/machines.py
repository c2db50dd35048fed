"""Definitions the graph tests share: the corpus copied from ../shared/corpus/asl (CI has
no ../shared), a generated large machine, and small ones breaking one rule each."""

from __future__ import annotations

import json
from pathlib import Path

from console.services.stepfunctions.asl.layout import Layout

CORPUS = Path(__file__).resolve().parent.parent / "data" / "asl"


def corpus_files() -> list[Path]:
    return sorted(CORPUS.glob("*.json"))


def large_machine(stages: int = 30) -> str:
    """4 states a stage (a retried Task whose Catch goes to one shared Fail, a Choice of two
    rules and a Default, two handlers joining again) plus two ends: 122 states at 30."""
    states: dict = {}
    for i in range(stages):
        after = f"Load {i + 1}" if i + 1 < stages else "Done"
        states[f"Load {i}"] = {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke", "Next": f"Route {i}",
                               "Retry": [{"ErrorEquals": ["States.TaskFailed"], "MaxAttempts": 2}],
                               "Catch": [{"ErrorEquals": ["States.ALL"], "Next": "Notify failure"}]}
        states[f"Route {i}"] = {"Type": "Choice", "Default": after, "Choices": [
            {"Variable": "$.kind", "StringEquals": "a", "Next": f"Handle A {i}"},
            {"Variable": "$.kind", "StringEquals": "b", "Next": f"Handle B {i}"}]}
        states[f"Handle A {i}"] = {"Type": "Pass", "Next": after}
        states[f"Handle B {i}"] = {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke", "Next": after}
    states["Notify failure"] = {"Type": "Fail", "Error": "Failed"}
    states["Done"] = {"Type": "Succeed"}
    return json.dumps({"StartAt": "Load 0", "States": states})


def layout_problems(layout: Layout) -> list[str]:
    """What would make a drawing wrong: boxes of one (sub)machine overlapping or touching, an edge cell
    or a label inside a box, a nested machine's line outside its Parallel/Map box."""
    problems = []
    boxes = list(layout.boxes.values())
    for i, a in enumerate(boxes):
        for b in boxes[i + 1:]:
            if a.scope == b.scope and not (a.rect.right < b.rect.x or b.rect.right < a.rect.x
                                           or a.rect.bottom < b.rect.y or b.rect.bottom < a.rect.y):
                problems.append(f"boxes {a.name!r} and {b.name!r} overlap or touch")
    for lines in layout.lines:
        for x, y in list(lines.cells) + list(lines.arrows):
            for box in boxes:
                if box.scope == lines.scope and box.rect.contains(x, y):
                    problems.append(f"edge cell ({x}, {y}) inside {box.name!r}")
            if lines.scope is not None and not layout.boxes[lines.scope].rect.contains(x, y):
                problems.append(f"edge cell ({x}, {y}) of {lines.scope!r} outside its box")
            if not (0 <= x < layout.width and 0 <= y < layout.height):
                problems.append(f"edge cell ({x}, {y}) off the drawing")
    for label in layout.labels:
        for box in boxes:
            if box.scope == label.scope and any(box.rect.contains(label.x + dx, label.y)
                                                for dx in range(len(label.text))):
                problems.append(f"label {label.text!r} inside {box.name!r}")
    return problems
