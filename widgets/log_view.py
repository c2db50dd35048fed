"""A log view: lines appended at the bottom, follow or pause, bounded, coloured by level.

Every message is untrusted text: it reaches the screen only through `inert()` as rich
Text (never markup), so `[bold red]x[/]`, ESC sequences and control characters show
literally. Colours come from component classes styled in the theme's .tcss (theme
variables only). REPORT lines are summarised into one compact line; START/END lines
are dimmed. Memory is bounded: the view keeps the last `max_lines` lines.

Following: new lines scroll the view to the bottom while the user is at the bottom;
scrolling up pauses that (the position is kept as lines arrive); `f` or End resumes.
"""

from __future__ import annotations

from datetime import datetime, timezone

from rich.style import Style
from rich.text import Text
from textual.binding import Binding
from textual.message import Message
from textual.reactive import var
from textual.widgets import RichLog

from console.cloudwatch.logs import Level, LogEvent, Report
from console.text import inert

DEFAULT_MAX_LINES = 5000  # displayed lines kept (a message with newlines takes several)


def report_summary(report: Report) -> str:
    """`REPORT <id> · 12.35 ms · billed 13 ms · mem 64/128 MB · cold start: init 250.10 ms`."""
    parts = [f"REPORT {report.request_id}", f"{report.duration_ms:.2f} ms", f"billed {report.billed_ms:.0f} ms",
             f"mem {report.max_memory_mb}/{report.memory_mb} MB"]
    if report.init_ms is not None:
        parts.append(f"cold start: init {report.init_ms:.2f} ms")
    if report.restore_ms is not None:
        parts.append(f"restore {report.restore_ms:.2f} ms")
    if report.status:
        parts.append(f"status {report.status}")
    return " · ".join(parts)


def timestamp_text(moment: datetime) -> str:
    """`12:00:01.234` in UTC (the view's header says UTC)."""
    utc = moment.astimezone(timezone.utc)
    return utc.strftime("%H:%M:%S.") + f"{utc.microsecond // 1000:03d}"


def message_lines(message: str) -> list[str]:
    """A message's lines: the trailing newline runtimes add is dropped, inner ones split.

    Newlines are not dangerous, just unreadable as a control picture; every other
    control character is left for inert() to make visible.
    """
    text = message[:-1] if message.endswith("\n") else message
    text = text[:-1] if text.endswith("\r") else text
    return [line[:-1] if line.endswith("\r") else line for line in text.split("\n")]


class LogView(RichLog, can_focus=True):
    """Log lines of one or several groups; `append(events)` adds them at the bottom."""

    COMPONENT_CLASSES = {
        "log-view--timestamp",
        "log-view--group",
        "log-view--error",
        "log-view--warn",
        "log-view--info",
        "log-view--debug",
        "log-view--platform",
        "log-view--report",
        "log-view--cold",
    }
    BINDINGS = [
        Binding("f", "follow", "Follow", id="logs.follow", tooltip="Scroll to the newest line and keep following"),
        Binding("end", "follow", "Follow", id="logs.follow-end", show=False),
    ]

    following: var[bool] = var(True)

    class FollowChanged(Message):
        """The view started or stopped following new lines."""

        def __init__(self, following: bool) -> None:
            super().__init__()
            self.following = following

    def __init__(self, *, max_lines: int = DEFAULT_MAX_LINES, show_group: bool = False,
                 id: str | None = None) -> None:
        super().__init__(max_lines=max_lines, wrap=False, markup=False, highlight=False, auto_scroll=False, id=id)
        self.show_group = show_group
        self.events_shown = 0  # events appended (lines beyond max_lines are dropped from view)

    # content -----------------------------------------------------------------------
    def append(self, events: list[LogEvent]) -> None:
        for event in events:
            self.events_shown += 1
            for text in self.format_event(event):
                self.write(text, shrink=False, scroll_end=False)  # the anchor scrolls (see on_mount)

    def shown_lines(self) -> list[str]:
        """The plain text of every line the view holds, as drawn (for tests and export)."""
        return [strip.text.rstrip() for strip in self.lines]

    def _style(self, name: str) -> Style:
        try:
            return self.get_component_rich_style(f"log-view--{name}", partial=False)
        except Exception:  # noqa: BLE001 - not mounted yet: plain text still shows
            return Style()

    def format_event(self, event: LogEvent) -> list[Text]:
        """The display lines of one event: `time [group] message` (+ continuation lines)."""
        head = Text(end="")  # a Text's own style would cover the message too
        head.append(timestamp_text(event.timestamp), style=self._style("timestamp"))
        head.append(" ")
        if self.show_group:
            head.append_text(inert(event.group, style=self._style("group")))
            head.append(" ")
        level = event.level
        report = event.report if level is Level.PLATFORM else None
        if report is not None:
            style = self._style("cold" if report.cold_start else "report")
            head.append_text(inert(report_summary(report), style=style))
            return [head]
        style = self._style(level.value.lower()) if level is not Level.OTHER else Style()
        lines = message_lines(event.message)
        head.append_text(inert(lines[0], style=style))
        indent = " " * (len(timestamp_text(event.timestamp)) + 1)
        rest = []
        for line in lines[1:]:
            continuation = Text(indent, end="")
            continuation.append_text(inert(line, style=style))
            rest.append(continuation)
        return [head, *rest]

    # following ---------------------------------------------------------------------
    # Textual's anchor keeps the view at the bottom as lines arrive, at layout time (so
    # also for lines written before the view had a size); the user scrolling up releases
    # it, scrolling back to the bottom (or `f`) restores it.
    def on_mount(self) -> None:
        self.anchor()

    def watch_scroll_y(self, old_value: float, new_value: float) -> None:
        super().watch_scroll_y(old_value, new_value)
        # Only a move by the user (or by action_follow) changes the mode: content growing
        # below a paused view raises max_scroll_y without moving scroll_y.
        if new_value < old_value and new_value < self.max_scroll_y:
            self.following = False
        elif new_value > old_value and new_value >= self.max_scroll_y:
            self.following = True

    def watch_following(self, following: bool) -> None:
        self.post_message(self.FollowChanged(following))

    def action_follow(self) -> None:
        self.anchor()
        self.following = True
