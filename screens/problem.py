"""A full screen for problems that stop the whole session (no credentials, expired
SSO, access denied, endpoint unreachable): what is wrong, and what to run about it.

Never a traceback: the Problem already holds a headline, one line of detail and a
remedy. `ctrl+r` asks the app to retry (it re-resolves the identity and carries on).
"""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import Screen
from textual.widgets import Static

from console.aws.errors import Problem
from console.text import inert


class ProblemScreen(Screen):
    BINDINGS = [
        Binding("ctrl+r", "retry", "Retry", id="problem.retry", priority=True),
        Binding("q", "app.quit", "Quit", id="problem.quit"),
    ]

    def __init__(self, problem: Problem) -> None:
        super().__init__()
        self.problem = problem

    def compose(self) -> ComposeResult:
        with Vertical(id="problem"):
            yield Static(inert(self.problem.headline), id="headline")
            yield Static(inert(self.problem.detail), id="detail")
            yield Static(inert(self.problem.remedy), id="remedy")
            yield Static(inert("ctrl+r retry    q quit"), id="keys")

    def show(self, problem: Problem) -> None:
        """Replace the problem shown (a retry failed differently)."""
        self.problem = problem
        self.query_one("#headline", Static).update(inert(problem.headline))
        self.query_one("#detail", Static).update(inert(problem.detail))
        self.query_one("#remedy", Static).update(inert(problem.remedy))

    async def action_retry(self) -> None:
        retry = getattr(self.app, "connect", None)
        if retry is not None:
            self.query_one("#keys", Static).update(inert("retrying…"))
            self.app.run_worker(retry(), exclusive=True, group="connect")
