"""A modal form that ends in a guarded action (a test event, an execution's input, a payload).

What every such form does the same way lives here: one message line under the form (an
error in red), the read-only refusal (the send button disabled, the call named), and the
run itself: plan in the Runner, the generic confirmation modal (screens.confirm), which
applies, verifies and audits; planning errors are said on the message line, never a
traceback. A form composes its own fields and says which widgets are its message line
and its send button.
"""

from __future__ import annotations

import asyncio
from typing import Any, ClassVar

from rich.text import Text
from textual.screen import ModalScreen
from textual.widgets import Button, Static

from console.actions.runner import Outcome
from console.text import inert
from screens.confirm import ConfirmActionScreen


class ActionFormScreen(ModalScreen[Any]):
    """Subclasses set MESSAGE (the message Static's id), GO (the send Button's id) and
    REFUSED (the AWS call read-only mode refuses, e.g. "events:PutEvents")."""

    MESSAGE: ClassVar[str] = "form-message"
    GO: ClassVar[str] = "form-go"
    REFUSED: ClassVar[str] = ""
    state: str = "ready"  # the form's own states; "sending" and "refused" are this base's

    def message(self, text: Text, tone: str | None = None) -> None:
        box = self.query_one(f"#{self.MESSAGE}", Static)
        box.update(text)
        box.set_class(tone == "error", "-error")

    def message_text(self) -> str:
        return str(self.query_one(f"#{self.MESSAGE}", Static).render())

    def showing_error(self) -> bool:
        """An error is on the message line (a fix in the form may clear it)."""
        return self.query_one(f"#{self.MESSAGE}", Static).has_class("-error") and self.state != "refused"

    def explain(self, said: str) -> str:
        """A planning error as this form says it (a form may name its own fields)."""
        return said

    def refuse_read_only(self) -> None:
        self.state = "refused"
        self.query_one(f"#{self.GO}", Button).disabled = True
        self.message(Text(f"Read-only mode: opsdeck will not call {self.REFUSED}. Nothing is sent."), "error")

    async def run_guarded(self, action: Any) -> Outcome | None:
        """Plan `action`, confirm, apply, verify and audit it; the Outcome once applied, else
        None with the reason on the message line (read-only, a planning error, declined)."""
        from console.actions.runner import ActionRefused
        from console.aws.errors import describe_problem

        self.state = "sending"
        self.message(Text("Planning…"))
        try:
            runner = self.app.action_runner()
            plan = await runner.prepare(action)
        except asyncio.CancelledError:
            self.state = "ready"
            raise
        except ActionRefused:
            self.refuse_read_only()
            return None
        except Exception as exc:  # the resource gone, a throttled read: said here
            self.state = "ready"
            said = getattr(exc, "tui", None)
            if said is None:
                target = self.app.target
                problem = describe_problem(exc, profile=target.profile, endpoint=target.endpoint)
                said = f"{problem.headline}: {problem.detail}"
            self.message(inert(f"{self.explain(said)}. Nothing was sent."), "error")
            return None
        outcome = await self.app.push_screen_wait(ConfirmActionScreen(runner, action, plan, close_when_done=True))
        self.state = "ready"
        if outcome is None or not outcome.result.applied:
            self.message(Text("Not sent: the plan was not confirmed. Nothing was sent."))
            return None
        return outcome

    def action_close(self) -> None:
        if self.state != "sending":
            self.dismiss(None)
