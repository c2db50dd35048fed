"""Step Functions: state machines, the outcome of their recent executions, their metrics.

- Machines: ListStateMachines, every page (1,000 a page, the documented maximum).
- Recent executions, STANDARD machines only: one ListExecutions page (the newest
  RECENT_EXECUTIONS) per machine, `recent_executions(ctx, machine_arn)`. The dashboard needs
  what is failing now, not the whole history, so that call is deliberately not paginated.
  ListExecutions' quota is small (5 a second in the largest regions, 2 elsewhere), so they
  are read as a sweep (console.polling.sweep): machines on screen first, those with a
  running execution next, the rest as opsdeck's share of the quota allows.
  ListExecutions "is not supported by EXPRESS state machines" (botocore model), so it is
  never asked for one; should AWS refuse it anyway (a machine deleted and re-created as
  EXPRESS since the listing: StateMachineTypeNotSupported), that machine's row says so and
  the rest of the panel loads. A machine deleted since the listing is left out.
- AWS/States metrics of every machine over the last hour (console.services.stepfunctions.metrics),
  in batched GetMetricData calls (500 queries each, 5 per machine): once a minute, their
  resolution, and at once for machines that appeared since.
"""

from __future__ import annotations

from console.aws.budget import sweeping
from console.aws.context import AwsContext, bounded_gather
from console.aws.errors import error_code
from console.aws.limits import max_page
from console.cloudwatch.metrics import fetch_metrics
from console.services.stepfunctions import metrics as sfn_metrics
from console.polling.sweep import Sweep
from console.services.stepfunctions.models import (
    ExecutionSummary, RecentExecutions, StateMachine, StateMachineMetrics,
)
from console.target import Target

SOURCE = "stepfunctions"  # the source this is, whose rows on screen the sweep reads first
RECENT_EXECUTIONS = 100  # one page by choice: AWS allows up to 1,000 (console.aws.limits)
EXPRESS = "EXPRESS"
METRICS_EVERY = 60.0  # seconds: AWS/States metrics have one-minute resolution

# What the row says when AWS refuses ListExecutions for a machine listed as STANDARD.
TYPE_NOT_SUPPORTED = "type not supported"


def execution_from_api(raw: dict) -> ExecutionSummary:
    return ExecutionSummary(
        arn=raw["executionArn"],
        name=raw.get("name", ""),
        status=raw.get("status", ""),
        started_at=raw.get("startDate"),
        stopped_at=raw.get("stopDate"),
    )


def machine_from_api(
    target: Target,
    raw: dict,
    executions: list[ExecutionSummary] | RecentExecutions | None = None,
    *,
    unavailable: str | None = None,
    metrics: StateMachineMetrics | None = None,
) -> StateMachine:
    """`executions` None: not read (yet, or never: `unavailable` says why; an EXPRESS
    machine's are never read). Counts are then unknown, never zero."""
    machine_type = raw.get("type", "STANDARD")
    if machine_type == EXPRESS and unavailable is None:
        unavailable, executions = EXPRESS, None
    recent = executions if isinstance(executions, RecentExecutions) else RecentExecutions.of(executions or [])
    return StateMachine(
        target=target,
        arn=raw["stateMachineArn"],
        name=raw["name"],
        type=machine_type,
        created_at=raw.get("creationDate"),
        last_execution=recent.newest,
        running=recent.running,
        succeeded=recent.succeeded,
        failed=recent.failed,
        recent=None if executions is None else recent.count,
        executions_unavailable=unavailable,
        metrics=metrics,
    )


async def list_state_machines(ctx: AwsContext) -> list[dict]:
    return await ctx.collect("stepfunctions", "list_state_machines", "stateMachines",
                             PaginationConfig={"PageSize": max_page("stepfunctions", "ListStateMachines")})


async def recent_executions(ctx: AwsContext, machine_arn: str) -> list[ExecutionSummary]:
    """The newest RECENT_EXECUTIONS executions of one STANDARD machine (one ListExecutions
    page). Raises what AWS raises: StateMachineTypeNotSupported for an EXPRESS machine."""
    sfn = await ctx.client("stepfunctions")
    page = await sfn.list_executions(stateMachineArn=machine_arn, maxResults=RECENT_EXECUTIONS)
    return [execution_from_api(raw) for raw in page.get("executions", [])]


class _Gone:
    """The machine was deleted since the listing."""


GONE = _Gone()


async def _executions_of(ctx: AwsContext, raw: dict) -> list[ExecutionSummary] | str | _Gone | None:
    """A machine's recent executions; for EXPRESS None (never asked); the reason when AWS
    refuses them; GONE when the machine no longer exists. Anything else raises (throttling,
    access denied: the source's tick fails and backs off as usual)."""
    if raw.get("type") == EXPRESS:
        return None
    try:
        return await recent_executions(ctx, raw["stateMachineArn"])
    except Exception as exc:
        code = error_code(exc)
        if code == "StateMachineTypeNotSupported":
            return TYPE_NOT_SUPPORTED
        if code == "StateMachineDoesNotExist":
            return GONE
        raise


async def fetch_machine_metrics(ctx: AwsContext, machine_arns: list[str]) -> dict[str, StateMachineMetrics]:
    """AWS/States over the last hour for each machine, by ARN, in batched calls."""
    start, end = sfn_metrics.window_bounds(ctx.clock.now())
    results = await fetch_metrics(ctx, sfn_metrics.metric_queries(machine_arns), start, end)
    return {arn: sfn_metrics.metrics_from_results(i, results) for i, arn in enumerate(machine_arns)}


class StateMachinesSource:
    """The Step Functions panel's polling source.

    Every tick: the machines, then (after the first paint) their metrics when due, then the
    recent executions of the STANDARD ones. Metrics are fetched again when a minute has
    passed, the target changed or the user asked (ctrl+r), and at once for machines not
    seen before; otherwise the last ones stay (they change once a minute at most).
    """

    def __init__(self, metrics_every: float = METRICS_EVERY, batch: int = 50) -> None:
        self.metrics_every = metrics_every
        self._metrics: dict[str, StateMachineMetrics] = {}  # by machine ARN
        self._target: Target | None = None
        self._fetched_at = 0.0  # clock.monotonic()
        self.sweep = Sweep(batch)
        self._executions: dict[str, RecentExecutions | str] = {}  # by machine ARN: the last read
        self._executions_target: Target | None = None

    async def __call__(self, ctx: AwsContext) -> tuple[StateMachine, ...]:
        machines = await list_state_machines(ctx)
        # Machines first; metrics and executions after every panel shows something.
        ctx.publish_partial(
            machine_from_api(ctx.target, m, metrics=self._metrics.get(m["stateMachineArn"]))
            if ctx.target == self._target else machine_from_api(ctx.target, m)
            for m in machines
        )
        await ctx.after_first_paint()
        await self._refresh_metrics(ctx, [m["stateMachineArn"] for m in machines])
        gone = await self._sweep_executions(ctx, machines)
        return self._machines(ctx, machines, gone)

    def _machines(self, ctx: AwsContext, machines: list[dict], gone: set[str]) -> tuple[StateMachine, ...]:
        """The listed machines (but those found gone) with what is known of each."""
        result = []
        for raw in machines:
            arn = raw["stateMachineArn"]
            if arn in gone:
                continue
            metrics = self._metrics.get(arn)
            outcome = self._executions.get(arn)
            if isinstance(outcome, str):
                result.append(machine_from_api(ctx.target, raw, unavailable=outcome, metrics=metrics))
            else:
                result.append(machine_from_api(ctx.target, raw, outcome, metrics=metrics))
        return tuple(result)

    async def _sweep_executions(self, ctx: AwsContext, machines: list[dict]) -> set[str]:
        """Read the recent executions of the STANDARD machines the sweep picks; the ARNs
        of machines found deleted since the listing."""
        if ctx.target != self._executions_target:
            self._executions, self._executions_target = {}, ctx.target
            self.sweep.reset()
        standard = {m["stateMachineArn"]: m for m in machines if m.get("type") != EXPRESS}
        running = {arn for arn, known in self._executions.items()
                   if isinstance(known, RecentExecutions) and known.running}
        due = self.sweep.due(standard, spare=ctx.spare("stepfunctions", "ListExecutions"), fresh=ctx.fresh,
                             on_screen=ctx.on_screen(SOURCE), moving=running)
        gone: set[str] = set()
        for group in (due.now, due.then):
            if group is due.then and due.now:  # what the user looks at, before the rest
                ctx.publish_progress(self._machines(ctx, machines, gone))
            with sweeping():
                outcomes = await bounded_gather(_executions_of(ctx, standard[arn]) for arn in group)
            self.sweep.read(group, ctx.clock.monotonic())
            for arn, outcome in zip(group, outcomes):
                if isinstance(outcome, _Gone):
                    gone.add(arn)
                    self._executions.pop(arn, None)
                elif isinstance(outcome, str):
                    self._executions[arn] = outcome
                elif outcome is not None:
                    self._executions[arn] = RecentExecutions.of(outcome)
        for arn in self.sweep.keep_only(set(standard) - gone):
            self._executions.pop(arn, None)
        return gone

    async def _refresh_metrics(self, ctx: AwsContext, arns: list[str]) -> None:
        due = (ctx.fresh or ctx.target != self._target
               or ctx.clock.monotonic() - self._fetched_at >= self.metrics_every)
        wanted = arns if due else [arn for arn in arns if arn not in self._metrics]
        if due:
            fetched = await fetch_machine_metrics(ctx, wanted)
            self._metrics, self._target, self._fetched_at = fetched, ctx.target, ctx.clock.monotonic()
        elif wanted:
            self._metrics.update(await fetch_machine_metrics(ctx, wanted))
