"""The ECS actions' keys, mixed into every ECS screen that shows services or tasks.

A screen that mixes in ServiceActions lists `*ServiceActions.KEYS` in its BINDINGS and implements `selected_service_ref()` (the service
under the cursor, or None); TaskActions, `selected_task_ref()`.
"""

from __future__ import annotations

from console.services.ecs.models import ServiceRef, TaskRef


class ServiceActions:
    """Keys that act on the selected service."""

    KEYS: list = []  # Binding()s; Textual reads BINDINGS only from DOMNode classes, so a screen lists `*Mixin.KEYS` in its own BINDINGS

    def selected_service_ref(self) -> ServiceRef | None:
        raise NotImplementedError


class TaskActions:
    """Keys that act on the selected task."""

    KEYS: list = []  # Binding()s; Textual reads BINDINGS only from DOMNode classes, so a screen lists `*Mixin.KEYS` in its own BINDINGS

    def selected_task_ref(self) -> TaskRef | None:
        raise NotImplementedError
