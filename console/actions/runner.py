"""Running an action the guarded way, for the TUI and the CLI alike.

plan (with the caller resolved and the target's protection known) -> confirmation
checked -> audit `started` (fsynced) -> apply with progress, one audit line per step ->
verify -> audit `finished` (fsynced) -> the outcome. The UI only asks the user and
draws; every rule lives here.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, replace
from typing import Awaitable, Callable, Sequence

from console.actions.base import (
    Action,
    ApplyResult,
    CancelFlag,
    Plan,
    Progress,
    ProgressCallback,
    Step,
    VerifyResult,
    report_progress,
)
from console.actions.confirm import check_confirmation, needs_typed_confirmation
from console.audit import AuditLog, AuditRecord
from console.aws.context import AwsContext
from console.config import Settings, load_settings


class ActionRefused(Exception):
    """The action may not run here at all (read-only mode)."""


@dataclass(frozen=True)
class Caller:
    arn: str
    account: str


@dataclass(frozen=True)
class Confirmation:
    """How the user answered: `typed` text at the prompt, or a blanket --yes."""

    typed: str | None = None
    yes: bool = False
    i_know_protected: bool = False


@dataclass(frozen=True)
class Outcome:
    plan: Plan
    result: ApplyResult
    verify: VerifyResult | None  # None when nothing was applied
    run: str | None = None  # audit run id

    @property
    def ok(self) -> bool:
        return self.result.ok and (self.verify is None or self.verify.ok)


class Runner:
    """One per session and target: caches the caller identity (one STS call)."""

    def __init__(self, ctx: AwsContext, audit: AuditLog, settings: Settings | None = None,
                 read_only: bool = False) -> None:
        self.ctx = ctx
        self.audit = audit
        self.settings = settings if settings is not None else load_settings()
        self.read_only = read_only or bool(getattr(ctx.pool, "read_only", False)) \
            or self.settings.is_read_only(ctx.target.profile)
        self._caller: Caller | None = None
        self._caller_lock = asyncio.Lock()

    async def caller(self) -> Caller:
        async with self._caller_lock:
            if self._caller is None:
                sts = await self.ctx.client("sts")
                identity = await sts.get_caller_identity()
                self._caller = Caller(identity["Arn"], identity["Account"])
                if self.ctx.target.account is None:
                    self.ctx = AwsContext(self.ctx.pool, self.ctx.target.with_account(identity["Account"]))
        return self._caller

    def _refuse_if_read_only(self, action: Action) -> None:
        if self.read_only and action.mutating:
            raise ActionRefused(f"{action.name}: opsdeck is in read-only mode for this profile; "
                                "nothing can be changed")

    async def prepare(self, action: Action) -> Plan:
        """The plan, marked protected when the profile or account is."""
        self._refuse_if_read_only(action)
        caller = await self.caller()
        plan = await action.plan(self.ctx)
        protected = needs_typed_confirmation(self.settings, self.ctx.target.profile,
                                             self.ctx.target.account or caller.account)
        return replace(plan, protected=protected)

    # ---------------------------------------------------------------------------------------
    def _record(self, kind: str, run: str, plan: Plan, phase: str, **fields) -> AuditRecord:
        target = self.ctx.target
        return AuditRecord(
            kind=kind, run=run, time=self.audit.now(), caller=self._caller.arn if self._caller else None,
            profile=target.profile, region=target.region, account=target.account,
            action=plan.action, phase=phase, target=plan.target_arn, **fields,
        )

    async def _audited(self, plan: Plan, phase: str, steps: Sequence[Step],
                       run_steps: Callable[[ProgressCallback], Awaitable[ApplyResult]],
                       progress: ProgressCallback | None) -> tuple[str, ApplyResult]:
        await self.caller()
        clock = self.ctx.clock
        run = self.audit.new_run()
        self.audit.append(self._record("started", run, plan, phase, steps=[s.description for s in steps],
                                       details=dict(plan.details) or None))
        step_started: dict[int, float] = {}

        async def hook(event: Progress) -> None:
            if event.state == "running":
                step_started[event.index] = clock.monotonic()
            else:
                error = None
                if event.error is not None:
                    error = {"kind": event.error.kind.value, "headline": event.error.headline}
                self.audit.append(self._record(
                    "step", run, plan, phase, step=event.step.description, step_index=event.index,
                    result=event.state, error=error, details=getattr(event, "details", None),
                    duration=round(clock.monotonic() - step_started.get(event.index, clock.monotonic()), 6)))
            await report_progress(progress, event)

        result = await run_steps(hook)
        return run, result

    def _finish(self, run: str, plan: Plan, phase: str, result: ApplyResult, verify: VerifyResult | None,
                duration: float) -> None:
        if result.cancelled:
            status = "cancelled"
        elif not result.ok:
            status = "failed"
        elif verify is not None and not verify.ok:
            status = "verify-failed"
        else:
            status = "ok"
        error = None
        if result.error is not None:
            error = {"kind": result.error.kind.value, "headline": result.error.headline}
        self.audit.append(self._record("finished", run, plan, phase, result=status, error=error,
                                       steps=[s.description for s in result.applied],
                                       duration=round(duration, 6)))

    async def execute(self, action: Action, plan: Plan, confirmation: Confirmation,
                      progress: ProgressCallback | None = None, cancel: CancelFlag | None = None) -> Outcome:
        """Check the confirmation, then apply, verify and audit. Raises ConfirmationError."""
        self._refuse_if_read_only(action)
        check_confirmation(plan, confirmation.typed, confirmation.yes, confirmation.i_know_protected)
        if plan.empty:
            return Outcome(plan, ApplyResult([], planned=()), None)
        started = self.ctx.clock.monotonic()
        run, result = await self._audited(
            plan, "apply", plan.steps, lambda hook: action.apply(self.ctx, plan, hook, cancel), progress)
        verify = await action.verify(self.ctx, plan, result.applied) if result.applied else None
        self._finish(run, plan, "apply", result, verify, self.ctx.clock.monotonic() - started)
        return Outcome(plan, result, verify, run)

    async def undo(self, action: Action, plan: Plan, applied: Sequence[Step],
                   progress: ProgressCallback | None = None, cancel: CancelFlag | None = None) -> Outcome:
        """Apply the inverses of `applied` (reverse order), audited as phase `undo`;
        `cancel` stops before the next inverse, as it does for apply."""
        self._refuse_if_read_only(action)
        inverses = [s.inverse() for s in reversed(applied) if s.reversible]
        started = self.ctx.clock.monotonic()
        run, result = await self._audited(
            plan, "undo", inverses, lambda hook: action.undo(self.ctx, applied, hook, cancel), progress)
        verify = None
        if result.applied:
            from console.actions.base import check_steps
            verify = await check_steps(self.ctx, result.applied)
        self._finish(run, plan, "undo", result, verify, self.ctx.clock.monotonic() - started)
        return Outcome(plan, result, verify, run)


Confirm = Callable[[Plan], Awaitable[Confirmation | None]]


async def run_action(runner: Runner, action: Action, confirm: Confirm,
                     progress: ProgressCallback | None = None, cancel: CancelFlag | None = None) -> Outcome | None:
    """plan -> ask `confirm` (None: the user declined) -> apply -> verify, all audited."""
    plan = await runner.prepare(action)
    if plan.empty:
        return Outcome(plan, ApplyResult([], planned=()), None)
    confirmation = await confirm(plan)
    if confirmation is None:
        return None
    return await runner.execute(action, plan, confirmation, progress, cancel)
