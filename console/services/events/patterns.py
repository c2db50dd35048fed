"""EventBridge event patterns matched locally, with EventBridge's semantics.

(Interface first; the implementation lands with issue 12.)
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class PatternError(ValueError):
    """An invalid pattern: where (a JSON path such as "detail.state") and why."""

    path: str
    reason: str

    def __str__(self) -> str:
        return f"{self.path}: {self.reason}" if self.path else self.reason


def check_pattern(pattern: str | dict[str, Any]) -> dict[str, Any]:
    """The pattern as a dict, or PatternError naming what is wrong."""
    raise NotImplementedError


def matches(pattern: str | dict[str, Any], event: dict[str, Any]) -> bool:
    """Whether `event` (the full envelope: id, account, source, time, region, resources,
    detail-type, detail) matches `pattern`."""
    raise NotImplementedError
