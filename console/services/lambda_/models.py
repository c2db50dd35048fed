"""Lambda models: functions with their AWS/Lambda figures, and aliases.

Built from API responses in one place (console.services.lambda_.api); screens never
see raw boto dicts. Every model carries its Target and a `key` that identifies the
resource across refreshes.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from console.target import Target


@dataclass(frozen=True, slots=True)
class LambdaMinutes:
    """AWS/Lambda figures per period (a minute unless `period_s` says otherwise), oldest
    first, one entry per period from `start`.

    Counts are 0 for a period without datapoints (an empty series of a complete period is
    zero), None where the figure is unknown: the period is still inside CloudWatch's
    ingestion delay. Averages and maxima are None without datapoints (no invocation has no
    duration, which is not a duration of 0).
    """

    start: datetime
    invocations: tuple[float | None, ...]
    errors: tuple[float | None, ...]
    throttles: tuple[float | None, ...]
    duration_avg_ms: tuple[float | None, ...]
    duration_max_ms: tuple[float | None, ...]
    concurrency_max: tuple[float | None, ...]
    period_s: int = 60
    # the newest entries whose end is still inside CloudWatch's ingestion delay: a missing
    # datapoint there is not known to be zero yet (it counts 0 in totals, adding nothing)
    arriving: int = 0

    def __len__(self) -> int:
        return len(self.invocations)

    def last(self, count: int) -> "LambdaMinutes":
        """The newest `count` minutes."""
        if count >= len(self):
            return self
        cut = len(self) - count
        return self._slice(cut, len(self))

    def before_last(self, count: int) -> "LambdaMinutes":
        """Every minute except the newest `count`."""
        return self._slice(0, max(0, len(self) - count))

    def _slice(self, begin: int, end: int) -> "LambdaMinutes":
        return LambdaMinutes(
            self.start + timedelta(seconds=begin * self.period_s), self.invocations[begin:end],
            self.errors[begin:end], self.throttles[begin:end], self.duration_avg_ms[begin:end],
            self.duration_max_ms[begin:end], self.concurrency_max[begin:end], self.period_s,
            max(0, min(end, len(self)) - max(begin, len(self) - self.arriving)),
        )

    def still_arriving(self, index: int) -> bool:
        """Is entry `index` inside the ingestion delay, with nothing delivered for it yet?"""
        return index >= len(self) - self.arriving and not self.invocations[index] and not self.errors[index] \
            and not self.throttles[index]

    def at(self, index: int) -> datetime:
        """When the entry `index` begins."""
        return self.start + timedelta(seconds=index * self.period_s)


@dataclass(frozen=True, slots=True)
class VersionFigures:
    """One version's own invocations and errors through a weighted alias over the window,
    from {FunctionName, Resource="<function>:<alias>", ExecutedVersion} (the only dimension
    set Lambda publishes a version's figures behind an alias in). None: unknown (not read)."""

    alias: str
    version: str
    weight: float  # its share of the alias's traffic
    invocations: float | None
    errors: float | None
    new: bool = False  # the newest version the alias routes to

    @property
    def error_rate(self) -> float | None:
        """Percent; None when unknown or without invocations."""
        if self.invocations is None or self.errors is None or not self.invocations:
            return None
        return 100.0 * self.errors / self.invocations


def worse(new: VersionFigures, others: "tuple[VersionFigures, ...] | list[VersionFigures]") -> bool:
    """The new version fails more often than every other version of its alias: it has
    errors, and a higher error rate than each other version that had invocations."""
    if not new.errors or new.error_rate is None:
        return False
    rates = [o.error_rate for o in others if o is not new and o.alias == new.alias]
    return all(rate is None or new.error_rate > rate for rate in rates)


@dataclass(frozen=True, slots=True)
class LambdaMetrics:
    """Sums/averages over the dashboard window; `series` is invocations per period. A count
    is None when a part of the window could not be read (unknown, never 0)."""

    invocations: float | None
    errors: float | None
    throttles: float | None
    duration_avg_ms: float | None
    duration_max_ms: float | None
    concurrency_max: float | None
    duration_p99_ms: float | None = None  # over the whole window (CloudWatch's p99 of Duration)
    series: tuple[float | None, ...] = ()
    window_minutes: int = 15  # the window the figures above cover
    # per-minute figures of the whole fetched span (at least 15 minutes, so the last 5
    # can be compared with the minutes before them: see console.lambda_health)
    minutes: "LambdaMinutes | None" = None
    # the window at its own period where that is longer than a minute (3 h, 24 h windows)
    periods: "LambdaMinutes | None" = None
    # each version's figures behind the function's weighted aliases (none without one)
    versions: tuple[VersionFigures, ...] = ()
    # False: a minute of the window could not be read (the window's figures are unknown)
    complete: bool = True

    @property
    def window(self) -> "LambdaMinutes | None":
        """The window's series: at its own period, or the newest minutes of the span."""
        if self.periods is not None:
            return self.periods
        return self.minutes.last(self.window_minutes) if self.minutes is not None else None

    @property
    def error_rate(self) -> float | None:
        """Errors / invocations in percent; None without invocations, or unknown."""
        if not self.invocations or self.errors is None:
            return None
        return 100.0 * self.errors / self.invocations


@dataclass(frozen=True, slots=True)
class LambdaFunction:
    target: Target
    arn: str
    name: str
    runtime: str | None  # None for container-image functions
    architecture: str
    memory_mb: int
    timeout_s: int
    package_type: str  # Zip | Image
    last_modified: datetime | None
    code_sha256: str
    metrics: LambdaMetrics | None = None
    logging_group: str | None = None  # LoggingConfig.LogGroup, as ListFunctions gives it

    @property
    def key(self) -> str:
        return self.arn

    @property
    def log_group(self) -> str:
        """Where Lambda writes the function's logs: the group its LoggingConfig names, else
        /aws/lambda/NAME."""
        return self.logging_group or f"/aws/lambda/{self.name}"


@dataclass(frozen=True, slots=True)
class LambdaAlias:
    target: Target
    function_name: str
    name: str
    version: str
    weights: tuple[tuple[str, float], ...] = ()  # extra versions and their traffic share

    @property
    def key(self) -> str:
        return f"{self.function_name}:{self.name}"

    @property
    def routing(self) -> str:
        """`live→3` or `live→3 (90%) 4 (10%)` while weighted routing is on."""
        if not self.weights:
            return f"{self.name}→{self.version}"
        main = 1.0 - sum(w for _, w in self.weights)
        extra = " ".join(f"{v} ({w:.0%})" for v, w in self.weights)
        return f"{self.name}→{self.version} ({main:.0%}) {extra}"
