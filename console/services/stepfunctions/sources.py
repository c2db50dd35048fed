"""Step Functions: state machines, their executions of the last day, their metrics.

- Machines: ListStateMachines, every page (1,000 a page, the documented maximum).
- Executions of the last 24 h, STANDARD machines only, by status
  (console.services.stepfunctions.executions.DayTally): a first read pages back to the
  start of the day, later reads only down to where the last one began (an execution that
  ends or is redriven comes back to the top of the list). ListExecutions' quota is small
  (5 a second in the largest regions, 2 elsewhere), so machines are read as a sweep
  (console.polling.sweep): machines on screen first, those with a running execution (or
  a day half read) next, the rest as opsdeck's share of the quota allows; a machine's
  further pages spend only what the share has spare, and a day too long for one tick
  goes on at the next. ListExecutions "is not supported by EXPRESS state
  machines" (botocore model), so it is never asked for one; should AWS refuse it anyway
  (a machine deleted and re-created as EXPRESS since the listing:
  StateMachineTypeNotSupported), that machine's row says so and the rest of the panel
  loads. A machine deleted since the listing is left out.
- EXPRESS machines' log groups: DescribeStateMachine's loggingConfiguration, read once per
  machine (on screen first, within the share) and again every LOGGING_EVERY seconds.
- AWS/States metrics of every machine over the last hour (console.services.stepfunctions.metrics),
  in batched GetMetricData calls (500 queries each, 6 per machine): once a minute, their
  resolution, and at once for machines that appeared since.
"""

from __future__ import annotations

from typing import Any

from console.aws.budget import sweeping
from console.aws.context import AwsContext, bounded_gather
from console.aws.errors import error_code
from console.aws.limits import max_page
from console.cloudwatch.metrics import fetch_metrics
from console.polling.sweep import Sweep
from console.services.stepfunctions import metrics as sfn_metrics
from console.services.stepfunctions.executions import DayTally
from console.services.stepfunctions.models import DayExecutions, StateMachine, StateMachineMetrics
from console.target import Target

SOURCE = "stepfunctions"  # the source this is, whose rows on screen the sweeps read first
EXPRESS = "EXPRESS"
METRICS_EVERY = 60.0  # seconds: AWS/States metrics have one-minute resolution
LOGGING_EVERY = 900.0  # seconds: a machine's logging configuration rarely changes

# What the row says when AWS refuses ListExecutions for a machine listed as STANDARD.
TYPE_NOT_SUPPORTED = "type not supported"


def log_group_of(description: dict) -> str:
    """The CloudWatch Logs group of DescribeStateMachine's loggingConfiguration ("" when
    logging is off or names none). Its destinations hold the group's ARN,
    `arn:aws:logs:REGION:ACCOUNT:log-group:NAME:*`."""
    config = description.get("loggingConfiguration") or {}
    if config.get("level", "OFF") == "OFF":
        return ""
    for destination in config.get("destinations") or ():
        arn = ((destination or {}).get("cloudWatchLogsLogGroup") or {}).get("logGroupArn") or ""
        parts = arn.split(":")
        if len(parts) >= 7 and parts[5] == "log-group":
            return parts[6]
    return ""


def machine_from_api(
    target: Target,
    raw: dict,
    day: DayExecutions | None = None,
    *,
    unavailable: str | None = None,
    metrics: StateMachineMetrics | None = None,
    log_group: str | None = None,
) -> StateMachine:
    """`day` None: not read (yet, or never: `unavailable` says why; an EXPRESS machine's
    are never read). Counts are then unknown, never zero."""
    machine_type = raw.get("type", "STANDARD")
    if machine_type == EXPRESS and unavailable is None:
        unavailable, day = EXPRESS, None
    if day is None:
        return StateMachine(target, raw["stateMachineArn"], raw["name"], machine_type, raw.get("creationDate"),
                            None, 0, 0, 0, None, unavailable, metrics, log_group=log_group)
    return StateMachine(
        target=target,
        arn=raw["stateMachineArn"],
        name=raw["name"],
        type=machine_type,
        created_at=raw.get("creationDate"),
        last_execution=day.newest,
        running=day.running,
        succeeded=day.succeeded,
        failed=day.failed,
        recent=day.total,
        executions_unavailable=unavailable,
        metrics=metrics,
        timed_out=day.timed_out,
        aborted=day.aborted,
        latest_failure=day.latest_failure,
        window_complete=day.complete,
        log_group=log_group,
    )


async def list_state_machines(ctx: AwsContext) -> list[dict]:
    return await ctx.collect("stepfunctions", "list_state_machines", "stateMachines",
                             PaginationConfig={"PageSize": max_page("stepfunctions", "ListStateMachines")})


class _Gone:
    """The machine was deleted since the listing."""


GONE = _Gone()


class _Allowance:
    """Calls a tick may still spend beyond the ones the sweep planned; taken synchronously,
    so reads running side by side never overspend it."""

    def __init__(self, calls: int) -> None:
        self.calls = calls

    def take(self) -> bool:
        if self.calls <= 0:
            return False
        self.calls -= 1
        return True


async def fetch_machine_metrics(ctx: AwsContext, machine_arns: list[str]) -> dict[str, StateMachineMetrics]:
    """AWS/States over the last hour for each machine, by ARN, in batched calls."""
    start, end = sfn_metrics.window_bounds(ctx.clock.now())
    results = await fetch_metrics(ctx, sfn_metrics.metric_queries(machine_arns), start, end)
    return {arn: sfn_metrics.metrics_from_results(i, results, start) for i, arn in enumerate(machine_arns)}


class StateMachinesSource:
    """The Step Functions panel's polling source.

    Every tick: the machines, then (after the first paint) their metrics when due, the
    executions of the STANDARD ones the sweep picks, and the logging configuration of
    EXPRESS ones not read lately. Metrics are fetched again when a minute has passed, the
    target changed or the user asked (ctrl+r), and at once for machines not seen before;
    otherwise the last ones stay (they change once a minute at most).
    """

    def __init__(self, metrics_every: float = METRICS_EVERY, batch: int = 50) -> None:
        self.metrics_every = metrics_every
        self._metrics: dict[str, StateMachineMetrics] = {}  # by machine ARN
        self._target: Target | None = None
        self._fetched_at = 0.0  # clock.monotonic()
        self.sweep = Sweep(batch)
        self.logging_sweep = Sweep(batch)
        self._days: dict[str, DayTally] = {}  # by machine ARN
        self._refused: dict[str, str] = {}  # machine ARN -> why AWS refused its executions
        self._log_groups: dict[str, str] = {}  # EXPRESS machine ARN -> its log group ("" none)
        self._state_target: Target | None = None

    async def __call__(self, ctx: AwsContext) -> tuple[StateMachine, ...]:
        machines = await list_state_machines(ctx)
        # Machines first; metrics and executions after every panel shows something.
        same = ctx.target == self._target and ctx.target == self._state_target
        ctx.publish_partial(self._machines(ctx, machines, set()) if same else
                            [machine_from_api(ctx.target, m) for m in machines])
        await ctx.after_first_paint()
        await self._refresh_metrics(ctx, [m["stateMachineArn"] for m in machines])
        if ctx.target != self._state_target:
            self._days, self._refused, self._log_groups = {}, {}, {}
            self._state_target = ctx.target
            self.sweep.reset()
            self.logging_sweep.reset()
        gone = await self._sweep_executions(ctx, machines)
        gone |= await self._sweep_logging(ctx, machines)
        return self._machines(ctx, machines, gone)

    def _machines(self, ctx: AwsContext, machines: list[dict], gone: set[str]) -> tuple[StateMachine, ...]:
        """The listed machines (but those found gone) with what is known of each."""
        now = ctx.clock.now()
        result = []
        for raw in machines:
            arn = raw["stateMachineArn"]
            if arn in gone:
                continue
            day = self._days.get(arn)
            summary = day.summary(now) if day is not None and (day.complete or day.scan is not None) else None
            result.append(machine_from_api(ctx.target, raw, summary, unavailable=self._refused.get(arn),
                                           metrics=self._metrics.get(arn), log_group=self._log_groups.get(arn)))
        return tuple(result)

    # executions of the last day ------------------------------------------------------------
    async def _sweep_executions(self, ctx: AwsContext, machines: list[dict]) -> set[str]:
        """Read what changed in the day of the STANDARD machines the sweep picks; the ARNs
        of machines found deleted since the listing."""
        standard = {m["stateMachineArn"]: m for m in machines if m.get("type") != EXPRESS}
        moving = {arn for arn, day in self._days.items() if day.moving}
        spare = ctx.spare("stepfunctions", "ListExecutions")
        due = self.sweep.due(standard, spare=spare, fresh=ctx.fresh, on_screen=ctx.on_screen(SOURCE), moving=moving)
        pages = _Allowance(spare - len(due.now) - len(due.then))
        gone: set[str] = set()
        for group in (due.now, due.then):
            if group is due.then and due.now:  # what the user looks at, before the rest
                ctx.publish_progress(self._machines(ctx, machines, gone))
            with sweeping():
                outcomes = await bounded_gather(self._read_day(ctx, arn, pages) for arn in group)
            self.sweep.read(group, ctx.clock.monotonic())
            for arn, outcome in zip(group, outcomes):
                if isinstance(outcome, _Gone):
                    gone.add(arn)
                    self._days.pop(arn, None)
                elif isinstance(outcome, str):
                    self._refused[arn] = outcome
                    self._days.pop(arn, None)
        for arn in self.sweep.keep_only(set(standard) - gone):
            self._days.pop(arn, None)
            self._refused.pop(arn, None)
        return gone

    async def _read_day(self, ctx: AwsContext, arn: str, pages: _Allowance) -> str | _Gone | None:
        """A machine's new executions; the reason when AWS refuses them; GONE when the
        machine no longer exists. Anything else raises (throttling, access denied: the
        source's tick fails and backs off as usual)."""
        day = self._days.setdefault(arn, DayTally(arn))
        try:
            await day.read(ctx, pages.take)
        except Exception as exc:
            code = error_code(exc)
            if code == "StateMachineTypeNotSupported":
                return TYPE_NOT_SUPPORTED
            if code == "StateMachineDoesNotExist":
                return GONE
            raise
        self._refused.pop(arn, None)
        return None

    # EXPRESS machines' log groups -----------------------------------------------------------
    async def _sweep_logging(self, ctx: AwsContext, machines: list[dict]) -> set[str]:
        express = {m["stateMachineArn"]: m for m in machines if m.get("type") == EXPRESS}
        at = ctx.clock.monotonic()
        stale = [arn for arn in express if at - self.logging_sweep.read_at.get(arn, -LOGGING_EVERY) >= LOGGING_EVERY
                 or arn not in self._log_groups]
        due = self.logging_sweep.due(stale, spare=ctx.spare("stepfunctions", "DescribeStateMachine"),
                                     fresh=ctx.fresh, on_screen=ctx.on_screen(SOURCE))
        group = due.now + due.then
        gone: set[str] = set()
        if group:
            sfn = await ctx.client("stepfunctions")

            async def describe(arn: str) -> Any:
                try:
                    return log_group_of(await sfn.describe_state_machine(stateMachineArn=arn))
                except Exception as exc:
                    if error_code(exc) == "StateMachineDoesNotExist":
                        return GONE
                    raise

            with sweeping():
                found = await bounded_gather(describe(arn) for arn in group)
            self.logging_sweep.read(group, at)
            for arn, log_group in zip(group, found):
                if isinstance(log_group, _Gone):
                    gone.add(arn)
                    self._log_groups.pop(arn, None)
                else:
                    self._log_groups[arn] = log_group
        for arn in self.logging_sweep.keep_only(set(express) - gone):
            self._log_groups.pop(arn, None)
        return gone

    # metrics ----------------------------------------------------------------------------------
    async def _refresh_metrics(self, ctx: AwsContext, arns: list[str]) -> None:
        due = (ctx.fresh or ctx.target != self._target
               or ctx.clock.monotonic() - self._fetched_at >= self.metrics_every)
        wanted = arns if due else [arn for arn in arns if arn not in self._metrics]
        if due:
            fetched = await fetch_machine_metrics(ctx, wanted)
            self._metrics, self._target, self._fetched_at = fetched, ctx.target, ctx.clock.monotonic()
        elif wanted:
            self._metrics.update(await fetch_machine_metrics(ctx, wanted))
