"""What is wrong with a function, in words, and what changed on it: for the Lambda panel's
highlight now and for the incident screen later.

A jump compares the last RECENT_MINUTES (5) minutes with the minutes before them in the
fetched span (at least 10: console.services.lambda_.metrics fetches 15 minutes or more):

- errors jump when the last 5 minutes have at least JUMP_MIN_ERRORS (3) errors and an
  error rate at least JUMP_POINTS (5) percentage points and JUMP_FACTOR (2) times above
  the earlier minutes' rate (0% when they had no invocations);
- throttles jump when the last 5 minutes have throttles and the earlier minutes had
  none, or when the last 5 minutes have at least JUMP_MIN_THROTTLES (5) and throttle
  at least JUMP_FACTOR times as often per minute as before.

`changes()` reads versions from Lambda (ListVersionsByFunction LastModified) and the
function's own LastModified. Lambda keeps no time for alias moves, so those come from
what opsdeck knows: its audit trail for moves it made (exact times, `source="audit"`)
and AliasMoves, which notices moves between two looks at the aliases and can only say
"between then and now" (`source="observed"`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Iterable

from console.services.lambda_ import metrics as lambda_metrics
from console.audit import AuditLog
from console.services.lambda_.sources import alias_from_api, function_from_api
from console.aws.context import AwsContext
from console.aws.limits import max_page
from console.services.lambda_.models import LambdaAlias, LambdaFunction, LambdaMetrics, LambdaMinutes

RECENT_MINUTES = lambda_metrics.RECENT_MINUTES
JUMP_POINTS = 5.0
JUMP_FACTOR = 2.0
JUMP_MIN_ERRORS = 3
JUMP_MIN_THROTTLES = 5
ERROR_RATE_PROBLEM = 1.0  # percent over the window that is worth saying without a jump
TIMEOUT_NEAR = 0.8  # a max duration at 80% of the timeout is worth saying


# jumps ---------------------------------------------------------------------------------
@dataclass(frozen=True)
class Jump:
    """The last 5 minutes against the minutes before them."""

    recent_invocations: float
    recent_errors: float
    recent_throttles: float
    before_invocations: float
    before_errors: float
    before_throttles: float
    before_minutes: int

    @property
    def recent_rate(self) -> float | None:
        return 100.0 * self.recent_errors / self.recent_invocations if self.recent_invocations else None

    @property
    def before_rate(self) -> float | None:
        return 100.0 * self.before_errors / self.before_invocations if self.before_invocations else None

    @property
    def errors(self) -> bool:
        rate, before = self.recent_rate, self.before_rate or 0.0
        return (rate is not None and self.recent_errors >= JUMP_MIN_ERRORS
                and rate >= before + JUMP_POINTS and rate >= JUMP_FACTOR * before)

    @property
    def throttles(self) -> bool:
        if self.recent_throttles <= 0:
            return False
        if self.before_throttles <= 0:
            return True
        recent_per_minute = self.recent_throttles / RECENT_MINUTES
        before_per_minute = self.before_throttles / max(1, self.before_minutes)
        return self.recent_throttles >= JUMP_MIN_THROTTLES and recent_per_minute >= JUMP_FACTOR * before_per_minute

    def __bool__(self) -> bool:
        return self.errors or self.throttles


def jump_of(metrics: LambdaMetrics | None) -> Jump | None:
    """None without per-minute figures (metrics not fetched yet, or a minute unknown)."""
    if metrics is None or metrics.minutes is None:
        return None
    recent: LambdaMinutes = metrics.minutes.last(RECENT_MINUTES)
    before: LambdaMinutes = metrics.minutes.before_last(RECENT_MINUTES)
    sums = [lambda_metrics.total(series) for part in (recent, before)
            for series in (part.invocations, part.errors, part.throttles)]
    if any(value is None for value in sums):
        return None
    return Jump(*sums, len(before))  # type: ignore[arg-type]


@dataclass(frozen=True)
class JumpStart:
    """When the current jump began: the first minute of the run of minutes that jumped
    (minutes without invocations neither break nor start it). `before_span`: the run
    reaches the oldest minute fetched, so it may have begun earlier."""

    what: str  # errors | throttles
    at: datetime
    before_span: bool = False

    @property
    def words(self) -> str:
        """`errors up since 04:37` (UTC, the clock's zone)."""
        return f"{self.what} up since {'before ' if self.before_span else ''}{self.at:%H:%M}"


def jump_start(metrics: LambdaMetrics | None) -> JumpStart | None:
    """When the current jump began (None without a jump). A minute jumped when it alone
    passes the jump's test against the minutes before the last 5 (JUMP_POINTS and
    JUMP_FACTOR for errors; throttling at least JUMP_FACTOR times as often, or at all
    when they had none, for throttles)."""
    jump = jump_of(metrics)
    if not jump or metrics is None or metrics.minutes is None:
        return None
    minutes = metrics.minutes
    if jump.errors:
        before = jump.before_rate or 0.0

        def up(i: int) -> bool | None:
            invocations, errors = minutes.invocations[i] or 0.0, minutes.errors[i] or 0.0
            if not invocations:
                return None
            rate = 100.0 * errors / invocations
            return errors > 0 and rate >= before + JUMP_POINTS and rate >= JUMP_FACTOR * before
        what = "errors"
    else:
        per_minute = jump.before_throttles / max(1, jump.before_minutes)

        def up(i: int) -> bool | None:
            throttles = minutes.throttles[i] or 0.0
            return throttles > 0 and throttles >= JUMP_FACTOR * per_minute
        what = "throttles"
    first: int | None = None
    for i in range(len(minutes) - 1, -1, -1):
        moved = up(i)
        if moved is None:
            continue
        if moved:
            first = i
        elif first is not None:
            return JumpStart(what, minutes.at(first))
        elif i < len(minutes) - RECENT_MINUTES:
            return None  # nothing in the last 5 minutes jumped on its own
    return JumpStart(what, minutes.at(first), before_span=True) if first is not None else None


# health ----------------------------------------------------------------------------------
@dataclass(frozen=True)
class Health:
    """`problems` in words, worst first; none means healthy (when `known`)."""

    problems: tuple[str, ...]
    known: bool = True

    @property
    def healthy(self) -> bool:
        return self.known and not self.problems

    @property
    def words(self) -> str:
        if not self.known:
            return "no metrics yet"
        return "; ".join(self.problems) if self.problems else "healthy"

    def __str__(self) -> str:
        return self.words


def percent(value: float) -> str:
    """`12%`, `1.5%`, `0.1%`, `0%`: whole numbers from 10% up, one decimal below."""
    if value >= 10 or value == 0:
        return f"{value:.0f}%"
    return f"{value:.1f}%"


def seconds(ms: float) -> str:
    """`2.9 s`, `3 s`, `0.25 s`."""
    value = ms / 1000
    if value >= 10 or value == int(value):
        return f"{value:.0f} s"
    return f"{value:.1f} s" if value >= 1 else f"{value:.2f} s"


def _times(count: float) -> str:
    n = int(round(count))
    return "once" if n == 1 else f"{n:,} times"


def health_of(metrics: LambdaMetrics | None, timeout_s: float) -> Health:
    """What is wrong, judged from the window's figures and the last 5 minutes."""
    if metrics is None:
        return Health((), known=False)
    problems: list[str] = []
    window = metrics.window_minutes
    jump = jump_of(metrics)
    if jump is not None and jump.errors:
        problems.append(f"{percent(jump.recent_rate or 0.0)} errors, was {percent(jump.before_rate or 0.0)}")
    elif metrics.error_rate is not None and metrics.error_rate >= ERROR_RATE_PROBLEM:
        problems.append(f"{percent(metrics.error_rate)} errors ({int(metrics.errors or 0):,} of "
                        f"{int(metrics.invocations or 0):,}) in {window} min")
    if jump is not None and jump.recent_throttles > 0:
        problems.append(f"throttled {_times(jump.recent_throttles)} in {RECENT_MINUTES} min")
    elif (metrics.throttles or 0) > 0:
        problems.append(f"throttled {_times(metrics.throttles)} in {window} min")
    timeout_ms = timeout_s * 1000
    if metrics.duration_max_ms is not None and timeout_ms and metrics.duration_max_ms >= TIMEOUT_NEAR * timeout_ms:
        problems.append(f"max duration {seconds(metrics.duration_max_ms)} of {seconds(timeout_ms)} timeout")
    return Health(tuple(problems))


def health(function: LambdaFunction) -> Health:
    """`health(fn).words`: "12% errors, was 0.1%; throttled 14 times in 5 min" or "healthy"."""
    return health_of(function.metrics, function.timeout_s)


# changes -----------------------------------------------------------------------------------
@dataclass(frozen=True)
class Change:
    """One thing that changed on a function, and when.

    `source` says how the time is known: "lambda" (Lambda's LastModified), "audit"
    (opsdeck's own audit trail, for actions it made) or "observed" (a move noticed between
    two looks at the aliases: it happened after `observed_after` and by `at`).
    """

    at: datetime
    kind: str  # updated | published | alias | action
    summary: str
    source: str  # lambda | audit | observed
    version: str | None = None
    observed_after: datetime | None = None


class AliasMoves:
    """Notices alias moves between looks: Lambda gives aliases no timestamps.

    `observe()` takes every alias seen at a time (a poll, a changes() call); a version
    or weights different from the last look is a move, dated by the look that saw it.
    """

    def __init__(self) -> None:
        self._last: dict[tuple[str, str], tuple[str, tuple[tuple[str, float], ...], datetime]] = {}
        self._moves: list[tuple[str, Change]] = []  # (function name, move)

    def observe(self, aliases: Iterable[LambdaAlias], at: datetime) -> list[Change]:
        found = []
        for alias in aliases:
            key = (alias.function_name, alias.name)
            previous = self._last.get(key)
            if previous is not None and (previous[0], previous[1]) != (alias.version, alias.weights):
                was = LambdaAlias(alias.target, alias.function_name, alias.name, previous[0], previous[1])
                move = Change(at, "alias", f"{was.routing} → {alias.routing}", "observed", alias.version,
                              observed_after=previous[2])
                self._moves.append((alias.function_name, move))
                found.append(move)
            self._last[key] = (alias.version, alias.weights, at)
        return found

    def moves(self, function_name: str, since: datetime | None = None) -> list[Change]:
        return [m for name, m in self._moves if name == function_name and (since is None or m.at >= since)]


def _audit_changes(audit: AuditLog, function_arn: str, since: datetime) -> list[Change]:
    """Steps opsdeck applied to this function (or one of its aliases/versions) since `since`."""
    changes = []
    for record in audit.since(since):
        on_function = record.target == function_arn or record.target.startswith(function_arn + ":")
        if record.kind != "step" or record.result != "applied" or not on_function or not record.step:
            continue
        kind = "alias" if "alias" in record.step.lower() else "action"
        changes.append(Change(record.at, kind, f"{record.action}: {record.step}", "audit"))
    return changes


async def changes(
    ctx: AwsContext,
    function: LambdaFunction | str,
    since: datetime,
    *,
    audit: AuditLog | None = None,
    moves: AliasMoves | None = None,
) -> list[Change]:
    """Updates, published versions and alias moves of `function` since `since`, oldest first.

    Reads the function, its versions (paginated) and its aliases; the aliases feed `moves`
    so that calling this again reports a move made in between, dated by this call.
    """
    name = function if isinstance(function, str) else function.name
    client = await ctx.client("lambda")
    raw = await client.get_function_configuration(FunctionName=name)
    current = function_from_api(ctx.target, raw)
    found: list[Change] = []
    if current.last_modified is not None and current.last_modified >= since:
        found.append(Change(current.last_modified, "updated",
                            f"$LATEST updated (code {current.code_sha256[:12]})", "lambda", "$LATEST"))
    versions = await ctx.collect("lambda", "list_versions_by_function", "Versions", FunctionName=name,
                                 PaginationConfig={"PageSize": max_page("lambda", "ListVersionsByFunction")})
    published = sorted((v for v in versions if v.get("Version") != "$LATEST"), key=lambda v: int(v["Version"]))
    previous_sha = None
    for raw_version in published:
        version = function_from_api(ctx.target, raw_version)
        sha = version.code_sha256
        if version.last_modified is not None and version.last_modified >= since:
            code = "code" if previous_sha is None else ("new code" if sha != previous_sha else "same code")
            found.append(Change(version.last_modified, "published",
                                f"version {raw_version['Version']} published ({code} {sha[:12]})",
                                "lambda", raw_version["Version"]))
        previous_sha = sha
    if moves is not None:
        aliases = await ctx.collect("lambda", "list_aliases", "Aliases", FunctionName=name,
                                    PaginationConfig={"PageSize": max_page("lambda", "ListAliases")})
        moves.observe([alias_from_api(ctx.target, name, a) for a in aliases], ctx.clock.now())
        found.extend(moves.moves(name, since))
    if audit is not None:
        found.extend(_audit_changes(audit, current.arn, since))
    return sorted(found, key=lambda c: c.at)
