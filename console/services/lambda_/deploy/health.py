"""A version's own health during a deploy, from the series Lambda publishes for it.

Lambda publishes a version's figures behind an alias only in the dimension set
{FunctionName, Resource="<function>:<alias>", ExecutedVersion} (the Lambda guide's
metrics page; aws-cdk-lib's lambda-canned-metrics; tests/contract/test_lambda.py), and
CloudWatch matches dimension sets exactly. Never the function's total: during a canary
the old version keeps most of the traffic, and its errors must neither roll back a
healthy new version nor hide a failing one. Both versions are read in one batched
GetMetricData call (console.cloudwatch.metrics).

Lambda stamps a datapoint with the invocation's start and emits it when the invocation
ends, and CloudWatch adds its ingestion delay, so a minute keeps filling for up to the
function's timeout plus that delay after it ends. Figures are split accordingly: minutes
whose end is at least `settle` seconds ago are complete; later ones are partial. Only
complete minutes may promote, judge "no traffic" or give a rate; partial ones count only
towards an absolute error count (more errors than allowed can only grow).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from console.aws.context import AwsContext
from console.cloudwatch.metrics import INGESTION_DELAY, MetricQuery, fetch_metrics
from console.services.lambda_.metrics import version_dimensions

NAMESPACE = "AWS/Lambda"
PERIOD = 60
MINUTE = timedelta(seconds=PERIOD)


def default_settle(timeout_s: float) -> float:
    """Seconds after a minute ends until its figures are final: the function's timeout
    (an invocation started in the minute may run that long) plus CloudWatch's ingestion
    delay (assumed, console.cloudwatch.metrics.INGESTION_DELAY)."""
    return float(timeout_s) + INGESTION_DELAY


@dataclass(frozen=True)
class MinuteFigures:
    """One minute of one version: `final` once it can no longer grow (`settle` after its
    end); until then a count so far, which never gives a rate."""

    start: datetime
    invocations: int
    errors: int
    final: bool

    def describe(self) -> str:
        """`10 invocations, 1 error (10.0%)`, or `… so far` for a minute still arriving."""
        errors = "1 error" if self.errors == 1 else f"{self.errors} errors"
        invocations = "1 invocation" if self.invocations == 1 else f"{self.invocations} invocations"
        text = f"{invocations}, {errors}"
        if not self.final:
            return text + " so far"
        return text + (f" ({self.errors / self.invocations:.1%})" if self.invocations else "")


@dataclass(frozen=True)
class VersionHealth:
    """Invocations and errors of one version over a window: in complete minutes, and in
    the minutes that may still fill (`partial_*`); and minute by minute, oldest first."""

    version: str
    invocations: int = 0
    errors: int = 0
    partial_invocations: int = 0
    partial_errors: int = 0
    by_minute: tuple[MinuteFigures, ...] = ()

    def minute(self, start: datetime) -> MinuteFigures | None:
        return next((m for m in self.by_minute if m.start == start), None)

    @property
    def error_rate(self) -> float | None:
        """From complete minutes only."""
        return self.errors / self.invocations if self.invocations else None

    @property
    def errors_seen(self) -> int:
        """Every error counted so far, complete minutes or not (it can only grow)."""
        return self.errors + self.partial_errors

    def describe(self) -> str:
        rate = f" ({self.error_rate:.1%})" if self.error_rate is not None else ""
        text = f"version {self.version}: {_count(self.invocations, 'invocation')}, {_count(self.errors, 'error')}{rate}"
        if self.partial_invocations or self.partial_errors:
            text += (f"; {self.partial_invocations} more {_noun(self.partial_invocations, 'invocation')}, "
                     f"{_count(self.partial_errors, 'error')} in minutes still arriving")
        return text


def _noun(n: int, noun: str) -> str:
    return noun if n == 1 else noun + "s"


def _count(n: int, noun: str) -> str:
    return f"{n} {_noun(n, noun)}"


def version_queries(function: str, alias: str, versions: list[str]) -> list[MetricQuery]:
    queries = []
    for index, version in enumerate(versions):
        dims = version_dimensions(function, alias, version)
        queries.append(MetricQuery(f"v{index}_inv", NAMESPACE, "Invocations", dims, "Sum", PERIOD))
        queries.append(MetricQuery(f"v{index}_err", NAMESPACE, "Errors", dims, "Sum", PERIOD))
    return queries


def window(start: datetime, now: datetime) -> tuple[datetime, datetime]:
    """Whole minutes covering [start, now]: CloudWatch stores Lambda metrics per minute."""
    begin = start.replace(second=0, microsecond=0)
    end = now.replace(second=0, microsecond=0) + MINUTE
    return begin, end


def minute_end(moment: datetime) -> datetime:
    """The end of the minute traffic up to `moment` falls in (`moment` itself on a boundary)."""
    floor = moment.replace(second=0, microsecond=0)
    return floor if floor == moment else floor + MINUTE


def complete(minute: datetime, now: datetime, settle: float) -> bool:
    """Is the minute starting at `minute` final: has it been over for `settle` seconds?"""
    return now >= minute + MINUTE + timedelta(seconds=settle)


async def read_health(ctx: AwsContext, function: str, alias: str, versions: list[str], start: datetime,
                      now: datetime, settle: float) -> dict[str, VersionHealth]:
    """Each version's invocations and errors through `alias` between `start` and `now`
    (one batched call), split into complete and partial minutes."""
    begin, end = window(start, now)
    results = await fetch_metrics(ctx, version_queries(function, alias, versions), begin, end)
    health = {}
    for index, version in enumerate(versions):
        figures = {"inv": [0.0, 0.0], "err": [0.0, 0.0]}  # [complete, partial]
        minutes: dict[datetime, dict[str, float]] = {}
        for kind, split in figures.items():
            for stamp, value in results.get(f"v{index}_{kind}", []):
                split[0 if complete(stamp, now, settle) else 1] += value
                minute = stamp.replace(second=0, microsecond=0)
                minutes.setdefault(minute, {"inv": 0.0, "err": 0.0})[kind] += value
        by_minute = tuple(MinuteFigures(m, round(f["inv"]), round(f["err"]), complete(m, now, settle))
                          for m, f in sorted(minutes.items()))
        health[version] = VersionHealth(version, round(figures["inv"][0]), round(figures["err"][0]),
                                        round(figures["inv"][1]), round(figures["err"][1]), by_minute)
    return health
