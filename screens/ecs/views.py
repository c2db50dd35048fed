"""The ECS read-only views' keys (task definition, revision diff, logs, exec command),
mixed into every ECS screen that shows services or tasks.

A screen that mixes in ServiceViews lists `*ServiceViews.KEYS` in its BINDINGS and implements `selected_service_ref()`; TaskViews,
`selected_task_ref()` (the same methods screens.ecs.actions asks for).
"""

from __future__ import annotations

from console.services.ecs.models import ServiceRef, TaskRef


class ServiceViews:
    """Keys that open views of the selected service."""

    KEYS: list = []  # Binding()s; Textual reads BINDINGS only from DOMNode classes, so a screen lists `*Mixin.KEYS` in its own BINDINGS

    def selected_service_ref(self) -> ServiceRef | None:
        raise NotImplementedError


class TaskViews:
    """Keys that open views of the selected task."""

    KEYS: list = []  # Binding()s; Textual reads BINDINGS only from DOMNode classes, so a screen lists `*Mixin.KEYS` in its own BINDINGS

    def selected_task_ref(self) -> TaskRef | None:
        raise NotImplementedError
