"""The ECS actions' keys, mixed into every ECS screen that shows services or tasks.

A screen that mixes in ServiceActions lists `*ServiceActions.KEYS` in its BINDINGS and implements `selected_service_ref()` (the service
under the cursor, or None); TaskActions, `selected_task_ref()`.

Keys: `d` deploy an image, `r` roll back, `F` force a new deployment, `s` scale (on a
service); `x` stop a task with a reason. Each reads what it needs afresh from AWS from the
ref (the form, then the plan), confirms in the guarded-action modal, and a deploy,
rollback or forced deployment follows its rollout there (screens.ecs.rollout). Their
binding ids start with "action.": read-only mode hides and refuses them. A key gives way
(check_action) while nothing is selected.
"""

from __future__ import annotations

from typing import Any

from textual.binding import Binding

from console.services.ecs.models import ServiceRef, TaskRef

SERVICE_ACTIONS = frozenset({"ecs_deploy", "ecs_rollback", "ecs_force_deployment", "ecs_scale"})
TASK_ACTIONS = frozenset({"ecs_stop_task"})


def _then_plan(node: Any, rollout: bool):
    """The form's callback: plan and confirm the action it built (None: cancelled)."""
    from screens.confirm import start_guarded_action
    from screens.ecs.rollout import RolloutConfirmScreen

    def chosen(action: Any) -> None:
        if action is not None:
            start_guarded_action(node, action, modal=RolloutConfirmScreen if rollout else None)

    return chosen


class ServiceActions:
    """Keys that act on the selected service."""

    KEYS: list = [  # Textual reads BINDINGS only from DOMNode classes, so a screen lists `*Mixin.KEYS` in its own BINDINGS
        Binding("d", "ecs_deploy", "Deploy", id="action.ecs.deploy",
                tooltip="Deploy an image: a new task-definition revision with it, then follow the rollout"),
        Binding("r", "ecs_rollback", "Roll back", id="action.ecs.rollback",
                tooltip="Point the service back at the previous completed deployment's revision (or one chosen)"),
        Binding("F", "ecs_force_deployment", "Force deploy", id="action.ecs.force-deployment",
                tooltip="Start a new deployment on the same revision: every task replaced"),
        Binding("s", "ecs_scale", "Scale", id="action.ecs.scale", tooltip="Set the service's desired count"),
    ]

    def selected_service_ref(self) -> ServiceRef | None:
        raise NotImplementedError

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """No service selected: these keys give way (to another binding of the same key)."""
        if action in SERVICE_ACTIONS and self.selected_service_ref() is None:
            return False
        return super().check_action(action, parameters)  # type: ignore[misc]

    def action_ecs_deploy(self) -> None:
        from screens.ecs.deploy import DeployImageScreen

        ref = self.selected_service_ref()
        if ref is not None:
            self.app.push_screen(DeployImageScreen(ref), callback=_then_plan(self, rollout=True))  # type: ignore[attr-defined]

    def action_ecs_rollback(self) -> None:
        from screens.ecs.deploy import RollbackScreen

        ref = self.selected_service_ref()
        if ref is not None:
            self.app.push_screen(RollbackScreen(ref), callback=_then_plan(self, rollout=True))  # type: ignore[attr-defined]

    def action_ecs_force_deployment(self) -> None:
        from console.services.ecs.actions import EcsForceDeployment

        ref = self.selected_service_ref()
        if ref is not None:
            _then_plan(self, rollout=True)(EcsForceDeployment(ref.cluster, ref.service, wait=True))

    def action_ecs_scale(self) -> None:
        from screens.ecs.scale import ScaleScreen

        ref = self.selected_service_ref()
        if ref is not None:
            self.app.push_screen(ScaleScreen(ref), callback=_then_plan(self, rollout=False))  # type: ignore[attr-defined]


class TaskActions:
    """Keys that act on the selected task."""

    KEYS: list = [  # Textual reads BINDINGS only from DOMNode classes, so a screen lists `*Mixin.KEYS` in its own BINDINGS
        Binding("x", "ecs_stop_task", "Stop task", id="action.ecs.stop-task",
                tooltip="Stop the selected task, with a reason ECS records"),
    ]

    def selected_task_ref(self) -> TaskRef | None:
        raise NotImplementedError

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in TASK_ACTIONS and self.selected_task_ref() is None:
            return False
        return super().check_action(action, parameters)  # type: ignore[misc]

    def action_ecs_stop_task(self) -> None:
        from screens.ecs.scale import StopTaskScreen

        ref = self.selected_task_ref()
        if ref is not None:
            self.app.push_screen(StopTaskScreen(ref), callback=_then_plan(self, rollout=False))  # type: ignore[attr-defined]
