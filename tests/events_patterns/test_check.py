"""check_pattern refuses what EventBridge refuses, naming the JSON path and the reason
(https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-create-pattern.html: values
to match are in arrays; the operators' operand shapes from eb-create-pattern-operators.html)."""

from __future__ import annotations

import pytest

from console.services.events.patterns import PatternError, check_pattern

INVALID = {
    "leaf not an array": ({"detail": {"state": "running"}}, "detail.state",
                          "must be an array of values or matchers, got a string"),
    "leaf a number": ({"detail": {"n": 5}}, "detail.n", "must be an array of values or matchers, got a number"),
    "not an object": (["aws.ec2"], "", "a pattern must be a JSON object, got an array"),
    "empty object": ({"detail": {}}, "detail", "must not be an empty object"),
    "empty pattern": ({}, "", "must not be an empty object"),
    "empty array": ({"source": []}, "source", "must not be an empty array"),
    "array in array": ({"source": [["a"]]}, "source[0]", "got an array"),
    "unknown matcher": ({"source": [{"begins-with": "a"}]}, "source[0].begins-with", 'unknown matcher "begins-with"'),
    "two keys": ({"source": [{"prefix": "a", "suffix": "b"}]}, "source[0]", "exactly one key, got 2"),
    "empty matcher": ({"source": [{}]}, "source[0]", "exactly one key, got 0"),
    "prefix number": ({"source": [{"prefix": 5}]}, "source[0].prefix", "must be a string, got a number"),
    "prefix bad object": ({"source": [{"prefix": {"wildcard": "a"}}]}, "source[0].prefix", "equals-ignore-case"),
    "exists string": ({"x": [{"exists": "true"}]}, "x[0].exists", "must be true or false, got a string"),
    "numeric not array": ({"x": [{"numeric": 5}]}, "x[0].numeric", "must be an array"),
    "numeric odd": ({"x": [{"numeric": [">", 1, "<"]}]}, "x[0].numeric", "got 3 items"),
    "numeric operator": ({"x": [{"numeric": ["!=", 1]}]}, "x[0].numeric", 'unknown numeric operator "!="'),
    "numeric operand": ({"x": [{"numeric": ["<", "1"]}]}, "x[0].numeric", "must be a number, got a string"),
    "numeric bool": ({"x": [{"numeric": ["<", True]}]}, "x[0].numeric", "must be a number, got a boolean"),
    "numeric order": ({"x": [{"numeric": ["<", 5, ">", 1]}]}, "x[0].numeric", "a lower bound (> or >=) then"),
    "numeric empty range": ({"x": [{"numeric": [">=", 5, "<=", 5]}]}, "x[0].numeric", "must be below"),
    "numeric range limit": ({"x": [{"numeric": [">", -6e9]}]}, "x[0].numeric", "outside the numeric range"),
    "anything-but mixed": ({"x": [{"anything-but": ["a", 1]}]}, "x[0].anything-but", "only strings or only numbers"),
    "anything-but null": ({"x": [{"anything-but": None}]}, "x[0].anything-but", "strings or numbers only"),
    "anything-but empty": ({"x": [{"anything-but": []}]}, "x[0].anything-but", "must not be an empty array"),
    "anything-but numeric": ({"x": [{"anything-but": {"numeric": [">", 1]}}]}, "x[0].anything-but.numeric",
                             'cannot hold "numeric"'),
    "anything-but empty prefix": ({"x": [{"anything-but": {"prefix": ""}}]}, "x[0].anything-but.prefix",
                                  "must not be empty"),
    "cidr no length": ({"ip": [{"cidr": "10.0.0.1"}]}, "ip[0].cidr", "not a CIDR block"),
    "cidr garbage": ({"ip": [{"cidr": "10.0.0/99"}]}, "ip[0].cidr", "not a CIDR block"),
    "wildcard double star": ({"k": [{"wildcard": "a**b"}]}, "k[0].wildcard", "consecutive wildcard"),
    "wildcard bad escape": ({"k": [{"wildcard": "a\\b"}]}, "k[0].wildcard", "may only escape"),
    "wildcard trailing escape": ({"k": [{"wildcard": "a\\"}]}, "k[0].wildcard", "may only escape"),
    "or not array": ({"$or": {"a": [1]}}, "$or", "at least two objects, got an object"),
    "or one branch": ({"$or": [{"a": [1]}]}, "$or", "at least two objects, got 1"),
    "or non object": ({"$or": [{"a": [1]}, "b"]}, "$or[1]", "must be an object, got a string"),
    "or reserved name": ({"$or": [{"a": [1]}, {"prefix": ["b"]}]}, "$or[1].prefix", "is a matcher name"),
    "or branch leaf": ({"detail": {"$or": [{"a": [1]}, {"b": 2}]}}, "detail.$or[1].b", "must be an array"),
}


@pytest.mark.parametrize("name", INVALID)
def test_each_invalid_pattern_is_refused_with_its_path_and_reason(name):
    pattern, path, words = INVALID[name]
    with pytest.raises(PatternError) as caught:
        check_pattern(pattern)
    assert caught.value.path == path
    assert words in caught.value.reason


def test_text_that_is_not_json_names_line_and_column():
    with pytest.raises(PatternError) as caught:
        check_pattern('{"source":\n  ["a" "b"]}')
    assert caught.value.reason == "not JSON: Expecting ',' delimiter at line 2, column 8"


def test_every_documented_form_is_accepted_and_returned_as_a_dict():
    pattern = {
        "source": ["aws.ec2", 5, True, None, ""],
        "time": [{"prefix": "2017"}, {"prefix": {"equals-ignore-case": "x"}}, {"suffix": "Z"},
                 {"suffix": {"equals-ignore-case": "z"}}, {"equals-ignore-case": "x"}, {"wildcard": "a*\\*\\\\"}],
        "detail": {
            "a": [{"anything-but": "x"}, {"anything-but": 1}, {"anything-but": ["x", "y"]}, {"anything-but": [1, 2]},
                  {"anything-but": {"prefix": "p"}}, {"anything-but": {"suffix": "s"}},
                  {"anything-but": {"equals-ignore-case": "x"}}, {"anything-but": {"equals-ignore-case": ["x"]}},
                  {"anything-but": {"wildcard": "*x*"}}, {"anything-but": {"wildcard": ["*x", "y*"]}}],
            "n": [{"numeric": ["=", 1]}, {"numeric": [">", 0, "<=", 5]}, {"numeric": [">=", -5e9, "<", 5e9]},
                  {"numeric": ["<", 1]}, {"numeric": ["<=", 1]}, {"numeric": [">", 1]}, {"numeric": [">=", 1]}],
            "ip": [{"cidr": "10.0.0.0/8"}, {"cidr": "2001:db8::/32"}],
            "e": [{"exists": True}, {"exists": False}],
            "$or": [{"x": [1]}, {"y": {"z": [2]}, "$or": [{"p": [1]}, {"q": [2]}]}],
        },
    }
    assert check_pattern(pattern) is pattern
    assert check_pattern('{"source": ["aws.ec2"]}') == {"source": ["aws.ec2"]}


def test_the_error_reads_path_colon_reason():
    assert str(PatternError("detail.state", "must be an array")) == "detail.state: must be an array"
    assert str(PatternError("", "not JSON")) == "not JSON"
