"""How traffic moves to a new version: all at once, canary `10%:5m`, or linear `10%:1m`.

Parsing lives here so the CLI and the TUI give the same messages: each ValueError names
the option and says what was expected.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from console.actions.base import PlanRefused

_DURATION = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*([smh])\s*$")
_UNIT = {"s": 1, "m": 60, "h": 3600}
_STEP = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*%\s*:\s*(.+)$")


class StrategyError(PlanRefused):
    """A bad --canary/--linear/--grace value; the message names the option."""


def parse_duration(text: str, option: str) -> float:
    """`30s`, `5m`, `1h` (also `1.5m`) -> seconds; StrategyError naming `option` otherwise."""
    match = _DURATION.match(str(text or ""))
    if not match:
        raise StrategyError(f"{option}: expected a duration such as 30s, 5m or 1h, got {text!r}")
    return float(match.group(1)) * _UNIT[match.group(2)]


@dataclass(frozen=True)
class Strategy:
    """`kind` all | canary | linear; `percent` of traffic per step; `interval` seconds per step."""

    kind: str = "all"
    percent: float = 100.0
    interval: float = 0.0

    @property
    def weights(self) -> tuple[float, ...]:
        """The share of traffic on the new version at each watched step (promotion, 1.0, follows)."""
        if self.kind == "canary":
            return (self.percent / 100,)
        if self.kind == "linear":
            shares, step = [], self.percent
            while step < 100 - 1e-9:
                shares.append(round(step / 100, 4))
                step += self.percent
            return tuple(shares)
        return ()

    def describe(self) -> str:
        if self.kind == "all":
            return "all at once"
        return f"{self.kind} {self.percent:g}% every {format_seconds(self.interval)}" if self.kind == "linear" \
            else f"canary {self.percent:g}% for {format_seconds(self.interval)}"


def parse_step(text: str, option: str) -> tuple[float, float]:
    """`10%:5m` -> (10.0, 300.0): a percentage strictly between 0 and 100, and a duration."""
    match = _STEP.match(str(text or ""))
    if not match:
        raise StrategyError(f"{option}: expected PERCENT%:DURATION such as 10%:5m, got {text!r}")
    percent = float(match.group(1))
    if not 0 < percent < 100:
        raise StrategyError(f"{option}: the percentage must be more than 0 and less than 100, got {percent:g}%")
    seconds = parse_duration(match.group(2), option)
    if seconds <= 0:
        raise StrategyError(f"{option}: the duration must be longer than 0s, got {match.group(2).strip()!r}")
    return percent, seconds


def parse_strategy(canary: str | None = None, linear: str | None = None) -> Strategy:
    if canary and linear:
        raise StrategyError("give --canary or --linear, not both")
    if canary:
        return Strategy("canary", *parse_step(canary, "--canary"))
    if linear:
        return Strategy("linear", *parse_step(linear, "--linear"))
    return Strategy()


def format_seconds(seconds: float) -> str:
    seconds = int(round(seconds))
    if seconds and seconds % 3600 == 0:
        return f"{seconds // 3600}h"
    if seconds and seconds % 60 == 0:
        return f"{seconds // 60}m"
    if seconds > 60:
        return f"{seconds // 60}m{seconds % 60:02d}s"
    return f"{seconds}s"
