"""The confirmation modal of an ECS action that follows a rollout: the plan, the steps as
they are applied, then the rollout live (each deployment's counts and rollout state, the
service's new events, newest last) until it COMPLETED, FAILED or was rolled back.

It only draws: the action (console.services.ecs.actions) reports RolloutEvents to its
`listener`, which this modal is while it is open. `escape` while following stops watching
(ECS goes on with the rollout); `u` after a failure points the service back at the task
definition it had, as for any guarded action.
"""

from __future__ import annotations

from typing import Any

from rich.text import Text
from textual.widgets import Static

from console.services.ecs.rollout import RolloutEvent
from console.text import inert
from screens.confirm import ConfirmActionScreen

EVENTS_SHOWN = 6  # the newest service events drawn under the deployments
OUTCOME_WORDS = {"completed": "Rollout COMPLETED", "failed": "Rollout FAILED", "rolled-back": "ROLLED BACK",
                 "timed-out": "Rollout not finished", "stopped": "No longer following"}


class RolloutConfirmScreen(ConfirmActionScreen):
    DEFAULT_CSS = """
    RolloutConfirmScreen #rollout { height: auto; margin-top: 1; }
    """
    PLAN_LINES_FOLLOWING = 4  # once the rollout shows, the plan (its steps are in the progress lines too)
    # scrolls in this many lines, so the rollout, the result and the buttons stay in view

    def __init__(self, runner: Any, action: Any, plan: Any, close_when_done: bool = False) -> None:
        super().__init__(runner, action, plan, close_when_done)
        self.deployments: tuple = ()
        self.events: list[RolloutEvent] = []
        self.ended: RolloutEvent | None = None
        action.listener = self.rollout_event

    def on_mount(self) -> None:  # Textual calls ConfirmActionScreen's on_mount as well
        result = self.query_one("#confirm-result")
        rollout = Static("", id="rollout", markup=False)
        rollout.display = False  # until the rollout says something
        result.parent.mount(rollout, before=result)

    def rollout_event(self, event: RolloutEvent) -> None:
        if event.kind == "deployments":
            self.deployments = event.deployments
        elif event.kind == "event":
            self.events.append(event)
        else:
            self.deployments = event.deployments or self.deployments
            self.ended = event
        self.query_one("#confirm-plan-scroll").styles.max_height = self.PLAN_LINES_FOLLOWING
        for rollout in self.query("#rollout").results(Static):
            rollout.display = True
            rollout.update(self.rollout_text())
        if self.ended is not None:
            self.call_after_refresh(self.query_one("#confirm-buttons").scroll_visible, animate=False)

    def rollout_text(self) -> Text:
        text = Text(end="")
        text.append("Rollout", style="bold")
        for deployment in self.deployments:
            text.append("\n  ")
            text.append_text(inert(deployment.describe()))
        for event in self.events[-EVENTS_SHOWN:]:
            text.append("\n  ")
            if event.at is not None:
                text.append(f"{event.at:%H:%M:%S} ", style="dim")
            text.append_text(inert(event.message))
        if self.ended is not None:
            text.append(f"\n{OUTCOME_WORDS.get(self.ended.outcome or '', 'Ended')}: ", style="bold")
            text.append_text(inert(self.ended.message))
        return text

    def shown_rollout(self) -> str:
        return str(self.query_one("#rollout", Static).render())
