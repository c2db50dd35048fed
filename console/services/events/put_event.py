"""A test event for a bus: read from what a person wrote, shaped like a rule's pattern, and
matched against the bus's rules before anything is sent. No textual.

People write events two ways and both are read: a PutEvents entry (`Source`,
`DetailType`, `Detail` as a JSON string or object, optional `Resources`, `Time`) or the
event as rules see it (`source`, `detail-type`, `detail`, ...). Either becomes one
PutEvents entry; what is missing or of the wrong type is named. Which rules of the bus
would match is the local matcher's answer (console.services.events.patterns) on the
envelope EventBridge would build around the entry.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from console.aws.context import AwsContext
from console.aws.limits import max_page
from console.json_text import JsonTextError, parse_json_text
from console.services.events import pattern_test

# PutEvents entry field -> the envelope's name for it
ENVELOPE_NAMES = {"Source": "source", "DetailType": "detail-type", "Detail": "detail",
                  "Resources": "resources", "Time": "time"}
REQUIRED = ("Source", "DetailType", "Detail")


class EventFileError(ValueError):
    """What is wrong with an event: the field (or "JSON" with its line and column) and why."""

    def __init__(self, field: str, reason: str, line: int | None = None, column: int | None = None) -> None:
        self.field, self.reason, self.line, self.column = field, reason, line, column
        where = f" at line {line}, column {column}" if line is not None else ""
        super().__init__(f"{field}{where}: {reason}")


def _pick(raw: dict, entry_name: str) -> tuple[bool, Any]:
    for name in (entry_name, ENVELOPE_NAMES[entry_name]):
        if name in raw:
            return True, raw[name]
    return False, None


def entry_from(raw: Any) -> dict[str, Any]:
    """One PutEvents entry (without EventBusName) from an entry or an event envelope."""
    if isinstance(raw, dict) and "Entries" in raw:
        entries = raw["Entries"]
        if not isinstance(entries, list) or len(entries) != 1:
            raise EventFileError("Entries", "give exactly one entry (a test event is one event)")
        raw = entries[0]
    if not isinstance(raw, dict):
        raise EventFileError("event", f"expected a JSON object, found {type(raw).__name__}")
    missing = [name for name in REQUIRED if not _pick(raw, name)[0]]
    if missing:
        names = ", ".join(f"{name} ({ENVELOPE_NAMES[name]})" for name in missing)
        raise EventFileError(missing[0], f"missing: {names}")
    entry: dict[str, Any] = {}
    for name in ("Source", "DetailType"):
        value = _pick(raw, name)[1]
        if not isinstance(value, str) or not value.strip():
            raise EventFileError(name, "expected a non-empty string")
        entry[name] = value
    detail = _pick(raw, "Detail")[1]
    if isinstance(detail, str):
        try:
            detail = json.loads(detail)
        except ValueError as exc:
            raise EventFileError("Detail", f"the string is not JSON ({exc})") from None
    if not isinstance(detail, dict):
        raise EventFileError("Detail", "expected a JSON object (EventBridge requires one)")
    entry["Detail"] = json.dumps(detail, separators=(",", ":"), ensure_ascii=False)
    found, resources = _pick(raw, "Resources")
    if found:
        if not isinstance(resources, list) or not all(isinstance(r, str) for r in resources):
            raise EventFileError("Resources", "expected a list of ARNs (strings)")
        entry["Resources"] = resources
    found, when = _pick(raw, "Time")
    if isinstance(when, datetime):
        entry["Time"] = when
    elif found and when is not None:
        if not isinstance(when, str):
            raise EventFileError("Time", "expected an ISO-8601 time, e.g. 2026-12-01T09:00:00Z")
        try:
            entry["Time"] = datetime.fromisoformat(when.replace("Z", "+00:00"))
        except ValueError:
            raise EventFileError("Time", f"not an ISO-8601 time: {when!r}") from None
    return entry


def read_entry(text: str) -> dict[str, Any]:
    """The entry in `text`; EventFileError naming the line and column of bad JSON, or the field."""
    try:
        raw = parse_json_text(text, "the event is empty")
    except JsonTextError as exc:
        raise EventFileError("JSON", exc.message, exc.line, exc.column) from None
    return entry_from(raw)


def event_bus_of(text: str) -> str | None:
    """The EventBusName a PutEvents entry in `text` names, if any (the CLI checks it against --bus)."""
    try:
        raw = json.loads(text)
    except ValueError:
        return None
    if isinstance(raw, dict) and isinstance(raw.get("Entries"), list) and len(raw["Entries"]) == 1:
        raw = raw["Entries"][0]
    bus = raw.get("EventBusName") if isinstance(raw, dict) else None
    return bus if isinstance(bus, str) and bus else None


def envelope(entry: dict[str, Any], account: str, region: str, now: datetime) -> dict[str, Any]:
    """The event as rules see it: EventBridge's envelope around the entry (at its Time, if it
    gives one), filled in as `events test-pattern` fills it (pattern_test.envelope)."""
    event = {"source": entry["Source"], "detail-type": entry["DetailType"], "detail": json.loads(entry["Detail"]),
             "resources": list(entry.get("Resources", []))}
    return pattern_test.envelope(event, account, region, entry.get("Time") or now)


def describe_entry(entry: dict[str, Any]) -> str:
    """One line naming the event (for a plan step)."""
    return (f"source {entry['Source']}, detail-type {entry['DetailType']}, "
            f"detail {len(entry['Detail'].encode())} bytes")


# an event shaped like a pattern -----------------------------------------------------------------
def _sample(values: Any) -> tuple[bool, Any]:
    """A value a pattern's list (or nested object) accepts: (found, value); not found: leave
    the field out (an `exists: false`, or operators with no simple example)."""
    if isinstance(values, dict):
        return True, _shape(values)
    if not isinstance(values, list):
        return False, None
    for value in values:
        if not isinstance(value, dict):
            return True, value
    for value in values:
        if not isinstance(value, dict):
            continue
        ((op, arg),) = value.items() if len(value) == 1 else ((None, None),)
        if op == "prefix":
            return True, f"{_text(arg)}example"
        if op == "suffix":
            return True, f"example{_text(arg)}"
        if op == "equals-ignore-case":
            return True, arg
        if op == "wildcard" and isinstance(arg, str):
            return True, arg.replace("*", "x")
        if op == "cidr" and isinstance(arg, str):
            return True, arg.split("/", 1)[0]
        if op == "exists":
            return (True, "example") if arg else (False, None)
        if op == "anything-but":
            return True, "example-other"
        if op == "numeric" and isinstance(arg, list):
            return True, _number_in(arg)
    return False, None


def _text(arg: Any) -> str:
    """The string of a prefix/suffix argument (`{"equals-ignore-case": ...}` forms included)."""
    if isinstance(arg, dict) and arg:
        return str(next(iter(arg.values())))
    return str(arg)


def _number_in(bounds: list) -> float | int:
    """A number inside numeric bounds like [">", 0, "<=", 5] or ["=", 3]."""
    low, high = None, None
    for op, value in zip(bounds[::2], bounds[1::2]):
        if not isinstance(value, (int, float)):
            continue
        if op == "=":
            return value
        if op in (">", ">="):
            low = value if op == ">=" else value + (1 if isinstance(value, int) else 0.5)
        if op in ("<", "<="):
            high = value if op == "<=" else value - (1 if isinstance(value, int) else 0.5)
    if low is not None and high is not None:
        return low if low <= high else (low + high) / 2
    return low if low is not None else (high if high is not None else 0)


def _shape(pattern: dict) -> dict:
    shaped: dict[str, Any] = {}
    for key, values in pattern.items():
        if key.startswith("$"):  # $or: take its first branch's shape
            if isinstance(values, list) and values and isinstance(values[0], dict):
                shaped.update(_shape(values[0]))
            continue
        found, value = _sample(values)
        if found:
            shaped[key] = value
    return shaped


def event_for_pattern(pattern: str | None) -> dict[str, Any]:
    """A test event (envelope form: source, detail-type, detail, resources) shaped like
    `pattern`: a value each field of the pattern accepts where one is simple to give."""
    try:
        parsed = json.loads(pattern) if pattern else {}
    except ValueError:
        parsed = {}
    shaped = _shape(parsed) if isinstance(parsed, dict) else {}
    source, detail_type = shaped.get("source"), shaped.get("detail-type")
    detail = shaped.get("detail")
    resources = shaped.get("resources")
    return {
        "source": source if isinstance(source, str) else pattern_test.DEFAULT_SOURCE,
        "detail-type": detail_type if isinstance(detail_type, str) else pattern_test.DEFAULT_DETAIL_TYPE,
        "detail": detail if isinstance(detail, dict) else {},
        "resources": [resources] if isinstance(resources, str) else [],
    }


# which rules of a bus would match ---------------------------------------------------------------
@dataclass(frozen=True)
class BusRule:
    name: str
    state: str
    pattern: str | None  # None: a scheduled rule (events never match it)


@dataclass(frozen=True)
class Matches:
    """Which rules of a bus match an event: enabled ones, disabled ones (they would match,
    but get nothing while disabled), and rules whose pattern the matcher refused."""

    enabled: tuple[str, ...] = ()
    disabled: tuple[str, ...] = ()
    unreadable: tuple[str, ...] = ()

    def line(self) -> str:
        """`matches: rule-a, rule-b` and the rest, on one line."""
        said = "matches: " + (", ".join(self.enabled) if self.enabled else "no enabled rule")
        if self.disabled:
            said += f"; disabled, would match: {', '.join(self.disabled)}"
        if self.unreadable:
            said += f"; pattern not understood: {', '.join(self.unreadable)}"
        return said


@dataclass(frozen=True)
class Bus:
    """An event bus and every rule on it: what a test event is matched against."""

    name: str
    arn: str
    rules: tuple[BusRule, ...]

    @property
    def account(self) -> str:
        return self.arn.split(":")[4]


async def read_bus(ctx: AwsContext, name: str) -> Bus:
    """DescribeEventBus and every page of ListRules: a missing bus raises AWS's error."""
    events = await ctx.client("events")
    arn = (await events.describe_event_bus(Name=name))["Arn"]
    raws = await ctx.collect("events", "list_rules", "Rules", EventBusName=name,
                             PaginationConfig={"PageSize": max_page("events", "ListRules")})
    return Bus(name, arn, tuple(BusRule(r["Name"], r.get("State", ""), r.get("EventPattern")) for r in raws))


def match_rules(rules: tuple[BusRule, ...], event: dict[str, Any]) -> Matches:
    from console.services.events.patterns import PatternError, matches

    enabled: list[str] = []
    disabled: list[str] = []
    unreadable: list[str] = []
    for rule in rules:
        if rule.pattern is None:
            continue
        try:
            hit = matches(rule.pattern, event)
        except PatternError:
            unreadable.append(rule.name)
            continue
        if hit:
            (enabled if rule.state == "ENABLED" else disabled).append(rule.name)
    return Matches(tuple(sorted(enabled)), tuple(sorted(disabled)), tuple(sorted(unreadable)))
