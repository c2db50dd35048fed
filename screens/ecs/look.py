"""How ECS figures read on every ECS screen: a service's health in words, with a glyph that
says it without colour and a tone the theme colours; launch, circuit breaker, metrics,
the last stop and the last event.

One place, so the clusters panel, the services screen and the service screen agree.
Everything from AWS (names, reasons, event messages) goes through widgets.cells, which
makes it inert.
"""

from __future__ import annotations

from datetime import datetime
from typing import Sequence

from rich.text import Text

from console.services.ecs import models as M
from widgets import cells

# a service's health state: (word, glyph, tone), worst first as models.HEALTH_ORDER
HEALTH_LOOK: dict[str, tuple[str, str, str | None]] = {
    M.FAILED: ("failed", "✗", "error"),
    M.FLAPPING: ("flapping", "↻", "error"),
    M.UNHEALTHY: ("unhealthy", "✗", "error"),
    M.SHORT: ("short", "▼", "warning"),
    M.ROLLING_OUT: ("deploying", "▶", "accent"),
    M.INACTIVE: ("inactive", "■", None),
    M.HEALTHY: ("healthy", "✓", "success"),
}
NOT_READ = "…"  # tasks not read yet: never "healthy" before they were
STOPPED_STYLE = "dim"  # a stopped task's row: dimmed, still there to be read
TASK_HEALTH_TONE = {"HEALTHY": "success", "UNHEALTHY": "error"}
ROLLOUT_TONE = {"FAILED": "error", "IN_PROGRESS": "accent", "COMPLETED": None}
# ListServiceDeployments' own status set (botocore ServiceDeploymentStatus)
HISTORY_TONE = {"SUCCESSFUL": "success", "IN_PROGRESS": "accent", "PENDING": "accent", "STOPPED": "error",
                "STOP_REQUESTED": "warning", "ROLLBACK_REQUESTED": "warning", "ROLLBACK_IN_PROGRESS": "warning",
                "ROLLBACK_SUCCESSFUL": "warning", "ROLLBACK_FAILED": "error"}


def health_rank(service: M.EcsService) -> float:
    """Worst first; a service whose tasks are not read yet just above the healthy ones."""
    health = service.health
    if health is None:
        return M.HEALTH_ORDER.index(M.HEALTHY) - 0.5
    return M.HEALTH_ORDER.index(health.state) if health.state in M.HEALTH_ORDER else 0


def health_tone(service: M.EcsService) -> str | None:
    health = service.health
    return None if health is None else HEALTH_LOOK.get(health.state, ("", "", "warning"))[2]


def not_steady_tone(service: M.EcsService) -> str | None:
    """The tone a row takes when the service is not at steady state (None when it is, or
    before its tasks were read)."""
    if service.health is None or service.health.steady:
        return None
    return health_tone(service)


def health_words(service: M.EcsService) -> str:
    """`✓ healthy 2/2`, `↻ flapping: 4 replaced in 10m`, `✗ unhealthy 1/2`, `…`."""
    health = service.health
    if health is None:
        return NOT_READ
    word, glyph, _ = HEALTH_LOOK.get(health.state, (health.state.lower(), "?", None))
    running = health.healthy_tasks + health.unhealthy_tasks + health.unknown_tasks
    if health.state == M.FLAPPING:
        detail = f": {health.replaced} replaced in {cells.age(health.window)}"
    elif health.state == M.UNHEALTHY:
        detail = f" {health.unhealthy_tasks}/{running}"
    elif health.state == M.SHORT:
        detail = f" {service.running}/{service.desired}"
    elif health.state == M.HEALTHY and health.healthy_tasks:
        detail = f" {health.healthy_tasks}/{running}"
    else:
        detail = ""
    return f"{glyph} {word}{detail}"


def launch_words(launch_type: str | None, strategy: Sequence[M.CapacityShare], fallback: str = "") -> str:
    """`FARGATE` (a launch type), or the capacity-provider strategy: `FARGATE:1 FARGATE_SPOT:3`."""
    if launch_type:
        return launch_type
    return " ".join(str(share) for share in strategy) or fallback


def breaker_words(service: M.EcsService) -> str:
    if not service.circuit_breaker:
        return "off"
    return "on, rolls back" if service.rollback else "on"


def metric(values: Sequence[float | None], now_value: float | None) -> Text:
    """`▁▂▅█ 42.0%`: utilisation with its sparkline (oldest first); a dash when none written."""
    return cells.with_spark(cells.percent(now_value), list(values), floor=100.0)


def stop_words(stop: M.TaskStop | None, now: datetime) -> str | None:
    """`EssentialContainerExited (exit 1) 3m ago: Essential container in task exited`."""
    if stop is None:
        return None
    words = stop.stop_code or "stopped"
    if stop.exit_code is not None:
        words += f" (exit {stop.exit_code})"
    if stop.at is not None:
        words += f" {cells.since(stop.at, now)} ago"
    reason = stop.container_reason or stop.reason
    return f"{words}: {reason}" if reason else words


def event_words(event: M.EcsEvent | None, now: datetime, service: str = "") -> str | None:
    """`2m · has reached a steady state.`: the event's age and its message (without the
    `(service NAME) ` AWS starts every message with, when it names this service)."""
    if event is None:
        return None
    return f"{cells.since(event.at, now)} · {message_of(event, service)}"


def message_of(event: M.EcsEvent, service: str) -> str:
    """The event's message without the `(service NAME) ` AWS starts it with, when it names
    `service`: the screen already says which service it is."""
    prefix = f"(service {service}) "
    return event.message[len(prefix):] if service and event.message.startswith(prefix) else event.message


def cut(words: str, width: int) -> str:
    """`words` on one line, at most `width` characters (the last one `…` when cut)."""
    return words if len(words) <= width else words[:width - 1] + "…"


def toned(value: Text, tone: str | None, app_styles: dict[str, str]) -> Text:
    """`value` in the theme's colour for `tone` (for text drawn outside a ResourceTable)."""
    if not tone:
        return value
    value = value.copy()
    value.stylize(app_styles.get(tone, ""))
    return value
