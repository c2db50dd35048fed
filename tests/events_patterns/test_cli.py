"""`opsdeck events test-pattern PATTERN_FILE EVENT_FILE` through the real CLI: "match" exits
0, "no match" 1, an invalid pattern or event file 2 naming what is wrong, never a traceback;
it matches locally (no endpoint is configured here, and none is needed)."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from console.cli import main
from tests.events_patterns.cases import ENVELOPE


def run(*args: str, **kwargs):
    return CliRunner().invoke(main, ["events", "test-pattern", *args], catch_exceptions=False, **kwargs)


def files(tmp_path, pattern: str, event: str = json.dumps(ENVELOPE)) -> tuple[str, str]:
    (tmp_path / "pattern.json").write_text(pattern)
    (tmp_path / "event.json").write_text(event)
    return str(tmp_path / "pattern.json"), str(tmp_path / "event.json")


def test_a_matching_event_prints_match_and_exits_0(tmp_path):
    result = run(*files(tmp_path, '{"source": ["aws.ec2"], "detail": {"c-count": [{"numeric": [">", 1]}]}}'))
    assert (result.exit_code, result.stdout) == (0, "match\n")


def test_an_event_that_does_not_match_prints_no_match_and_exits_1(tmp_path):
    result = run(*files(tmp_path, '{"detail": {"state": [{"anything-but": "terminated"}]}}'))
    assert (result.exit_code, result.stdout) == (1, "no match\n")


def test_the_pattern_may_come_from_standard_input(tmp_path):
    _, event = files(tmp_path, "{}")
    result = run("-", event, input='{"detail": {"tags": ["green"]}}')
    assert (result.exit_code, result.stdout) == (0, "match\n")


@pytest.mark.parametrize("pattern, words", [
    ('{"detail": {"state": "terminated"}}',
     "detail.state: must be an array of values or matchers, got a string"),
    ('{"source": [{"prefx": "aws."}]}', 'source[0].prefx: unknown matcher "prefx"'),
    ('{"detail": {"c-count": [{"numeric": [">", "zero"]}]}}',
     "detail.c-count[0].numeric: the operand of > must be a number, got a string"),
    ('["aws.ec2"]', "a pattern must be a JSON object, got an array"),
    ('{"source": ["aws.ec2"],\n "detail": {\n  "state": ["a",]}}', "is not JSON: Expecting value at line 3, column 17"),
])
def test_an_invalid_pattern_exits_2_naming_what_is_wrong(tmp_path, pattern, words):
    result = run(*files(tmp_path, pattern))
    assert result.exit_code == 2
    assert result.stdout == ""
    assert words in result.stderr and "PATTERN_FILE" in result.stderr
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize("event, words", [
    ('["not", "an", "object"]', "an event must be a JSON object, got an array"),
    ('{"source": "aws.ec2"', "is not JSON: Expecting ',' delimiter at line 1, column 21"),
])
def test_an_invalid_event_file_exits_2(tmp_path, event, words):
    result = run(*files(tmp_path, '{"source": ["aws.ec2"]}', event))
    assert result.exit_code == 2
    assert words in result.stderr and "EVENT_FILE" in result.stderr


def test_a_missing_file_is_a_usage_error(tmp_path):
    result = run(str(tmp_path / "nope.json"), str(tmp_path / "nope.json"))
    assert result.exit_code == 2
    assert "No such file" in result.stderr


def test_control_characters_in_a_reason_reach_the_terminal_inert(tmp_path):
    result = run(*files(tmp_path, '{"detail": {"\\u001b[31mred": "x"}}'))
    assert result.exit_code == 2
    assert "\x1b" not in result.stderr


def test_help_says_it_works_offline():
    result = CliRunner().invoke(main, ["events", "test-pattern", "--help"])
    text = " ".join(result.stdout.split())
    assert "it works offline and calls no AWS API" in text
