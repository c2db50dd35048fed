"""Call accounting: every HTTP request opsdeck sends to AWS, counted in one place.

The client pool registers `CallStats` on each client's event system, so the status bar
(calls in the last minute, throttles, errors) and the benchmarks read the same figures.
"""

from __future__ import annotations

from collections import Counter, deque
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any, Iterator

from console.aws.errors import ErrorClass, classify, classify_code
from console.clock import Clock

WINDOW_SECONDS = 60.0
RECENT_ERRORS_SECONDS = 300.0  # the status bar's errors and throttles: the last 5 minutes

# Error codes the calls in progress (in this task) expect as an answer, not a failure.
_EXPECTED: ContextVar[frozenset[str]] = ContextVar("opsdeck_expected_errors", default=frozenset())


@contextmanager
def expecting(*codes: str) -> Iterator[None]:
    """Calls made inside answer some questions with an error code, e.g. GetPolicy's
    ResourceNotFoundException for "no resource policy": such answers are not counted as
    errors in the status bar. (The hook runs in the caller's task, so it sees this.)"""
    token = _EXPECTED.set(_EXPECTED.get() | frozenset(codes))
    try:
        yield
    finally:
        _EXPECTED.reset(token)


@dataclass(frozen=True)
class CallRecord:
    service: str
    operation: str
    at: float  # clock.monotonic() when the response (or failure) arrived
    latency: float
    error: ErrorClass | None


class CallStats:
    """Counts requests by (service, operation) and by error class."""

    def __init__(self, clock: Clock) -> None:
        self._clock = clock
        self._recent: deque[CallRecord] = deque()
        self._failures: deque[CallRecord] = deque()  # the last RECENT_ERRORS_SECONDS' failed calls
        self.total = 0
        self.by_operation: Counter[tuple[str, str]] = Counter()
        self.by_error: Counter[ErrorClass] = Counter()
        self.in_flight = 0  # requests sent whose answer (or failure) has not arrived

    # botocore event handlers -------------------------------------------------
    def on_before_send(self, request: Any, **_: Any) -> None:
        request.context["opsdeck_started"] = self._clock.monotonic()
        self.in_flight += 1

    def on_response_received(self, *, context: dict, parsed_response: Any = None,
                             response_dict: Any = None, exception: Any = None,
                             event_name: str = "", **_: Any) -> None:
        _, service, operation = event_name.split(".", 2)
        if "opsdeck_started" in context:
            self.in_flight = max(0, self.in_flight - 1)
        started = context.get("opsdeck_started", self._clock.monotonic())
        error: ErrorClass | None = None
        if exception is not None:
            error = classify(exception)
        elif response_dict is not None and response_dict.get("status_code", 200) >= 300:
            code = (parsed_response or {}).get("Error", {}).get("Code")
            if code not in _EXPECTED.get():
                error = classify_code(code, response_dict.get("status_code"))
        self.record(service, operation, self._clock.monotonic() - started, error)

    # ------------------------------------------------------------------------
    def record(self, service: str, operation: str, latency: float, error: ErrorClass | None) -> None:
        now = self._clock.monotonic()
        self._recent.append(CallRecord(service, operation, now, latency, error))
        self.total += 1
        self.by_operation[(service, operation)] += 1
        if error is not None:
            self.by_error[error] += 1
            self._failures.append(self._recent[-1])
        self._trim(now)

    def _trim(self, now: float) -> None:
        while self._recent and now - self._recent[0].at > WINDOW_SECONDS:
            self._recent.popleft()
        while self._failures and now - self._failures[0].at > RECENT_ERRORS_SECONDS:
            self._failures.popleft()

    def recent_failures(self) -> tuple[int, int]:
        """(throttled, other errors) among the calls of the last RECENT_ERRORS_SECONDS, on
        the clock: what the status bar says ("3 errors/5m"); a recovered outage leaves it."""
        self._trim(self._clock.monotonic())
        throttled = sum(1 for r in self._failures if r.error is ErrorClass.THROTTLED)
        return throttled, len(self._failures) - throttled

    def last_minute(self) -> int:
        self._trim(self._clock.monotonic())
        return len(self._recent)

    @property
    def throttles(self) -> int:
        """Since the start (benchmarks); the status bar says recent_failures()."""
        return self.by_error[ErrorClass.THROTTLED]

    @property
    def errors(self) -> int:
        """Since the start (benchmarks); the status bar says recent_failures()."""
        return sum(n for kind, n in self.by_error.items() if kind is not ErrorClass.THROTTLED)

    def snapshot(self) -> dict[str, int]:
        """Counts by `service:Operation`, for benchmarks and tests."""
        return {f"{s}:{o}": n for (s, o), n in sorted(self.by_operation.items())}
