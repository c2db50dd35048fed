"""CloudWatch Logs filter patterns, evaluated as the CloudWatch Logs User Guide defines them.

moto 5.2.5 evaluates only plain words and quoted phrases; every other form matches every
event. This is the embedded AWS's evaluator for FilterLogEvents and StartLiveTail, written
from "Filter pattern syntax for metric filters, subscription filters, filter log events, and
Live Tail" (https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/FilterAndPatternSyntax.html)
and its pages for unstructured, JSON and space-delimited events and for regular expressions
(regex-expressions.html). It never imports the console: the embedded AWS follows AWS.

The four forms, told apart by the pattern's first character:

- Terms (unstructured): every plain term must occur in the message ("ERROR ARGUMENTS");
  at least one of the `?` terms ("?ERROR ?WARN"); none of the `-` terms ("ERROR -ARGUMENTS").
  Double quotes make one term of a phrase with spaces or other non-alphanumerics
  ("INTERNAL SERVER ERROR"); matching is case sensitive. `" "` matches everything, as does
  an empty pattern. Where the guide is silent: a term matches anywhere in the message (as a
  substring), and a pattern of only `-` terms matches the events without them.
- JSON (`{ ... }`): `$.a.b[0].c` selectors compared with `=`, `!=` (strings, `*` wildcards,
  numbers) and `<`, `>`, `<=`, `>=` (numbers, with sign and exponent), `IS NULL`,
  `IS TRUE`, `IS FALSE`, `NOT EXISTS`, joined by `&&` and `||` with parentheses (`&&`
  before `||`). A selector that names an object or an array matches nothing; an event that
  is not a JSON object matches no JSON pattern.
- Space-delimited (`[ip, user, ..., status_code = 4*, bytes > 1000]`): the message's
  fields are split on spaces, text in `[]` or `""` being one field (without them); each
  named field may carry conditions on itself joined by `&&` / `||`; one `...` stands for
  any number of fields. Without `...`, the last field takes the rest of the line (so
  `[w1=ERROR, w2]` matches any event whose first word is ERROR, as the guide's example says).
- Regular expression (`%...%`), alone or as a value in JSON and space-delimited
  patterns: only letters, digits, the symbols `_ # = @ / ; , - :` and the operators
  `^ $ ? [ ] { } | \\ * + .` (so `\\d \\s \\w` and their negations); no parentheses, no
  multi-byte characters; at most 2 regular expressions in a JSON or space-delimited pattern.

Anything else is refused as AWS refuses it: InvalidParameterException "Invalid filter
pattern" (the text AWS answers: aws/aws-toolkit-jetbrains#3219), raised here as
FilterPatternError.
"""

from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Callable

INVALID = "Invalid filter pattern"
MAX_REGEXES = 2  # in one JSON or space-delimited pattern
_MISSING = object()
_REGEX_ALLOWED = re.compile(r"[A-Za-z0-9_#=@/;,\-:^$?\[\]{}|\\*+.]*")
_NUMBER = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?")

Matcher = Callable[[str], bool]


class FilterPatternError(ValueError):
    """The pattern is not valid filter pattern syntax."""

    def __init__(self, detail: str = "") -> None:
        super().__init__(INVALID)
        self.detail = detail


def matches(pattern: str | None, message: str) -> bool:
    """Whether `message` matches `pattern` (compiled once per distinct pattern)."""
    return compile_pattern(pattern)(message)


@lru_cache(maxsize=256)
def compile_pattern(pattern: str | None) -> Matcher:
    """A predicate on a log event's message; FilterPatternError if `pattern` is invalid."""
    text = (pattern or "").strip()
    if not text:
        return _everything
    if text.startswith("{"):
        return _JsonPattern(text, "}").matcher()
    if text.startswith("["):
        return _DelimitedPattern(text, "]").matcher()
    if len(text) >= 2 and text.startswith("%") and text.endswith("%"):
        regex = _regex(text[1:-1])
        return lambda message: regex.search(message) is not None
    return _terms(text)


def _everything(message: str) -> bool:
    return True


# --- regular expressions -------------------------------------------------------------

def _regex(body: str) -> re.Pattern[str]:
    if not body or not _REGEX_ALLOWED.fullmatch(body):
        raise FilterPatternError(f"regular expression {body!r} uses a character the syntax does not allow")
    try:
        return re.compile(body)
    except re.error as exc:
        raise FilterPatternError(f"regular expression {body!r}: {exc}") from None


# --- unstructured terms ----------------------------------------------------------------

def _terms(text: str) -> Matcher:
    required: list[str] = []
    optional: list[str] = []
    excluded: list[str] = []
    everything = False
    i, n = 0, len(text)
    while i < n:
        if text[i].isspace():
            i += 1
            continue
        kind = ""
        if text[i] in "?-":
            kind, i = text[i], i + 1
        if i < n and text[i] == '"':
            end = text.find('"', i + 1)
            if end < 0:
                raise FilterPatternError("unterminated quoted phrase")
            term, i = text[i + 1:end], end + 1
            if not term.strip():
                everything = True
                continue
        else:
            start = i
            while i < n and not text[i].isspace():
                i += 1
            term = text[start:i]
        if not term:
            raise FilterPatternError(f"{kind!r} with no term after it")
        {"": required, "?": optional, "-": excluded}[kind].append(term)
    if everything and not (required or optional or excluded):
        return _everything

    def match(message: str) -> bool:
        return (all(term in message for term in required)
                and (not optional or any(term in message for term in optional))
                and not any(term in message for term in excluded))

    return match


# --- values compared in JSON and space-delimited patterns ------------------------------

@dataclass(frozen=True)
class _Value:
    """The right-hand side of a comparison: a number, a string (with `*` wildcards), or a regex."""

    text: str
    number: float | None = None
    glob: re.Pattern[str] | None = None
    regex: re.Pattern[str] | None = None

    def equals(self, value: Any) -> bool:
        """`=` against a JSON scalar or a delimited field (str)."""
        if isinstance(value, bool) or value is None or isinstance(value, (dict, list)):
            return False
        if self.regex is not None:
            return isinstance(value, str) and self.regex.search(value) is not None
        if self.number is not None:
            number = _as_number(value)
            return number is not None and number == self.number
        text = value if isinstance(value, str) else _json_text(value)
        if self.glob is not None:
            return self.glob.fullmatch(text) is not None
        return text == self.text


def _as_number(value: Any) -> float | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        return float(value)
    if isinstance(value, str) and _NUMBER.fullmatch(value.strip()):
        return float(value)
    return None


def _json_text(value: Any) -> str:
    return json.dumps(value)


def _value(token: str, quoted: bool) -> _Value:
    if not quoted and len(token) >= 2 and token.startswith("%") and token.endswith("%"):
        return _Value(token, regex=_regex(token[1:-1]))
    if not quoted and _NUMBER.fullmatch(token):
        number = float(token)
        if not math.isfinite(number):
            raise FilterPatternError(f"number {token!r} out of range")
        return _Value(token, number=number)
    if "*" in token:
        return _Value(token, glob=re.compile(".*".join(re.escape(part) for part in token.split("*")), re.S))
    return _Value(token)


_ORDERING = {
    ">": lambda a, b: a > b,
    "<": lambda a, b: a < b,
    ">=": lambda a, b: a >= b,
    "<=": lambda a, b: a <= b,
}


def _compare(operator: str, value: _Value, actual: Any) -> bool:
    if actual is _MISSING or isinstance(actual, (dict, list)):
        return False  # a selector naming an object or an array matches nothing
    if operator == "=":
        return value.equals(actual)
    if operator == "!=":
        return not value.equals(actual)
    number = _as_number(actual)
    return number is not None and _ORDERING[operator](number, value.number)


# --- a small tokenizer shared by the JSON and space-delimited forms --------------------

_OPERATORS = ("&&", "||", "!=", ">=", "<=", "=", ">", "<", "(", ")", ",")
_WORD_END = set(" \t\r\n,()&|=!<>")


@dataclass(frozen=True)
class _Token:
    kind: str  # "op", "word", "string", "regex", "end"
    text: str


def _tokenize(body: str) -> list[_Token]:
    tokens: list[_Token] = []
    i, n = 0, len(body)
    while i < n:
        ch = body[i]
        if ch.isspace():
            i += 1
            continue
        if ch == '"':
            end = i + 1
            chars: list[str] = []
            while end < n and body[end] != '"':
                if body[end] == "\\" and end + 1 < n:
                    end += 1
                chars.append(body[end])
                end += 1
            if end >= n:
                raise FilterPatternError("unterminated string")
            tokens.append(_Token("string", "".join(chars)))
            i = end + 1
            continue
        if ch == "%":
            end = body.find("%", i + 1)
            if end < 0:
                raise FilterPatternError("unterminated regular expression")
            tokens.append(_Token("regex", body[i:end + 1]))
            i = end + 1
            continue
        operator = next((op for op in _OPERATORS if body.startswith(op, i)), None)
        if operator is not None:
            tokens.append(_Token("op", operator))
            i += len(operator)
            continue
        start = i
        while i < n and body[i] not in _WORD_END:
            i += 1
        if i == start:
            raise FilterPatternError(f"unexpected {ch!r}")
        tokens.append(_Token("word", body[start:i]))
    tokens.append(_Token("end", ""))
    return tokens


class _Parser:
    """Reads a bracketed pattern's body: `{ ... }` (JSON) or `[ ... ]` (space-delimited)."""

    def __init__(self, text: str, closing: str) -> None:
        if not text.endswith(closing):
            raise FilterPatternError(f"the pattern does not end with {closing}")
        self.tokens = _tokenize(text[1:-1])
        self.at = 0
        self.regexes = 0

    def finish(self) -> None:
        if self.peek().kind != "end":
            raise FilterPatternError(f"unexpected {self.peek().text!r}")

    def peek(self) -> _Token:
        return self.tokens[self.at]

    def take(self) -> _Token:
        token = self.tokens[self.at]
        self.at += 1
        return token

    def expect_op(self, *ops: str) -> str:
        token = self.take()
        if token.kind != "op" or token.text not in ops:
            raise FilterPatternError(f"expected {' or '.join(ops)}, found {token.text or 'the end'!r}")
        return token.text

    def at_op(self, *ops: str) -> bool:
        token = self.peek()
        return token.kind == "op" and token.text in ops

    def joined(self, operator: str, term: Callable[[], Callable[[Any], bool]]) -> Callable[[Any], bool]:
        """Terms separated by `operator` (&& or ||), as one test."""
        terms = [term()]
        while self.at_op(operator):
            self.take()
            terms.append(term())
        if len(terms) == 1:
            return terms[0]
        if operator == "&&":
            return lambda value: all(test(value) for test in terms)
        return lambda value: any(test(value) for test in terms)

    def comparison_value(self, operator: str) -> _Value:
        token = self.take()
        if token.kind not in ("word", "string", "regex"):
            raise FilterPatternError(f"expected a value after {operator}")
        if token.kind == "regex":
            self.regexes += 1
            if self.regexes > MAX_REGEXES:
                raise FilterPatternError(f"more than {MAX_REGEXES} regular expressions")
            if operator not in ("=", "!="):
                raise FilterPatternError(f"a regular expression cannot be compared with {operator}")
        value = _value(token.text, quoted=token.kind == "string")
        if operator in _ORDERING and value.number is None:
            raise FilterPatternError(f"{operator} needs a number, not {token.text!r}")
        return value


# --- JSON patterns ---------------------------------------------------------------------

_SELECTOR = re.compile(r"\$((\.[A-Za-z0-9_\-@]+)|(\[\d+\]))+")
_SELECTOR_STEP = re.compile(r"\.([A-Za-z0-9_\-@]+)|\[(\d+)\]")


def _selector(text: str) -> tuple[str | int, ...]:
    if not _SELECTOR.fullmatch(text):
        raise FilterPatternError(f"{text!r} is not a property selector ($.name, $.list[0])")
    return tuple(name if name else int(index) for name, index in _SELECTOR_STEP.findall(text))


def _resolve(document: Any, path: tuple[str | int, ...]) -> Any:
    node = document
    for step in path:
        if isinstance(step, str) and isinstance(node, dict) and step in node:
            node = node[step]
        elif isinstance(step, int) and isinstance(node, list) and step < len(node):
            node = node[step]
        else:
            return _MISSING
    return node


JsonTest = Callable[[Any], bool]


class _JsonPattern(_Parser):
    def matcher(self) -> Matcher:
        test = self.disjunction()
        self.finish()

        def match(message: str) -> bool:
            try:
                document = json.loads(message)
            except ValueError:
                return False
            return isinstance(document, dict) and test(document)

        return match

    def disjunction(self) -> JsonTest:  # && binds before ||
        return self.joined("||", lambda: self.joined("&&", self.unary))

    def unary(self) -> JsonTest:
        if self.at_op("("):
            self.take()
            inner = self.disjunction()
            self.expect_op(")")
            return inner
        token = self.take()
        if token.kind != "word":
            raise FilterPatternError(f"expected a property selector, found {token.text or 'the end'!r}")
        path = _selector(token.text)
        following = self.peek()
        if following.kind == "word" and following.text in ("IS", "NOT"):
            return self.keyword_test(path)
        operator = self.expect_op("=", "!=", ">", "<", ">=", "<=")
        value = self.comparison_value(operator)
        return lambda doc: _compare(operator, value, _resolve(doc, path))

    def keyword_test(self, path: tuple[str | int, ...]) -> JsonTest:
        first = self.take().text
        second = self.take()
        if second.kind != "word":
            raise FilterPatternError(f"{first} must be followed by a keyword")
        phrase = f"{first} {second.text}"
        tests: dict[str, Callable[[Any], bool]] = {
            "IS NULL": lambda value: value is None,
            "IS TRUE": lambda value: value is True,
            "IS FALSE": lambda value: value is False,
            "NOT EXISTS": lambda value: value is _MISSING,
        }
        if phrase not in tests:  # IS NOT and EXISTS are not supported (the guide says so)
            raise FilterPatternError(f"{phrase!r} is not a supported test")
        test = tests[phrase]
        return lambda doc: test(_resolve(doc, path))


# --- space-delimited patterns ----------------------------------------------------------

_FIELD_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_\-]*")
_MESSAGE_FIELD = re.compile(r'\[[^\]]*\]|"[^"]*"|\S+')
FieldTest = Callable[[str], bool]


@dataclass(frozen=True)
class _Field:
    name: str
    test: FieldTest | None  # None: any value


class _DelimitedPattern(_Parser):
    def matcher(self) -> Matcher:
        fields = [self.field()]
        while self.at_op(","):
            self.take()
            fields.append(self.field())
        self.finish()
        names = [field.name.lower() for field in fields]
        duplicate = next((name for name in names if names.count(name) > 1), None)
        if duplicate is not None:
            raise FilterPatternError(f"duplicate field {duplicate!r}")
        ellipsis = names.index("...") if "..." in names else None
        return lambda message: _match_fields(fields, ellipsis, message)

    def field(self) -> _Field:
        token = self.take()
        if token.kind == "word" and token.text == "...":
            return _Field("...", None)
        if token.kind != "word" or not _FIELD_NAME.fullmatch(token.text):
            raise FilterPatternError(f"expected a field name, found {token.text or 'the end'!r}")
        name = token.text
        if self.at_op(",") or self.peek().kind == "end":
            return _Field(name, None)
        return _Field(name, self.field_conditions(name))

    def field_conditions(self, name: str) -> FieldTest:
        named = [False]  # the first condition follows the field's name; the others repeat it

        def comparison() -> FieldTest:
            test = self.field_comparison(name, first=not named[0])
            named[0] = True
            return test

        return self.joined("||", lambda: self.joined("&&", comparison))

    def field_comparison(self, name: str, first: bool) -> FieldTest:
        if not first:  # later conditions name the field again: status_code = 404 || status_code = 410
            token = self.take()
            if token.kind != "word" or token.text.lower() != name.lower():
                raise FilterPatternError(f"a condition of field {name!r} names {token.text or 'nothing'!r}")
        operator = self.expect_op("=", "!=", ">", "<", ">=", "<=")
        value = self.comparison_value(operator)
        return lambda actual: _compare(operator, value, actual)


def _split_fields(message: str) -> list[str]:
    return [raw[1:-1] if raw[:1] in '["' and len(raw) >= 2 and raw[-1] in ']"' else raw
            for raw in _MESSAGE_FIELD.findall(message)]


def _match_fields(fields: list[_Field], ellipsis: int | None, message: str) -> bool:
    values = _split_fields(message)
    if ellipsis is None:
        if len(values) < len(fields):
            return False
        if len(values) > len(fields):  # the last field takes the rest of the line
            values = values[:len(fields) - 1] + [" ".join(values[len(fields) - 1:])]
        pairs = list(zip(fields, values))
    else:
        before, after = fields[:ellipsis], fields[ellipsis + 1:]
        if len(values) < len(before) + len(after):
            return False
        tail = values[len(values) - len(after):] if after else []
        pairs = list(zip(before, values)) + list(zip(after, tail))
    return all(field.test is None or field.test(value) for field, value in pairs)
