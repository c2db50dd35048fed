"""Task definitions: one revision as a person reads it, and the diff between two revisions.

`TaskDefinition.from_api` builds the view of DescribeTaskDefinition's `taskDefinition`:
family:revision, status, CPU/memory, network mode, compatibilities, roles and, per
container, image, CPU/memory, ports, environment NAMES, secret names, health check and
log configuration. Environment values stay in the model (`Container.environment`) but
every rendering hides them unless asked (`reveal=True`): they often hold credentials
that never made it into Secrets Manager. Secrets are references (`valueFrom`); their
values are never read.

`diff_task_definitions(old, new)` compares two `taskDefinition` dicts: task-level fields
and, per container (matched by name), image, CPU/memory, ports, environment names (a
changed value is reported without the value), secret names, health check, log
configuration, then every other field that differs. It is pure: the deploy plan shows
the new revision's diff against the current one with `render_diff`.

Reads: `describe_task_definition` (a family:revision, family or ARN; an unknown one
raises `UnknownTaskDefinition`), `family_revisions` (ListTaskDefinitions of one family,
newest first), `service_task_definition` (a service's current revision).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any, Iterable

from console.aws.context import AwsContext
from console.services.ecs.models import ServiceRef, TaskRef

# Set by ECS, not by whoever registered the revision: never a difference worth showing.
_TASK_METADATA = frozenset({
    "taskDefinitionArn", "revision", "status", "registeredAt", "registeredBy", "deregisteredAt",
    "compatibilities", "requiresAttributes", "containerDefinitions", "deleteRequestedAt",
})
# Task-level fields in the order a person checks them; the rest follow alphabetically.
_TASK_FIELDS = ("family", "cpu", "memory", "networkMode", "requiresCompatibilities", "taskRoleArn",
                "executionRoleArn", "runtimePlatform", "ephemeralStorage", "volumes")
# Container fields compared item by item (by name or port) rather than as one value.
_CONTAINER_KEYED = ("environment", "secrets", "portMappings", "logConfiguration")
_CONTAINER_FIELDS = ("image", "cpu", "memory", "memoryReservation", "essential", "portMappings",
                     "environment", "secrets", "healthCheck", "logConfiguration")
_EMPTY = (None, [], {}, "")


class EcsNotFound(LookupError):
    """A cluster, service, task or revision ECS does not know: said plainly, nothing changed."""


class UnknownTaskDefinition(EcsNotFound):
    """DescribeTaskDefinition knows no such revision (ECS answers ClientException)."""

    def __init__(self, reference: str, region: str, why: str = "") -> None:
        super().__init__(f"no task definition {reference} in {region}" + (f" (ECS: {why})" if why else ""))
        self.reference = reference


# -- the model -----------------------------------------------------------------------------
def compact(value: Any) -> str:
    """A field's value on one line: strings as they are, the rest as compact JSON."""
    if isinstance(value, str):
        return value
    return json.dumps(value, separators=(",", ":"), sort_keys=True, default=str)


def port_text(mapping: dict) -> str:
    """`8080/tcp`, `80->8080/tcp` when the host port differs, with its name when it has one."""
    container = mapping.get("containerPort")
    host = mapping.get("hostPort")
    text = f"{container}" if host in (None, container) else f"{host}->{container}"
    if mapping.get("containerPortRange"):
        text = str(mapping["containerPortRange"])
    text += f"/{mapping.get('protocol', 'tcp')}"
    if mapping.get("name"):
        text += f" ({mapping['name']})"
    return text


def health_check_text(check: dict | None) -> str:
    """The command, then interval/timeout/retries/start period as AWS defaults them."""
    if not check:
        return "none"
    command = check.get("command") or []
    shown = " ".join(command[1:]) if command[:1] in (["CMD-SHELL"], ["CMD"]) else " ".join(command)
    kind = f"{command[0]} " if command[:1] == ["CMD"] else ""
    return (f"{kind}{shown} · every {check.get('interval', 30)} s, timeout {check.get('timeout', 5)} s, "
            f"{check.get('retries', 3)} retries, start period {check.get('startPeriod', 0)} s")


@dataclass(frozen=True)
class LogSettings:
    driver: str | None
    options: tuple[tuple[str, str], ...]  # sorted by name
    secret_options: tuple[str, ...]  # names only

    @classmethod
    def from_api(cls, raw: dict | None) -> "LogSettings":
        raw = raw or {}
        return cls(raw.get("logDriver"), tuple(sorted((str(k), str(v)) for k, v in (raw.get("options") or {}).items())),
                   tuple(s.get("name", "") for s in raw.get("secretOptions") or ()))

    def text(self) -> str:
        if not self.driver:
            return "none (no logConfiguration: nothing reaches CloudWatch Logs)"
        options = ", ".join(f"{k}={v}" for k, v in self.options)
        secrets = f"; secret options {', '.join(self.secret_options)}" if self.secret_options else ""
        return f"{self.driver}" + (f" · {options}" if options else "") + secrets


@dataclass(frozen=True)
class Container:
    name: str
    image: str
    essential: bool
    cpu: int | None
    memory: int | None  # hard limit, MiB
    memory_reservation: int | None  # soft limit, MiB
    ports: tuple[str, ...]
    environment: tuple[tuple[str, str], ...]  # (name, value), values hidden when shown
    secrets: tuple[tuple[str, str], ...]  # (name, valueFrom): a reference, never the value
    health_check: str
    logs: LogSettings

    @classmethod
    def from_api(cls, raw: dict) -> "Container":
        return cls(
            name=raw.get("name", ""),
            image=raw.get("image", ""),
            essential=bool(raw.get("essential", True)),
            cpu=raw.get("cpu"),
            memory=raw.get("memory"),
            memory_reservation=raw.get("memoryReservation"),
            ports=tuple(port_text(p) for p in raw.get("portMappings") or ()),
            environment=tuple((e.get("name", ""), str(e.get("value", ""))) for e in raw.get("environment") or ()),
            secrets=tuple((s.get("name", ""), s.get("valueFrom", "")) for s in raw.get("secrets") or ()),
            health_check=health_check_text(raw.get("healthCheck")),
            logs=LogSettings.from_api(raw.get("logConfiguration")),
        )

    @property
    def environment_names(self) -> tuple[str, ...]:
        return tuple(name for name, _ in self.environment)

    @property
    def secret_names(self) -> tuple[str, ...]:
        return tuple(name for name, _ in self.secrets)

    def resources_text(self) -> str:
        parts = [f"cpu {self.cpu}" if self.cpu is not None else "cpu –"]
        if self.memory is not None:
            parts.append(f"memory {self.memory} MiB")
        if self.memory_reservation is not None:
            parts.append(f"reservation {self.memory_reservation} MiB")
        return " · ".join(parts)


@dataclass(frozen=True)
class TaskDefinition:
    arn: str
    family: str
    revision: int
    status: str
    cpu: str | None
    memory: str | None
    network_mode: str | None
    compatibilities: tuple[str, ...]  # requiresCompatibilities (what it was registered for)
    task_role: str | None
    execution_role: str | None
    containers: tuple[Container, ...]
    raw: dict = field(compare=False, repr=False)  # the API's taskDefinition, for the diff

    @classmethod
    def from_api(cls, raw: dict) -> "TaskDefinition":
        return cls(
            arn=raw.get("taskDefinitionArn", ""),
            family=raw.get("family", ""),
            revision=int(raw.get("revision", 0)),
            status=raw.get("status", ""),
            cpu=raw.get("cpu"),
            memory=raw.get("memory"),
            network_mode=raw.get("networkMode"),
            compatibilities=tuple(raw.get("requiresCompatibilities") or raw.get("compatibilities") or ()),
            task_role=raw.get("taskRoleArn"),
            execution_role=raw.get("executionRoleArn"),
            containers=tuple(Container.from_api(c) for c in raw.get("containerDefinitions") or ()),
            raw=raw,
        )

    @property
    def name(self) -> str:
        """family:revision, as the console and AWS's console name a revision."""
        return f"{self.family}:{self.revision}"


def revision_name(raw: dict) -> str:
    return f"{raw.get('family', '')}:{raw.get('revision', '')}"


def render_task_definition(task_def: TaskDefinition, *, reveal: bool = False) -> list[str]:
    """The revision as plain lines (CLI and tests): environment values shown only with `reveal`."""
    lines = [
        f"{task_def.name}  {task_def.status}",
        f"  cpu {task_def.cpu or '–'} · memory {task_def.memory or '–'} · network {task_def.network_mode or '–'} · "
        f"{', '.join(task_def.compatibilities) or '–'}",
        f"  task role       {task_def.task_role or '–'}",
        f"  execution role  {task_def.execution_role or '–'}",
    ]
    for container in task_def.containers:
        lines += container_lines(container, reveal=reveal)
    return lines


def container_lines(container: Container, *, reveal: bool = False) -> list[str]:
    essential = "essential" if container.essential else "not essential"
    lines = [f"container {container.name} ({essential})",
             f"  image         {container.image}",
             f"  resources     {container.resources_text()}",
             f"  ports         {', '.join(container.ports) or 'none'}"]
    if reveal:
        env = ", ".join(f"{k}={v}" for k, v in container.environment)
    else:
        env = ", ".join(container.environment_names)
    lines.append(f"  environment   {env or 'none'}")
    lines.append(f"  secrets       {', '.join(container.secret_names) or 'none'}")
    lines.append(f"  health check  {container.health_check}")
    lines.append(f"  logs          {container.logs.text()}")
    return lines


# -- the diff ------------------------------------------------------------------------------
@dataclass(frozen=True)
class Change:
    """One line of a diff: `kind` is added, removed or changed; old/new as shown (None: absent)."""

    kind: str
    field: str  # "image", "environment RELEASE", "port 8080/tcp", "cpu"
    old: str | None = None
    new: str | None = None
    note: str | None = None  # instead of old → new: "value changed, hidden"

    def text(self) -> str:
        mark = {"added": "+", "removed": "-", "changed": "~"}[self.kind]
        if self.note:
            return f"{mark} {self.field} ({self.note})"
        if self.kind == "added":
            return f"{mark} {self.field}" + (f": {self.new}" if self.new else "")
        if self.kind == "removed":
            return f"{mark} {self.field}" + (f": {self.old}" if self.old else "")
        return f"{mark} {self.field}: {self.old} → {self.new}"


@dataclass(frozen=True)
class ContainerDiff:
    name: str
    status: str  # added | removed | changed
    changes: tuple[Change, ...]


@dataclass(frozen=True)
class TaskDefDiff:
    old: str  # family:revision
    new: str
    task: tuple[Change, ...]
    containers: tuple[ContainerDiff, ...]

    @property
    def empty(self) -> bool:
        return not self.task and not self.containers

    def to_json(self) -> dict:
        def change(c: Change) -> dict:
            return {"kind": c.kind, "field": c.field, "old": c.old, "new": c.new, "note": c.note}

        return {"old": self.old, "new": self.new, "task": [change(c) for c in self.task],
                "containers": [{"name": d.name, "status": d.status, "changes": [change(c) for c in d.changes]}
                               for d in self.containers]}


def _scalar(field: str, old: Any, new: Any) -> list[Change]:
    if old == new or (old in _EMPTY and new in _EMPTY):
        return []
    if old in _EMPTY:
        return [Change("added", field, None, compact(new))]
    if new in _EMPTY:
        return [Change("removed", field, compact(old), None)]
    return [Change("changed", field, compact(old), compact(new))]


def _ordered_keys(old: dict, new: dict, first: Iterable[str], skip: Iterable[str]) -> list[str]:
    skip = set(skip)
    first = [k for k in first if k not in skip]
    rest = sorted((set(old) | set(new)) - set(first) - skip)
    return [*first, *rest]


def _named(field: str, old: list[dict] | None, new: list[dict] | None, value_key: str,
           hidden: str | None) -> list[Change]:
    """Items keyed by `name`: added and removed by name; a changed `value_key` says so,
    with the values only when `hidden` is None (else `hidden` says what changed)."""
    before = {item.get("name", ""): item.get(value_key) for item in old or ()}
    after = {item.get("name", ""): item.get(value_key) for item in new or ()}
    changes: list[Change] = []
    for name in sorted(set(before) | set(after)):
        label = f"{field} {name}"
        if name not in before:
            changes.append(Change("added", label))
        elif name not in after:
            changes.append(Change("removed", label))
        elif before[name] != after[name]:
            changes.append(Change("changed", label, note=hidden) if hidden else
                           Change("changed", label, compact(before[name]), compact(after[name])))
    return changes


def _ports(old: list[dict] | None, new: list[dict] | None) -> list[Change]:
    before = {port_text(p) for p in old or ()}
    after = {port_text(p) for p in new or ()}
    return ([Change("removed", f"port {p}") for p in sorted(before - after)]
            + [Change("added", f"port {p}") for p in sorted(after - before)])


def _logs(old: dict | None, new: dict | None) -> list[Change]:
    old, new = old or {}, new or {}
    changes = _scalar("log driver", old.get("logDriver"), new.get("logDriver"))
    before, after = old.get("options") or {}, new.get("options") or {}
    for name in sorted(set(before) | set(after)):
        changes += _scalar(f"log option {name}", before.get(name), after.get(name))
    changes += _named("log secret option", old.get("secretOptions"), new.get("secretOptions"), "valueFrom",
                      "source changed")
    return changes


def _container(old: dict, new: dict) -> list[Change]:
    changes: list[Change] = []
    for key in _ordered_keys(old, new, _CONTAINER_FIELDS, ("name",)):
        before, after = old.get(key), new.get(key)
        if key == "environment":
            changes += _named("environment", before, after, "value", "value changed, hidden")
        elif key == "secrets":
            changes += _named("secret", before, after, "valueFrom", "source changed")
        elif key == "portMappings":
            changes += _ports(before, after)
        elif key == "logConfiguration":
            changes += _logs(before, after)
        elif key == "healthCheck":
            if before != after:
                changes += _scalar("health check", health_check_text(before) if before else None,
                                   health_check_text(after) if after else None)
        else:
            changes += _scalar(key, before, after)
    return changes


def diff_task_definitions(old: dict, new: dict) -> TaskDefDiff:
    """What changes from `old` to `new` (DescribeTaskDefinition's `taskDefinition` dicts):
    task-level fields, then each container matched by name (added, removed or changed)."""
    task: list[Change] = []
    for key in _ordered_keys(old, new, _TASK_FIELDS, _TASK_METADATA):
        task += _scalar(key, old.get(key), new.get(key))
    before = {c.get("name", ""): c for c in old.get("containerDefinitions") or ()}
    after = {c.get("name", ""): c for c in new.get("containerDefinitions") or ()}
    containers: list[ContainerDiff] = []
    for name in [*before, *(n for n in after if n not in before)]:
        if name not in after:
            containers.append(ContainerDiff(name, "removed", (Change("removed", "image", before[name].get("image")),)))
        elif name not in before:
            containers.append(ContainerDiff(name, "added", (Change("added", "image", None, after[name].get("image")),)))
        elif changes := _container(before[name], after[name]):
            containers.append(ContainerDiff(name, "changed", tuple(changes)))
    return TaskDefDiff(revision_name(old), revision_name(new), tuple(task), tuple(containers))


def render_diff(diff: TaskDefDiff) -> list[str]:
    """The diff as plain lines: `+` added, `-` removed, `~` changed, grouped per container."""
    lines = [f"{diff.old} → {diff.new}"]
    if diff.empty:
        return [*lines, "  no differences"]
    if diff.task:
        lines.append("task")
        lines += [f"  {c.text()}" for c in diff.task]
    for container in diff.containers:
        lines.append(f"container {container.name} ({container.status})")
        lines += [f"  {c.text()}" for c in container.changes]
    return lines


# -- reads ---------------------------------------------------------------------------------
async def describe_task_definition(ctx: AwsContext, reference: str) -> dict:
    """DescribeTaskDefinition's `taskDefinition` for family:revision, a family (its latest
    ACTIVE revision) or an ARN; UnknownTaskDefinition when ECS knows none."""
    from botocore.exceptions import ClientError

    ecs = await ctx.client("ecs")
    try:
        answer = await ecs.describe_task_definition(taskDefinition=reference)
    except ClientError as exc:
        # ECS answers an unknown or malformed revision with ClientException (permissions
        # come as AccessDeniedException): the reference names nothing.
        error = exc.response.get("Error", {})
        if error.get("Code") in ("ClientException", "InvalidParameterException"):
            message = error.get("Message", "")
            raise UnknownTaskDefinition(reference, ctx.target.region,
                                        "" if message.startswith("Unable to describe") else message) from None
        raise
    return answer["taskDefinition"]


async def family_revisions(ctx: AwsContext, family: str) -> list[str]:
    """The family's revisions (ARNs), newest first: ACTIVE then INACTIVE ones, since an
    INACTIVE revision can still be described and compared."""
    found: list[str] = []
    for status in ("ACTIVE", "INACTIVE"):
        found += await ctx.collect("ecs", "list_task_definitions", "taskDefinitionArns", familyPrefix=family,
                                   status=status, sort="DESC", PaginationConfig={"PageSize": 100})
    mine = [arn for arn in found if arn.rsplit("/", 1)[-1].rsplit(":", 1)[0] == family]
    return sorted(set(mine), key=lambda arn: -int(arn.rsplit(":", 1)[-1]))


async def service_task_definition(ctx: AwsContext, ref: ServiceRef) -> str:
    """The service's current task definition ARN (DescribeServices), read afresh."""
    ecs = await ctx.client("ecs")
    answer = await ecs.describe_services(cluster=ref.cluster, services=[ref.service])
    services = [s for s in answer.get("services", []) if s.get("status") != "INACTIVE"]
    if not services:
        raise EcsNotFound(f"no service {ref.service} in cluster {ref.cluster}")
    return services[0]["taskDefinition"]


async def task_definition_of(ctx: AwsContext, ref: TaskRef) -> str:
    """The task definition ARN a task runs (DescribeTasks), read afresh."""
    ecs = await ctx.client("ecs")
    tasks = (await ecs.describe_tasks(cluster=ref.cluster, tasks=[ref.task_arn])).get("tasks", [])
    if not tasks:
        raise EcsNotFound(f"no task {ref.task_arn.rsplit('/', 1)[-1]} in cluster {ref.cluster}")
    return tasks[0]["taskDefinitionArn"]
