"""Follow CloudWatch log groups live (`l` on a Lambda function opens its log group).

The screen owns one `console.cloudwatch.logs.LogTail` (overlapping FilterLogEvents windows,
de-duplicated by event id, backoff under throttling) and polls it in a worker that
sleeps on the app's injected clock between polls, so tests drive it with
ManualClock.advance. It takes a list of groups and an optional filter pattern: `l`
opens one group now; the later Logs issue opens several, with filters.

States, each with its own look: loading; empty ("no log events in the last 15 min");
group does not exist; access denied (or any error before the first lines); throttled
("throttled, retrying in 4 s", lines kept); stale (a later poll failed, lines kept,
with the age of the last good poll).
"""

from __future__ import annotations

import asyncio
import math
from dataclasses import replace
from typing import Awaitable, Callable, Mapping, Sequence

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import Footer, Static

from console.aws.errors import ErrorClass, Problem, describe_problem
from console.cloudwatch.logs import LogTail
from console.text import inert
from screens.base import SourceScreen
from widgets.cells import age as format_age
from widgets.log_view import DEFAULT_MAX_LINES, LogView, timestamp_text
from widgets.status_bar import StatusBar

BACKLOG_SECONDS = 15 * 60  # what the view reads when it opens
RESTREAM_SECONDS = 30.0  # how often changing streams (a service's tasks) are asked again
POLL_SECONDS = 2.0
LOG_STATES = ("loading", "empty", "missing", "error", "throttled", "stale", "ok")


class LogViewScreen(SourceScreen):
    """Lines of `groups` (filtered by `filter_pattern`), newest at the bottom, following live."""

    HELP = """\
The log group's lines as CloudWatch Logs has them, newest at the bottom, read again every
few seconds. Each line starts with its time; errors are red, warnings yellow; a REPORT
line sums up an invocation (duration, memory), marked when it was a cold start. Scrolling
up stops following; `f` (or End) follows the newest lines again. The title says when the
last read was and, if reading fails, why (the lines already read stay)."""

    BINDINGS = [
        Binding("ctrl+r", "poll_now", "Poll now", id="logs.poll-now", tooltip="Read the log groups now"),
    ]

    def __init__(
        self,
        groups: Sequence[str],
        filter_pattern: str | None = None,
        *,
        title: str | None = None,
        backlog: float = BACKLOG_SECONDS,
        interval: float = POLL_SECONDS,
        max_lines: int = DEFAULT_MAX_LINES,
        streams: Sequence[str] | Mapping[str, Sequence[str]] | None = None,
        logs_region: str | None = None,
        missing_hint: str | None = None,
        restream: Callable[[], Awaitable[Mapping[str, Sequence[str]]]] | None = None,
        restream_every: float = RESTREAM_SECONDS,
    ) -> None:
        super().__init__()
        if not groups:
            raise ValueError("LogViewScreen needs at least one log group")
        self.groups = tuple(groups)
        self.filter_pattern = filter_pattern or None
        self.title_text = title
        self.backlog = backlog
        self.interval = interval
        self.max_lines = max_lines
        self.streams = streams  # only these streams (LogTail's `streams`): one task's, say
        self.logs_region = logs_region  # the groups' region when not the target's (awslogs-region)
        self.missing_hint = missing_hint  # what a missing group means where the view was opened
        # Streams that change while the view is open (a service's tasks are replaced): asked
        # again every `restream_every` seconds; the last answer's streams are kept one more
        # round, so a replaced task's last lines, ingested late, are still read.
        self.restream = restream
        self.restream_every = restream_every
        self._restream_at: float | None = None
        self._last_streams: Mapping[str, Sequence[str]] = streams if isinstance(streams, Mapping) else {}
        self.tail: LogTail | None = None
        self.state = "loading"
        self.problem: Problem | None = None
        self.loaded = False  # at least one poll succeeded
        self.last_success: float | None = None  # clock.monotonic() of the last good poll
        self.last_poll_at = None  # clock.now() of the last good poll
        self.next_poll_at: float | None = None  # clock.monotonic() when the next poll runs
        self._wake = asyncio.Event()
        self.polls = 0  # polls finished (successful or not), for tests

    # layout ------------------------------------------------------------------------
    def compose(self) -> ComposeResult:
        yield Static(self._title(), id="logs-title", markup=False)
        yield Static("", id="logs-status", markup=False)
        yield Static("", id="logs-notice", markup=False)
        yield LogView(max_lines=self.max_lines, show_group=len(self.groups) > 1, id="log-view")
        yield StatusBar()
        yield Footer()

    @property
    def view(self) -> LogView:
        return self.query_one("#log-view", LogView)

    def _title(self) -> Text:
        title = Text(end="")
        title.append_text(inert(self.title_text or "Logs", style="bold"))
        title.append(" · ")
        title.append_text(inert(", ".join(self.groups)))
        if self.logs_region:
            title.append_text(inert(f" ({self.logs_region})"))
        if self.streams:
            count = sum(len(v) for v in self.streams.values()) if isinstance(self.streams, Mapping) else len(self.streams)
            title.append(f" · {count} stream{'s' if count != 1 else ''}")
        if self.filter_pattern:
            title.append(" · filter ")
            title.append_text(inert(self.filter_pattern))
        title.append(f" · times UTC · last {self.max_lines:,} lines kept", style="dim")
        return title

    def on_mount(self) -> None:
        ctx = self.opsdeck.aws_context()
        if self.logs_region and self.logs_region != ctx.target.region:
            ctx = replace(ctx, target=replace(ctx.target, region=self.logs_region))
        self.tail = LogTail(ctx, self.groups, self.filter_pattern,
                            backlog=self.backlog, interval=self.interval, streams=self.streams)
        self.view.focus()
        self._draw_state()
        self.call_after_refresh(self.opsdeck.refresh_status)  # the status bar at once, not in a second
        self.run_worker(self._follow(), exclusive=True, group="log-tail")

    # polling -----------------------------------------------------------------------
    async def _follow(self) -> None:
        """Poll, show, sleep on the injected clock (or until ctrl+r), forever."""
        clock = self.opsdeck.clock
        while True:
            await self._restream()
            await self.poll_once()
            self.next_poll_at = clock.monotonic() + self.tail.interval
            self._draw_state()
            self._wake.clear()
            sleeper = asyncio.ensure_future(clock.sleep(self.tail.interval))
            waker = asyncio.ensure_future(self._wake.wait())
            try:
                await asyncio.wait({sleeper, waker}, return_when=asyncio.FIRST_COMPLETED)
            finally:
                sleeper.cancel()
                waker.cancel()

    async def _restream(self) -> None:
        clock = self.opsdeck.clock
        if self.restream is None or self._restream_at is None:
            self._restream_at = clock.monotonic() + self.restream_every
            return
        if clock.monotonic() < self._restream_at:
            return
        self._restream_at = clock.monotonic() + self.restream_every
        try:
            current = await self.restream()
        except asyncio.CancelledError:
            raise
        except Exception:  # noqa: BLE001 - the streams known so far go on being read; asked again later
            return
        merged = {group: tuple(dict.fromkeys([*current.get(group, ()), *self._last_streams.get(group, ())]))
                  for group in self.groups}
        self._last_streams = current
        known = self.tail.streams if isinstance(self.tail.streams, dict) else {}
        # A group that lost every stream keeps its last ones: no streams would mean all of them.
        self.tail.streams = {group: names or known.get(group, ()) for group, names in merged.items()}

    async def poll_once(self) -> None:
        tail = self.tail
        try:
            events = await tail.poll()
        except asyncio.CancelledError:
            raise
        except Exception as exc:  # every failure has a designed look; never a traceback
            target = self.opsdeck.target
            self.problem = self._explain(exc, describe_problem(exc, profile=target.profile,
                                                               endpoint=target.endpoint))
        else:
            self.problem = None
            self.loaded = True
            self.last_success = self.opsdeck.clock.monotonic()
            self.last_poll_at = self.opsdeck.clock.now()
            if events:
                self.view.append(events)
        self.polls += 1
        self._draw_state()

    def _explain(self, exc: BaseException, problem: Problem) -> Problem:
        if problem.kind is ErrorClass.NOT_FOUND:
            which = (f"Log group {self.groups[0]} does not exist" if len(self.groups) == 1
                     else f"One of the log groups ({', '.join(self.groups)}) does not exist")
            return Problem(problem.kind, which, problem.detail, self.missing_hint or (
                           "Lambda creates the group on the function's first invocation; a function with a "
                           "LoggingConfig writes to the group named there. opsdeck keeps checking."))
        return problem

    def action_poll_now(self) -> None:
        self._wake.set()

    # state -------------------------------------------------------------------------
    def _state_name(self) -> str:
        problem = self.problem
        if problem is not None:
            if problem.kind is ErrorClass.THROTTLED:
                return "throttled"
            if self.view.events_shown:
                return "stale"
            return "missing" if problem.kind is ErrorClass.NOT_FOUND else "error"
        if not self.loaded:
            return "loading"
        return "ok" if self.view.events_shown else "empty"

    def _status_text(self) -> Text:
        clock = self.opsdeck.clock
        name = self.state
        count = f"{self.view.events_shown:,} events"
        if name == "loading":
            minutes = round(self.backlog / 60)
            return Text(f"loading… reading the last {minutes} min", end="")
        if name == "throttled":
            wait = max(0, math.ceil((self.next_poll_at or clock.monotonic()) - clock.monotonic()))
            result = Text(f"throttled, retrying in {wait} s", end="")
            result.append(f" · {count} kept")
            return result
        if name == "stale":
            age = clock.monotonic() - self.last_success if self.last_success is not None else None
            result = Text(f"stale {format_age(age)} — ", end="")
            result.append_text(inert(self.problem.headline))
            result.append(f" · {count} kept")
            return result
        if name in ("missing", "error"):  # the notice below says what and why
            return Text(f"nothing to show yet · checking again every {self.tail.interval:g} s · ctrl+r now", end="")
        mode = "● following" if self.view.following else "‖ paused — f or End to follow"
        result = Text(mode, end="")
        result.append(f" · {count}")
        if self.last_poll_at is not None:
            result.append(f" · polled {timestamp_text(self.last_poll_at)[:8]} UTC, every {self.interval:g} s")
        self._append_waiting(result)
        return result

    def _append_waiting(self, text: Text) -> None:
        """Streams named but not written yet (a task just started): expected, said dimly."""
        waiting = self.tail.waiting_note() if self.tail is not None else None
        if waiting:
            text.append(" · ")
            text.append_text(inert(waiting, style="dim"))

    def _notice(self) -> Text | None:
        name = self.state
        if name == "empty":
            minutes = round(self.backlog / 60)
            notice = Text(f"no log events in the last {minutes} min in ", end="")
            notice.append_text(inert(", ".join(self.groups)))
            if self.filter_pattern:
                notice.append(" matching ")
                notice.append_text(inert(self.filter_pattern))
            notice.append("\nnew lines appear here as they are written", style="dim")
            waiting = self.tail.waiting_note() if self.tail is not None else None
            if waiting:
                notice.append("\n")
                notice.append_text(inert(waiting, style="dim"))
            return notice
        if name in ("missing", "error") and self.problem is not None:
            notice = Text(end="")
            notice.append_text(inert(self.problem.headline, style="bold"))
            notice.append("\n")
            notice.append_text(inert(self.problem.remedy))
            if self.problem.detail:
                notice.append("\n")
                notice.append_text(inert(self.problem.detail, style="dim"))
            return notice
        return None

    def _draw_state(self) -> None:
        if not self.is_mounted or not self.query("#log-view"):  # closing: nothing to draw on
            return
        self.state = self._state_name()
        for name in LOG_STATES:
            self.set_class(self.state == name, f"-{name}")
        self.query_one("#logs-status", Static).update(self._status_text())
        notice = self._notice()
        box = self.query_one("#logs-notice", Static)
        box.update(notice or "")
        box.display = notice is not None

    def refresh_ages(self) -> None:
        """Every second (from the app): the stale age and the throttle countdown move."""
        self._draw_state()

    def on_log_view_follow_changed(self, message: LogView.FollowChanged) -> None:
        self._draw_state()

    # text of what is on screen (tests, export) -------------------------------------
    def status_text(self) -> str:
        return str(self.query_one("#logs-status", Static).render())

    def notice_text(self) -> str:
        box = self.query_one("#logs-notice", Static)
        return str(box.render()) if box.display else ""
