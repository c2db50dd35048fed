"""AWS's per-account request-rate quotas, enforced by the embedded AWS in its realistic mode.

Each quota in console.aws.limits is a token bucket per (account, region): `burst`
tokens, refilled at `rate` a second on the embedded AWS's own clock (console.demo.clock,
so a test moves it in step with the console's). A request with no token left gets the
answer AWS documents for that service -- Lambda's TooManyRequestsException (429),
ECS's, Step Functions' and Logs' ThrottlingException (400), CloudWatch's and STS's
Throttling (400) -- before moto sees it. Off unless realism.throttling is on.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from datetime import datetime

from console.aws.limits import Quota, quota_for
from console.demo import clock as demo_clock
from console.demo.errors import Response, error_response


@dataclass
class _Bucket:
    tokens: float
    at: datetime  # server time of the last refill (a datetime: exact to the microsecond)


class QuotaBuckets:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._buckets: dict[tuple[str, str, str], _Bucket] = {}

    def reset(self) -> None:
        """Every bucket full again (when throttling is switched on)."""
        with self._lock:
            self._buckets.clear()

    def take(self, account: str, region: str, service: str, operation: str) -> Quota | None:
        """Spend a token of the call's quota; the quota when none is left (throttle), else None."""
        quota = quota_for(service, operation, region)
        if quota is None:
            return None
        now = demo_clock.now()
        with self._lock:
            bucket = self._buckets.setdefault((account, region, quota.name), _Bucket(quota.burst, now))
            elapsed = max(0.0, (now - bucket.at).total_seconds())
            bucket.tokens = min(quota.burst, bucket.tokens + elapsed * quota.rate)
            bucket.at = now
            if bucket.tokens >= 1.0:
                bucket.tokens -= 1.0
                return None
        return quota


def throttled(environ: dict, quota: Quota) -> Response:
    """The answer AWS gives a call over `quota`."""
    extra = {"Reason": "CallerRateLimitExceeded", "Type": "User"} if quota.service == "lambda" else None
    return error_response(environ, quota.status, quota.error, "Rate exceeded", extra)
