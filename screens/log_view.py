"""Follow CloudWatch log groups live: `l` on a Lambda function, an ECS service or task, a
Step Functions step, or `:logs GROUP...` for any groups.

The screen reads through one `console.cloudwatch.logs_feed.LogFeed`, as `opsdeck logs
tail` does: the history, then StartLiveTail where the endpoint streams it (sampled seconds
and a reader left behind backfilled from FilterLogEvents), else FilterLogEvents polling
(overlapping windows, de-duplicated, backing off under throttling) on the app's injected
clock, so tests drive it with ManualClock.advance. The status line says which ("live
tail", or "polling every 1 s: why"); the feed's Markers (fell back, sampled and
backfilled, reconnected, reading failed and again) are rows of their own among the lines.

A view whose streams change while it is open (`restream`: an ECS service's tasks are
replaced) polls: a live tail session names its streams when it starts, and FilterLogEvents
reads the new set at the next poll with nothing to hand over. The widget
(widgets.log_view) draws the lines; this screen asks:

- `/`: one form, two fields: the CloudWatch filter pattern (sent to AWS unchanged; a new
  one restarts the tail from the same start) and a local highlight (a plain substring,
  case-insensitive, marked in the lines shown). One form because the two answer the same
  question (what am I looking for) and each is easier to choose seeing the other.
- `s`: where the tail starts: now, -5m, -1h, -2d, an absolute time (restarts the tail).
- `c` copies the lines on screen; `ctrl+s` saves every line the view holds to a file.
- The widget's own keys: `p` pause/resume, `f`/End follow, `w` wrap, `t` UTC/local,
  enter JSON, `[`/`]` requests.

States, each with its own look: loading; empty ("no log events in the last 15 min");
group does not exist; access denied (or any error before the first lines); a filter
pattern AWS refused; throttled ("throttled, retrying in 2 s", lines kept); stale (a later
read failed, lines kept, with the age of the last good read). ctrl+r reads now.
"""

from __future__ import annotations

import asyncio
import math
import re
from dataclasses import replace
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Awaitable, Callable, Mapping, Sequence

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Static

from console.aws.errors import ErrorClass, Problem, describe_problem, error_code
from console.cloudwatch.log_lines import StartError, parse_start, zone_name
from console.cloudwatch.logs import LogTail
from console.cloudwatch.logs_buffer import Marker
from console.cloudwatch.logs_feed import LogFeed
from console.text import inert
from screens.base import SourceScreen
from widgets.cells import age as format_age
from widgets.footer import Footer
from widgets.log_view import DEFAULT_MAX_LINES, LogView, timestamp_text
from widgets.status_bar import StatusBar

BACKLOG_SECONDS = 15 * 60  # what the view reads when it opens
RESTREAM_SECONDS = 30.0  # how often changing streams (a service's tasks) are asked again
POLL_SECONDS = 1.0  # between FilterLogEvents reads when polling: a line shows within 2 s (backs off from here)
RESTREAM_POLLS = "the streams change as tasks are replaced"  # why a restream view polls
QUIET_EARLY = ("error", "recovered")  # the feed's Markers the notice says instead, before any line
LOG_STATES = ("loading", "empty", "missing", "error", "throttled", "stale", "ok")
# CloudWatch Logs group names: "[\.\-_/#A-Za-z0-9]+", 1 to 512 characters (CreateLogGroup).
GROUP_NAME = re.compile(r"^[.\-_/#A-Za-z0-9]{1,512}$")


def configured_buffer_lines() -> int:
    """How many lines a view keeps: config.toml's `[logs] buffer_lines` (10,000 by default)."""
    from console.config import ConfigError, load_settings

    try:
        return load_settings().log_buffer_lines
    except ConfigError:  # said where the config is read for the session; the default meanwhile
        return DEFAULT_MAX_LINES


class FieldError(ValueError):
    """What a prompt field holds is not what was expected."""

    def __init__(self, field: str, reason: str) -> None:
        super().__init__(f"{field}: {reason}")
        self.field = field
        self.reason = reason


class LogPrompt(ModalScreen[Any]):
    """A small form: a title, labelled inputs, a message line. `check(values)` turns the
    inputs into the answer (dismissed with it) or raises FieldError/StartError, said under
    the fields with the form kept open. Escape cancels (None)."""

    DEFAULT_CSS = """
    LogPrompt { align: center middle; }
    LogPrompt > Vertical { width: 90%; max-width: 100; height: auto; border: thick $primary;
        background: $surface; padding: 1 2; }
    LogPrompt .prompt-row { height: auto; }
    LogPrompt .prompt-label { width: 16; padding: 1 1 0 0; text-style: bold; }
    LogPrompt Input { width: 1fr; }
    LogPrompt .prompt-help { height: auto; color: $text-muted; }
    LogPrompt #prompt-message { height: auto; color: $text-muted; }
    LogPrompt #prompt-message.-error { color: $error; }
    LogPrompt #prompt-buttons { height: auto; margin-top: 1; }
    LogPrompt #prompt-buttons > Button { margin-right: 2; }
    """
    BINDINGS = [Binding("escape", "cancel", "Cancel", id="logs.prompt.cancel")]

    def __init__(self, title: str, fields: Sequence[tuple[str, str, str, str]],
                 check: Callable[[dict[str, str]], Any], help_text: str = "") -> None:
        """`fields`: (key, label, value, placeholder) each."""
        super().__init__()
        self.title_text = title
        self.fields = tuple(fields)
        self.check = check
        self.help_text = help_text

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(Text(self.title_text, style="bold"), markup=False)
            for key, label, value, placeholder in self.fields:
                yield Horizontal(Static(label, classes="prompt-label", markup=False),
                                 Input(value, placeholder=placeholder, id=f"prompt-{key}"), classes="prompt-row")
            if self.help_text:
                yield Static(self.help_text, classes="prompt-help", markup=False)
            yield Static("", id="prompt-message", markup=False)
            with Horizontal(id="prompt-buttons"):
                yield Button("OK", variant="primary", id="prompt-ok")
                yield Button("Cancel", id="prompt-cancel")

    def on_mount(self) -> None:
        self.query_one(f"#prompt-{self.fields[0][0]}", Input).focus()

    def values(self) -> dict[str, str]:
        return {key: self.query_one(f"#prompt-{key}", Input).value for key, *_ in self.fields}

    def message_text(self) -> str:
        return str(self.query_one("#prompt-message", Static).render())

    @on(Input.Submitted)
    @on(Button.Pressed, "#prompt-ok")
    def action_ok(self) -> None:
        try:
            answer = self.check(self.values())
        except (FieldError, StartError) as exc:
            line = self.query_one("#prompt-message", Static)
            line.update(inert(str(exc)))
            line.add_class("-error")
            return
        self.dismiss(answer)

    @on(Button.Pressed, "#prompt-cancel")
    def action_cancel(self) -> None:
        self.dismiss(None)


class LogViewScreen(SourceScreen):
    """Lines of `groups` (filtered by `filter_pattern`), newest at the bottom, following live."""

    HELP = """\
The log groups' lines as CloudWatch Logs has them, newest at the bottom, streamed by live
tail (or, where live tail is unavailable, read again every few seconds: the status line
says which and why; ctrl+r reads now); with several groups, a column says which group a
line is from. A row between ── marks is opsdeck's own note: live tail sampled a busy second
and the rest was read back, polling took over, a read failed and read again. Each line
starts with its time (t: UTC or local); errors are red, warnings yellow, the level word
coloured; a REPORT line sums up an invocation (duration, billed, memory, init on a cold
start); a JSON line opens pretty-printed with enter (z: all of them). Lines of one Lambda
request carry the same coloured mark; [ and ] jump to the previous or next request.
Scrolling up (or p) pauses: new lines wait, counted, until p resumes or f/End follows again.
/ sets the CloudWatch filter pattern (sent to AWS as typed; the tail starts again) and a
highlight (a plain substring marked in the lines); s sets where the tail starts (now, -5m,
-1h, 2026-12-01 18:00); w wraps long lines; c copies the lines on screen; ctrl+s saves
every line held to a file."""

    BINDINGS = [
        Binding("ctrl+r", "read_now", "Read now", id="logs.read-now",
                tooltip="Read the log groups now (beside a live tail too)"),
        Binding("s", "start", "Start", id="logs.start", tooltip="Where the tail starts: now, -5m, -1h or a time"),
        Binding("c", "copy", "Copy", id="logs.copy", tooltip="Copy the lines on screen"),
        Binding("ctrl+s", "save", "Save", id="logs.save", tooltip="Save every line held to a file"),
    ]

    def __init__(
        self,
        groups: Sequence[str],
        filter_pattern: str | None = None,
        *,
        title: str | None = None,
        backlog: float = BACKLOG_SECONDS,
        since: datetime | None = None,
        interval: float = POLL_SECONDS,
        max_lines: int | None = None,
        streams: Sequence[str] | Mapping[str, Sequence[str]] | None = None,
        logs_region: str | None = None,
        missing_hint: str | None = None,
        restream: Callable[[], Awaitable[Mapping[str, Sequence[str]]]] | None = None,
        restream_every: float = RESTREAM_SECONDS,
        highlight: str = "",
    ) -> None:
        super().__init__()
        if not groups:
            raise ValueError("LogViewScreen needs at least one log group")
        self.groups = tuple(groups)
        self.filter_pattern = filter_pattern or None
        self.title_text = title
        self.backlog = backlog
        self.since = since  # where the tail starts (None: `backlog` seconds before it opens)
        self.start_text = ""  # the start as typed (-5m), said in the title
        self.interval = interval
        self.max_lines = max_lines or configured_buffer_lines()
        self.initial_highlight = highlight
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
        self.feed: LogFeed | None = None
        self.state = "loading"
        self.problem: Problem | None = None
        self.saved_to: Path | None = None  # the last file lines were saved to
        self._shown_at = 0.0  # clock.monotonic() of the last batch shown
        self.polls = 0  # the feed's batches shown: a read finished, good or not (tests wait on it)
        self.restarts = 0  # tails started again (new filter pattern or start), for tests

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

    def _zone(self) -> Any:
        """The zone times are shown (and typed) in: UTC, or None for the local zone."""
        if self.is_mounted and self.query("#log-view") and not self.view.utc:
            return None
        return timezone.utc

    def _zone_name(self) -> str:
        return zone_name(self._zone(), self.opsdeck.clock.now()) if self.is_attached else "UTC"

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
        title.append(f" · from {self._start_label()} · times {self._zone_name()} · last {self.max_lines:,} lines kept",
                     style="dim")
        return title

    def _start_label(self) -> str:
        if self.since is None:
            return f"-{round(self.backlog / 60)}m"
        return self.start_text or self._format_moment(self.since)

    def _format_moment(self, moment: datetime) -> str:
        shown = moment.astimezone(self._zone()) if self._zone() is not None else moment.astimezone()
        return shown.strftime("%Y-%m-%d %H:%M:%S")

    def on_mount(self) -> None:
        self.view.focus()
        if self.initial_highlight:
            self.view.set_highlight(self.initial_highlight)
        self._start_tail()
        self.call_after_refresh(self.opsdeck.refresh_status)  # the status bar at once, not in a second

    @property
    def tail(self) -> LogTail | None:
        """The feed's FilterLogEvents tail (its groups, streams, interval, calls made)."""
        return self.feed.tail if self.feed is not None else None

    @property
    def loaded(self) -> bool:
        """At least one read succeeded."""
        return self.feed is not None and self.feed.last_success is not None

    def _make_feed(self) -> LogFeed:
        ctx = self.opsdeck.aws_context()
        if self.logs_region and self.logs_region != ctx.target.region:
            ctx = replace(ctx, target=replace(ctx.target, region=self.logs_region))
        streams = self.tail.streams if self.tail is not None else self.streams
        return LogFeed(ctx, self.groups, self.filter_pattern, backlog=self.backlog, since=self.since,
                       interval=self.interval, fast_interval=None, streams=streams, keep_trying=True,
                       poll_because=RESTREAM_POLLS if self.restream is not None else None)

    def _start_tail(self) -> None:
        self.feed = self._make_feed()
        self.problem = None
        self._draw_state()
        self.run_worker(self._follow(self.feed), exclusive=True, group="log-tail")

    def restart(self) -> None:
        """Read again from the start with the current filter pattern: the lines shown go."""
        self.restarts += 1
        self.view.clear()
        self.query_one("#logs-title", Static).update(self._title())
        self._start_tail()

    # reading -----------------------------------------------------------------------
    async def _follow(self, feed: LogFeed) -> None:
        """The feed's batches, shown as they come (each read is one, even empty), forever."""
        batches = feed.batches()
        try:
            async for batch in batches:
                await self._restream()  # before the batch counts as shown: the next read is then due
                self._show(feed, batch)
        finally:
            await batches.aclose()

    def _show(self, feed: LogFeed, batch: list) -> None:
        if feed is not self.feed:  # restarted meanwhile: this answer is about the old feed
            return
        if feed.error is None:
            self.problem = None
        else:  # every failure has a designed look; never a traceback
            target = self.opsdeck.target
            self.problem = self._explain(feed.error, describe_problem(feed.error, profile=target.profile,
                                                                      endpoint=target.endpoint))
        if not self.view.events_shown:
            # before the first lines the notice says what is wrong: no marker rows repeat it
            batch = [line for line in batch if not (isinstance(line, Marker) and line.kind in QUIET_EARLY)]
        if batch:
            self.view.append(batch)
        self._shown_at = self.opsdeck.clock.monotonic()
        self.polls += 1
        self._draw_state()

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

    def _explain(self, exc: BaseException, problem: Problem) -> Problem:
        if problem.kind is ErrorClass.NOT_FOUND:
            which = (f"Log group {self.groups[0]} does not exist" if len(self.groups) == 1
                     else f"One of the log groups ({', '.join(self.groups)}) does not exist")
            return Problem(problem.kind, which, problem.detail, self.missing_hint or (
                           "Lambda creates the group on the function's first invocation; a function with a "
                           "LoggingConfig writes to the group named there. opsdeck keeps checking."))
        if self.filter_pattern and error_code(exc) == "InvalidParameterException":
            return Problem(problem.kind, f"Filter pattern: CloudWatch Logs refused {self.filter_pattern!r}",
                           problem.detail, "Press / to change the filter pattern (empty: every line).")
        return problem

    def action_read_now(self) -> None:
        """ctrl+r: one read now, whether the view polls or follows a live tail."""
        if self.feed is not None:
            self.feed.read_now()

    # asking ------------------------------------------------------------------------
    def action_filter(self) -> None:
        """`/`: the server-side filter pattern and the local highlight, in one form."""
        def check(values: dict[str, str]) -> tuple[str | None, str]:
            pattern = values["pattern"] if values["pattern"].strip() else None  # as typed: AWS reads it
            if pattern is not None and len(pattern) > 1024:  # FilterLogEvents: filterPattern max 1024
                raise FieldError("Filter pattern", f"at most 1,024 characters (got {len(pattern):,})")
            return pattern, values["highlight"]

        def apply(answer: tuple[str | None, str] | None) -> None:
            if answer is None:
                return
            pattern, highlight = answer
            self.view.set_highlight(highlight)
            if pattern != self.filter_pattern:
                self.filter_pattern = pattern
                self.restart()
            self._draw_state()

        self.app.push_screen(LogPrompt(
            "Filter and highlight",
            [("pattern", "Filter pattern", self.filter_pattern or "",
              'CloudWatch Logs syntax: ERROR, "exact phrase", ?A ?B, { $.level = "ERROR" }'),
             ("highlight", "Highlight", self.view.highlight, "a word to mark in the lines (not a pattern)")],
            check,
            "The filter pattern goes to CloudWatch Logs as typed: the tail starts again with only the lines "
            "AWS matches. The highlight marks a plain substring (any case) in the lines shown. Empty: none."),
            apply)

    def action_start(self) -> None:
        """`s`: where the tail starts; a new start reads again from there."""
        zone = self._zone()

        def check(values: dict[str, str]) -> tuple[datetime, str]:
            text = values["start"].strip()
            return parse_start(text, self.opsdeck.clock.now(), zone), text

        def apply(answer: tuple[datetime, str] | None) -> None:
            if answer is None:
                return
            self.since, self.start_text = answer
            self.restart()

        self.app.push_screen(LogPrompt(
            "Start the tail at", [("start", "Start", self.start_text or self._start_label(),
                                   "now, -5m, -1h, -2d, 2026-12-01 18:00 or 18:00")],
            check, f"A time without a zone is {self._zone_name()} (t switches UTC and local)."), apply)

    def action_copy(self) -> None:
        view = self.view
        lines = view.logical_lines(view.visible_entries())
        if not lines:
            self.notify("Nothing on screen to copy.", title="Copy", markup=False)
            return
        self.app.copy_to_clipboard("\n".join(lines) + "\n")
        self.notify(f"Copied {len(lines):,} line{'s' if len(lines) != 1 else ''} (the lines on screen).",
                    title="Copy", markup=False)

    def default_save_path(self) -> str:
        stamp = self.opsdeck.clock.now().astimezone(timezone.utc).strftime("%Y%m%d-%H%M%S")
        name = re.sub(r"[^A-Za-z0-9._-]+", "-", self.groups[0]).strip("-") or "logs"
        return f"opsdeck-{name}-{stamp}.log"

    def action_save(self) -> None:
        view = self.view
        view.flush()

        def check(values: dict[str, str]) -> Path:
            text = values["path"].strip()
            if not text:
                raise FieldError("Path", "a file name to write to (got nothing)")
            path = Path(text).expanduser()
            if not path.is_absolute():
                path = Path.cwd() / path
            if path.is_dir():
                raise FieldError("Path", f"a file, not the directory {path}")
            if not path.parent.is_dir():
                raise FieldError("Path", f"a file in an existing directory ({path.parent} does not exist)")
            lines = view.logical_lines(view.entries)
            try:
                path.write_text("\n".join(lines) + ("\n" if lines else ""), encoding="utf-8")
            except OSError as exc:
                raise FieldError("Path", f"a file opsdeck can write ({exc.strerror or exc})") from None
            return path

        def saved(path: Path | None) -> None:
            if path is None:
                return
            self.saved_to = path
            count = len(view.entries)
            self.notify(f"Saved {count:,} line{'s' if count != 1 else ''} to {path}", title="Save",
                        markup=False, timeout=10)

        self.app.push_screen(LogPrompt("Save the lines held to a file", [
            ("path", "Path", self.default_save_path(), "a file path (~ and relative paths work)")], check,
            f"Every line the view holds ({len(view.entries):,}), as shown: times {self._zone_name()}."), saved)

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
            return Text(f"loading… reading from {self._start_label()}", end="")
        if name == "throttled":
            wait = max(0, math.ceil(self._next_read_at() - clock.monotonic()))
            result = Text(f"throttled, retrying in {wait} s", end="")
            result.append(f" · {count} kept")
            return result
        if name == "stale":
            last = self.feed.last_success if self.feed is not None else None
            age = clock.monotonic() - last if last is not None else None
            result = Text(f"stale {format_age(age)} — ", end="")
            result.append_text(inert(self.problem.headline))
            result.append(f" · {count} kept")
            return result
        if name in ("missing", "error"):  # the notice below says what and why
            return Text(f"nothing to show yet · checking again every {self.tail.interval:g} s · ctrl+r now", end="")
        view = self.view
        if view.paused:
            queued = len(view.queued)
            mode = f"‖ paused · {queued:,} new line{'s' if queued != 1 else ''}"
            if view.queue_dropped:
                mode += f" (and {view.queue_dropped:,} older beyond the {view.max_lines:,} kept)"
            mode += " · p resume · f follow"
        elif view.following:
            mode = "● following"
        else:
            mode = "↑ scrolled back · f or End to follow"
        result = Text(mode, end="")
        result.append(f" · {count}")
        result.append_text(inert(self._transport()))  # a fallback reason may quote AWS's error text
        if view.highlight:
            result.append(" · highlight ")
            result.append_text(inert(repr(view.highlight)))
        if not view.following and (position := view.request_position()) is not None:
            request, number, total = position
            result.append(" · request ")
            result.append_text(inert(request))
            result.append(f" ({number} of {total}, [ ] jump)")
        if view.wrap:
            result.append(" · wrapped")
        self._append_waiting(result)
        return result

    def _transport(self) -> str:
        """How lines come: live tail, or polling every N s and why (the feed's mode)."""
        feed = self.feed
        if feed is None:
            return ""
        read_at = feed.last_read_at
        when = f"{timestamp_text(read_at, self._zone())[:8]} {self._zone_name()}" if read_at is not None else ""
        if feed.mode == "live":
            return " · live tail" + (f", updated {when}" if when else "")
        if feed.mode == "polling":
            said = f" · polling every {feed.interval:g} s"
            if feed.fallback_reason:
                said += f": {feed.fallback_reason}"
            return said + (f" · polled {when}" if when else "")
        return " · starting live tail" + (f" · read {when}" if when else "")

    def _next_read_at(self) -> float:
        """clock.monotonic() of the feed's next read (it waits `interval` after the last one)."""
        feed = self.feed
        if feed is not None and feed.next_read_at is not None:
            return feed.next_read_at
        return self._shown_at + (feed.interval if feed is not None else self.interval)

    def _append_waiting(self, text: Text) -> None:
        """Streams named but not written yet (a task just started): expected, said dimly."""
        waiting = self.tail.waiting_note() if self.tail is not None else None
        if waiting:
            text.append(" · ")
            text.append_text(inert(waiting, style="dim"))

    def _notice(self) -> Text | None:
        name = self.state
        if name == "empty":
            if self.since is None:
                notice = Text(f"no log events in the last {round(self.backlog / 60)} min in ", end="")
            else:
                notice = Text(f"no log events since {self._format_moment(self.since)} {self._zone_name()} in ",
                              end="")
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

    def on_log_view_state_changed(self, message: LogView.StateChanged) -> None:
        self.query_one("#logs-title", Static).update(self._title())
        self._draw_state()

    def on_log_view_follow_changed(self, message: LogView.FollowChanged) -> None:
        self._draw_state()

    # text of what is on screen (tests, export) -------------------------------------
    def status_text(self) -> str:
        return str(self.query_one("#logs-status", Static).render())

    def title_plain(self) -> str:
        return str(self.query_one("#logs-title", Static).render())

    def notice_text(self) -> str:
        box = self.query_one("#logs-notice", Static)
        return str(box.render()) if box.display else ""
