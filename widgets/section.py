"""A titled box that loads on its own: loading, empty, error or its content.

Detail screens are made of sections that each come from their own AWS calls, so each
has its own look while loading, when there is nothing to show, and when its call failed
(the Problem's headline and what to do), while the rest of the screen goes on working.
A section refreshed by polling that fails after it has shown something keeps showing it,
marked stale with its age and why (`stale`), until a refresh works again (`current`).
The border colour follows the state through CSS classes; the theme decides the colours.
"""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widget import Widget
from textual.widgets import Static

from console.aws.errors import Problem
from console.text import inert

SECTION_STATES = ("loading", "empty", "error", "ready")


class Section(Vertical, can_focus=False):
    """`body` is shown once `ready()` is called; until then a one-line notice says why not."""

    DEFAULT_CSS = """
    Section {
        height: auto;
        border: round $panel-lighten-2;
        border-title-color: $foreground;
        border-subtitle-color: $text-muted;
        padding: 0 1;
    }
    Section:focus-within {
        border: round $accent;
    }
    Section.-loading > .section-notice, Section.-empty > .section-notice {
        color: $text-muted;
    }
    Section.-error {
        border: round $error;
    }
    Section.-error > .section-notice {
        color: $error;
    }
    Section.-stale {
        border: round $warning;
        border-subtitle-color: $warning;
    }
    """

    def __init__(self, title: str, body: Widget, *, id: str) -> None:
        super().__init__(id=id)
        self.section_title = title
        self.message = "loading…"
        self.body = body
        self.state = "loading"
        self.notice = Static(inert("loading…"), classes="section-notice", markup=False)
        self.border_title = title
        self.problem: Problem | None = None
        self.subtitle = ""  # what the state says in the border, stale or not
        self.stale_since: str | None = None  # the stale marker in the border, while stale

    def compose(self) -> ComposeResult:
        yield self.notice
        yield self.body

    def on_mount(self) -> None:
        self._apply("loading", inert("loading…"), None)

    def loading(self) -> None:
        """First load: a notice. Later loads keep what is shown and say `refreshing…`."""
        if self.state in ("ready", "empty"):
            self.border_subtitle = "refreshing…"
            return
        self._apply("loading", inert("loading…"), None)

    def empty(self, message: str | Text) -> None:
        self._apply("empty", message if isinstance(message, Text) else inert(message), None)

    def failed(self, problem: Problem) -> None:
        self.problem = problem
        message = inert(problem.headline, style="bold")
        message.append("\n")
        message.append_text(inert(problem.remedy))
        self._apply("error", message, "error")

    def ready(self, subtitle: str | None = None) -> None:
        self.problem = None
        self.state = "ready"
        self.subtitle = subtitle or ""
        self.current()
        for name in SECTION_STATES:
            self.set_class(name == "ready", f"-{name}")
        self.notice.display = False
        self.body.display = True

    def stale(self, problem: Problem, age: str) -> None:
        """The last refresh failed: what is shown stays, marked stale with its age and why.
        (Before anything was shown, use `failed`.)"""
        self.problem = problem
        self.stale_since = f"stale · {age} old · {problem.headline}"
        self.add_class("-stale")
        self.border_subtitle = inert(self.stale_since)

    def current(self) -> None:
        """A refresh worked (whether or not anything changed): the stale marker goes."""
        if self.state != "error":
            self.problem = None
        self.stale_since = None
        self.remove_class("-stale")
        self.border_subtitle = self.subtitle

    @property
    def notice_text(self) -> str:
        """What the notice says (tests and screen readers)."""
        return self.message

    def _apply(self, state: str, message: Text, subtitle: str | None) -> None:
        self.state = state
        for name in SECTION_STATES:
            self.set_class(name == state, f"-{name}")
        self.subtitle = subtitle or ""
        self.stale_since = None
        self.remove_class("-stale")
        self.border_subtitle = self.subtitle
        self.message = message.plain
        self.notice.update(message)
        self.notice.display = True
        self.body.display = False
