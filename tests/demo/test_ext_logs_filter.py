"""The filter-pattern evaluator's own edges, in process (the guide's examples run over HTTP in
tests/contract/test_logs_filter.py)."""

from __future__ import annotations

import json

import pytest

from console.demo.extensions.logs_filter import FilterPatternError, compile_pattern, matches


@pytest.mark.parametrize("pattern", [None, "", "   ", '""', '" "'])
def test_empty_patterns_match_everything(pattern):
    assert matches(pattern, "anything at all") and matches(pattern, "")


def test_json_patterns_never_match_text_or_non_objects():
    assert not matches('{ $.level = "ERROR" }', "level=ERROR")
    assert not matches('{ $.level = "ERROR" }', json.dumps(["ERROR"]))
    assert matches('{ $.level = "ERROR" }', json.dumps({"level": "ERROR"}))


def test_json_missing_fields_fail_every_comparison_but_not_exists():
    event = json.dumps({"a": {"b": 1}})
    assert not matches("{ $.a.c = 1 }", event) and not matches("{ $.a.c != 1 }", event)
    assert not matches("{ $.a.b.c > 0 }", event)
    assert matches("{ $.a.c NOT EXISTS }", event) and matches("{ $.a.b.c NOT EXISTS }", event)
    assert not matches("{ $.a.b NOT EXISTS }", event)


def test_booleans_are_not_numbers_or_strings():
    event = json.dumps({"ok": True, "n": 1})
    assert not matches("{ $.ok = 1 }", event) and not matches('{ $.ok = "true" }', event)
    assert matches("{ $.ok IS TRUE }", event) and not matches("{ $.n IS TRUE }", event)


def test_delimited_fields_need_enough_values():
    assert not matches("[a, b, c]", "only two")
    assert matches("[a, b, c]", "one two three four")  # c takes "three four"
    assert matches("[..., last = four]", "one two three four")
    assert not matches("[first, second, ..., x, y]", "a b c")


def test_compiled_patterns_are_reused_and_errors_are_not():
    assert compile_pattern("ERROR") is compile_pattern("ERROR")
    for _ in range(2):
        with pytest.raises(FilterPatternError, match="^Invalid filter pattern$"):
            compile_pattern("{ $.a = ")
