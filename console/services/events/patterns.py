"""EventBridge event patterns checked and matched locally, with EventBridge's semantics.

Sources: the EventBridge user guide's "Event patterns"
(https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-event-patterns.html),
"Comparison operators" (.../eb-create-pattern-operators.html), "Content filtering"
(.../eb-event-patterns-content-based-filtering.html), "Matching on multiple field values"
(.../eb-event-patterns-arrays.html) and "Null values and empty strings"
(.../eb-event-patterns-null-values.html).

What the pages say, in short: a pattern is a JSON object whose leaves are arrays; a field
matches when any entry of its array matches (an entry is a value or a one-key matcher
object); every field named must match (AND), `$or` lists alternatives; when the event's
value is an array, any element may match; comparison operators work on leaf values only.

Where the pages are silent, the reading chosen here (the embedded AWS,
console.demo.extensions.events_patterns, makes the same choices independently, and
tests/events_patterns/test_agreement.py holds both to one table):

- A leaf is a string, number, boolean or null. An object or an empty array at a field is
  no leaf: `exists: true` does not match it, `exists: false` does (the guide's own example:
  `c-count` holding an object "isn't a leaf node").
- Arrays of objects are matched element-consistently: the fields of one pattern object
  must all be found in the same element (`{"a": {"x": [1], "y": [2]}}` does not match
  `{"a": [{"x": 1}, {"y": 2}]}`). Nested arrays are flattened.
- `exists: false` holds when the field has no leaf anywhere in the event at that path (in
  any element of an enclosing array), i.e. "the event does not have this field".
- Numbers compare by value (300 matches 300.0 and 3.0e2), never a boolean (true is not 1).
  `numeric` accepts operands and event values within -5.0e9..+5.0e9 (event values
  outside it never match); a range's lower bound must be below its upper bound.
- `anything-but` matches any present leaf that is not one of the excluded values; so a
  number is "anything but" a string (the page: "matches anything except what's provided").
  An absent field matches no `anything-but`.
- `equals-ignore-case` (and its prefix/suffix/anything-but forms) compares str.lower().
- `wildcard`: `*` matches any run of characters (none included); `\\*` is a literal star
  and `\\\\` a literal backslash; a backslash before anything else, a trailing backslash
  and two consecutive stars are invalid.
- `cidr` needs a prefix length ("10.0.0.0/24") and matches an IPv4 or IPv6 address string.
- `$or` takes an array of at least two objects; a matcher name (prefix, numeric...) may not
  be a field name inside it.
- Field names are taken literally: `{"a.b": [1]}` matches the key "a.b", not a nested b.
"""

from __future__ import annotations

import functools
import ipaddress
import json
import re
from dataclasses import dataclass
from typing import Any, Iterable, Iterator

MATCHERS = ("prefix", "suffix", "equals-ignore-case", "anything-but", "numeric", "exists", "cidr", "wildcard")
NUMERIC_LIMIT = 5.0e9
_LOWER_OPS = (">", ">=")
_UPPER_OPS = ("<", "<=")


@dataclass(frozen=True)
class PatternError(ValueError):
    """An invalid pattern: where (a JSON path such as "detail.state") and why."""

    path: str
    reason: str

    def __str__(self) -> str:
        return f"{self.path}: {self.reason}" if self.path else self.reason


def check_pattern(pattern: str | dict[str, Any]) -> dict[str, Any]:
    """The pattern as a dict, or PatternError naming what is wrong."""
    if isinstance(pattern, str):
        try:
            pattern = json.loads(pattern)
        except json.JSONDecodeError as exc:
            raise PatternError("", f"not JSON: {exc.msg} at line {exc.lineno}, column {exc.colno}") from None
    if not isinstance(pattern, dict):
        raise PatternError("", f"a pattern must be a JSON object, got {json_kind(pattern)}")
    _check_object(pattern, "", inside_or=False)
    return pattern


def matches(pattern: str | dict[str, Any], event: dict[str, Any] | str) -> bool:
    """Whether `event` (the full envelope: id, account, source, time, region, resources,
    detail-type, detail; a dict or its JSON text) matches `pattern`. An invalid pattern
    raises PatternError."""
    checked = check_pattern(pattern)
    if isinstance(event, str):
        event = json.loads(event)
    return _object_matches(checked, event, [event])


# -- checking ------------------------------------------------------------------------


def json_kind(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, (int, float)):
        return "a number"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, list):
        return "an array"
    return "an object"


def _join(path: str, key: str) -> str:
    return f"{path}.{key}" if path else key


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _check_object(node: dict[str, Any], path: str, inside_or: bool) -> None:
    if not node:
        raise PatternError(path, "must not be an empty object")
    for key, value in node.items():
        here = _join(path, key)
        if key == "$or":
            _check_or(value, here)
            continue
        if inside_or and key in MATCHERS:
            raise PatternError(here, f'"{key}" is a matcher name and cannot be a field inside $or')
        if isinstance(value, dict):
            _check_object(value, here, inside_or)
        elif isinstance(value, list):
            _check_values(value, here)
        else:
            raise PatternError(here, f"must be an array of values or matchers, got {json_kind(value)}")


def _check_or(value: Any, path: str) -> None:
    if not isinstance(value, list):
        raise PatternError(path, f"must be an array of at least two objects, got {json_kind(value)}")
    if len(value) < 2:
        raise PatternError(path, f"must hold at least two objects, got {len(value)}")
    for index, branch in enumerate(value):
        if not isinstance(branch, dict):
            raise PatternError(f"{path}[{index}]", f"must be an object, got {json_kind(branch)}")
        _check_object(branch, f"{path}[{index}]", inside_or=True)


def _check_values(values: list[Any], path: str) -> None:
    if not values:
        raise PatternError(path, "must not be an empty array")
    for index, entry in enumerate(values):
        if isinstance(entry, dict):
            _check_matcher(entry, f"{path}[{index}]")
        elif isinstance(entry, list):
            raise PatternError(f"{path}[{index}]", "must be a string, number, true, false, null or a matcher "
                               "object, got an array")


def _check_matcher(matcher: dict[str, Any], path: str) -> None:
    if len(matcher) != 1:
        names = ", ".join(matcher) or "none"
        raise PatternError(path, f"a matcher object has exactly one key, got {len(matcher)} ({names})")
    ((name, operand),) = matcher.items()
    here = _join(path, name)
    if name in ("prefix", "suffix"):
        _check_text_or_ignore_case(operand, here)
    elif name == "equals-ignore-case":
        _need_string(operand, here)
    elif name == "wildcard":
        _need_string(operand, here)
        _wildcard_regex(operand, here)
    elif name == "exists":
        if not isinstance(operand, bool):
            raise PatternError(here, f"must be true or false, got {json_kind(operand)}")
    elif name == "cidr":
        _need_string(operand, here)
        _network(operand, here)
    elif name == "numeric":
        _numeric_conditions(operand, here)
    elif name == "anything-but":
        _check_anything_but(operand, here)
    else:
        raise PatternError(here, f'unknown matcher "{name}" (known: {", ".join(MATCHERS)})')


def _need_string(operand: Any, path: str) -> None:
    if not isinstance(operand, str):
        raise PatternError(path, f"must be a string, got {json_kind(operand)}")


def _check_text_or_ignore_case(operand: Any, path: str) -> None:
    if isinstance(operand, dict):
        if list(operand) != ["equals-ignore-case"]:
            raise PatternError(path, 'must be a string or {"equals-ignore-case": string}')
        _need_string(operand["equals-ignore-case"], _join(path, "equals-ignore-case"))
    else:
        _need_string(operand, path)


def _check_anything_but(operand: Any, path: str) -> None:
    if isinstance(operand, dict):
        if len(operand) != 1:
            raise PatternError(path, "an anything-but object has exactly one key: prefix, suffix, "
                               "equals-ignore-case or wildcard")
        ((name, inner),) = operand.items()
        here = _join(path, name)
        if name in ("prefix", "suffix"):
            _need_string(inner, here)
            if not inner:
                raise PatternError(here, "must not be empty")
        elif name in ("equals-ignore-case", "wildcard"):
            strings = inner if isinstance(inner, list) else [inner]
            if not strings:
                raise PatternError(here, "must not be an empty array")
            for text in strings:
                _need_string(text, here)
                if name == "wildcard":
                    _wildcard_regex(text, here)
        else:
            raise PatternError(here, f'anything-but cannot hold "{name}" (only prefix, suffix, '
                               "equals-ignore-case or wildcard)")
        return
    values = operand if isinstance(operand, list) else [operand]
    if not values:
        raise PatternError(path, "must not be an empty array")
    for value in values:
        if not (isinstance(value, str) or _is_number(value)):
            raise PatternError(path, f"excludes strings or numbers only, got {json_kind(value)}")
    if len({isinstance(value, str) for value in values}) > 1:
        raise PatternError(path, "must list only strings or only numbers, not both")


def _numeric_conditions(operand: Any, path: str) -> list[tuple[str, float]]:
    """[(operator, operand)] of a `numeric` matcher: ["=", n], [op, n] or a lower then an
    upper bound ([">", 0, "<=", 5])."""
    if not isinstance(operand, list):
        raise PatternError(path, f"must be an array such as [\">\", 0, \"<=\", 5], got {json_kind(operand)}")
    if len(operand) not in (2, 4):
        raise PatternError(path, f"must hold one or two (operator, number) pairs, got {len(operand)} items")
    conditions: list[tuple[str, float]] = []
    for index in range(0, len(operand), 2):
        operator, number = operand[index], operand[index + 1]
        if operator not in ("=", "<", "<=", ">", ">="):
            raise PatternError(path, f"unknown numeric operator {json.dumps(operator)} (known: =, <, <=, >, >=)")
        if not _is_number(number):
            raise PatternError(path, f"the operand of {operator} must be a number, got {json_kind(number)}")
        if not -NUMERIC_LIMIT <= number <= NUMERIC_LIMIT:
            raise PatternError(path, f"{number} is outside the numeric range -5.0e9..5.0e9")
        conditions.append((operator, number))
    if len(conditions) == 2:
        (low_op, low), (high_op, high) = conditions
        if low_op not in _LOWER_OPS or high_op not in _UPPER_OPS:
            raise PatternError(path, "a range is a lower bound (> or >=) then an upper bound (< or <=)")
        if low >= high:
            raise PatternError(path, f"the lower bound {low} must be below the upper bound {high}")
    return conditions


@functools.lru_cache(maxsize=512)  # matching compiles each leaf's operand again
def _wildcard_regex(text: str, path: str) -> re.Pattern[str]:
    parts: list[str] = []
    index = 0
    while index < len(text):
        char = text[index]
        if char == "\\":
            following = text[index + 1 : index + 2]
            if following not in ("*", "\\"):
                raise PatternError(path, "a backslash may only escape * or \\")
            parts.append(re.escape(following))
            index += 2
            continue
        if char == "*":
            if text[index + 1 : index + 2] == "*":
                raise PatternError(path, "consecutive wildcard characters (**) are not allowed")
            parts.append(".*")
        else:
            parts.append(re.escape(char))
        index += 1
    return re.compile("".join(parts), re.DOTALL)


def _network(text: str, path: str) -> ipaddress.IPv4Network | ipaddress.IPv6Network:
    if "/" not in text:
        raise PatternError(path, f"{text!r} is not a CIDR block such as 10.0.0.0/24")
    try:
        return ipaddress.ip_network(text, strict=False)
    except ValueError:
        raise PatternError(path, f"{text!r} is not a CIDR block such as 10.0.0.0/24") from None


# -- matching ------------------------------------------------------------------------


def _object_matches(pattern: dict[str, Any], node: Any, everywhere: list[Any]) -> bool:
    """Whether `node` (one consistent choice of array elements) matches `pattern`;
    `everywhere` is every event node at the same path, for `exists: false`."""
    for key, expected in pattern.items():
        if key == "$or":
            if not any(_object_matches(branch, node, everywhere) for branch in expected):
                return False
            continue
        child = node.get(key, _ABSENT) if isinstance(node, dict) else _ABSENT
        others = [n[key] for n in everywhere if isinstance(n, dict) and key in n]
        if isinstance(expected, dict):
            elements = [e for e in _flatten(child) if isinstance(e, dict)] or [None]
            all_elements = [e for other in others for e in _flatten(other) if isinstance(e, dict)]
            if not any(_object_matches(expected, element, all_elements) for element in elements):
                return False
        elif not _field_matches(expected, _leaves(child), any(_leaves(other) for other in others)):
            return False
    return True


_ABSENT = object()


def _flatten(value: Any) -> Iterator[Any]:
    if isinstance(value, list):
        for item in value:
            yield from _flatten(item)
    elif value is not _ABSENT:
        yield value


def _leaves(value: Any) -> list[Any]:
    """The leaf values at a field: objects (and empty arrays) contribute none."""
    return [leaf for leaf in _flatten(value) if not isinstance(leaf, dict)]


def _field_matches(entries: list[Any], leaves: list[Any], anywhere: bool) -> bool:
    """Whether any entry of a field's array matches: `leaves` are this node's values,
    `anywhere` whether the field has a leaf anywhere at its path."""
    for entry in entries:
        if isinstance(entry, dict) and "exists" in entry:
            if (bool(leaves) if entry["exists"] else not anywhere):
                return True
        elif any(_entry_matches(entry, leaf) for leaf in leaves):
            return True
    return False


def _same(expected: Any, leaf: Any) -> bool:
    if _is_number(expected):
        return _is_number(leaf) and expected == leaf
    if isinstance(expected, bool) or expected is None:
        return leaf is expected
    return isinstance(leaf, str) and leaf == expected


def _entry_matches(entry: Any, leaf: Any) -> bool:
    if not isinstance(entry, dict):
        return _same(entry, leaf)
    ((name, operand),) = entry.items()
    if name == "anything-but":
        return not _excluded(operand, leaf)
    if name == "numeric":
        return _is_number(leaf) and abs(leaf) <= NUMERIC_LIMIT and all(
            _compare(op, leaf, number) for op, number in _numeric_conditions(operand, ""))
    if not isinstance(leaf, str):
        return False
    if name == "cidr":
        return _in_network(leaf, _network(operand, ""))
    return _text_matches(name, operand, leaf)


def _text_matches(name: str, operand: Any, text: str) -> bool:
    ignore_case = isinstance(operand, dict)
    wanted: str = operand["equals-ignore-case"] if ignore_case else operand
    if ignore_case or name == "equals-ignore-case":
        wanted, text = wanted.lower(), text.lower()
    if name == "prefix":
        return text.startswith(wanted)
    if name == "suffix":
        return text.endswith(wanted)
    if name == "equals-ignore-case":
        return text == wanted
    return _wildcard_regex(wanted, "").fullmatch(text) is not None


def _excluded(operand: Any, leaf: Any) -> bool:
    """Whether `leaf` is one of the values an anything-but operand names."""
    if isinstance(operand, dict):
        ((name, inner),) = operand.items()
        if not isinstance(leaf, str):
            return False
        texts: Iterable[str] = inner if isinstance(inner, list) else [inner]
        return any(_text_matches(name, text, leaf) for text in texts)
    values = operand if isinstance(operand, list) else [operand]
    return any(_same(value, leaf) for value in values)


def _compare(operator: str, value: float, number: float) -> bool:
    return {
        "=": value == number,
        "<": value < number,
        "<=": value <= number,
        ">": value > number,
        ">=": value >= number,
    }[operator]


def _in_network(text: str, network: ipaddress.IPv4Network | ipaddress.IPv6Network) -> bool:
    try:
        address = ipaddress.ip_address(text)
    except ValueError:
        return False
    return address.version == network.version and address in network
