"""Lambda deploy, roll back, promote and invoke as guarded actions (the engine is console.services.lambda_.deploy).

`lambda.deploy` updates the code, publishes a version and moves the alias (all at once,
canary or linear) with automatic rollback on the new version's own errors; it is long
running, reports DeployEvents to `listener`, and stops cleanly on the cancel flag.
`lambda.rollback` moves an alias to the previous version (from the audit trail where
known, else the previous published version), to `--to`, or, mid-deploy, back to its
primary version with no weights. `lambda.promote` finishes a deploy in progress.
`lambda.invoke` invokes a function at a qualifier, confirmed and audited like the others.
"""

from __future__ import annotations

import hashlib
from typing import Sequence

from botocore.exceptions import ClientError

from console.actions.base import (
    Action,
    ApplyResult,
    CancelFlag,
    Plan,
    PlanRefused,
    ProgressCallback,
    Step,
    VerifyResult,
    run_steps,
)
from console.actions.registry import register
from console.actions.runner import Outcome
from console.audit import AuditLog
from console.aws.context import AwsContext
from console.aws.errors import ErrorClass, Problem, describe_problem
from console.config import DEFAULT_TRAFFIC_ALIAS
from console.services.lambda_.deploy import EXAMPLE_SOURCE
from console.services.lambda_.deploy.engine import (
    CHECK_EVERY,
    DEFAULT_ALIAS,
    Deployment,
    DeployListener,
    DeployReport,
    HealthRules,
    alias_move_step,
    describe_routing,
    previous_published,
    read_alias,
    read_function,
    unqualified_arn,
    version_exists,
)
from console.services.lambda_.deploy.package import load_source
from console.services.lambda_.deploy.resume import DeployRecord, close_resolved, previous_version
from console.services.lambda_.deploy.strategy import StrategyError, parse_duration, parse_strategy
from console.services.lambda_.invoke import (
    InvokeFailed,
    InvokeResult,
    check_invocation_type,
    check_size,
    explain_invoke_failure,
    invoke,
    parse_payload,
)
from console.services.lambda_.qualifiers import default_qualifier
from console.services.lambda_.sources import list_aliases

DEMO_FUNCTION = "validate-order"
DEMO_CANARY_FUNCTION = "process-payment"  # seeded mid-canary


def _count(value: int | str, option: str) -> int:
    try:
        number = int(value)
    except (TypeError, ValueError):
        raise StrategyError(f"{option}: expected a whole number of 0 or more, got {value!r}") from None
    if number < 0:
        raise StrategyError(f"{option}: expected a whole number of 0 or more, got {number}")
    return number


def _given(value: object) -> str | None:
    """An optional version from a CLI option or a form field: blank means not given."""
    return str(value) if value not in (None, "") else None


@register
class LambdaDeploy(Action):
    """Deploy new code to a function behind an alias. Bad options raise PlanRefused (a
    ValueError) naming the option, before any AWS call."""

    name = "lambda.deploy"
    title = "Deploy Lambda function"

    def __init__(self, function: str, directory: str | None = None, zip: str | None = None,
                 image: str | None = None, alias: str = DEFAULT_ALIAS, canary: str | None = None,
                 linear: str | None = None, max_errors: int | str = 0, min_invocations: int | str = 1,
                 allow_no_traffic: bool = False, grace: str | float | None = None,
                 listener: DeployListener | None = None, check_every: float = CHECK_EVERY) -> None:
        if not function:
            raise PlanRefused("FUNCTION: give the name of the function to deploy")
        source = load_source(directory, zip, image)
        strategy = parse_strategy(canary, linear)
        # None (or blank): the function's timeout plus CloudWatch's ingestion delay, once planned
        grace_s = None if grace in (None, "") else \
            float(grace) if isinstance(grace, (int, float)) else parse_duration(grace, "--grace")
        rules = HealthRules(_count(max_errors, "--max-errors"), _count(min_invocations, "--min-invocations"),
                            bool(allow_no_traffic), grace_s, check_every)
        self.function = function
        self.engine = Deployment(function, source, alias or DEFAULT_ALIAS, strategy, rules, listener)

    @property
    def listener(self) -> DeployListener | None:
        return self.engine.listener

    @listener.setter
    def listener(self, value: DeployListener | None) -> None:
        self.engine.listener = value

    @classmethod
    def from_arn(cls, arn: str) -> "LambdaDeploy":
        raise PlanRefused("a deploy needs its code: build LambdaDeploy(function, directory=|zip=|image=)")

    @classmethod
    def example_arguments(cls) -> dict[str, str]:
        """A demo-estate function with a `live` alias, and a small source directory."""
        return {"function": DEMO_FUNCTION, "directory": str(EXAMPLE_SOURCE), "alias": DEFAULT_ALIAS}

    async def plan(self, ctx: AwsContext) -> Plan:
        return await self.engine.plan(ctx, self.name)

    async def apply(self, ctx: AwsContext, plan: Plan, progress: ProgressCallback | None = None,
                    cancel: CancelFlag | None = None) -> ApplyResult:
        return await self.engine.apply(ctx, plan, progress, cancel)

    async def verify(self, ctx: AwsContext, plan: Plan, steps: Sequence[Step] | None = None) -> VerifyResult:
        return await self.engine.verify(ctx, plan, steps)

    def report(self) -> DeployReport:
        """How the last apply ended: promoted | rolled-back | aborted | failed (or not-run)."""
        return self.engine.report()


class _AliasAction(Action):
    def __init__(self, function: str, alias: str = DEFAULT_ALIAS) -> None:
        if not function:
            raise PlanRefused("FUNCTION: give the name of the function")
        self.function = function
        self.alias = alias or DEFAULT_ALIAS

    async def _where(self, ctx: AwsContext) -> tuple[str, str, dict[str, float]]:
        fn = await read_function(ctx, self.function)
        version, weights = await read_alias(ctx, self.function, self.alias)
        return unqualified_arn(fn["Configuration"]["FunctionArn"]), version, weights

    def _plan(self, arn: str, summary: str, details: dict[str, str], step: Step | None, note: str = "") -> Plan:
        return Plan(self.name, arn, self.function, (step,) if step else (), summary=summary, note=note,
                    details=details)


@register
class LambdaRollback(_AliasAction):
    """Move an alias back: abort a deploy in progress, or go to the previous (or --to) version."""

    name = "lambda.rollback"
    title = "Roll back Lambda alias"

    def __init__(self, function: str, alias: str = DEFAULT_ALIAS, to: str | None = None,
                 audit: AuditLog | None = None) -> None:
        super().__init__(function, alias)
        self.to = _given(to)
        self.audit = audit

    @classmethod
    def example_arguments(cls) -> dict[str, str]:
        """process-payment is seeded mid-canary: rolling back aborts it."""
        return {"function": DEMO_CANARY_FUNCTION, "alias": DEFAULT_ALIAS}

    async def plan(self, ctx: AwsContext) -> Plan:
        arn, version, weights = await self._where(ctx)
        name, alias = self.function, self.alias
        summary = f"Roll back alias {alias} of {name}"
        if weights and self.to is None:
            target, why = version, "abort the deploy in progress"
        elif self.to is not None:
            if not await version_exists(ctx, name, self.to):
                raise PlanRefused(f"--to: version {self.to} of {name} does not exist")
            target, why = self.to, "the version asked for"  # a plan reads alike in the console and the CLI
        else:
            target = previous_version(self.audit, name, alias, version, ctx.target.region, ctx.target.account)
            why = "the version before the last deploy, from the audit trail"
            if target is None:
                target = await previous_published(ctx, name, version)
                why = "the previous published version"
            if target is None:
                raise PlanRefused(f"alias {alias} of {name} is at version {version} and there is no earlier "
                                  "published version to roll back to (choose one with --to)")
        details = {"function": name, "function_arn": arn, "alias": alias, "from_version": version,
                   "to_version": target}
        if target == version and not weights:
            return self._plan(arn, summary, details, None,
                              note=f"alias {alias} of {name} is already at version {target}: nothing to do")
        step = alias_move_step(
            name, alias, (version, weights), (target, {}),
            f"Move alias {alias} of {name}: {describe_routing(version, weights)} -> version {target} "
            f"(no weights; {why})",
            f"Move alias {alias} of {name}: version {target} -> {describe_routing(version, weights)}")
        return self._plan(arn, summary, details, step)


@register
class LambdaPromote(_AliasAction):
    """Finish a deploy in progress: the weighted (or given) version takes all the traffic."""

    name = "lambda.promote"
    title = "Promote Lambda alias"

    def __init__(self, function: str, alias: str = DEFAULT_ALIAS, version: str | None = None) -> None:
        super().__init__(function, alias)
        self.version = _given(version)

    @classmethod
    def example_arguments(cls) -> dict[str, str]:
        """process-payment is seeded mid-canary: promoting moves all traffic to version 3."""
        return {"function": DEMO_CANARY_FUNCTION, "alias": DEFAULT_ALIAS}

    async def plan(self, ctx: AwsContext) -> Plan:
        arn, version, weights = await self._where(ctx)
        name, alias = self.function, self.alias
        summary = f"Promote alias {alias} of {name}"
        target = self.version
        if target is None:
            if not weights:
                return self._plan(arn, summary, {"function": name, "alias": alias}, None,
                                  note=f"alias {alias} of {name} has no deploy in progress "
                                       f"(it routes all traffic to version {version}): nothing to promote")
            if len(weights) > 1:
                raise PlanRefused(f"alias {alias} of {name} routes to several versions "
                                  f"({describe_routing(version, weights)}): name one with --version")
            target = next(iter(weights))
        elif not await version_exists(ctx, name, target):
            raise PlanRefused(f"--version: version {target} of {name} does not exist")
        details = {"function": name, "function_arn": arn, "alias": alias, "from_version": version,
                   "to_version": target}
        if target == version and not weights:
            return self._plan(arn, summary, details, None,
                              note=f"alias {alias} of {name} is already at version {target}: nothing to do")
        step = alias_move_step(
            name, alias, (version, weights), (target, {}),
            f"Promote alias {alias} of {name}: {describe_routing(version, weights)} -> version {target} "
            "(100%, no weights)",
            f"Move alias {alias} of {name}: version {target} -> {describe_routing(version, weights)}")
        return self._plan(arn, summary, details, step)


# -- deploys a crash left open -----------------------------------------------------------------
DECISIONS = ("promote", "abort")


def resolution_action(record: DeployRecord, decision: str):
    """The action that settles an open deploy: promote its new version, or abort (alias back
    to its old version). Plan and run it with a Runner like any action."""
    if decision not in DECISIONS:
        raise PlanRefused(f"decision must be one of {', '.join(DECISIONS)}, got {decision!r}")
    if decision == "promote":
        if not record.new_version:
            raise PlanRefused(f"the deploy of {record.function} never published a version: it can only be aborted")
        return LambdaPromote(record.function, record.alias, version=record.new_version)
    return LambdaRollback(record.function, record.alias, to=record.old_version)


async def finish_open_deploy(runner, record: DeployRecord, decision: str, confirmation):
    """Promote or abort an open deploy through `runner` (plan -> confirmation -> apply ->
    verify, audited), then close its run. Returns the Runner's Outcome."""
    target = runner.ctx.target
    if record.region and record.region != target.region:
        raise PlanRefused(f"that deploy ran in region {record.region}, not {target.region}")
    action = resolution_action(record, decision)
    plan = await runner.prepare(action)
    if runner.ctx.target.account and record.account and record.account != runner.ctx.target.account:
        raise PlanRefused(f"that deploy ran in account {record.account}, not {runner.ctx.target.account}")
    if plan.empty:
        outcome = Outcome(plan, ApplyResult([], planned=()), None)
    else:
        outcome = await runner.execute(action, plan, confirmation)
    if outcome.ok:
        version = record.new_version if decision == "promote" else record.old_version
        caller = await runner.caller()
        close_resolved(runner.audit, record.function, record.alias, version or "", region=runner.ctx.target.region,
                       account=runner.ctx.target.account, caller=caller.arn, resolved_by=outcome.run)
    return outcome


# -- invoke ------------------------------------------------------------------------------------------
class InvokeTargetMissing(PlanRefused):
    """The function, or its version or alias, does not exist; `problem` says which and what to run."""

    def __init__(self, problem: Problem) -> None:
        self.problem = problem
        super().__init__(f"{problem.headline}\n{problem.remedy}")


@register
class LambdaInvoke(Action):
    """Invoke a function at a qualifier (default: the traffic alias where the function has it,
    else $LATEST). One step; the audit keeps the payload's size and SHA-256, never the payload,
    and what came back (status, executed version, function error). A function error is the
    function's answer, not a failed step: `result` carries it."""

    name = "lambda.invoke"
    title = "Invoke Lambda function"

    def __init__(self, function: str, payload: str | bytes = b"{}", qualifier: str | None = None,
                 invocation_type: str = "RequestResponse", traffic_alias: str = DEFAULT_TRAFFIC_ALIAS) -> None:
        if not function:
            raise PlanRefused("FUNCTION: give the name of the function to invoke")
        body = payload.encode("utf-8") if isinstance(payload, str) else payload
        try:
            check_invocation_type(invocation_type)
            parse_payload(body)
            check_size(body, invocation_type)
        except ValueError as exc:  # PayloadError, PayloadTooLarge, a bad type: nothing is sent
            raise PlanRefused(f"payload: {exc}" if not str(exc).startswith("invocation type") else str(exc)) from None
        self.function = function
        self.payload = body
        self.qualifier = _given(qualifier)
        self.invocation_type = invocation_type
        self.traffic_alias = traffic_alias
        self.result: InvokeResult | None = None

    @classmethod
    def example_arguments(cls) -> dict[str, str]:
        return {"function": DEMO_FUNCTION, "payload": "{}"}

    async def plan(self, ctx: AwsContext) -> Plan:
        qualifier = self.qualifier
        try:
            if qualifier is None:
                qualifier = default_qualifier((a.name for a in await list_aliases(ctx, self.function)),
                                              self.traffic_alias)
            lam = await ctx.client("lambda")
            config = await lam.get_function_configuration(FunctionName=self.function, Qualifier=qualifier)
        except ClientError as exc:
            problem = await explain_invoke_failure(ctx, exc, self.function, qualifier)
            if problem.kind is ErrorClass.NOT_FOUND:
                raise InvokeTargetMissing(problem) from None
            raise
        self.qualifier = qualifier
        arn = f"{unqualified_arn(config['FunctionArn'])}:{qualifier}"
        size, sha = len(self.payload), hashlib.sha256(self.payload).hexdigest()
        what = f"{self.function} at {qualifier} ({self.invocation_type})"
        step = Step(f"Invoke {what} with a payload of {size:,} bytes (SHA-256 {sha[:12]}…)", None, self._invoke,
                    check=self._answered)
        details = {"function": self.function, "qualifier": qualifier, "invocation_type": self.invocation_type,
                   "payload_bytes": str(size), "payload_sha256": sha}
        return Plan(self.name, arn, self.function, (step,), summary=f"Invoke {what}, payload {size:,} bytes",
                    details=details)

    async def _invoke(self, ctx: AwsContext) -> None:
        self.result = await invoke(ctx, self.function, self.payload, self.qualifier, self.invocation_type)

    async def _answered(self, ctx: AwsContext) -> tuple[bool, str]:
        """What Lambda answered (an invocation leaves no state to read back but its answer)."""
        result = self.result
        if result is None:
            return False, f"no answer from {self.function}"
        error = f", function error {result.function_error}" if result.function_error else ""
        return 200 <= result.status_code < 300, (f"Lambda answered {result.status_code}, executed version "
                                                 f"{result.executed_version or '-'}{error}")

    def _learnt(self, step: Step) -> dict[str, str] | None:
        result = self.result
        if result is None:
            return None
        return {"status": str(result.status_code), "executed_version": result.executed_version or "",
                "function_error": result.function_error or "", "request_id": result.request_id or ""}

    async def apply(self, ctx: AwsContext, plan: Plan, progress: ProgressCallback | None = None,
                    cancel: CancelFlag | None = None) -> ApplyResult:
        def explain(exc: Exception) -> Problem:
            if isinstance(exc, InvokeFailed):
                return exc.problem
            return describe_problem(exc, profile=ctx.target.profile, endpoint=ctx.target.endpoint)

        return await run_steps(ctx, plan.steps, progress, cancel, explain=explain, learnt=self._learnt)
