"""EventBridge event patterns on the embedded AWS: TestEventPattern, PutRule's validation
and PutEvents' routing to rules, with EventBridge's semantics.

moto 5.2.5 answers TestEventPattern with `{}`, checks only that a pattern's values are
objects or arrays, and routes PutEvents with a matcher that misses arrays of objects,
number equality by value, anything-but forms and most of what is invalid. Written here
from the EventBridge user guide, independently of the console's matcher
(console.services.events.patterns; tests/events_patterns/test_agreement.py holds the two
to one table):

- https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-event-patterns.html and
  .../eb-create-pattern.html: a pattern names fields; every field must match; a field's
  value is an array of values or matcher objects, any of which may match.
- .../eb-create-pattern-operators.html and .../eb-event-patterns-content-based-filtering.html:
  prefix, suffix (each also as {"equals-ignore-case": ...}), equals-ignore-case, wildcard,
  anything-but (values, prefix, suffix, equals-ignore-case, wildcard), numeric, cidr,
  exists, `$or`; comparison operators work on leaf values.
- .../eb-event-patterns-arrays.html: when the event's value is an array, the pattern
  matches if any element matches.
- .../eb-event-patterns-null-values.html: null and "" are values like any other; a missing
  field is not null.
- https://docs.aws.amazon.com/eventbridge/latest/APIReference/API_TestEventPattern.html:
  answers `{"Result": bool}`; an invalid pattern is InvalidEventPatternException; the
  event must hold id, account, source, time, region, resources and detail-type.

The engine: a pattern is compiled into branches (one per combination of `$or`
alternatives), each a list of (field path, matchers); the event is flattened into leaves
(path, value, which element of each enclosing array it sits in). A branch matches when
each of its fields finds a leaf, and the leaves chosen agree on the element of every array
they share (two fields of one pattern object come from the same array element). Readings
where the guide is silent (both matchers make the same choice):

- objects and empty arrays are not leaves: `exists: true` fails on them, `exists: false`
  holds (the guide's `c-count` example); `exists: false` holds when the path has no leaf
  anywhere in the event;
- numbers compare by value and are never booleans; `numeric` works within -5.0e9..+5.0e9
  and a range's lower bound must be below its upper bound;
- anything-but excludes only the values it names (a number is "anything but" a string) and
  needs the field present; equals-ignore-case compares lower-cased text;
- wildcard: `*` any run of characters, `\\*` a star, `\\\\` a backslash, no `**`, no other
  escapes; cidr needs a prefix length; `$or` needs at least two objects and no matcher
  name as a field inside it; a dotted key is one field name.

Error texts follow the ones AWS gives ("Event pattern is not valid. Reason: "slug" must be
an object or an array", "... Reason: Empty objects are not allowed"), without the parser
position AWS appends; an event that is not a JSON object with the mandatory fields is
ValidationException "Parameter Event is not valid." (our choice of reason suffix below).
"""

from __future__ import annotations

import functools
import ipaddress
import json
import operator
import re
import threading
from itertools import product
from typing import Any

MANDATORY_EVENT_FIELDS = ("id", "account", "source", "time", "region", "resources", "detail-type")
NUMBER_LIMIT = 5.0e9
OPERATOR_NAMES = frozenset(
    {"prefix", "suffix", "equals-ignore-case", "anything-but", "numeric", "exists", "cidr", "wildcard"})

_COMPARE = {"=": operator.eq, "<": operator.lt, "<=": operator.le, ">": operator.gt, ">=": operator.ge}

_lock = threading.Lock()
_installed = False


class Invalid(Exception):
    """The pattern is invalid; the message is AWS's reason."""


# -- compiling -----------------------------------------------------------------------
# A matcher is a tuple: ("eq", value) | ("prefix"|"suffix"|"eic"|"wild", text, fold) |
# ("not", [excluded matchers]) | ("num", [(op, n)]) | ("cidr", network) | ("exists", bool)


@functools.lru_cache(maxsize=4096)  # PutEvents matches every rule of the bus, event after event
def compile_pattern(text: str | None) -> list[list[tuple[tuple[str, ...], list[tuple]]]]:
    """Branches of (path, matchers) fields; raises Invalid with AWS's reason."""
    try:
        pattern = json.loads(text) if text else None
    except ValueError as exc:
        raise Invalid(f"Invalid JSON: {exc}") from None
    if not isinstance(pattern, dict):
        raise Invalid("Filter is not an object")
    return _branches(pattern, (), False)


def _branches(node: dict, path: tuple[str, ...], in_or: bool) -> list[list]:
    if not node:
        raise Invalid("Empty objects are not allowed")
    result: list[list] = [[]]
    for name, value in node.items():
        if name == "$or":
            if not isinstance(value, list):
                raise Invalid("It must be an Array followed with $or.")
            if any(not isinstance(item, dict) for item in value):
                raise Invalid("Only JSON object is allowed in array of $or relationship.")
            if len(value) < 2:
                raise Invalid("There must have at least 2 Objects in $or relationship.")
            alternatives = [b for item in value for b in _branches(item, path, True)]
            result = [a + b for a, b in product(result, alternatives)]
            continue
        if in_or and name in OPERATOR_NAMES:
            raise Invalid(f"{name} is Ruler reserved fieldName which cannot be used inside $or.")
        if isinstance(value, dict):
            result = [a + b for a, b in product(result, _branches(value, path + (name,), in_or))]
        elif isinstance(value, list):
            field = (path + (name,), _matchers(value))
            result = [a + [field] for a in result]
        else:
            raise Invalid(f'"{name}" must be an object or an array')
    return result


def _is_num(value: Any) -> bool:
    return type(value) in (int, float)


def _matchers(values: list) -> list[tuple]:
    if not values:
        raise Invalid("Empty arrays are not allowed")
    found = []
    for value in values:
        if isinstance(value, dict):
            found.append(_operator(value))
        elif isinstance(value, list):
            raise Invalid("Match value must be String, number, true, false, or null")
        else:
            found.append(("eq", value))
    return found


def _text(value: Any, what: str) -> str:
    if not isinstance(value, str):
        raise Invalid(f"{what} match pattern must be a string")
    return value


def _operator(expression: dict) -> tuple:
    if not expression:
        raise Invalid("Match expression name not found")
    if len(expression) > 1:
        raise Invalid("Only one key allowed in match expression")
    ((kind, arg),) = expression.items()
    if kind in ("prefix", "suffix"):
        if isinstance(arg, dict) and set(arg) == {"equals-ignore-case"}:
            return (kind, _text(arg["equals-ignore-case"], kind), True)
        return (kind, _text(arg, kind), False)
    if kind == "equals-ignore-case":
        return ("eic", _text(arg, kind), True)
    if kind == "wildcard":
        return ("wild", _glob(_text(arg, kind)), False)
    if kind == "exists":
        if arg is not True and arg is not False:
            raise Invalid("exists match pattern must be either true or false.")
        return ("exists", arg)
    if kind == "cidr":
        return ("cidr", _cidr(_text(arg, "cidr")))
    if kind == "numeric":
        return ("num", _numeric(arg))
    if kind == "anything-but":
        return ("not", _anything_but(arg))
    raise Invalid(f"Unrecognized match type {kind}")


def _anything_but(arg: Any) -> list[tuple]:
    if isinstance(arg, dict):
        if len(arg) != 1:
            raise Invalid("Only one key allowed in match expression")
        ((kind, inner),) = arg.items()
        if kind in ("prefix", "suffix"):
            if not isinstance(inner, str):
                raise Invalid("prefix/suffix match pattern must be a string")
            if inner == "":
                raise Invalid("Null prefix/suffix not allowed")
            return [(kind, inner, False)]
        if kind in ("equals-ignore-case", "wildcard"):
            texts = inner if isinstance(inner, list) else [inner]
            if not texts or not all(isinstance(t, str) for t in texts):
                raise Invalid(f"Inside anything-but/{kind} list, number|start|null|boolean is not supported.")
            if kind == "wildcard":
                return [("wild", _glob(t), False) for t in texts]
            return [("eic", t, True) for t in texts]
        raise Invalid(f"Unsupported anything-but pattern: {kind}")
    values = arg if isinstance(arg, list) else [arg]
    strings = [v for v in values if isinstance(v, str)]
    numbers = [v for v in values if _is_num(v)]
    if len(strings) + len(numbers) != len(values):
        raise Invalid("Inside anything but list, start|null|boolean is not supported.")
    if not values or (strings and numbers):
        raise Invalid("Inside anything but list, either all values are number or string, "
                      "mixed type is not supported")
    return [("eq", v) for v in values]


def _numeric(arg: Any) -> list[tuple[str, float]]:
    if not isinstance(arg, list):
        raise Invalid("Value of numeric must be an array.")
    if len(arg) not in (2, 4):
        raise Invalid("Too many elements in numeric expression" if len(arg) > 4 else
                      "Invalid member in numeric match")
    terms: list[tuple[str, float]] = []
    for op, number in zip(arg[0::2], arg[1::2]):
        if op not in ("=", "<", "<=", ">", ">="):
            raise Invalid(f"Unrecognized numeric range operator: {op}")
        if not _is_num(number):
            raise Invalid(f"Value of {op} must be numeric")
        if abs(number) > NUMBER_LIMIT:
            raise Invalid(f"Value of {op} must be between -5.0E9 and 5.0E9 inclusive")
        terms.append((op, number))
    if len(terms) == 2:
        if terms[0][0] not in (">", ">=") or terms[1][0] not in ("<", "<="):
            raise Invalid(f"Bad numeric range operator: {terms[1][0]}")
        if terms[0][1] >= terms[1][1]:
            raise Invalid("Bottom must be less than top")
    return terms


def _glob(text: str) -> re.Pattern:
    out, i = "", 0
    while i < len(text):
        c = text[i]
        if c == "\\":
            nxt = text[i + 1] if i + 1 < len(text) else ""
            if nxt not in ("*", "\\"):
                raise Invalid(f"Invalid escape character at pos {i}")
            out += re.escape(nxt)
            i += 2
        elif c == "*":
            if text.startswith("**", i):
                raise Invalid(f"Consecutive wildcard characters at pos {i + 1}")
            out += ".*"
            i += 1
        else:
            out += re.escape(c)
            i += 1
    return re.compile(out, re.S)


def _cidr(text: str) -> ipaddress.IPv4Network | ipaddress.IPv6Network:
    if text.count("/") != 1:
        raise Invalid(f"Malformed CIDR, one '/' required: {text}")
    try:
        return ipaddress.ip_network(text, strict=False)
    except ValueError:
        raise Invalid(f"Invalid CIDR: {text}") from None


# -- matching ------------------------------------------------------------------------


def flatten(event: Any) -> dict[tuple[str, ...], list[tuple[Any, dict[int, int]]]]:
    """path -> [(leaf, {array id: element index})] for every leaf of `event`."""
    leaves: dict[tuple[str, ...], list[tuple[Any, dict[int, int]]]] = {}
    counter = [0]

    def walk(node: Any, path: tuple[str, ...], trail: dict[int, int]) -> None:
        if isinstance(node, dict):
            for key, child in node.items():
                walk(child, path + (key,), trail)
        elif isinstance(node, list):
            counter[0] += 1
            array = counter[0]
            for index, element in enumerate(node):
                walk(element, path, {**trail, array: index})
        elif path:
            leaves.setdefault(path, []).append((node, trail))

    walk(event, (), {})
    return leaves


def _hit(matcher: tuple, leaf: Any) -> bool:
    kind = matcher[0]
    if kind == "eq":
        want = matcher[1]
        if _is_num(want):
            return _is_num(leaf) and leaf == want
        return type(leaf) is type(want) and leaf == want
    if kind == "not":
        return not any(_hit(m, leaf) for m in matcher[1])
    if kind == "num":
        if not _is_num(leaf) or abs(leaf) > NUMBER_LIMIT:
            return False
        return all(_COMPARE[op](leaf, n) for op, n in matcher[1])
    if not isinstance(leaf, str):
        return False
    if kind == "cidr":
        try:
            address = ipaddress.ip_address(leaf)
        except ValueError:
            return False
        return address.version == matcher[1].version and address in matcher[1]
    if kind == "wild":
        return matcher[1].fullmatch(leaf) is not None
    want, value = (matcher[1].lower(), leaf.lower()) if matcher[2] else (matcher[1], leaf)
    if kind == "prefix":
        return value.startswith(want)
    if kind == "suffix":
        return value.endswith(want)
    return value == want  # eic


def _consistent(a: dict[int, int], b: dict[int, int]) -> bool:
    return all(b.get(array, index) == index for array, index in a.items())


def _branch_matches(fields: list, leaves: dict) -> bool:
    absent_ok = []
    needed = []
    for path, matchers in fields:
        found = leaves.get(path, [])
        candidates = [(leaf, trail) for leaf, trail in found
                      if any(m[0] != "exists" and _hit(m, leaf) for m in matchers)]
        if any(m == ("exists", True) for m in matchers):
            candidates += [(leaf, trail) for leaf, trail in found]
        absent = any(m == ("exists", False) for m in matchers) and not found
        if absent:
            absent_ok.append(path)
            continue
        if not candidates:
            return False
        needed.append(candidates)

    def choose(index: int, trail: dict[int, int]) -> bool:
        if index == len(needed):
            return True
        return any(_consistent(trail, t) and choose(index + 1, {**trail, **t}) for _, t in needed[index])

    return choose(0, {})


def event_matches(branches: list, event: Any) -> bool:
    leaves = flatten(event)
    return any(_branch_matches(fields, leaves) for fields in branches)


# -- moto ----------------------------------------------------------------------------


def install() -> None:
    global _installed
    with _lock:
        if _installed:
            return
        from moto.events import models, responses
        from moto.events.exceptions import InvalidEventPatternException, ValidationException

        def parse(self) -> dict:
            if not self.pattern:
                return {}
            try:
                compile_pattern(self.pattern)
            except Invalid as exc:
                raise InvalidEventPatternException(reason=str(exc)) from None
            return json.loads(self.pattern)

        def matches_event(self, event: Any) -> bool:
            if not self._pattern:
                return True  # a scheduled rule: no pattern to match
            branches = compile_pattern(self._raw_pattern or json.dumps(self._pattern))
            return event_matches(branches, json.loads(json.dumps(event, default=str)))

        def test_event_pattern(self) -> str:
            try:
                branches = compile_pattern(self._get_param("EventPattern"))
            except Invalid as exc:
                raise InvalidEventPatternException(reason=str(exc)) from None
            try:
                event = json.loads(self._get_param("Event") or "")
            except ValueError:
                raise ValidationException("Parameter Event is not valid.") from None
            if not isinstance(event, dict):
                raise ValidationException("Parameter Event is not valid.")
            missing = [name for name in MANDATORY_EVENT_FIELDS if name not in event]
            if missing:
                raise ValidationException(
                    f"Parameter Event is not valid. Reason: Provided Event is missing required field {missing[0]}.")
            return json.dumps({"Result": event_matches(branches, event)})

        models.EventPatternParser.parse = parse
        models.EventPattern.matches_event = matches_event
        responses.EventsHandler.test_event_pattern = test_event_pattern
        _installed = True
