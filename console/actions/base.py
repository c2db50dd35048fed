"""Guarded actions: plan (read state, say what will change) -> apply -> verify.

Every mutating operation opsdeck offers is an Action. `plan()` reads the current state
and returns ordered Steps, each saying what changes from what to what and how to undo
it; `apply()` runs them in order, reports progress, stops between steps when cancelled,
and returns exactly which steps were applied; `verify()` reads the state back. The TUI
and the CLI drive the same objects (see console.actions.runner), so no action logic
lives in screens or click commands. Nothing here imports the UI.
"""

from __future__ import annotations

import abc
import asyncio
from dataclasses import dataclass, field
from typing import Any, Awaitable, Callable, ClassVar, Literal, Protocol, Sequence

from console.aws.context import AwsContext
from console.aws.errors import Problem, describe_problem

StepCall = Callable[[AwsContext], Awaitable[None]]
# reads state back after a step: (as promised?, one line saying what was found)
StepCheck = Callable[[AwsContext], Awaitable[tuple[bool, str]]]


@dataclass(frozen=True)
class Step:
    """One change: `description` says what changes, from what to what.

    `run` makes the change; `revert` (with `inverse_description`) undoes it; `check`
    and `revert_check` read the state back after either.
    """

    description: str
    inverse_description: str | None
    run: StepCall = field(compare=False, repr=False)
    revert: StepCall | None = field(default=None, compare=False, repr=False)
    check: StepCheck | None = field(default=None, compare=False, repr=False)
    revert_check: StepCheck | None = field(default=None, compare=False, repr=False)

    @property
    def reversible(self) -> bool:
        return self.revert is not None and self.inverse_description is not None

    def inverse(self) -> "Step":
        """The step that undoes this one (its inverse is this step again)."""
        if self.revert is None or self.inverse_description is None:
            raise ValueError(f"step has no inverse: {self.description}")
        return Step(self.inverse_description, self.description, self.revert, self.run,
                    self.revert_check, self.check)


class PlanRefused(ValueError):
    """The action cannot be planned for a reason the user can fix; the message says which.
    `tui`: the console's words for it where the command line's differ (a key to press where
    the message names an opsdeck command)."""

    def __init__(self, message: str, *, tui: str | None = None) -> None:
        super().__init__(message)
        self.tui = tui or message


@dataclass(frozen=True)
class Plan:
    """What an action will do to one target, named by the ARN captured when asked."""

    action: str
    target_arn: str
    target_name: str  # what a protected profile makes the user type
    steps: tuple[Step, ...]
    protected: bool = False
    summary: str = ""  # one line for titles, e.g. "Disable rule daily-cleanup"
    note: str = ""  # why there are no steps, e.g. "already DISABLED"
    warnings: tuple[str, ...] = ()  # what the user should know before confirming (shown with the plan)
    # what identifies the change beyond the ARN (e.g. a deploy's alias and old version); the
    # Runner writes it into the audit's `started` record so a crashed run can be finished later
    details: dict[str, str] = field(default_factory=dict, compare=False)

    @property
    def empty(self) -> bool:
        return not self.steps


@dataclass(frozen=True)
class Progress:
    """One step's state change during apply/undo, for progress bars and the audit."""

    index: int  # 0-based position in the steps being applied
    total: int
    step: Step
    state: Literal["running", "applied", "failed"]
    error: Problem | None = None
    details: dict[str, str] | None = None  # facts learnt by the step (e.g. the version it published); audited


ProgressCallback = Callable[[Progress], Any]  # may return an awaitable


class CancelFlag(Protocol):
    def is_set(self) -> bool: ...


@dataclass(frozen=True)
class ApplyResult:
    """Exactly what happened: the steps applied, in order, and where it stopped."""

    applied: list[Step]
    failed: Step | None = None
    error: Problem | None = None
    cancelled: bool = False
    planned: tuple[Step, ...] = ()

    @property
    def ok(self) -> bool:
        return self.failed is None and not self.cancelled

    @property
    def not_applied(self) -> list[Step]:
        done = len(self.applied)
        return list(self.planned[done:])

    @property
    def inverses(self) -> list[Step]:
        """What undo would run, in the order it would run it."""
        return [step.inverse() for step in reversed(self.applied) if step.reversible]


@dataclass(frozen=True)
class VerifyResult:
    ok: bool
    details: list[str]


async def report_progress(progress: ProgressCallback | None, event: Any) -> None:
    """Hand `event` to `progress` (a plain or async callback; None: nobody listens)."""
    if progress is None:
        return
    result = progress(event)
    if asyncio.iscoroutine(result) or isinstance(result, asyncio.Future):
        await result


Explain = Callable[[Exception], Problem]  # what a step's failure means, for the user
Learnt = Callable[[Step], "dict[str, str] | None"]  # facts a step learnt (audited with it)


async def run_steps(ctx: AwsContext, steps: Sequence[Step], progress: ProgressCallback | None = None,
                    cancel: CancelFlag | None = None, *, explain: Explain | None = None,
                    learnt: Learnt | None = None, first: int = 0, total: int | None = None) -> ApplyResult:
    """Run `steps` in order; stop before the next step once `cancel` is set. The one step
    loop of every action (a deploy included).

    A step in flight is never interrupted (an AWS call cannot be taken back half-way);
    cancelling stops cleanly at the next step boundary. Exceptions become a Problem on
    the result (`explain` says what they mean; botocore's errors are described by
    default); BaseExceptions (Ctrl-C, SystemExit) propagate, leaving the audit's
    `started` record without its `finished`. `learnt(step)` adds what a step found out
    to its "applied" progress (e.g. the version a deploy published); `first` and `total`
    number steps that continue an earlier run (a deploy's move back after a failure).
    """
    applied: list[Step] = []
    total = len(steps) if total is None else total
    for index, step in enumerate(steps, first):
        if cancel is not None and cancel.is_set():
            return ApplyResult(applied, cancelled=True, planned=tuple(steps))
        await report_progress(progress, Progress(index, total, step, "running"))
        try:
            await step.run(ctx)
        except asyncio.CancelledError:
            raise
        except Exception as exc:
            problem = explain(exc) if explain is not None else \
                describe_problem(exc, profile=ctx.target.profile, endpoint=ctx.target.endpoint)
            await report_progress(progress, Progress(index, total, step, "failed", problem))
            return ApplyResult(applied, failed=step, error=problem, planned=tuple(steps))
        applied.append(step)
        details = learnt(step) if learnt is not None else None
        await report_progress(progress, Progress(index, total, step, "applied", details=details))
    return ApplyResult(applied, planned=tuple(steps))


async def check_steps(ctx: AwsContext, steps: Sequence[Step], *, reverted: bool = False) -> VerifyResult:
    """Read state back for each step: is it what the step promised?"""
    details: list[str] = []
    ok = True
    for step in steps:
        check = step.revert_check if reverted else step.check
        if check is None:
            details.append(f"not checked: {step.description}")
            continue
        try:
            good, detail = await check(ctx)
        except asyncio.CancelledError:
            raise
        except Exception as exc:
            good = False
            detail = describe_problem(exc, profile=ctx.target.profile, endpoint=ctx.target.endpoint).headline
        ok = ok and good
        details.append(("ok: " if good else "MISMATCH: ") + detail)
    return VerifyResult(ok, details)


class Action(abc.ABC):
    """A mutating operation on one target resource.

    Subclasses set `name` ("events.disable-rule") and implement `plan()`; most also
    implement `from_arn()` so the TUI can build them from the ARN captured when a key
    is pressed. `apply`, `verify` and `undo` work from the plan's steps. Registered
    actions also give `example_arguments()` (constructor kwargs naming a demo-estate
    resource they would change; same names as their CLI parameters) for the read-only proof.
    """

    name: ClassVar[str] = ""
    title: ClassVar[str] = ""  # "Disable EventBridge rule"
    mutating: ClassVar[bool] = True

    @classmethod
    def from_arn(cls, arn: str) -> "Action":
        """The action aimed at the resource `arn`; ValueError if it cannot act on it."""
        raise NotImplementedError(f"{cls.__name__} cannot be built from an ARN")

    @abc.abstractmethod
    async def plan(self, ctx: AwsContext) -> Plan:
        """Read current state; return the ordered steps (none if nothing would change)."""

    async def apply(self, ctx: AwsContext, plan: Plan, progress: ProgressCallback | None = None,
                    cancel: CancelFlag | None = None) -> ApplyResult:
        return await run_steps(ctx, plan.steps, progress, cancel)

    async def verify(self, ctx: AwsContext, plan: Plan, steps: Sequence[Step] | None = None) -> VerifyResult:
        """Read the state back; `steps` limits the check to those applied (after a stop)."""
        return await check_steps(ctx, plan.steps if steps is None else steps)

    async def undo(self, ctx: AwsContext, applied: Sequence[Step], progress: ProgressCallback | None = None,
                   cancel: CancelFlag | None = None) -> ApplyResult:
        """Apply the inverses of `applied` in reverse order (irreversible ones are skipped)."""
        return await run_steps(ctx, [s.inverse() for s in reversed(applied) if s.reversible], progress, cancel)
