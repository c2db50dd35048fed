"""Lambda models: functions with their AWS/Lambda figures, and aliases.

Built from API responses in one place (console.services.lambda_.api); screens never
see raw boto dicts. Every model carries its Target and a `key` that identifies the
resource across refreshes.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from console.target import Target


@dataclass(frozen=True)
class LambdaMinutes:
    """AWS/Lambda figures per minute, oldest first, one entry per minute from `start`.

    Counts are 0 for a minute without datapoints; averages and maxima are None there
    (no invocation has no duration, which is not a duration of 0).
    """

    start: datetime
    invocations: tuple[float, ...]
    errors: tuple[float, ...]
    throttles: tuple[float, ...]
    duration_avg_ms: tuple[float | None, ...]
    duration_max_ms: tuple[float | None, ...]
    concurrency_max: tuple[float | None, ...]

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
            self.start + timedelta(minutes=begin), self.invocations[begin:end], self.errors[begin:end],
            self.throttles[begin:end], self.duration_avg_ms[begin:end], self.duration_max_ms[begin:end],
            self.concurrency_max[begin:end],
        )


@dataclass(frozen=True)
class LambdaMetrics:
    """Sums/averages over the dashboard window; `series` is invocations per period."""

    invocations: float
    errors: float
    throttles: float
    duration_avg_ms: float | None
    duration_max_ms: float | None
    concurrency_max: float | None
    duration_p99_ms: float | None = None  # over the whole window (CloudWatch's p99 of Duration)
    series: tuple[float, ...] = ()
    window_minutes: int = 15  # the window the figures above cover
    # per-minute figures of the whole fetched span (at least 15 minutes, so the last 5
    # can be compared with the minutes before them: see console.lambda_health)
    minutes: "LambdaMinutes | None" = None

    @property
    def error_rate(self) -> float | None:
        """Errors / invocations in percent; None without invocations."""
        return 100.0 * self.errors / self.invocations if self.invocations else None


@dataclass(frozen=True)
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

    @property
    def key(self) -> str:
        return self.arn

    @property
    def log_group(self) -> str:
        """Where Lambda writes the function's logs unless its LoggingConfig names another group."""
        return f"/aws/lambda/{self.name}"


@dataclass(frozen=True)
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
