"""The console's matcher, one operator per test, on the user guide's own examples where it
has them (https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-create-pattern-operators.html
and the pages it links); the readings where the guide is silent are the ones
console/services/events/patterns.py documents."""

from __future__ import annotations

from console.services.events.patterns import matches


def ev(**detail) -> dict:
    return {"source": "aws.ec2", "detail-type": "x", "resources": ["arn:1", "arn:2"], "detail": detail}


def test_exact_values_strings_numbers_booleans_null():
    assert matches({"source": ["aws.ec2"]}, ev())
    assert not matches({"source": ["AWS.EC2"]}, ev())
    assert matches({"detail": {"n": [300]}}, ev(n=300.0))  # by value: 300, 300.0, 3.0e2
    assert matches({"detail": {"n": [3.0e2]}}, ev(n=300))
    assert not matches({"detail": {"n": ["300"]}}, ev(n=300))
    assert not matches({"detail": {"n": [300]}}, ev(n="300"))
    assert matches({"detail": {"b": [False]}}, ev(b=False))
    assert not matches({"detail": {"b": [0]}}, ev(b=False))
    assert not matches({"detail": {"b": [True]}}, ev(b=1))


def test_null_and_empty_string_are_values_a_missing_field_is_neither():
    """eb-event-patterns-null-values.html."""
    assert matches({"detail": {"v": [None]}}, ev(v=None))
    assert not matches({"detail": {"v": [None]}}, ev())
    assert matches({"detail": {"v": [""]}}, ev(v=""))
    assert not matches({"detail": {"v": [""]}}, ev(v=None))


def test_pattern_arrays_are_any_of_and_fields_are_all_of():
    assert matches({"source": ["aws.s3", "aws.ec2"]}, ev())
    assert not matches({"source": ["aws.ec2"], "detail-type": ["y"]}, ev())


def test_event_arrays_match_when_any_element_does():
    """eb-event-patterns-arrays.html: the intersection of the two arrays is not empty."""
    assert matches({"resources": ["arn:0", "arn:2"]}, ev())
    assert not matches({"resources": ["arn:0"]}, ev())
    assert matches({"detail": {"m": [4]}}, ev(m=[[1, 2], [3, [4]]]))


def test_nested_objects_and_arrays_of_objects_match_within_one_element():
    people = ev(people=[{"first": "John", "last": "Doe"}, {"first": "Anna", "last": "Smith"}])
    assert matches({"detail": {"people": {"first": ["Anna"]}}}, people)
    assert matches({"detail": {"people": {"first": ["Anna"], "last": ["Smith"]}}}, people)
    assert not matches({"detail": {"people": {"first": ["Anna"], "last": ["Doe"]}}}, people)
    assert not matches({"detail": {"people": {"first": ["Anna"]}}}, ev(people="Anna"))
    assert matches({"detail": {"a": {"b": {"c": [1]}}}}, ev(a={"b": {"c": 1}}))


def test_prefix_and_its_ignore_case_form():
    assert matches({"detail": {"t": [{"prefix": "2017-10-02"}]}}, ev(t="2017-10-02T18:43:48Z"))
    assert not matches({"detail": {"t": [{"prefix": "2017-10-03"}]}}, ev(t="2017-10-02T18:43:48Z"))
    assert matches({"detail": {"s": [{"prefix": {"equals-ignore-case": "EventB"}}]}}, ev(s="eventbridge"))
    assert not matches({"detail": {"s": [{"prefix": "5"}]}}, ev(s=55))  # strings only


def test_suffix_and_its_ignore_case_form():
    assert matches({"detail": {"f": [{"suffix": ".png"}]}}, ev(f="cat.png"))
    assert not matches({"detail": {"f": [{"suffix": ".png"}]}}, ev(f="cat.PNG"))
    assert matches({"detail": {"f": [{"suffix": {"equals-ignore-case": ".png"}}]}}, ev(f="cat.PNG"))


def test_equals_ignore_case():
    assert matches({"detail": {"n": [{"equals-ignore-case": "alice"}]}}, ev(n="ALICE"))
    assert not matches({"detail": {"n": [{"equals-ignore-case": "alice"}]}}, ev(n="alice2"))


def test_anything_but_values_prefix_suffix_ignore_case_and_wildcard():
    assert matches({"detail": {"s": [{"anything-but": "initializing"}]}}, ev(s="running"))
    assert not matches({"detail": {"s": [{"anything-but": "initializing"}]}}, ev(s="initializing"))
    assert not matches({"detail": {"x": [{"anything-but": 123}]}}, ev(x=123.0))
    assert not matches({"detail": {"s": [{"anything-but": ["stopped", "overloaded"]}]}}, ev(s="stopped"))
    assert matches({"detail": {"x": [{"anything-but": [100, 200, 300]}]}}, ev(x=150))
    assert not matches({"detail": {"s": [{"anything-but": {"prefix": "init"}}]}}, ev(s="initializing"))
    assert not matches({"detail": {"f": [{"anything-but": {"suffix": ".png"}}]}}, ev(f="a.png"))
    assert not matches({"detail": {"s": [{"anything-but": {"equals-ignore-case": ["A", "b"]}}]}}, ev(s="B"))
    assert not matches({"detail": {"p": [{"anything-but": {"wildcard": "*/lib/*"}}]}}, ev(p="/usr/lib/x"))
    assert matches({"detail": {"p": [{"anything-but": {"wildcard": "*/lib/*"}}]}}, ev(p="/usr/bin/x"))
    assert not matches({"detail": {"s": [{"anything-but": "x"}]}}, ev())  # needs the field
    assert matches({"detail": {"s": [{"anything-but": "x"}]}}, ev(s=5))  # a number is not "x"


def test_numeric_ranges_and_equality():
    """Content filtering, numeric matching: JSON numbers only."""
    pattern = {"detail": {"c": [{"numeric": [">", 0, "<=", 5]}]}}
    assert [matches(pattern, ev(c=c)) for c in (0, 0.5, 5, 5.000001, "3", True)] == [
        False, True, True, False, False, False]
    assert matches({"detail": {"x": [{"numeric": ["=", 3.018e2]}]}}, ev(x=301.8))
    assert matches({"detail": {"d": [{"numeric": [">=", -1]}]}}, ev(d=-1))
    assert not matches({"detail": {"d": [{"numeric": [">", 0]}]}}, ev(d=6e9))  # beyond 5.0e9


def test_exists_on_leaves_only():
    """Content filtering, exists matching: a field holding an object is not a leaf."""
    assert matches({"detail": {"c": [{"exists": True}]}}, ev(c=0))
    assert matches({"detail": {"c": [{"exists": True}]}}, ev(c=None))
    assert not matches({"detail": {"c": [{"exists": True}]}}, ev())
    assert matches({"detail": {"c": [{"exists": False}]}}, ev())
    assert matches({"detail": {"c": [{"exists": False}]}}, ev(c={"c1": 100}))
    assert not matches({"detail": {"c": [{"exists": True}]}}, ev(c={"c1": 100}))
    assert matches({"detail": {"c": [{"exists": False}]}}, ev(c=[]))
    assert matches({"nothing": {"c": [{"exists": False}]}}, ev())


def test_exists_false_looks_at_every_element_of_an_array():
    people = ev(people=[{"first": "John"}, {"first": "Anna", "middle": "M"}])
    assert not matches({"detail": {"people": {"middle": [{"exists": False}]}}}, people)
    assert matches({"detail": {"people": {"nick": [{"exists": False}]}}}, people)


def test_cidr_ipv4_and_ipv6():
    assert matches({"detail": {"ip": [{"cidr": "10.0.0.0/24"}]}}, ev(ip="10.0.0.255"))
    assert not matches({"detail": {"ip": [{"cidr": "10.0.0.0/24"}]}}, ev(ip="10.0.1.0"))
    assert matches({"detail": {"ip": [{"cidr": "2001:db8::/32"}]}}, ev(ip="2001:db8:1::1"))
    assert not matches({"detail": {"ip": [{"cidr": "10.0.0.0/8"}]}}, ev(ip="::ffff:10.0.0.1"))
    assert not matches({"detail": {"ip": [{"cidr": "10.0.0.0/8"}]}}, ev(ip="not an ip"))


def test_wildcard_with_escapes():
    assert matches({"source": [{"wildcard": "aws.*"}]}, ev())
    assert matches({"detail": {"k": [{"wildcard": "dir/*.png"}]}}, ev(k="dir/a/b.png"))
    assert matches({"detail": {"k": [{"wildcard": "*"}]}}, ev(k=""))
    assert matches({"detail": {"k": [{"wildcard": "a\\*b"}]}}, ev(k="a*b"))
    assert not matches({"detail": {"k": [{"wildcard": "a\\*b"}]}}, ev(k="axb"))
    assert matches({"detail": {"k": [{"wildcard": "a\\\\b"}]}}, ev(k="a\\b"))
    assert matches({"detail": {"k": [{"wildcard": "a*"}]}}, ev(k="a\nb"))
    assert not matches({"detail": {"k": [{"wildcard": "a*"}]}}, ev(k=5))


def test_or_across_fields_and_nested():
    """Comparison operators, "Or (multiple fields)"."""
    pattern = {"source": ["aws.ec2"], "$or": [{"detail": {"a": [1]}}, {"detail": {"b": [2]}}]}
    assert matches(pattern, ev(b=2))
    assert not matches(pattern, ev(a=2, b=1))
    nested = {"detail": {"$or": [{"a": [1]}, {"b": [2], "$or": [{"c": [3]}, {"d": [4]}]}]}}
    assert matches(nested, ev(b=2, d=4))
    assert not matches(nested, ev(b=2))


def test_a_pattern_or_event_may_be_given_as_json_text():
    assert matches('{"source": ["aws.ec2"]}', '{"source": "aws.ec2"}')
