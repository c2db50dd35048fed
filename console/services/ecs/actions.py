"""ECS actions: deploy an image, roll back, force a new deployment, scale, stop a task.

Each is a guarded action (console.actions): the plan reads the service (or task) afresh and
says what changes from what to what; the Runner confirms, audits, applies and verifies, and
verify reads the state back. A deploy registers a new task-definition revision copied from
the service's current one with one container's image replaced, then points the service at
it; a rollback points it at an earlier revision. With `wait`, both (and a forced
deployment) follow the rollout (console.services.ecs.rollout) until the new deployment is
COMPLETED, or FAILED / rolled back by the circuit breaker. Undo points the service back at
the task definition it had. What the user gave that names nothing (cluster, service,
container, revision, task) raises `InputRefused` before anything is sent; the CLI exits 2.
"""

from __future__ import annotations

from typing import Any, Sequence

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
    check_steps,
    run_steps,
)
from console.actions.registry import register
from console.aws.context import AwsContext
from console.aws.errors import ErrorClass, Problem, describe_problem, error_code
from console.services.ecs.taskdef import diff_task_definitions
from console.services.ecs.rollout import (
    EPOCH,
    FOLLOW_TIMEOUT,
    RolloutFailed,
    RolloutListener,
    RolloutStopped,
    follow_rollout,
    primary_of,
    revision_name,
    seen_events,
)

DEMO_CLUSTER = "my-cluster"
DEMO_SERVICE = "api-service"
DEMO_IMAGE = "public.ecr.aws/docker/library/nginx:1.27"
# "Tasks per service: 5,000" (Amazon ECS service quotas): a desired count above it is refused by AWS
MAX_DESIRED = 5000
# StopTask's reason: "Up to 255 characters are allowed in this message." (AWS API reference)
MAX_REASON = 255
# DescribeServices' `deployments` entries and DescribeTaskDefinition's answer carry fields that
# RegisterTaskDefinition does not take; a copy keeps only what RegisterTaskDefinition's own
# input shape (botocore's model) names, which drops these read-only ones among others
READ_ONLY_FIELDS = ("taskDefinitionArn", "revision", "status", "requiresAttributes", "compatibilities",
                    "registeredAt", "registeredBy", "deregisteredAt", "deleteRequestedAt")


class InputRefused(PlanRefused):
    """What the user gave names nothing ECS has (cluster, service, container, revision,
    task) or is not a value AWS accepts: nothing was sent. The command line exits 2."""


# -- reading --------------------------------------------------------------------------------------
async def read_service(ctx: AwsContext, cluster: str, service: str) -> dict:
    """DescribeServices of one ACTIVE service; InputRefused for an unknown cluster or service."""
    ecs = await ctx.client("ecs")
    try:
        answer = await ecs.describe_services(cluster=cluster, services=[service])
    except ClientError as exc:
        if error_code(exc) == "ClusterNotFoundException":
            raise InputRefused(f"CLUSTER: no cluster named {cluster!r} in {ctx.target.region}",
                               tui=f"no cluster named {cluster!r} in {ctx.target.region}") from None
        raise
    found = [s for s in answer.get("services") or [] if s.get("status") == "ACTIVE"]
    if not found:
        raise InputRefused(f"SERVICE: no active service named {service!r} in cluster {cluster!r}",
                           tui=f"no active service named {service!r} in cluster {cluster!r}")
    return found[0]


async def read_task_definition(ctx: AwsContext, name: str, field: str = "--to") -> tuple[dict, list[dict]]:
    """(taskDefinition, tags) of `name` (family:revision, family, or ARN); InputRefused
    when there is no such revision."""
    ecs = await ctx.client("ecs")
    try:
        answer = await ecs.describe_task_definition(taskDefinition=name, include=["TAGS"])
    except ClientError as exc:
        if error_code(exc) in ("ClientException", "InvalidParameterException"):
            raise InputRefused(f"{field}: no task definition {name!r} in {ctx.target.region}",
                               tui=f"no task definition {name!r} in {ctx.target.region}") from None
        raise
    return answer["taskDefinition"], answer.get("tags") or []


async def family_revisions(ctx: AwsContext, family: str) -> list[str]:
    """The ACTIVE task-definition ARNs of `family`, newest first."""
    arns = await ctx.collect("ecs", "list_task_definitions", "taskDefinitionArns", familyPrefix=family,
                             status="ACTIVE", sort="DESC")
    return [arn for arn in arns if revision_name(arn).rsplit(":", 1)[0] == family]


def revision_number(arn: str) -> int:
    tail = revision_name(arn).rsplit(":", 1)[-1]
    return int(tail) if tail.isdigit() else 0


def register_input(task_definition: dict, tags: list[dict], allowed: Sequence[str]) -> dict:
    """RegisterTaskDefinition's parameters for a copy of `task_definition`: the fields
    `allowed` names (RegisterTaskDefinition's input members), read-only ones never."""
    params = {key: value for key, value in task_definition.items()
              if key in allowed and key not in READ_ONLY_FIELDS and value not in (None, [], {})}
    if tags:
        params["tags"] = tags
    return params


def with_image(params: dict, container: str, image: str) -> dict:
    """`params` with `container`'s image replaced (the rest copied as is)."""
    containers = [dict(c, image=image) if c.get("name") == container else c
                  for c in params.get("containerDefinitions", [])]
    return dict(params, containerDefinitions=containers)


def parse_image(value: str) -> tuple[str | None, str]:
    """(container or None, image URI) from `[CONTAINER=]URI`."""
    container, sep, uri = (value or "").strip().partition("=")
    if not sep:
        container, uri = "", container
    container, uri = container.strip(), uri.strip()
    if not uri or any(c.isspace() for c in uri) or (sep and not container):
        raise InputRefused(f"--image: expected [CONTAINER=]URI, e.g. app=registry/app:1.2, got {value!r}",
                           tui=f"Image: expected an image URI, e.g. registry/app:1.2, got {value!r}")
    return container or None, uri


def choose_container(task_definition: dict, wanted: str | None) -> str:
    """The container whose image a deploy replaces: `wanted`, else the only one."""
    names = [c.get("name", "") for c in task_definition.get("containerDefinitions", [])]
    revision = revision_name(task_definition.get("taskDefinitionArn", ""))
    listed = ", ".join(names) or "none"
    if wanted is None:
        if len(names) == 1:
            return names[0]
        raise InputRefused(f"--image: {revision} has several containers ({listed}): name one as CONTAINER=URI",
                           tui=f"Container: {revision} has several containers ({listed}): choose one")
    if wanted not in names:
        raise InputRefused(f"--image: no container named {wanted!r} in {revision} (its containers: {listed})",
                           tui=f"Container: no container named {wanted!r} in {revision} (its containers: {listed})")
    return wanted


def image_of(task_definition: dict, container: str) -> str:
    return next((c.get("image", "") for c in task_definition.get("containerDefinitions", [])
                 if c.get("name") == container), "")


def revision_diff(old: dict, params: dict) -> str:
    """What the new revision (RegisterTaskDefinition's `params`) changes from `old`, on one
    line (a step says it): the revision diff of console.services.ecs.taskdef."""
    copied = {key: value for key, value in params.items() if key != "tags"}  # tags are not part of a revision
    diff = diff_task_definitions(old, {**old, **copied, "revision": "new"})
    parts = [f"task: {', '.join(c.text() for c in diff.task)}"] if diff.task else []
    parts += [f"container {c.name}: {', '.join(change.text() for change in c.changes)}" for c in diff.containers]
    return "; ".join(parts) or "no differences"


# -- read-backs ---------------------------------------------------------------------------------------
def service_on(cluster: str, service: str, task_definition: str | None = None, *, expect_arn=None):
    """A StepCheck: the service's task definition is `task_definition` (or `expect_arn()`)."""

    async def check(ctx: AwsContext) -> tuple[bool, str]:
        expected = expect_arn() if expect_arn is not None else task_definition
        raw = await read_service(ctx, cluster, service)
        found = raw.get("taskDefinition", "")
        return found == expected, (f"service {service} is on {revision_name(found)} "
                                   f"(expected {revision_name(expected or '?')})")

    return check


# -- the service actions --------------------------------------------------------------------------------
class _ServiceAction(Action):
    """An action on one service, with an optional rollout to follow after its change."""

    def __init__(self, cluster: str, service: str, wait: bool = False,
                 listener: RolloutListener | None = None) -> None:
        if not cluster:
            raise InputRefused("CLUSTER: give the name or ARN of the cluster")
        if not service:
            raise InputRefused("SERVICE: give the name of the service")
        self.cluster = cluster
        self.service = service
        self.wait = bool(wait)
        self.listener = listener
        self.service_arn = ""
        self.known_events: set[str] = set()
        self.deployment_id: str | None = None  # the deployment the change started
        self.outcome: str | None = None  # how the followed rollout ended (rollout.OUTCOMES)
        self.reason = ""
        self.previous: str | None = None  # the task definition ARN the service had before the change
        self.raw: dict = {}  # DescribeServices' answer when planned
        self._cancel: CancelFlag | None = None

    @classmethod
    def example_arguments(cls) -> dict[str, Any]:
        return {"cluster": DEMO_CLUSTER, "service": DEMO_SERVICE}

    async def _read(self, ctx: AwsContext) -> dict:
        raw = await read_service(ctx, self.cluster, self.service)
        self.service_arn = raw["serviceArn"]
        self.known_events = seen_events(raw)
        self.raw = raw
        return raw

    def rollout_warnings(self) -> list[str]:
        """What to know before starting a deployment: one already running, no circuit breaker."""
        raw, warnings = self.raw, []
        deployments = raw.get("deployments", [])
        primary = primary_of(raw) or {}
        if len(deployments) > 1 or primary.get("rolloutState") == "IN_PROGRESS":
            warnings.append(f"A deployment of {self.service} is in progress ({primary.get('id', '-')}, "
                            f"{len(deployments)} deployments): this one replaces it.")
        breaker = (raw.get("deploymentConfiguration") or {}).get("deploymentCircuitBreaker") or {}
        if self.wait and not breaker.get("enable"):
            warnings.append(f"The deployment circuit breaker of {self.service} is off: a rollout whose tasks keep "
                            f"failing never ends FAILED; opsdeck follows it for at most {int(FOLLOW_TIMEOUT // 60)} "
                            "minutes.")
        return warnings

    def _plan(self, steps: Sequence[Step], summary: str, details: dict[str, str], note: str = "",
              warnings: Sequence[str] = ()) -> Plan:
        return Plan(self.name, self.service_arn, self.service, tuple(steps), summary=summary, note=note,
                    warnings=tuple(warnings), details={"cluster": self.cluster, "service": self.service, **details})

    async def _update(self, ctx: AwsContext, **params: Any) -> dict:
        """UpdateService; remembers the PRIMARY deployment it answers with (the rollout to follow)."""
        ecs = await ctx.client("ecs")
        answer = (await ecs.update_service(cluster=self.cluster, service=self.service, **params))["service"]
        primary = primary_of(answer)
        self.deployment_id = primary.get("id") if primary else None
        return answer

    def _follow_step(self) -> Step:
        return Step(f"Follow the rollout of service {self.service} until its new deployment is COMPLETED "
                    "(or FAILED, or rolled back by the circuit breaker)", None, self._follow,
                    check=self._completed)

    async def _follow(self, ctx: AwsContext) -> None:
        if self.deployment_id is None:
            raise RolloutFailed("failed", "UpdateService answered with no PRIMARY deployment to follow")
        try:
            self.reason = await follow_rollout(ctx, self.cluster, self.service, self.deployment_id,
                                               known_events=self.known_events, listener=self.listener,
                                               cancel=self._cancel)
            self.outcome = "completed"
        except RolloutFailed as exc:
            self.outcome, self.reason = exc.outcome, str(exc)
            raise
        except RolloutStopped as exc:
            self.outcome, self.reason = "stopped", str(exc)
            raise

    async def _completed(self, ctx: AwsContext) -> tuple[bool, str]:
        raw = await read_service(ctx, self.cluster, self.service)
        primary = primary_of(raw) or {}
        good = primary.get("id") == self.deployment_id and primary.get("rolloutState") in ("COMPLETED", None)
        return good, (f"PRIMARY deployment {primary.get('id', '-')} of {revision_name(primary.get('taskDefinition', ''))}"
                      f" is {primary.get('rolloutState') or 'without a rollout state'} "
                      f"(expected {self.deployment_id} COMPLETED)")

    def _explain(self, ctx: AwsContext, exc: Exception) -> Problem:
        if isinstance(exc, RolloutFailed):
            words = {"rolled-back": "Rolled back", "timed-out": "Not followed further"}.get(exc.outcome, "Rollout FAILED")
            return Problem(ErrorClass.OTHER, words, str(exc),
                           "Read the service's events and its stopped tasks' reasons, fix, and deploy again.")
        if isinstance(exc, RolloutStopped):
            return Problem(ErrorClass.OTHER, "Stopped following the rollout", str(exc),
                           "ECS goes on with it; the service screen shows how it ends.")
        return describe_problem(exc, profile=ctx.target.profile, endpoint=ctx.target.endpoint)

    async def apply(self, ctx: AwsContext, plan: Plan, progress: ProgressCallback | None = None,
                    cancel: CancelFlag | None = None) -> ApplyResult:
        self._cancel = cancel
        result = await run_steps(ctx, plan.steps, progress, cancel, explain=lambda exc: self._explain(ctx, exc),
                                 learnt=self._learnt)
        if self.outcome == "stopped":  # following stopped by the user: a cancel, not a failure
            return ApplyResult(result.applied, cancelled=True, planned=result.planned)
        return result

    def _learnt(self, step: Step) -> dict[str, str] | None:
        found = {"deployment": self.deployment_id or "", "rollout": self.outcome or ""}
        return {k: v for k, v in found.items() if v} or None

    async def verify(self, ctx: AwsContext, plan: Plan, steps: Sequence[Step] | None = None) -> VerifyResult:
        """After an automatic rollback, the service back on its old revision is what is read back."""
        if self.outcome == "rolled-back" and self.previous is not None:
            good, detail = await service_on(self.cluster, self.service, self.previous)(ctx)
            return VerifyResult(good, [("ok: " if good else "MISMATCH: ") + detail + " after the rollback"])
        return await check_steps(ctx, plan.steps if steps is None else steps)


def _update_step(action: _ServiceAction, description: str, inverse: str, to_arn, from_arn: str) -> Step:
    """Point the service at a task definition (`to_arn()`: known once an earlier step ran);
    the inverse points it back at `from_arn`."""

    async def forward(ctx: AwsContext) -> None:
        await action._update(ctx, taskDefinition=to_arn())

    async def back(ctx: AwsContext) -> None:
        await action._update(ctx, taskDefinition=from_arn)

    return Step(description, inverse, forward, back, service_on(action.cluster, action.service, expect_arn=to_arn),
                service_on(action.cluster, action.service, from_arn))


@register
class EcsDeploy(_ServiceAction):
    """Deploy an image: a new revision copied from the service's task definition with one
    container's image replaced, the service updated to it; with `wait`, the rollout followed."""

    name = "ecs.deploy"
    title = "Deploy ECS service"

    def __init__(self, cluster: str, service: str, image: str, wait: bool = False,
                 listener: RolloutListener | None = None) -> None:
        super().__init__(cluster, service, wait, listener)
        self.container, self.image = parse_image(image)
        self.new_arn: str | None = None

    @classmethod
    def example_arguments(cls) -> dict[str, Any]:
        return {**super().example_arguments(), "image": DEMO_IMAGE}

    async def plan(self, ctx: AwsContext) -> Plan:
        raw = await self._read(ctx)
        current, tags = await read_task_definition(ctx, raw["taskDefinition"], "SERVICE")
        self.previous = current["taskDefinitionArn"]
        container = self.container = choose_container(current, self.container)
        old_image = image_of(current, container)
        old = revision_name(self.previous)
        summary = f"Deploy {self.image} to container {container} of service {self.service} ({self.cluster})"
        details = {"container": container, "from_task_definition": old, "from_image": old_image,
                   "to_image": self.image}
        if old_image == self.image:
            return self._plan((), summary, details,
                              note=f"container {container} of {old} already runs {self.image}: nothing to deploy "
                                   "(a forced new deployment starts new tasks on the same image)")
        ecs = await ctx.client("ecs")
        allowed = ecs.meta.service_model.operation_model("RegisterTaskDefinition").input_shape.members
        self.params = with_image(register_input(current, tags, list(allowed)), container, self.image)
        family = current.get("family", "")
        steps = [
            Step(f"Register a new revision of {family}, copied from {old} ({revision_diff(current, self.params)})",
                 None, self._register,
                 check=self._registered),
            _update_step(self, f"Update service {self.service}: task definition {old} -> the new revision of {family}",
                         f"Update service {self.service}: task definition back to {old}",
                         lambda: self.new_arn or "?", self.previous),
        ]
        if self.wait:
            steps.append(self._follow_step())
        return self._plan(steps, summary, details, warnings=self.rollout_warnings())

    async def _register(self, ctx: AwsContext) -> None:
        ecs = await ctx.client("ecs")
        answer = await ecs.register_task_definition(**self.params)
        self.new_arn = answer["taskDefinition"]["taskDefinitionArn"]

    async def _registered(self, ctx: AwsContext) -> tuple[bool, str]:
        if self.new_arn is None:
            return False, "RegisterTaskDefinition returned no revision"
        found, _ = await read_task_definition(ctx, self.new_arn)
        image = image_of(found, self.container or "")
        return image == self.image, (f"{revision_name(self.new_arn)} runs {image} in container {self.container} "
                                     f"(expected {self.image})")

    def _learnt(self, step: Step) -> dict[str, str] | None:
        found = {**(super()._learnt(step) or {}), "new_task_definition": revision_name(self.new_arn or "")}
        return {k: v for k, v in found.items() if v} or None


@register
class EcsRollback(_ServiceAction):
    """Point the service back at an earlier task definition: `to` (family:revision, a
    revision number of the service's family, or an ARN), else the one of its previous
    completed deployment; with `wait`, the rollout followed."""

    name = "ecs.rollback"
    title = "Roll back ECS service"

    def __init__(self, cluster: str, service: str, to: str | None = None, wait: bool = False,
                 listener: RolloutListener | None = None) -> None:
        super().__init__(cluster, service, wait, listener)
        self.to = (to or "").strip() or None
        self.target_arn: str | None = None

    async def plan(self, ctx: AwsContext) -> Plan:
        raw = await self._read(ctx)
        self.previous = current = raw["taskDefinition"]
        old = revision_name(current)
        family = old.rsplit(":", 1)[0]
        if self.to is not None:
            name = f"{family}:{self.to}" if self.to.isdigit() else self.to
            found, _ = await read_task_definition(ctx, name, "--to")
            target, why = found["taskDefinitionArn"], "the revision asked for"
        else:
            target, why = await previous_completed(ctx, raw)
        self.target_arn = target
        summary = f"Roll back service {self.service} ({self.cluster}) to {revision_name(target)}"
        details = {"from_task_definition": old, "to_task_definition": revision_name(target)}
        if target == current:
            return self._plan((), summary, details, note=f"service {self.service} is already on {old}: nothing to do")
        steps = [_update_step(self, f"Update service {self.service}: task definition {old} -> "
                                    f"{revision_name(target)} ({why})",
                              f"Update service {self.service}: task definition back to {old}",
                              lambda: target, current)]
        if self.wait:
            steps.append(self._follow_step())
        warnings = []
        if revision_name(target).rsplit(":", 1)[0] != family:
            warnings.append(f"{revision_name(target)} is of another family than the service's {family}")
        return self._plan(steps, summary, details, warnings=[*warnings, *self.rollout_warnings()])


async def previous_completed(ctx: AwsContext, service: dict) -> tuple[str, str]:
    """The task definition to roll back to, and where it came from: a deployment still
    ACTIVE beside the PRIMARY one whose rollout COMPLETED (a rollout in progress), else the
    newest SUCCESSFUL service deployment on another revision (ListServiceDeployments, where
    the endpoint has it), else the family's newest ACTIVE revision below the current one."""
    current = service["taskDefinition"]
    for deployment in service.get("deployments", []):
        if deployment.get("status") == "ACTIVE" and deployment.get("rolloutState") == "COMPLETED" \
                and deployment.get("taskDefinition") != current:
            return deployment["taskDefinition"], f"deployment {deployment.get('id')}, the last that completed"
    found = await _from_service_deployments(ctx, service)
    if found is not None:
        return found
    family = revision_name(current).rsplit(":", 1)[0]
    earlier = [arn for arn in await family_revisions(ctx, family) if revision_number(arn) < revision_number(current)]
    if not earlier:
        raise InputRefused(f"service {service.get('serviceName')} is on {revision_name(current)} and {family} has no "
                           "earlier ACTIVE revision to roll back to (choose one with --to)",
                           tui=f"{family} has no ACTIVE revision before {revision_name(current)} to roll back to")
    return earlier[0], "the revision before the current one"


DEPLOYMENT_HISTORY = 20  # DescribeServiceDeployments takes up to 20 ARNs


async def _from_service_deployments(ctx: AwsContext, service: dict) -> tuple[str, str] | None:
    """The newest SUCCESSFUL service deployment's task definition other than the current
    one; None where the endpoint has no service-deployment APIs (or no such deployment)."""
    ecs = await ctx.client("ecs")
    current = service["taskDefinition"]
    try:
        listed = await ecs.list_service_deployments(service=service["serviceArn"], cluster=service["clusterArn"],
                                                    status=["SUCCESSFUL"], maxResults=DEPLOYMENT_HISTORY)
        arns = [d["serviceDeploymentArn"] for d in listed.get("serviceDeployments", [])]
        if not arns:
            return None
        described = (await ecs.describe_service_deployments(serviceDeploymentArns=arns)).get("serviceDeployments", [])
        targets = {d["serviceDeploymentArn"]: (d.get("targetServiceRevision") or {}).get("arn") for d in described}
        revisions = [arn for arn in dict.fromkeys(targets.values()) if arn]
        if not revisions:
            return None
        found = (await ecs.describe_service_revisions(serviceRevisionArns=revisions)).get("serviceRevisions", [])
    except ClientError as exc:
        if _not_available(exc):
            return None
        raise
    by_revision = {r.get("serviceRevisionArn"): r.get("taskDefinition") for r in found}
    newest_first = sorted(described, key=lambda d: d.get("createdAt") or d.get("startedAt") or EPOCH, reverse=True)
    for deployment in newest_first:
        task_definition = by_revision.get(targets.get(deployment["serviceDeploymentArn"]))
        if task_definition and task_definition != current:
            return task_definition, "the last SUCCESSFUL service deployment on another revision"
    return None


def _not_available(exc: ClientError) -> bool:
    """The endpoint lacks the operation (moto answers 500; others UnknownOperation)."""
    code = error_code(exc) or ""
    return code in ("500", "501", "UnknownOperationException", "InvalidAction", "NotImplemented") or \
        exc.response.get("ResponseMetadata", {}).get("HTTPStatusCode") in (500, 501)


@register
class EcsForceDeployment(_ServiceAction):
    """Start a new deployment of the service's current task definition (new tasks, same
    revision: a fresh image pull, new secrets); with `wait`, the rollout followed."""

    name = "ecs.force-deployment"
    title = "Force new ECS deployment"

    async def plan(self, ctx: AwsContext) -> Plan:
        raw = await self._read(ctx)
        self.previous = raw["taskDefinition"]
        on = revision_name(self.previous)
        before = (primary_of(raw) or {}).get("id", "")
        self.before_deployment = before

        async def force(ctx: AwsContext) -> None:
            await self._update(ctx, forceNewDeployment=True)

        step = Step(f"Force a new deployment of service {self.service} on {on} (replaces every task; "
                    f"deployment {before or '-'} ends)", None, force, check=self._new_primary)
        steps = [step, self._follow_step()] if self.wait else [step]
        return self._plan(steps, f"Force a new deployment of service {self.service} ({self.cluster})",
                          {"task_definition": on, "from_deployment": before},
                          warnings=(f"Every running task of {self.service} is replaced.", *self.rollout_warnings()))

    async def _new_primary(self, ctx: AwsContext) -> tuple[bool, str]:
        raw = await read_service(ctx, self.cluster, self.service)
        found = (primary_of(raw) or {}).get("id", "")
        return found != self.before_deployment, (f"PRIMARY deployment is {found or '-'} "
                                                 f"(expected a new one, not {self.before_deployment})")


def parse_count(value: object, field: str = "N") -> int:
    """A desired count: a whole number from 0 to MAX_DESIRED."""
    text = str(value).strip() if value is not None else ""
    if not text.isdigit() or int(text) > MAX_DESIRED:
        raise InputRefused(f"{field}: expected a whole number from 0 to {MAX_DESIRED:,}, got {text!r}",
                           tui=f"Desired count: expected a whole number from 0 to {MAX_DESIRED:,}, got {text!r}")
    return int(text)


@register
class EcsScale(_ServiceAction):
    """Set the service's desired count; the plan says current -> new."""

    name = "ecs.scale"
    title = "Scale ECS service"

    def __init__(self, cluster: str, service: str, count: int | str) -> None:
        super().__init__(cluster, service)
        self.count = parse_count(count)

    @classmethod
    def example_arguments(cls) -> dict[str, Any]:
        return {**super().example_arguments(), "count": 4}

    async def plan(self, ctx: AwsContext) -> Plan:
        raw = await self._read(ctx)
        current = int(raw.get("desiredCount", 0))
        summary = f"Scale service {self.service} ({self.cluster}): desired count {current} -> {self.count}"
        details = {"from_count": str(current), "to_count": str(self.count)}
        if current == self.count:
            return self._plan((), summary, details,
                              note=f"service {self.service} already wants {current} tasks: nothing to do")

        def setter(count: int):
            async def run(ctx: AwsContext) -> None:
                ecs = await ctx.client("ecs")
                await ecs.update_service(cluster=self.cluster, service=self.service, desiredCount=count)
            return run

        step = Step(f"Set the desired count of service {self.service}: {current} -> {self.count}",
                    f"Set the desired count of service {self.service}: {self.count} -> {current}",
                    setter(self.count), setter(current), self._wants(self.count), self._wants(current))
        warnings = [f"Scaling to 0 stops every task of {self.service}."] if self.count == 0 else []
        return self._plan((step,), summary, details, warnings=warnings)

    def _wants(self, count: int):
        async def check(ctx: AwsContext) -> tuple[bool, str]:
            raw = await read_service(ctx, self.cluster, self.service)
            found = int(raw.get("desiredCount", -1))
            return found == count, f"service {self.service} wants {found} tasks (expected {count})"
        return check


# -- stop a task --------------------------------------------------------------------------------------
@register
class EcsStopTask(Action):
    """Stop a task with a reason (required: ECS records it as the task's stoppedReason).

    No example_arguments(): a task's ARN is not known before the estate runs, so the
    read-only proof cannot aim it; tests/ecs_actions proves its refusal on a running task."""

    name = "ecs.stop-task"
    title = "Stop ECS task"

    def __init__(self, cluster: str, task: str, reason: str) -> None:
        if not cluster:
            raise InputRefused("CLUSTER: give the name or ARN of the cluster")
        if not task:
            raise InputRefused("TASK: give the task's ID or ARN")
        reason = (reason or "").strip()
        if not reason:
            raise InputRefused("--reason: give the reason to record on the task (ECS keeps it as stoppedReason)",
                               tui="Reason: give the reason to record on the task")
        if len(reason) > MAX_REASON:
            raise InputRefused(f"--reason: expected at most {MAX_REASON} characters, got {len(reason)}",
                               tui=f"Reason: expected at most {MAX_REASON} characters, got {len(reason)}")
        self.cluster = cluster
        self.task = task
        self.reason = reason
        self.task_arn = ""

    @classmethod
    def from_arn(cls, arn: str) -> "EcsStopTask":
        raise PlanRefused("stopping a task needs a reason: build EcsStopTask(cluster, task, reason)")

    async def plan(self, ctx: AwsContext) -> Plan:
        ecs = await ctx.client("ecs")
        try:
            answer = await ecs.describe_tasks(cluster=self.cluster, tasks=[self.task])
        except ClientError as exc:
            if error_code(exc) == "ClusterNotFoundException":
                raise InputRefused(f"CLUSTER: no cluster named {self.cluster!r} in {ctx.target.region}",
                                   tui=f"no cluster named {self.cluster!r} in {ctx.target.region}") from None
            if error_code(exc) == "InvalidParameterException":
                raise InputRefused(f"TASK: {self.task!r} is not a task ID or ARN") from None
            raise
        found = answer.get("tasks") or []
        if not found:
            raise InputRefused(f"TASK: no task {self.task!r} in cluster {self.cluster!r}",
                               tui=f"no task {self.task!r} in cluster {self.cluster!r}")
        task = found[0]
        self.task_arn = task["taskArn"]
        task_id = self.task_arn.rsplit("/", 1)[-1]
        group = task.get("group", "")
        of = f" of service {group.split(':', 1)[1]}" if group.startswith("service:") else ""
        status = task.get("lastStatus", "")
        summary = f"Stop task {task_id}{of} ({self.cluster})"
        details = {"cluster": self.cluster, "task": task_id, "group": group, "reason": self.reason}
        if task.get("desiredStatus") == "STOPPED" or status in ("DEPROVISIONING", "STOPPED"):
            return Plan(self.name, self.task_arn, task_id, (), summary=summary, details=details,
                        note=f"task {task_id} is {status} (desired STOPPED) already: nothing to stop")
        step = Step(f"Stop task {task_id}{of}: {status} -> STOPPED, reason {self.reason!r}", None, self._stop,
                    check=self._stopped)
        warnings = ["Stopping cannot be undone."]
        if of:
            warnings.append(f"The service's scheduler starts a replacement task{of}.")
        return Plan(self.name, self.task_arn, task_id, (step,), summary=summary, details=details,
                    warnings=tuple(warnings))

    async def _stop(self, ctx: AwsContext) -> None:
        ecs = await ctx.client("ecs")
        await ecs.stop_task(cluster=self.cluster, task=self.task_arn, reason=self.reason)

    async def _stopped(self, ctx: AwsContext) -> tuple[bool, str]:
        ecs = await ctx.client("ecs")
        found = (await ecs.describe_tasks(cluster=self.cluster, tasks=[self.task_arn])).get("tasks") or []
        if not found:
            return False, f"task {self.task_arn} is no longer described"
        task = found[0]
        good = task.get("desiredStatus") == "STOPPED" and task.get("stoppedReason") == self.reason
        code = f", stop code {task['stopCode']}" if task.get("stopCode") else ""
        return good, (f"task {self.task_arn.rsplit('/', 1)[-1]} is {task.get('lastStatus')} (desired "
                      f"{task.get('desiredStatus')}){code}, reason {task.get('stoppedReason')!r}")
