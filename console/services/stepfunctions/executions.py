"""Reading a STANDARD machine's executions: ListExecutions page by page, DescribeExecution
one by one.

ListExecutions lists a machine's executions newest first (by start), up to 1,000 a page,
with an optional statusFilter; it gives each execution's name, status, start and stop,
redriveCount and redriveDate. Its quota is small (5 a second in the largest regions, 2
elsewhere), so nothing here reads more than it must:

- `DayTally`: the panel's figures for one machine, the executions of the last 24 h by
  status. ListExecutions puts an execution back at the top of the list when it ends or
  is redriven, so the first read pages back to the start of the day (several pages for a
  busy machine, spread over ticks when the budget says so) and later reads page only
  down to where the last one began (usually one page): new executions and the running
  ones' endings, never the whole day again. It keeps succeeded ones as counts.
- `ExecutionPager`: the executions screen's list, one page at a time as the user
  scrolls, with the newest re-read each tick.
- `describe_execution`: the input, redrive status, error and cause of one execution.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from typing import Any, Callable

from console.aws.context import AwsContext
from console.services.stepfunctions.models import (
    FAILED_STATUSES, OPEN_STATUSES, DayExecutions, ExecutionDetails, ExecutionSummary,
)

DAY_HOURS = 24
FIRST_PAGE = 1000  # a first read of the day: the most a page holds (fewest calls)
NEWER_PAGE = 100  # later reads: usually a handful of new executions
SCREEN_PAGE = 100  # the executions screen: a page is a few screens of rows
RUNNING = "RUNNING"
_EPOCH = datetime(1970, 1, 1, tzinfo=timezone.utc)


def execution_from_api(raw: dict) -> ExecutionSummary:
    return ExecutionSummary(
        arn=raw["executionArn"],
        name=raw.get("name", ""),
        status=raw.get("status", ""),
        started_at=raw.get("startDate"),
        stopped_at=raw.get("stopDate"),
        redrive_count=int(raw.get("redriveCount") or 0),
        redrive_date=raw.get("redriveDate"),
    )


def details_from_api(raw: dict) -> ExecutionDetails:
    included = (raw.get("inputDetails") or {}).get("included", True)
    return ExecutionDetails(
        arn=raw["executionArn"],
        status=raw.get("status", ""),
        stopped_at=raw.get("stopDate"),
        input=raw.get("input") if included else None,
        redrive_count=int(raw.get("redriveCount") or 0),
        redrive_status=raw.get("redriveStatus"),
        redrive_status_reason=raw.get("redriveStatusReason"),
        error=raw.get("error"),
        cause=raw.get("cause"),
    )


async def list_page(ctx: AwsContext, machine_arn: str, size: int, token: str | None = None,
                    status: str | None = None) -> tuple[list[ExecutionSummary], str | None]:
    """One ListExecutions page, newest first, and the token of the next (None: the last).
    Raises what AWS raises: StateMachineTypeNotSupported for an EXPRESS machine."""
    sfn = await ctx.client("stepfunctions")
    params: dict[str, Any] = {"stateMachineArn": machine_arn, "maxResults": size}
    if token:
        params["nextToken"] = token
    if status:
        params["statusFilter"] = status
    page = await sfn.list_executions(**params)
    return [execution_from_api(raw) for raw in page.get("executions", [])], page.get("nextToken") or None


async def describe_execution(ctx: AwsContext, execution_arn: str) -> ExecutionDetails:
    sfn = await ctx.client("stepfunctions")
    return details_from_api(await sfn.describe_execution(executionArn=execution_arn))


def _minute(at: datetime) -> int:
    return int(at.timestamp() // 60)


@dataclass
class _Scan:
    """A read from the top of the list down to `floor` (where the last read began) or to
    the start of the day, page by page; `token` resumes it on a later tick."""

    floor: datetime | None
    floor_arns: frozenset[str]
    token: str | None = None
    top: tuple[datetime, set[str]] | None = None  # the first place it saw, and the executions there
    pages: int = 0


@dataclass
class DayTally:
    """One STANDARD machine's executions listed in the last DAY_HOURS (ended in it, or
    started or redriven in it and still running), by status.

    ListExecutions lists the most recent first by stopDate (running ones by startDate or
    redriveDate), so an execution comes back to the top when it ends or is redriven: a
    read from the top down to where the last one began sees every new execution and every
    status change, and nothing is read twice. SUCCEEDED is final (a succeeded execution
    cannot be redriven): those are kept as counts per minute. The others may still change
    (running ones end, failed ones are redriven within 14 days) and are kept by ARN, so a
    change replaces what was counted."""

    machine_arn: str
    window: timedelta = timedelta(hours=DAY_HOURS)
    succeeded: dict[int, int] = field(default_factory=dict)  # minute listed -> SUCCEEDED executions
    changing: dict[str, ExecutionSummary] = field(default_factory=dict)  # by ARN: the other statuses
    newest: ExecutionSummary | None = None  # the latest started
    seen_top: tuple[datetime, frozenset[str]] | None = None  # where the last finished scan began
    scan: _Scan | None = None
    complete: bool = False  # the day has been read back to its start once

    # what the panel shows ---------------------------------------------------------------
    def summary(self, now: datetime) -> DayExecutions:
        self._age(now)
        counts = Counter(e.status for e in self.changing.values())
        failures = [e for e in self.changing.values() if e.status in FAILED_STATUSES]
        return DayExecutions(
            window_hours=int(self.window.total_seconds() // 3600),
            running=counts[RUNNING], succeeded=sum(self.succeeded.values()), failed=counts["FAILED"],
            timed_out=counts["TIMED_OUT"], aborted=counts["ABORTED"], pending_redrive=counts["PENDING_REDRIVE"],
            newest=self.newest, latest_failure=max(failures, key=lambda e: e.listed_at, default=None),
            complete=self.complete and self.scan is None,
        )

    @property
    def moving(self) -> bool:
        """Something is about to change: an execution is running, or the day is half read."""
        return (any(e.status in OPEN_STATUSES for e in self.changing.values())
                or not self.complete or self.scan is not None)

    # reading -----------------------------------------------------------------------------
    async def read(self, ctx: AwsContext, more_pages: Callable[[], bool]) -> None:
        """Read what changed since the last read: one ListExecutions page, then further
        ones while the scan needs them and `more_pages()` allows (it spends the budget);
        a scan cut short goes on from its token at the next read."""
        now = ctx.clock.now()
        self._age(now)
        if self.scan is None:
            floor = self.seen_top
            self.scan = _Scan(floor[0] if floor else None, floor[1] if floor else frozenset())
        scan = self.scan
        cutoff = now - self.window
        while True:
            size = NEWER_PAGE if scan.floor is not None else FIRST_PAGE
            page, token = await list_page(ctx, self.machine_arn, size, scan.token)
            scan.pages += 1
            done = self._take(page, scan, cutoff) or token is None
            scan.token = token
            if done:
                if scan.top is not None:  # else nothing new: the next read stops where this one did
                    self.seen_top = (scan.top[0], frozenset(scan.top[1]))
                self.scan, self.complete = None, True
                return
            if not more_pages():
                return

    def _take(self, page: list[ExecutionSummary], scan: _Scan, cutoff: datetime) -> bool:
        """Count a page's new and changed executions; True once the scan reached its floor."""
        for execution in page:
            at = execution.listed_at
            if at is None:
                continue
            if at < cutoff or (scan.floor is not None and at < scan.floor):
                return True
            if scan.floor is not None and at == scan.floor and execution.arn in scan.floor_arns:
                continue  # seen: others may share its place, read on
            if scan.top is None or at > scan.top[0]:
                scan.top = (at, {execution.arn})
            elif at == scan.top[0]:
                scan.top[1].add(execution.arn)
            self._put(execution, at)
        return False

    def _put(self, execution: ExecutionSummary, at: datetime) -> None:
        self.changing.pop(execution.arn, None)  # what it was: replaced by what it is
        if execution.status == "SUCCEEDED":
            minute = _minute(at)
            self.succeeded[minute] = self.succeeded.get(minute, 0) + 1
        else:
            self.changing[execution.arn] = execution
        newest = self.newest
        if newest is None or newest.arn == execution.arn or (execution.started_at or at) > (newest.started_at or at):
            self.newest = execution

    def _age(self, now: datetime) -> None:
        """Forget what was listed before the window."""
        cutoff = now - self.window
        first = _minute(cutoff)
        for minute in [m for m in self.succeeded if m < first]:
            del self.succeeded[minute]
        for arn in [a for a, e in self.changing.items() if e.listed_at < cutoff]:
            del self.changing[arn]
        if self.newest is not None and self.newest.listed_at < cutoff:
            self.newest = None


# the executions screen ---------------------------------------------------------------------
@dataclass(frozen=True)
class ExecutionsPage:
    """What the executions screen shows: the executions loaded so far (newest first, the
    filter's), whether more pages remain, and the details read for rows on screen."""

    status: str | None  # the statusFilter; None: every status
    executions: tuple[ExecutionSummary, ...]
    more: bool
    details: dict[str, ExecutionDetails]
    pages: int


class ExecutionPager:
    """One machine's executions for the executions screen, read one ListExecutions page
    at a time: the first page when opened (or when the status filter changes), the next
    only when asked (`want_more`: the user scrolled to the end), and the newest page again
    on later ticks to show new executions and status changes. Rows on screen are described
    (DescribeExecution) once, the running ones again each tick."""

    def __init__(self, machine_arn: str, page_size: int | None = None) -> None:
        self.machine_arn = machine_arn
        self.page_size = page_size or SCREEN_PAGE
        self.status: str | None = None
        self.want_more = False
        self._rows: dict[str, ExecutionSummary] = {}
        self._token: str | None = None
        self._loaded = False
        self._pages = 0
        self.details: dict[str, ExecutionDetails] = {}

    def set_status(self, status: str | None) -> None:
        """A new statusFilter: the list starts again from its first page."""
        if status == self.status:
            return
        self.status = status
        self._rows, self._token, self._loaded, self._pages, self.want_more = {}, None, False, 0, False

    def ask_more(self, pages_shown: int) -> bool:
        """The user reached the last row of the `pages_shown` pages on screen: read the next
        page, unless one is already asked for, none is left, or the screen is behind (the
        pager has read a page the screen has not drawn yet: its last row is not the end)."""
        if self.want_more or not self._token or pages_shown != self._pages:
            return False
        self.want_more = True
        return True

    async def fetch(self, ctx: AwsContext) -> ExecutionsPage:
        """The tick: the next page when asked for, else the newest page (new executions,
        and status changes of the recent ones)."""
        status = self.status
        if self._loaded and self.want_more and self._token:
            page, token = await list_page(ctx, self.machine_arn, self.page_size, self._token, status)
            if status == self.status:
                self._merge(page)
                self._token, self._pages, self.want_more = token, self._pages + 1, False
        else:
            page, token = await list_page(ctx, self.machine_arn, self.page_size, None, status)
            if status == self.status:
                self._merge(page)
                if not self._loaded:
                    self._token, self._pages, self._loaded = token, 1, True
        return self.snapshot()

    def _merge(self, page: list[ExecutionSummary]) -> None:
        for execution in page:
            self._rows[execution.arn] = execution
        if self.status is not None:  # an execution whose status moved on leaves the filter
            for arn in [a for a, e in self._rows.items() if e.status != self.status]:
                del self._rows[arn]

    def snapshot(self) -> ExecutionsPage:
        rows = tuple(sorted(self._rows.values(), key=lambda e: e.listed_at or _EPOCH, reverse=True))
        return ExecutionsPage(self.status, rows, bool(self._token), dict(self.details), self._pages)

    # details of the rows on screen -------------------------------------------------------
    def to_describe(self, on_screen: frozenset[str], fresh: bool = False) -> list[str]:
        """Rows on screen never described, then those on screen still running (they change)."""
        rows = [self._rows[arn] for arn in self._rows if arn in on_screen]
        never = [e.arn for e in rows if e.arn not in self.details]
        again = [e.arn for e in rows if e.arn in self.details and (fresh or e.status == RUNNING
                                                                   or self.details[e.arn].status == RUNNING)]
        return never + again

    def described(self, details: ExecutionDetails) -> None:
        self.details[details.arn] = details
        known = self._rows.get(details.arn)
        if known is not None and known.status != details.status:
            self._rows[details.arn] = ExecutionSummary(
                known.arn, known.name, details.status, known.started_at, details.stopped_at or known.stopped_at,
                details.redrive_count, known.redrive_date)
            if self.status is not None and details.status != self.status:
                del self._rows[details.arn]
