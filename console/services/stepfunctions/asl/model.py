"""Amazon States Language: a definition's JSON text -> a checked, frozen model.

`parse(text)` reads and validates; every problem is a `DefinitionError` naming what is
wrong and, where there is one, the state. The rules are the specification's
(https://states-language.net/spec.html, the Step Functions developer guide's "State machine
structure" and state pages), checked locally because not every endpoint offers
ValidateStateMachineDefinition:

- the definition is a JSON object with `StartAt` (naming one of its states) and `States`;
- every state is an object with a known `Type`; state names are unique in the whole machine;
- every state but Choice, Succeed and Fail has `Next` or `End: true`;
- `Next`, a Choice rule's `Next`, `Default` and a Catcher's `Next` name a state of the same
  (sub)machine;
- a Choice has a non-empty `Choices`; a Map has a processor (ItemProcessor or Iterator); a
  Parallel has `Branches`; each branch and processor obeys all of the above;
- a Catcher has `ErrorEquals` (non-empty) and `Next`; a Retrier has `ErrorEquals`;
- somewhere there is a terminal state (Succeed, Fail or `End: true`).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field

STATE_TYPES = ("Task", "Pass", "Choice", "Wait", "Succeed", "Fail", "Parallel", "Map")
MAX_NAME = 80  # "The state name, whose length MUST BE less than or equal to 80 Unicode characters"
DEFAULT_MAX_ATTEMPTS = 3  # a Retrier's MaxAttempts when omitted (spec: "defaults to 3")


class DefinitionError(ValueError):
    """A definition AWS would refuse: `problem` says what, `state` where (None: the top level)."""

    def __init__(self, problem: str, state: str | None = None, line: int | None = None,
                 column: int | None = None) -> None:
        self.problem, self.state, self.line, self.column = problem, state, line, column
        super().__init__(self.message)

    @property
    def message(self) -> str:
        where = f"state {self.state!r}: " if self.state is not None else ""
        at = f" (line {self.line}, column {self.column})" if self.line is not None else ""
        return f"{where}{self.problem}{at}"


@dataclass(frozen=True)
class ChoiceRule:
    next: str
    label: str  # the rule, shortened to read on an edge: `$.status == "FAILED"`, a JSONata condition


@dataclass(frozen=True)
class Catcher:
    errors: tuple[str, ...]
    next: str


@dataclass(frozen=True)
class Retrier:
    errors: tuple[str, ...]
    max_attempts: int


@dataclass(frozen=True)
class State:
    name: str
    type: str
    next: str | None = None
    end: bool = False
    default: str | None = None
    choices: tuple[ChoiceRule, ...] = ()
    catchers: tuple[Catcher, ...] = ()
    retriers: tuple[Retrier, ...] = ()
    branches: tuple["Machine", ...] = ()  # Parallel
    processor: "Machine | None" = None  # Map: ItemProcessor or (older) Iterator
    distributed: bool = False  # Map with ProcessorConfig.Mode DISTRIBUTED
    item_reader: str | None = None  # Map: ItemReader's Resource
    result_writer: str | None = None  # Map: ResultWriter's Resource
    resource: str | None = None  # Task
    comment: str | None = None

    @property
    def terminal(self) -> bool:
        return self.end or self.type in ("Succeed", "Fail")

    @property
    def retries(self) -> int:
        """The most retries any of its Retriers allows (0: no Retry)."""
        return max((r.max_attempts for r in self.retriers), default=0)

    @property
    def children(self) -> tuple["Machine", ...]:
        return self.branches + ((self.processor,) if self.processor is not None else ())


@dataclass(frozen=True)
class Machine:
    start_at: str
    states: dict[str, State] = field(hash=False)  # in definition order
    query_language: str = "JSONPath"
    comment: str | None = None

    def walk(self):
        """Every state of the machine, nested ones too, parents before children."""
        for state in self.states.values():
            yield state
            for child in state.children:
                yield from child.walk()


def parse(text: str | bytes) -> Machine:
    """The machine `text` defines, checked; raises DefinitionError."""
    try:
        raw = json.loads(text)
    except json.JSONDecodeError as exc:
        raise DefinitionError(f"not valid JSON: {exc.msg}", line=exc.lineno, column=exc.colno) from None
    except (UnicodeDecodeError, RecursionError) as exc:
        raise DefinitionError(f"not valid JSON: {exc}") from None
    machine = from_dict(raw)
    validate(machine)
    return machine


def from_dict(raw: object, query_language: str = "JSONPath", where: str | None = None) -> Machine:
    """A (sub)machine from its JSON object; `where` names the state holding it (None: top)."""
    scope = f"in {where}: " if where else ""
    if not isinstance(raw, dict):
        raise DefinitionError(f"{scope}expected a JSON object with StartAt and States", where)
    query_language = raw.get("QueryLanguage", query_language)
    start_at = raw.get("StartAt")
    if not isinstance(start_at, str):
        raise DefinitionError(f"{scope}StartAt is missing (expected the name of the first state)", where)
    states_raw = raw.get("States")
    if not isinstance(states_raw, dict) or not states_raw:
        raise DefinitionError(f"{scope}States is missing (expected an object of states)", where)
    states = {name: _state(name, body, query_language) for name, body in states_raw.items()}
    if start_at not in states:
        raise DefinitionError(f"{scope}StartAt names no state: {start_at!r}", where)
    comment = raw.get("Comment")
    return Machine(start_at, states, query_language, comment if isinstance(comment, str) else None)


def _state(name: str, body: object, query_language: str) -> State:
    if len(name) > MAX_NAME:
        raise DefinitionError(f"the name is longer than {MAX_NAME} characters", name)
    if not isinstance(body, dict):
        raise DefinitionError(f"expected a state object, got {type(body).__name__} {body!r:.40}", name)
    kind = body.get("Type")
    if kind not in STATE_TYPES:
        raise DefinitionError(f"Type {kind!r} is not one of {', '.join(STATE_TYPES)}", name)
    query_language = body.get("QueryLanguage", query_language)
    fields: dict = {"name": name, "type": kind, "comment": _str(body.get("Comment"))}
    if kind not in ("Choice", "Succeed", "Fail"):
        fields["next"] = _name(body.get("Next"), "Next", name)
        fields["end"] = body.get("End") is True
        if fields["next"] is None and not fields["end"]:
            raise DefinitionError("has neither Next nor End: true", name)
    if kind in ("Task", "Parallel", "Map"):
        fields["catchers"] = tuple(_catcher(c, name) for c in _list(body.get("Catch"), "Catch", name))
        fields["retriers"] = tuple(_retrier(r, name) for r in _list(body.get("Retry"), "Retry", name))
    if kind == "Task":
        fields["resource"] = _str(body.get("Resource"))
    elif kind == "Choice":
        choices = body.get("Choices")
        if not isinstance(choices, list) or not choices:
            raise DefinitionError("a Choice state needs Choices (a non-empty list of rules)", name)
        fields["choices"] = tuple(_rule(rule, name, query_language) for rule in choices)
        fields["default"] = _name(body.get("Default"), "Default", name)
    elif kind == "Parallel":
        branches = body.get("Branches")
        if not isinstance(branches, list):
            raise DefinitionError("a Parallel state needs Branches (a list of machines)", name)
        fields["branches"] = tuple(from_dict(b, query_language, name) for b in branches)
    elif kind == "Map":
        processor = body.get("ItemProcessor", body.get("Iterator"))
        if processor is None:
            raise DefinitionError("a Map state needs a processor (ItemProcessor or Iterator)", name)
        fields["processor"] = from_dict(processor, query_language, name)
        config = processor.get("ProcessorConfig") if isinstance(processor, dict) else None
        fields["distributed"] = isinstance(config, dict) and config.get("Mode") == "DISTRIBUTED"
        fields["item_reader"] = _resource(body.get("ItemReader"))
        fields["result_writer"] = _resource(body.get("ResultWriter"))
    return State(**fields)


def _str(value: object) -> str | None:
    return value if isinstance(value, str) else None


def _resource(value: object) -> str | None:
    return _str(value.get("Resource")) if isinstance(value, dict) else None


def _name(value: object, key: str, state: str) -> str | None:
    if value is None or isinstance(value, str):
        return value
    raise DefinitionError(f"{key} must be a state name (a string), got {value!r:.40}", state)


def _list(value: object, key: str, state: str) -> list:
    if value is None:
        return []
    if not isinstance(value, list) or not all(isinstance(item, dict) for item in value):
        raise DefinitionError(f"{key} must be a list of objects", state)
    return value


def _errors(raw: dict, key: str, state: str) -> tuple[str, ...]:
    errors = raw.get("ErrorEquals")
    if not isinstance(errors, list) or not errors or not all(isinstance(e, str) for e in errors):
        raise DefinitionError(f"every {key} needs ErrorEquals (a non-empty list of error names)", state)
    return tuple(errors)


def _catcher(raw: dict, state: str) -> Catcher:
    errors = _errors(raw, "Catch", state)
    target = _name(raw.get("Next"), "a Catch's Next", state)
    if target is None:
        raise DefinitionError("every Catch needs Next (the state to go to)", state)
    return Catcher(errors, target)


def _retrier(raw: dict, state: str) -> Retrier:
    attempts = raw.get("MaxAttempts", DEFAULT_MAX_ATTEMPTS)
    return Retrier(_errors(raw, "Retry", state), attempts if isinstance(attempts, int) else DEFAULT_MAX_ATTEMPTS)


def _rule(raw: object, state: str, query_language: str) -> ChoiceRule:
    if not isinstance(raw, dict):
        raise DefinitionError("every Choice rule must be an object", state)
    target = _name(raw.get("Next"), "a Choice rule's Next", state)
    if target is None:
        raise DefinitionError("every Choice rule needs Next (the state to go to)", state)
    return ChoiceRule(target, rule_label(raw, query_language))


# Choice rule labels --------------------------------------------------------------------------
_OPERATORS = (("LessThanEquals", "<="), ("GreaterThanEquals", ">="), ("LessThan", "<"), ("GreaterThan", ">"),
              ("Equals", "=="), ("Matches", "~"))
_TESTS = {"IsPresent": "present", "IsNull": "null", "IsString": "string", "IsNumeric": "number",
          "IsBoolean": "boolean", "IsTimestamp": "timestamp"}


def rule_label(rule: dict, query_language: str = "JSONPath") -> str:
    """A Choice rule as one short expression: JSONata's Condition without its `{% %}`, or the
    JSONPath comparison (And/Or/Not included)."""
    condition = rule.get("Condition")
    if isinstance(condition, str):
        text = condition.strip()
        if text.startswith("{%") and text.endswith("%}"):
            text = text[2:-2].strip()
        return text
    if isinstance(rule.get("And"), list):
        return " && ".join(_wrapped(r) for r in rule["And"])
    if isinstance(rule.get("Or"), list):
        return " || ".join(_wrapped(r) for r in rule["Or"])
    if isinstance(rule.get("Not"), dict):
        return "!" + _wrapped(rule["Not"])
    variable = str(rule.get("Variable", "?"))
    for key, value in rule.items():
        if key in _TESTS:
            return f"{variable} {'is' if value else 'is not'} {_TESTS[key]}"
        path = key.endswith("Path")
        base = key[:-4] if path else key
        for suffix, operator in _OPERATORS:
            if base.endswith(suffix) and base[: -len(suffix)] in ("String", "Numeric", "Boolean", "Timestamp"):
                shown = str(value) if path else json.dumps(value, ensure_ascii=False)
                return f"{variable} {operator} {shown}"
    return variable


def _wrapped(rule: object) -> str:
    if not isinstance(rule, dict):
        return "?"
    text = rule_label(rule)
    return f"({text})" if ("&&" in text or "||" in text) else text


# validation across states ----------------------------------------------------------------------
def validate(machine: Machine) -> None:
    """Targets that name no state, duplicate names across nested machines, a (sub)machine
    without a terminal state."""
    _check_scope(machine, set(), None)


def _check_scope(machine: Machine, seen: set[str], where: str | None) -> None:
    if not any(state.terminal for state in machine.states.values()):
        scope = f"in {where}: " if where else ""
        raise DefinitionError(f"{scope}no terminal state (expected a Succeed or Fail state, or End: true)", where)
    for state in machine.states.values():
        if state.name in seen:
            raise DefinitionError("the name is used twice (state names must be unique in the whole machine)",
                                  state.name)
        seen.add(state.name)
        targets = [("Next", state.next), ("Default", state.default)]
        targets += [("a Choice rule's Next", rule.next) for rule in state.choices]
        targets += [("a Catch's Next", catcher.next) for catcher in state.catchers]
        for key, target in targets:
            if target is not None and target not in machine.states:
                raise DefinitionError(f"{key} names no state of its machine: {target!r}", state.name)
        for child in state.children:
            _check_scope(child, seen, state.name)
