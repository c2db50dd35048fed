"""Deploy a Lambda function through an alias, and move the alias back.

A deploy is a guarded action (console.actions): the plan reads the function and its
alias and lists the steps -- update the code (and wait until Lambda says Successful),
publish a version, then move the alias all at once, as a canary, or linearly, and
promote. Every step starts with its own change, so a step is never a bare wait.

During a canary or linear shift the new version's health is read from its own metrics
through the alias (console.services.lambda_.deploy.health) every `check_every` seconds of
the injected clock (10 s), minute by minute: each minute is reported when it first shows
(a count so far) and again when it is final. A minute's figures are final only `grace` seconds after it ends
(default: the function's timeout plus CloudWatch's ingestion delay, assumed 60 s): until
then they may still grow. More than `max_errors` errors, counted in any minute, final or
not, rolls the alias back at once. Nothing else is decided on a minute still arriving: at
the end of the window the deploy waits until the window's last minute is final, then
promotes, or, with too few invocations in final minutes, rolls back unless traffic-less
promotion was allowed. A cancel flag aborts (alias back to the old version) within a
second. Progress goes to the Runner (one Progress per step, audited) and, in detail,
to a listener as DeployEvents for a live display.

The code update waits for LastUpdateStatus Successful on the injected clock and publishes
nothing before; Lambda refuses updates and PublishVersion while an update is in progress
(ResourceConflictException): a plan refuses a function whose update is in progress, and
a conflict during the deploy stops it with that reason, never retried in a loop.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import Any, Callable, Sequence

from botocore.exceptions import ClientError

from console.actions.base import (
    ApplyResult,
    CancelFlag,
    Plan,
    PlanRefused,
    ProgressCallback,
    Step,
    VerifyResult,
    check_steps,
    report_progress,
    run_steps,
)
from console.aws.context import AwsContext
from console.aws.errors import ErrorClass, Problem, describe_problem, error_code
from console.aws.limits import max_page
from console.services.lambda_.deploy import checks
from console.services.lambda_.deploy.health import VersionHealth, default_settle, minute_end, read_health
from console.services.lambda_.deploy.package import Source
from console.services.lambda_.deploy.strategy import Strategy, format_seconds

# seconds between health reads during a window: more errors than allowed roll back within
# this long of CloudWatch showing them (4 queries a read, far inside GetMetricData's quota)
CHECK_EVERY = 10.0
CANCEL_POLL = 1.0  # a cancel is noticed within this many seconds
UPDATE_POLL = 1.0  # GetFunctionConfiguration while LastUpdateStatus is InProgress
UPDATE_TIMEOUT = 900.0
DEFAULT_ALIAS = "live"

OUTCOMES = ("promoted", "rolled-back", "aborted", "failed")


# -- what a display draws --------------------------------------------------------------------
@dataclass(frozen=True)
class DeployEvent:
    """One moment of a deploy, for a live display (TUI progress, CLI lines).

    `phase`: updating | publishing | shifting | watching | grace | promoting | rolling-back
    | done. `weight` is the share (0..1) of the alias's traffic on the new version now.
    `new`/`old` are the versions' own invocations and errors since the first shift.
    `window_end` is when the current window (or grace) ends on the deploy's clock and
    `time_left` the seconds until then (None outside windows). On `done`, `outcome` is one
    of OUTCOMES and `message` says why.
    """

    phase: str
    function: str
    alias: str
    old_version: str
    new_version: str | None
    weight: float
    message: str
    new: VersionHealth | None = None
    old: VersionHealth | None = None
    window_end: datetime | None = None
    time_left: float | None = None
    outcome: str | None = None


DeployListener = Callable[[DeployEvent], Any]  # may return an awaitable


@dataclass(frozen=True)
class DeployReport:
    """How a deploy ended: `outcome` one of OUTCOMES (or "not-run"), and why."""

    outcome: str
    reason: str
    function: str
    alias: str
    old_version: str
    new_version: str | None
    new: VersionHealth | None = None
    old: VersionHealth | None = None


@dataclass(frozen=True)
class HealthRules:
    """When the new version counts as healthy. `grace`: seconds after a minute ends until
    its figures are final; None: the function's timeout plus CloudWatch's ingestion delay
    (health.default_settle), known once the plan has read the function."""

    max_errors: int = 0
    min_invocations: int = 1
    allow_no_traffic: bool = False
    grace: float | None = None
    check_every: float = CHECK_EVERY

    @property
    def settle(self) -> float:
        return self.grace if self.grace is not None else default_settle(0)


class Unhealthy(Exception):
    """The new version failed its health rules; the message says how."""


class Aborted(Exception):
    """The cancel flag was set during a step."""


class UpdateFailed(Exception):
    """Lambda reported LastUpdateStatus Failed (or never finished), or refused the change."""


UPDATE_IN_PROGRESS = "ResourceConflictException"


def conflict(exc: Exception) -> bool:
    """Lambda's answer to a change while an update is in progress (HTTP 409)."""
    return isinstance(exc, ClientError) and error_code(exc) == UPDATE_IN_PROGRESS


def describe_conflict(exc: ClientError) -> str:
    message = (exc.response.get("Error") or {}).get("Message") or ""
    return f"{UPDATE_IN_PROGRESS}: {message}" if message else UPDATE_IN_PROGRESS


# -- alias helpers ----------------------------------------------------------------------------
async def get_alias(ctx: AwsContext, function: str, alias: str) -> tuple[str, dict[str, float]]:
    """(FunctionVersion, AdditionalVersionWeights) of `alias`."""
    lam = await ctx.client("lambda")
    raw = await lam.get_alias(FunctionName=function, Name=alias)
    weights = (raw.get("RoutingConfig") or {}).get("AdditionalVersionWeights") or {}
    return str(raw["FunctionVersion"]), {str(v): float(w) for v, w in weights.items()}


async def set_alias(ctx: AwsContext, function: str, alias: str, version: str, weights: dict[str, float]) -> None:
    lam = await ctx.client("lambda")
    await lam.update_alias(FunctionName=function, Name=alias, FunctionVersion=version,
                           RoutingConfig={"AdditionalVersionWeights": dict(weights)})


def describe_routing(version: str, weights: dict[str, float]) -> str:
    extra = ", ".join(f"{w:.0%} on {v}" for v, w in sorted(weights.items()))
    return f"version {version}" + (f" with {extra}" if extra else "")


def alias_is(function: str, alias: str, version: str, weights: dict[str, float]):
    """A StepCheck: the alias routes exactly as given."""

    async def check(ctx: AwsContext) -> tuple[bool, str]:
        found, found_weights = await get_alias(ctx, function, alias)
        good = found == version and {v: round(w, 4) for v, w in found_weights.items()} == \
            {v: round(w, 4) for v, w in weights.items()}
        return good, (f"alias {alias} of {function} routes to {describe_routing(found, found_weights)} "
                      f"(expected {describe_routing(version, weights)})")

    return check


def alias_move_step(function: str, alias: str, before: tuple[str, dict[str, float]],
                    after: tuple[str, dict[str, float]], description: str, inverse_description: str) -> Step:
    async def to_after(ctx: AwsContext) -> None:
        await set_alias(ctx, function, alias, after[0], after[1])

    async def to_before(ctx: AwsContext) -> None:
        await set_alias(ctx, function, alias, before[0], before[1])

    return Step(description, inverse_description, to_after, to_before,
                alias_is(function, alias, *after), alias_is(function, alias, *before))


async def wait_until_updated(ctx: AwsContext, function: str, timeout: float = UPDATE_TIMEOUT) -> dict:
    """Poll GetFunctionConfiguration until LastUpdateStatus is Successful; UpdateFailed on Failed."""
    lam = await ctx.client("lambda")
    clock = ctx.clock
    deadline = clock.monotonic() + timeout
    while True:
        config = await lam.get_function_configuration(FunctionName=function)
        status = config.get("LastUpdateStatus") or "Successful"  # absent: nothing in progress
        if status == "Successful":
            return config
        if status == "Failed":
            reason = config.get("LastUpdateStatusReason") or "no reason given"
            code = config.get("LastUpdateStatusReasonCode") or ""
            raise UpdateFailed(f"Lambda could not apply the new code of {function}: {reason}"
                               + (f" ({code})" if code else ""))
        if clock.monotonic() >= deadline:
            raise UpdateFailed(f"the code update of {function} was still {status} after "
                               f"{format_seconds(timeout)}")
        await clock.sleep(UPDATE_POLL)


def unqualified_arn(arn: str) -> str:
    """arn:aws:lambda:REGION:ACCOUNT:function:NAME, without a :version or :alias suffix."""
    return ":".join(arn.split(":")[:7])


def _not_found(exc: Exception) -> bool:
    return isinstance(exc, ClientError) and error_code(exc) == "ResourceNotFoundException"


async def read_function(ctx: AwsContext, function: str) -> dict:
    lam = await ctx.client("lambda")
    try:
        return await lam.get_function(FunctionName=function)
    except ClientError as exc:
        if _not_found(exc):
            raise PlanRefused(f"function {function!r} does not exist in {ctx.target.region}") from None
        raise


async def read_alias(ctx: AwsContext, function: str, alias: str) -> tuple[str, dict[str, float]]:
    try:
        return await get_alias(ctx, function, alias)
    except ClientError as exc:
        if _not_found(exc):
            raise PlanRefused(f"function {function!r} has no alias {alias!r} "
                              "(create it, or choose another with --alias)",
                              tui=f"function {function!r} has no alias {alias!r} (create it, or choose another)") from None
        raise


_CONFIG_FIELDS = ("Runtime", "Handler", "MemorySize", "Timeout", "Architectures", "Role")


def config_changes(before: dict, after: dict) -> list[str]:
    """What the published version's configuration changes compared with `before` (values of
    environment variables are never shown, only their names)."""
    changes = []
    for name in _CONFIG_FIELDS:
        if before.get(name) != after.get(name):
            changes.append(f"{name} {before.get(name)} -> {after.get(name)}")
    env_before = (before.get("Environment") or {}).get("Variables") or {}
    env_after = (after.get("Environment") or {}).get("Variables") or {}
    for key in sorted(set(env_before) | set(env_after)):
        if key not in env_before:
            changes.append(f"env {key} added")
        elif key not in env_after:
            changes.append(f"env {key} removed")
        elif env_before[key] != env_after[key]:
            changes.append(f"env {key} changed")
    layers_before = [layer.get("Arn") for layer in before.get("Layers") or []]
    layers_after = [layer.get("Arn") for layer in after.get("Layers") or []]
    if layers_before != layers_after:
        changes.append(f"layers {layers_before or 'none'} -> {layers_after or 'none'}")
    return changes


# -- the deploy -------------------------------------------------------------------------------
class DeployRun:
    """What one apply has learnt and where it is (mutable: it is a run, not a model)."""

    def __init__(self, cancel: CancelFlag | None, listener: DeployListener | None) -> None:
        self.cancel = cancel
        self.listener = listener
        self.new_version: str | None = None
        self.new_sha: str | None = None
        self.version_reported = False
        self.alias_moved = False
        self.weight = 0.0
        self.first_shift_at: datetime | None = None
        self.new: VersionHealth | None = None
        self.old: VersionHealth | None = None
        self.reported: dict[datetime, bool] = {}  # minute -> final, as last reported
        self.last_figures: tuple[VersionHealth | None, VersionHealth | None] = (None, None)
        self.outcome = "not-run"
        self.reason = ""

    def cancelled(self) -> bool:
        return self.cancel is not None and self.cancel.is_set()


class Deployment:
    """One deploy of `source` to `function` behind `alias` with `strategy` (the engine of
    console.services.lambda_.actions.LambdaDeploy)."""

    def __init__(self, function: str, source: Source, alias: str = DEFAULT_ALIAS,
                 strategy: Strategy = Strategy(), rules: HealthRules = HealthRules(),
                 listener: DeployListener | None = None) -> None:
        self.function = function
        self.source = source
        self.alias = alias
        self.strategy = strategy
        self.given_rules = rules
        self.rules = rules
        self.grace_note = ""
        self.listener = listener
        self.old_version = ""
        self.old_sha = ""
        self.run: DeployRun | None = None

    # -- plan ---------------------------------------------------------------------------------
    async def plan(self, ctx: AwsContext, action_name: str) -> Plan:
        fn = await read_function(ctx, self.function)
        latest = fn["Configuration"]
        arn = unqualified_arn(latest["FunctionArn"])
        if latest.get("LastUpdateStatus") == "InProgress":
            raise PlanRefused(f"an update of {self.function} is in progress (LastUpdateStatus InProgress): Lambda "
                              "refuses another update or a publish until it is Successful; plan again then")
        self._resolve_grace(latest)
        package = latest.get("PackageType") or "Zip"
        if self.source.kind == "image" and package != "Image":
            raise PlanRefused(f"{self.function} is a Zip function: deploy it with --dir or --zip, not --image",
                              tui=f"{self.function} is a Zip function: deploy it from a directory or a zip file, "
                                  "not an image")
        if self.source.kind == "zip" and package == "Image":
            raise PlanRefused(f"{self.function} is a container image function: deploy it with --image URI",
                              tui=f"{self.function} is a container image function: deploy it from an image URI")
        version, weights = await read_alias(ctx, self.function, self.alias)
        if weights:
            busy = f"alias {self.alias} of {self.function} is mid-deploy ({describe_routing(version, weights)})"
            raise PlanRefused(f"{busy}: finish that first with `opsdeck lambda promote {self.function}` or "
                              f"`opsdeck lambda rollback {self.function}`",
                              tui=f"{busy}: finish that first (`r` on the function promotes or aborts it)")
        if version == "$LATEST":
            raise PlanRefused(f"alias {self.alias} of {self.function} points at $LATEST: a code update would "
                              "reach its traffic before any check; point it at a published version first")
        lam = await ctx.client("lambda")
        old = await lam.get_function_configuration(FunctionName=self.function, Qualifier=version)
        self.old_version, self.old_sha = version, old.get("CodeSha256", "")
        new_sha = self.source.code_sha256
        summary = (f"Deploy {self.function} ({self.strategy.describe()}) on alias {self.alias}: "
                   f"version {version} -> new")
        details = {"function": self.function, "function_arn": arn, "alias": self.alias,
                   "old_version": version, "old_sha": self.old_sha, "new_sha": new_sha or "",
                   "strategy": self.strategy.describe(), "source": self.source.origin}
        if new_sha is not None and new_sha == self.old_sha:
            return Plan(action_name, arn, self.function, (), summary=summary, details=details,
                        note=f"alias {self.alias} of {self.function} already runs this code "
                             f"(version {version}, CodeSha256 {new_sha}): nothing to deploy")
        return Plan(action_name, arn, self.function, tuple(self._steps(fn, old)), summary=summary,
                    details=details, warnings=await self._warnings(ctx, latest))

    async def _warnings(self, ctx: AwsContext, latest: dict) -> tuple[str, ...]:
        """What the plan should say before it is confirmed (console.services.lambda_.deploy.checks)."""
        published = await ctx.collect("lambda", "list_versions_by_function", "Versions", FunctionName=self.function,
                                      PaginationConfig={"PageSize": max_page("lambda", "ListVersionsByFunction")})
        found = [checks.unpublished_latest(latest, published, self.source.code_sha256)]
        if self.source.kind == "zip" and not latest.get("Layers"):
            found.append(checks.missing_handler(latest.get("Runtime"), latest.get("Handler"), self.source.zip_bytes))
        return tuple(warning for warning in found if warning)

    def _resolve_grace(self, latest: dict) -> None:
        """--grace as given, or the function's timeout plus CloudWatch's ingestion delay."""
        if self.given_rules.grace is not None:
            self.rules, self.grace_note = self.given_rules, ""
            return
        timeout = float(latest.get("Timeout") or 3)
        self.rules = replace(self.given_rules, grace=default_settle(timeout))
        self.grace_note = (f": the function's timeout {format_seconds(timeout)} + CloudWatch's delay "
                           f"{format_seconds(self.rules.settle - timeout)} (assumed)")

    def _steps(self, fn: dict, old: dict) -> list[Step]:
        name, alias, before = self.function, self.alias, self.old_version
        if self.source.kind == "zip":
            update = (f"Update the code of {name}: CodeSha256 {self.old_sha} (version {before}) -> "
                      f"{self.source.code_sha256}; wait for LastUpdateStatus Successful")
        else:
            old_uri = (fn.get("Code") or {}).get("ImageUri") or "?"
            update = (f"Update the image of {name}: {old_uri} (CodeSha256 {self.old_sha}, version {before}) -> "
                      f"{self.source.image_uri} (CodeSha256 known once Lambda resolves it); "
                      "wait for LastUpdateStatus Successful")
        changes = config_changes(old, fn["Configuration"])
        publish = (f"Publish a new version of {name} from $LATEST; configuration "
                   + (f"changes from version {before}: {', '.join(changes)}" if changes
                      else f"unchanged from version {before}"))
        back = f"Move alias {alias} of {name} back to version {before} (no weights)"
        steps = [Step(update, None, self._update, check=self._check_update),
                 Step(publish, None, self._publish, check=self._check_publish)]
        shares = self.strategy.weights
        for number, share in enumerate(shares):
            final = number == len(shares) - 1
            if self.strategy.kind == "canary":
                text = (f"Route {share:.0%} of alias {alias} of {name} to the new version and watch its own "
                        f"errors for {format_seconds(self.strategy.interval)}")
            else:
                text = (f"Shift alias {alias} of {name}: {share:.0%} to the new version, watch its own errors "
                        f"for {format_seconds(self.strategy.interval)}")
            if final:
                grace = f"grace {format_seconds(self.rules.settle)}{self.grace_note}"
                text += (f", then decide once its last minute is final ({grace}; more than "
                         f"{self.rules.max_errors} errors or fewer than {self.rules.min_invocations} "
                         "invocations rolls back)" if not self.rules.allow_no_traffic else
                         f", then decide once its last minute is final ({grace}; more than "
                         f"{self.rules.max_errors} errors rolls back; no traffic allowed)")
            steps.append(Step(text, back, self._shifter(share, final), self._back_to_old,
                              revert_check=alias_is(name, alias, before, {})))
        move = (f"Promote: alias {alias} of {name} -> the new version (100%, no weights)" if shares else
                f"Move alias {alias} of {name}: version {before} -> the new version (all traffic at once)")
        steps.append(Step(move, back, self._promote, self._back_to_old, check=self._check_promoted,
                          revert_check=alias_is(name, alias, before, {})))
        return steps

    # -- the steps ------------------------------------------------------------------------------
    def _state(self) -> DeployRun:
        if self.run is None:  # a step run on its own (the read-only proof does this)
            self.run = DeployRun(None, self.listener)
        return self.run

    async def _emit(self, ctx: AwsContext, phase: str, message: str, *, window_end: datetime | None = None,
                    outcome: str | None = None) -> None:
        run = self._state()
        if run.listener is None:
            return
        left = None
        if window_end is not None:
            left = max(0.0, (window_end - ctx.clock.now()).total_seconds())
        await report_progress(run.listener, DeployEvent(
            phase, self.function, self.alias, self.old_version, run.new_version, run.weight, message,
            run.new, run.old, window_end, left, outcome))

    async def _update(self, ctx: AwsContext) -> None:
        run = self._state()
        lam = await ctx.client("lambda")
        await self._emit(ctx, "updating", f"updating the code of {self.function}")
        code = {"ZipFile": self.source.zip_bytes} if self.source.kind == "zip" else {"ImageUri": self.source.image_uri}
        try:
            response = await lam.update_function_code(FunctionName=self.function, **code)
        except ClientError as exc:
            if conflict(exc):
                raise UpdateFailed(f"Lambda refused to update the code of {self.function}: another update of it is "
                                   f"in progress ({describe_conflict(exc)}); nothing was changed. Deploy again "
                                   "once its LastUpdateStatus is Successful") from None
            raise
        config = await wait_until_updated(ctx, self.function)
        run.new_sha = config.get("CodeSha256") or response.get("CodeSha256")

    async def _check_update(self, ctx: AwsContext) -> tuple[bool, str]:
        lam = await ctx.client("lambda")
        config = await lam.get_function_configuration(FunctionName=self.function)
        expected = self.source.code_sha256 or (self.run.new_sha if self.run else None)
        found = config.get("CodeSha256")
        return found == expected, f"$LATEST of {self.function} has CodeSha256 {found} (expected {expected})"

    async def _ensure_published(self, ctx: AwsContext) -> str:
        run = self._state()
        if run.new_version is None:
            lam = await ctx.client("lambda")
            await self._emit(ctx, "publishing", f"publishing a version of {self.function}")
            sha = run.new_sha or self.source.code_sha256
            params = {"CodeSha256": sha} if sha else {}
            try:
                response = await lam.publish_version(FunctionName=self.function,
                                                     Description="published by opsdeck deploy", **params)
            except ClientError as exc:
                if conflict(exc):
                    raise UpdateFailed(f"Lambda refused to publish a version of {self.function}: another update "
                                       f"of it is in progress ({describe_conflict(exc)})") from None
                raise
            run.new_version, run.new_sha = str(response["Version"]), response.get("CodeSha256") or sha
        return run.new_version

    async def _publish(self, ctx: AwsContext) -> None:
        version = await self._ensure_published(ctx)
        if version == self.old_version:
            raise UpdateFailed(f"Lambda published no new version: version {version} already has this code")
        await self._emit(ctx, "publishing", f"published version {version} of {self.function}")

    async def _check_publish(self, ctx: AwsContext) -> tuple[bool, str]:
        run = self._state()
        if run.new_version is None:
            return False, f"no version of {self.function} was published"
        lam = await ctx.client("lambda")
        config = await lam.get_function_configuration(FunctionName=self.function, Qualifier=run.new_version)
        found = config.get("CodeSha256")
        return found == run.new_sha, (f"version {run.new_version} of {self.function} has CodeSha256 {found} "
                                      f"(expected {run.new_sha})")

    def _shifter(self, share: float, final: bool):
        async def shift(ctx: AwsContext) -> None:
            run = self._state()
            version = await self._ensure_published(ctx)
            await set_alias(ctx, self.function, self.alias, self.old_version, {version: share})
            run.alias_moved, run.weight = True, share
            if run.first_shift_at is None:
                run.first_shift_at = ctx.clock.now()
            await self._emit(ctx, "shifting", f"alias {self.alias}: {share:.0%} on version {version}, "
                                              f"{1 - share:.0%} on version {self.old_version}")
            await self._watch(ctx, self.strategy.interval, "watching")
            if final:  # decide on final minutes only: wait until the window's last one is
                now = ctx.clock.now()
                settled = minute_end(now) + timedelta(seconds=self.rules.settle)
                if settled > now:
                    await self._watch(ctx, (settled - now).total_seconds(), "grace")
                self._judge(await self._read(ctx), final=True)
        return shift

    async def _promote(self, ctx: AwsContext) -> None:
        run = self._state()
        version = await self._ensure_published(ctx)
        await self._emit(ctx, "promoting", f"alias {self.alias}: all traffic to version {version}")
        await set_alias(ctx, self.function, self.alias, version, {})
        run.alias_moved, run.weight = True, 1.0

    async def _check_promoted(self, ctx: AwsContext) -> tuple[bool, str]:
        run = self._state()
        return await alias_is(self.function, self.alias, run.new_version or "?", {})(ctx)

    async def _back_to_old(self, ctx: AwsContext) -> None:
        run = self._state()
        await set_alias(ctx, self.function, self.alias, self.old_version, {})
        run.alias_moved, run.weight = False, 0.0

    # -- health ---------------------------------------------------------------------------------
    async def _read(self, ctx: AwsContext) -> VersionHealth:
        run = self._state()
        assert run.new_version is not None and run.first_shift_at is not None
        found = await read_health(ctx, self.function, self.alias, [run.new_version, self.old_version],
                                  run.first_shift_at, ctx.clock.now(), self.rules.settle)
        run.new, run.old = found[run.new_version], found[self.old_version]
        return run.new

    def _minutes_arrived(self) -> list[str]:
        """A line for each minute that shows for the first time or became final since the
        last read: `minute 10:31 (so far): version 2 (new) 10 invocations, 1 error so far;
        version 1 (old) ...`."""
        run = self._state()
        lines = []
        new, old = run.new, run.old
        if new is None or old is None:
            return lines
        starts = sorted({m.start for m in new.by_minute} | {m.start for m in old.by_minute})
        for start in starts:
            figures = [(label, health.minute(start)) for label, health in (("new", new), ("old", old))]
            final = all(m is None or m.final for _, m in figures)
            if run.reported.get(start) == final:
                continue
            run.reported[start] = final
            parts = [f"version {h.version} ({label}) " + (m.describe() if m else
                                                           "0 invocations, 0 errors" + ("" if final else " so far"))
                     for (label, m), h in zip(figures, (new, old))]
            lines.append(f"minute {start:%H:%M} {'final' if final else 'arriving'}: {'; '.join(parts)}")
        return lines

    def _judge(self, health: VersionHealth, final: bool) -> None:
        """More errors than allowed, in any minute, rolls back; `final` (every minute of the
        window is final): too few invocations in final minutes rolls back too."""
        if health.errors_seen > self.rules.max_errors:
            # said alike in the console and on the command line: the limits, not the options' names
            raise Unhealthy(f"{health.errors_seen} errors on version {health.version} "
                            f"(more than the {self.rules.max_errors} allowed) out of "
                            f"{health.invocations + health.partial_invocations} invocations")
        if final and not self.rules.allow_no_traffic and health.invocations < self.rules.min_invocations:
            raise Unhealthy(f"not enough traffic to judge version {health.version}: {health.invocations} "
                            f"invocations (fewer than the minimum of {self.rules.min_invocations}); "
                            "a deploy that allows no traffic promotes without it")

    async def _watch(self, ctx: AwsContext, seconds: float, phase: str) -> None:
        """Wait `seconds` on the clock, reading health every check_every and at the end;
        Unhealthy as soon as errors exceed the limit, Aborted within CANCEL_POLL of a cancel."""
        run = self._state()
        clock = ctx.clock
        end = clock.monotonic() + seconds
        window_end = clock.now() + timedelta(seconds=seconds)
        every = max(1.0, self.rules.check_every)
        next_check = clock.monotonic() + min(every, seconds)
        await self._emit(ctx, phase, f"{phase} {format_seconds(seconds)}", window_end=window_end)
        while True:
            if run.cancelled():
                raise Aborted("aborted by the user")
            now = clock.monotonic()
            if now >= next_check or now >= end:
                health = await self._read(ctx)
                lines = self._minutes_arrived()
                if lines or (run.new, run.old) != run.last_figures:  # said once, not every 10 s
                    run.last_figures = (run.new, run.old)
                    summary = f"{health.describe()}; {run.old.describe() if run.old else ''}".rstrip("; ")
                    for message in lines or [summary]:
                        await self._emit(ctx, phase, message, window_end=window_end)
                self._judge(health, final=False)
                if now >= end:
                    return
                next_check = now + every
            await clock.sleep(max(0.0, min(CANCEL_POLL, end - now, next_check - now)))

    # -- apply ----------------------------------------------------------------------------------
    async def apply(self, ctx: AwsContext, plan: Plan, progress: ProgressCallback | None = None,
                    cancel: CancelFlag | None = None) -> ApplyResult:
        """The plan's steps through the common step runner; on an abort, an unhealthy new
        version or a failure, the alias goes back to the old version (one more step)."""
        run = self.run = DeployRun(cancel, self.listener)
        result = await run_steps(ctx, plan.steps, progress, cancel,
                                 explain=lambda exc: self._explain(ctx, exc), learnt=self._learnt)
        if result.ok:
            run.outcome, run.reason = "promoted", f"version {run.new_version} is live on alias {self.alias}"
            await self._emit(ctx, "done", run.reason, outcome="promoted")
            return result
        if result.cancelled:  # the flag was seen between steps
            run.outcome, run.reason = "aborted", "aborted by the user"
        return await self._stop(ctx, result, progress)

    def _explain(self, ctx: AwsContext, exc: Exception) -> Problem:
        """What a failed step means, and how the deploy ends because of it."""
        run = self._state()
        if isinstance(exc, Aborted):
            run.outcome = "aborted"
            problem = Problem(ErrorClass.OTHER, "Aborted by the user", str(exc),
                              "The alias is moved back to the old version.")
        elif isinstance(exc, Unhealthy):
            run.outcome = "rolled-back"
            problem = Problem(ErrorClass.OTHER, f"Rolled back automatically: {exc}", str(exc),
                              "Look at the new version's logs and errors, fix, and deploy again.")
        elif isinstance(exc, UpdateFailed):
            run.outcome = "failed"
            problem = Problem(ErrorClass.OTHER, str(exc), str(exc), "Fix the package or configuration and deploy again.")
        else:
            run.outcome = "failed"
            problem = describe_problem(exc, profile=ctx.target.profile, endpoint=ctx.target.endpoint)
        run.reason = problem.headline
        return problem

    def _learnt(self, step: Step) -> dict[str, str] | None:
        """The published version, reported (and audited) once, with the step that made it."""
        run = self._state()
        if run.new_version is not None and not run.version_reported:
            run.version_reported = True
            return {"new_version": run.new_version}
        return None

    async def _stop(self, ctx: AwsContext, result: ApplyResult, progress: ProgressCallback | None) -> ApplyResult:
        """Move the alias back if it moved (reported as one more step), and say how it ended."""
        run = self._state()
        steps = result.planned
        failed, problem = result.failed, result.error
        if run.alias_moved:
            why = {"aborted": "abort", "rolled-back": "automatic rollback"}.get(run.outcome, "after a failure")
            back = Step(f"Move alias {self.alias} of {self.function} back to version {self.old_version} "
                        f"(no weights; {why})", None, self._back_to_old,
                        check=alias_is(self.function, self.alias, self.old_version, {}))
            await self._emit(ctx, "rolling-back", f"{why}: alias {self.alias} back to version {self.old_version}")
            moved = await run_steps(ctx, [back], progress, first=len(steps), total=len(steps) + 1)
            if not moved.ok and moved.error is not None:
                run.outcome = "failed"
                run.reason = (f"{run.reason}; moving alias {self.alias} back to version {self.old_version} FAILED: "
                              f"{moved.error.headline}")
                problem = Problem(moved.error.kind, run.reason, moved.error.detail,
                                  f"Roll it back to version {self.old_version}: `r` on the function.",
                                  f"Run `opsdeck lambda rollback {self.function} --to {self.old_version}`.")
                failed = failed or back
        await self._emit(ctx, "done", run.reason, outcome=run.outcome)
        if run.outcome == "aborted":
            return ApplyResult(result.applied, cancelled=True, planned=steps)
        return ApplyResult(result.applied, failed=failed, error=problem, planned=steps)

    async def verify(self, ctx: AwsContext, plan: Plan, steps: Sequence[Step] | None = None) -> VerifyResult:
        """The end state read back: the alias on the new version (promoted) or on the old one
        (anything else), with no weights; and the new version's code."""
        run = self.run
        if run is None or run.outcome == "not-run":
            return await check_steps(ctx, plan.steps if steps is None else steps)
        expected = run.new_version if run.outcome == "promoted" else self.old_version
        good, detail = await alias_is(self.function, self.alias, expected or "?", {})(ctx)
        details, ok = [("ok: " if good else "MISMATCH: ") + detail], good
        if run.new_version is not None:
            code_ok, code_detail = await self._check_publish(ctx)
            ok = ok and code_ok
            details.append(("ok: " if code_ok else "MISMATCH: ") + code_detail)
        return VerifyResult(ok, details)

    def report(self) -> DeployReport:
        run = self.run or DeployRun(None, None)
        return DeployReport(run.outcome, run.reason, self.function, self.alias, self.old_version,
                            run.new_version, run.new, run.old)


# -- moving an alias back (or forward) --------------------------------------------------------
async def previous_published(ctx: AwsContext, function: str, current: str) -> str | None:
    """The highest published version below `current` (None if there is none)."""
    versions = await ctx.collect("lambda", "list_versions_by_function", "Versions", FunctionName=function,
                                 PaginationConfig={"PageSize": max_page("lambda", "ListVersionsByFunction")})
    numbers = sorted(int(v["Version"]) for v in versions if str(v["Version"]).isdigit())
    if not current.isdigit():
        return str(numbers[-1]) if numbers else None
    earlier = [n for n in numbers if n < int(current)]
    return str(earlier[-1]) if earlier else None


async def version_exists(ctx: AwsContext, function: str, version: str) -> bool:
    lam = await ctx.client("lambda")
    try:
        await lam.get_function_configuration(FunctionName=function, Qualifier=version)
    except ClientError as exc:
        if _not_found(exc):
            return False
        raise
    return True
