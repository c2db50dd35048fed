"""JSON typed by a person (an invoke payload, an execution input): parsed with the line and
column of the first fault, so an editor can put the cursor there."""

from __future__ import annotations

import json
from typing import Any


class JsonTextError(ValueError):
    """Not JSON; `line` and `column` are 1-based."""

    def __init__(self, message: str, line: int, column: int) -> None:
        self.message, self.line, self.column = message, line, column
        super().__init__(f"invalid JSON at line {line}, column {column}: {message}")


def parse_json_text(text: str, empty: str, error: type[JsonTextError] = JsonTextError) -> Any:
    """The JSON value of `text`; `error` with the position when it is not JSON, and with the
    message `empty` when there is nothing but white space."""
    if not text.strip():
        raise error(empty, 1, 1)
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise error(exc.msg, exc.lineno, exc.colno) from None
