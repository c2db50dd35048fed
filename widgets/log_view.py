"""A log view: lines for people, appended at the bottom, fast, bounded, inert.

Each event is kept once (an `Entry`: its level, request id, REPORT, JSON) and drawn only
when it is on screen (Textual's line API: `render_line` builds the visible rows), so a
burst of thousands of lines a second costs its parsing, never a redraw of everything.
Appends are batched: `append()` queues, one flush a frame adds the rows.

What a row shows: `time [group] ▌ message`. The time is UTC or local (`utc`); the group
column appears with several groups; the request marker (▌, one colour per request, █ on
the cursor's request) appears once a line names a request. Levels are coloured (the whole
line for ERROR/WARN/DEBUG/Lambda's own lines, the level word on every level); a REPORT line
is summarised (`212 ms (billed 213) · 128/512 MB · init 340 ms cold start`); a JSON line is
shown as written behind ▸ and pretty-printed behind ▾ (enter on it, or `z` for all).

Every message is untrusted: it reaches the screen through `inert()` as rich Text, never
markup, so `[bold red]x[/]`, ESC sequences and control characters show literally.

Following and pausing: at the bottom the view follows new lines. Scrolling up, moving
the cursor up or `p` pauses: new lines queue (not drawn, counted), so what is read stays
put. `p` again resumes where the view is; `End`/`f` resumes and follows. Memory is
bounded: the last `max_lines` events are kept and a first row says how many were dropped.
"""

from __future__ import annotations

import bisect
import zlib
from dataclasses import dataclass, field
from datetime import timezone
from typing import Any, Iterable, Sequence

from rich.cells import cell_len
from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual.binding import Binding
from textual.events import Click, Resize
from textual.geometry import Size
from textual.message import Message
from textual.reactive import var
from textual.scroll_view import ScrollView
from textual.strip import Strip

from console.cloudwatch.log_lines import (
    RequestTracker,
    json_parts,
    level_span,
    highlight_spans,
    message_lines,
    pretty_json,
    report_summary,
    timestamp_text,
)
from console.cloudwatch.logs import Level, LogEvent, Report
from console.cloudwatch.logs_buffer import Line, Marker
from console.config import DEFAULT_LOG_BUFFER_LINES
from console.text import inert, inert_str

__all__ = ["DEFAULT_MAX_LINES", "LogView", "timestamp_text"]

DEFAULT_MAX_LINES = DEFAULT_LOG_BUFFER_LINES  # events kept (config logs.buffer_lines); older ones dropped, counted
FRAME_SECONDS = 1 / 60  # appends are drawn at most once a frame
REQUEST_COLOURS = 4  # request markers cycle through log-view--req-0..3
GROUP_WIDTH = 32  # the group column at most (longer names keep their end: …/lambda/orders)
MIN_TEXT_WIDTH = 10  # wrapping never leaves less than this for the message
TIME_WIDTH = len("00:00:00.000")
BACKGROUND_CLASSES = frozenset({"highlight", "cursor"})
MAX_PER_FRAME = 2_000  # events turned into rows a frame: a burst is spread, the loop stays free
WHOLE = 1 << 30  # a row's end when it holds its whole line


@dataclass(eq=False)
class Entry:
    """One event as the view keeps it: what it says, parsed once."""

    seq: int  # the view's running number: entries are contiguous in seq
    event: LogEvent
    level: Level
    request_id: str | None
    report: Report | None
    json_prefix: str = ""
    json_data: Any = None
    expanded: bool = False
    note: bool = False  # a Marker from the tail (console.cloudwatch.logs_buffer), not from AWS
    body: list[Text] | None = field(default=None, repr=False)  # display lines, built on demand

    @property
    def is_json(self) -> bool:
        return self.json_data is not None


Row = tuple[int, int, int, int]  # (entry seq, body line, start, end): one screen row


class LogView(ScrollView, can_focus=True):
    """Log lines of one or several groups; `append(events)` adds them at the bottom."""

    COMPONENT_CLASSES = {
        "log-view--timestamp", "log-view--group", "log-view--error", "log-view--warn", "log-view--info",
        "log-view--debug", "log-view--platform", "log-view--report", "log-view--cold", "log-view--cursor",
        "log-view--highlight", "log-view--marker", "log-view--json", "log-view--dropped",
        "log-view--level-error", "log-view--level-warn", "log-view--level-info", "log-view--level-debug",
        "log-view--req-current", *(f"log-view--req-{n}" for n in range(REQUEST_COLOURS)),
    }
    DEFAULT_CSS = """
    LogView { background: $surface; overflow-x: hidden; }
    LogView > .log-view--cursor { background: $boost; }
    LogView:focus > .log-view--cursor { background: $primary 20%; }
    LogView > .log-view--highlight { background: $warning 60%; color: $text; text-style: bold; }
    LogView > .log-view--marker { color: $text-muted; }
    LogView > .log-view--json { color: $foreground; }
    LogView > .log-view--dropped { color: $text-muted; text-style: italic; }
    LogView > .log-view--level-error { color: $error; text-style: bold; }
    LogView > .log-view--level-warn { color: $warning; text-style: bold; }
    LogView > .log-view--level-info { color: $success; }
    LogView > .log-view--level-debug { color: $text-muted; }
    LogView > .log-view--req-current { color: $accent; }
    LogView > .log-view--req-0 { color: $primary 70%; }
    LogView > .log-view--req-1 { color: $secondary 70%; }
    LogView > .log-view--req-2 { color: $success 60%; }
    LogView > .log-view--req-3 { color: $warning 50%; }
    """
    BINDINGS = [
        Binding("up", "cursor(-1)", "Up", show=False),
        Binding("down", "cursor(1)", "Down", show=False),
        Binding("pageup", "page(-1)", "Page up", show=False),
        Binding("pagedown", "page(1)", "Page down", show=False),
        Binding("home", "top", "Top", show=False),
        Binding("f", "follow", "Follow", id="logs.follow", tooltip="Jump to the newest line and follow"),
        Binding("end", "follow", "Follow", id="logs.follow-end", show=False),
        Binding("p", "pause", "Pause", id="logs.pause", tooltip="Pause (new lines queue) or resume"),
        Binding("space", "pause", "Pause", id="logs.pause-space", show=False),
        Binding("enter", "toggle_json", "JSON", id="logs.json", tooltip="Pretty-print or fold the JSON line"),
        Binding("z", "toggle_all_json", "All JSON", id="logs.json-all", show=False,
                tooltip="Pretty-print or fold every JSON line"),
        Binding("right_square_bracket", "request(1)", "Next request", id="logs.next-request",
                tooltip="Jump to the next request's first line"),
        Binding("left_square_bracket", "request(-1)", "Prev request", id="logs.previous-request",
                tooltip="Jump to the previous request's first line"),
        Binding("w", "toggle_wrap", "Wrap", id="logs.wrap", tooltip="Wrap long lines or truncate them"),
        Binding("t", "toggle_utc", "UTC/local", id="logs.zone", tooltip="Times in UTC or in the local zone"),
    ]

    following: var[bool] = var(True)
    paused: var[bool] = var(False)

    class StateChanged(Message):
        """Following, pausing, the queue or the cursor changed: the screen's status line redraws."""

    class FollowChanged(Message):
        """The view started or stopped following new lines."""

        def __init__(self, following: bool) -> None:
            super().__init__()
            self.following = following

    def __init__(self, *, max_lines: int = DEFAULT_MAX_LINES, show_group: bool = False,
                 id: str | None = None) -> None:
        super().__init__(id=id)
        self.max_lines = max_lines
        self.show_group = show_group
        self.utc = True
        self.wrap = False
        self.highlight = ""  # a plain substring, case-insensitive, marked on the lines drawn
        self.json_expanded = False  # new JSON lines open pretty-printed
        self.entries: list[Entry] = []
        self.rows: list[Row] = []
        self.dropped = 0  # events dropped from the top (the bound)
        self.events_shown = 0  # log events accepted (drawn, waiting for the frame, or dropped later), not Markers
        self.queued: list[Line] = []  # while paused
        self.queue_dropped = 0  # queued beyond the bound while paused: the oldest, dropped on resume
        self.cursor: int | None = None  # seq of the cursor's entry (None: the last one)
        self.flushes = 0  # frames that added lines, for the benchmark
        self._pending: list[Line] = []
        self._flush_timer: Any = None
        self._seq = 0
        self._tracker = RequestTracker()
        self._starts: list[tuple[int, str]] = []  # (seq, request id) of each request's first line
        self._first_of: dict[str, int] = {}
        self._has_requests = False
        self._group_width = 0
        self._width = 0  # the width rows were wrapped for
        self._styles: dict[str, Style] = {}

    # content -----------------------------------------------------------------------
    def append(self, events: Sequence[Line]) -> None:
        """Add `events` at the bottom (queued while paused); drawn on the next frame. A
        Marker (LogFeed's note: a gap backfilled, a transport change) shows as its own row."""
        if not events:
            return
        self.events_shown += log_events(events)
        if self.paused:
            self.queued.extend(events)
            excess = len(self.queued) - self.max_lines  # the bound holds while paused too
            if excess > 0:
                del self.queued[:excess]
                self.queue_dropped += excess
            self.post_message(self.StateChanged())
            return
        self._pending.extend(events)
        if self._flush_timer is None and self.is_mounted:
            self._flush_timer = self.set_timer(FRAME_SECONDS, self._flush)

    def clear(self) -> None:
        """Forget every line (a restarted tail reads them again)."""
        self.entries.clear()
        self.rows.clear()
        self.queued.clear()
        self._pending.clear()
        self._starts.clear()
        self._first_of.clear()
        self._tracker = RequestTracker()
        self._has_requests = False
        self.dropped = self.events_shown = self.queue_dropped = 0
        self.cursor = None
        self._update_size()
        self.refresh()
        self.post_message(self.StateChanged())

    def _flush(self, everything: bool = False) -> None:
        """Add pending events (at most MAX_PER_FRAME a frame, the rest on the next one):
        entries, rows, the bound, the scroll; one refresh."""
        self._flush_timer = None
        if not self._pending:
            return
        if len(self._pending) > self.max_lines:  # a burst beyond the bound: only its end can stay
            skipped = len(self._pending) - self.max_lines
            del self._pending[:skipped]
            self.dropped += skipped
        take = len(self._pending) if everything else MAX_PER_FRAME
        pending, self._pending = self._pending[:take], self._pending[take:]
        self.flushes += 1
        had_requests = self._has_requests
        for event in pending:
            self.entries.append(self._entry(event))
        self._bound()
        if self._has_requests != had_requests or self._width != self._text_width():
            self._relayout()  # the request column appeared, or the width changed: every row moves
        else:
            for entry in self.entries[-min(len(pending), len(self.entries)):]:
                self.rows.extend(self._rows_of(entry))
        self._update_size()
        if self.following:
            self._to_end()
        self.refresh()
        if self._pending and self.is_mounted:
            self._flush_timer = self.set_timer(FRAME_SECONDS, self._flush)

    def _entry(self, line: Line) -> Entry:
        if isinstance(line, Marker):  # the tail's own note (a gap backfilled, a fallback): not a log line
            event = LogEvent("", "", line.at, line.at, line.text, "")
            entry = Entry(self._seq, event, Level.OTHER, None, None, note=True)
            self._seq += 1
            return entry
        event = line
        message = event.message
        level = event.level
        report = event.report if level is Level.PLATFORM else None
        prefix, data = json_parts(message) if "{" in message or "[" in message else ("", None)
        request_id = self._tracker.assign(event.group, event.stream, message, data)
        entry = Entry(self._seq, event, level, request_id, report, prefix, data, self.json_expanded)
        self._seq += 1
        if request_id is not None:
            self._has_requests = True
            if request_id not in self._first_of:
                self._first_of[request_id] = entry.seq
                self._starts.append((entry.seq, request_id))
        if self.show_group:
            self._group_width = max(self._group_width, min(GROUP_WIDTH, len(inert_str(event.group))))
        return entry

    def _bound(self) -> None:
        """Keep the last `max_lines` entries; count the dropped; keep the view still."""
        excess = len(self.entries) - self.max_lines
        if excess <= 0:
            return
        del self.entries[:excess]
        self.dropped += excess
        base = self.entries[0].seq
        cut = bisect.bisect_left(self.rows, (base, -1, -1, -1))
        if cut:
            del self.rows[:cut]
            if not self.following:
                self.scroll_to(y=max(0, self.scroll_y - cut), animate=False, force=True, immediate=True)
        keep = bisect.bisect_left(self._starts, (base, ""))
        for _, rid in self._starts[:keep]:
            self._first_of.pop(rid, None)
        del self._starts[:keep]
        if self.cursor is not None and self.cursor < base:
            self.cursor = base

    def _entry_at(self, seq: int) -> Entry:
        return self.entries[seq - self.entries[0].seq]

    # layout ------------------------------------------------------------------------
    def _prefix_width(self) -> int:
        width = TIME_WIDTH + 1
        if self.show_group:
            width += self._group_width + 1
        if self._has_requests:
            width += 2
        return width

    def _text_width(self) -> int:
        """Cells left for the message when wrapping (0: not wrapping)."""
        if not self.wrap:
            return 0
        return max(MIN_TEXT_WIDTH, self.scrollable_content_region.width - self._prefix_width())

    def _rows_of(self, entry: Entry) -> list[Row]:
        width = self._width
        if not width:  # truncating: one row a line, and the text need not be built yet
            return [(entry.seq, number, 0, WHOLE) for number in range(self._line_count(entry))]
        rows: list[Row] = []
        for number, line in enumerate(self._body(entry)):
            plain = line.plain
            if len(plain) <= width and plain.isascii():
                rows.append((entry.seq, number, 0, WHOLE))
                continue
            for start, end in wrap_offsets(plain, width):
                rows.append((entry.seq, number, start, end))
        return rows

    def _line_count(self, entry: Entry) -> int:
        """How many display lines the entry has, without building them when that can be avoided."""
        if entry.body is not None:
            return len(entry.body)
        if entry.report is not None:
            return 1
        if entry.is_json and entry.expanded:
            return len(self._body(entry))
        return len(message_lines(entry.event.message))

    def _relayout(self) -> None:
        self._width = self._text_width()
        self.rows = [row for entry in self.entries for row in self._rows_of(entry)]
        self._update_size()
        self.refresh()

    def _update_size(self) -> None:
        self.virtual_size = Size(self.scrollable_content_region.width, len(self.rows) + (1 if self.dropped else 0))

    def _to_end(self) -> None:
        """Scroll to the last row now (forced: the scrollbars catch up with the new size later),
        and again after the next refresh (a scrollbar appearing changes the height)."""
        self.scroll_to(y=self.max_scroll_y, animate=False, force=True, immediate=True)
        self.call_after_refresh(self._still_at_end)

    def _still_at_end(self) -> None:
        if self.following and self.scroll_y != self.max_scroll_y:
            self.scroll_to(y=self.max_scroll_y, animate=False, force=True, immediate=True)

    def on_resize(self, event: Resize) -> None:
        if self.wrap and self._width != self._text_width():
            self._relayout()
        if self.following:
            self._to_end()

    def on_mount(self) -> None:
        if self._pending and self._flush_timer is None:
            self._flush_timer = self.set_timer(FRAME_SECONDS, self._flush)

    def notify_style_update(self) -> None:
        super().notify_style_update()
        self._styles.clear()
        for entry in self.entries:
            entry.body = None

    # text --------------------------------------------------------------------------
    def _style(self, name: str) -> Style:
        """The theme's style of `log-view--NAME`, blended as drawn; its background only where
        the class is about the background (highlight, cursor), so it never hides the cursor."""
        style = self._styles.get(name)
        if style is None:
            try:
                full = self.get_component_rich_style(f"log-view--{name}", partial=False)
            except Exception:  # noqa: BLE001 - not mounted yet: plain text still shows
                return Style()
            if name in BACKGROUND_CLASSES:
                style = full
            else:
                style = Style(color=full.color, bold=full.bold, dim=full.dim, italic=full.italic,
                              underline=full.underline)
            self._styles[name] = style
        return style

    def _level_style(self, entry: Entry) -> Style:
        if entry.level in (Level.ERROR, Level.WARN, Level.DEBUG, Level.PLATFORM):
            return self._style(entry.level.value.lower())
        return Style()

    def _body(self, entry: Entry) -> list[Text]:
        """The message's display lines (no time, group or marker): built once per look."""
        if entry.body is not None:
            return entry.body
        if entry.note:
            body = [inert(f"── {entry.event.message} ──", style=self._style("dropped"))]
        elif entry.report is not None:
            style = self._style("cold" if entry.report.cold_start else "report")
            body = [inert("REPORT " + report_summary(entry.report), style=style)]
        elif entry.is_json:
            body = self._json_body(entry)
        else:
            style = self._level_style(entry)
            body = [inert(line, style=style) for line in message_lines(entry.event.message)]
            if entry.level in (Level.ERROR, Level.WARN, Level.INFO, Level.DEBUG) and body:
                span = level_span(body[0].plain, entry.level)
                if span is not None:
                    body[0].stylize(self._style(f"level-{entry.level.value.lower()}"), *span)
        entry.body = body
        return body

    def _json_body(self, entry: Entry) -> list[Text]:
        style = self._level_style(entry) or self._style("json")
        marker = self._style("marker")
        if not entry.expanded:
            first = Text("▸ ", style=marker, end="")
            lines = message_lines(entry.event.message)
            first.append_text(inert(lines[0], style=style))
            return [first, *(inert("  " + line, style=style) for line in lines[1:])]
        pretty = pretty_json(entry.json_data)
        first = Text("▾ ", style=marker, end="")
        first.append_text(inert(entry.json_prefix + pretty[0], style=style))
        return [first, *(inert("  " + line, style=style) for line in pretty[1:])]

    def _request_style(self, request_id: str, current: bool) -> Style:
        if current:
            return self._style("req-current")
        return self._style(f"req-{zlib.crc32(request_id.encode()) % REQUEST_COLOURS}")

    def _prefix(self, entry: Entry, first: bool, current_request: str | None) -> Text:
        """`time group ▌ ` on an entry's first row; blanks (and the marker) on the others."""
        prefix = Text(end="")
        if first:
            zone = timezone.utc if self.utc else None
            prefix.append(timestamp_text(entry.event.timestamp, zone), style=self._style("timestamp"))
        else:
            prefix.append(" " * TIME_WIDTH)
        prefix.append(" ")
        if self.show_group:
            if first:
                prefix.append_text(inert(fit(entry.event.group, self._group_width), style=self._style("group")))
            else:
                prefix.append(" " * self._group_width)
            prefix.append(" ")
        if self._has_requests:
            rid = entry.request_id
            if rid is None:
                prefix.append("  ")
            else:
                current = rid == current_request
                prefix.append("█ " if current else "▌ ", style=self._request_style(rid, current))
        return prefix

    def row_text(self, index: int, current_request: str | None = None) -> Text:
        """The whole Text of row `index` (no width applied): prefix, message part, highlight."""
        seq, number, start, end = self.rows[index]
        entry = self._entry_at(seq)
        body = self._body(entry)[number]
        line = self._prefix(entry, number == 0 and start == 0, current_request)
        offset = len(line.plain)
        piece = body if start == 0 and end >= len(body.plain) else body[start:end]
        line.append_text(piece)
        if self.highlight:
            mark = self._style("highlight")
            for s, e in highlight_spans(body.plain, self.highlight):
                s, e = max(s, start), min(e, end)
                if s < e:
                    line.stylize(mark, offset + s - start, offset + e - start)
        return line

    # drawing -----------------------------------------------------------------------
    def render_line(self, y: int) -> Strip:
        scroll_x, scroll_y = self.scroll_offset
        width = self.scrollable_content_region.width
        base = self.rich_style
        index = scroll_y + y
        if self.dropped:
            if index == 0:
                note = Text(f"… {self.dropped:,} older lines dropped (the view keeps the last "
                            f"{self.max_lines:,})", style=self._style("dropped"), end="")
                return Strip(note.render(self.app.console)).crop_extend(0, width, base).apply_style(base)
            index -= 1
        if index >= len(self.rows) or index < 0:
            return Strip.blank(width, base)
        entry_seq = self.rows[index][0]
        cursor_seq = self.cursor_seq()
        text = self.row_text(index, self._current_request())
        strip = Strip(list(text.render(self.app.console)))
        if strip.cell_length > width and width > 1:
            strip = Strip.join([strip.crop(0, width - 1), Strip([Segment("…", self._style("marker"))])])
        strip = strip.crop_extend(0, width, None)
        if entry_seq == cursor_seq and not self.following:
            strip = strip.apply_style(self._style("cursor"))
        return strip.apply_style(base)

    # reading what is shown (tests, copy, save) -------------------------------------
    def flush(self) -> None:
        """Draw what waits for the frame now (tests read the view right after a poll)."""
        if self._flush_timer is not None:
            self._flush_timer.stop()
        self._flush(everything=True)

    def shown_lines(self) -> list[str]:
        """The plain text of every row the view holds, as drawn (untruncated)."""
        self.flush()
        lines = [f"… {self.dropped:,} older lines dropped"] if self.dropped else []
        current = self._current_request()
        lines += [self.row_text(index, current).plain.rstrip() for index in range(len(self.rows))]
        return lines

    def logical_lines(self, entries: Iterable[Entry]) -> list[str]:
        """Entries as text to copy or save: each body line once (not wrapped), with its time."""
        lines = []
        for entry in entries:
            for number, body in enumerate(self._body(entry)):
                lines.append((self._prefix(entry, number == 0, None).plain + body.plain).rstrip())
        return lines

    def visible_entries(self) -> list[Entry]:
        """The entries with a row on screen now."""
        self.flush()
        top = int(self.scroll_y) - (1 if self.dropped else 0)
        height = self.scrollable_content_region.height
        seen: dict[int, Entry] = {}
        for index in range(max(0, top), min(len(self.rows), top + height)):
            seq = self.rows[index][0]
            seen.setdefault(seq, self._entry_at(seq))
        return list(seen.values())

    def highlighted_count(self) -> int:
        """Lines held that contain the highlight (shown by the screen's status)."""
        if not self.highlight:
            return 0
        return sum(1 for entry in self.entries if any(highlight_spans(b.plain, self.highlight)
                                                      for b in self._body(entry)))

    # cursor and requests ---------------------------------------------------------
    def cursor_seq(self) -> int | None:
        if not self.entries:
            return None
        if self.cursor is None or self.following:
            return self.entries[-1].seq
        return max(self.entries[0].seq, min(self.cursor, self.entries[-1].seq))

    def _current_request(self) -> str | None:
        """The cursor's request (its lines are marked █) while the reader has a cursor."""
        entry = self.cursor_entry()
        return entry.request_id if entry is not None and not self.following else None

    def cursor_entry(self) -> Entry | None:
        seq = self.cursor_seq()
        return self._entry_at(seq) if seq is not None else None

    def _first_row(self, seq: int) -> int:
        return bisect.bisect_left(self.rows, (seq, -1, -1, -1))

    def move_cursor(self, seq: int) -> None:
        """Put the cursor on entry `seq`, scrolled into view (leaving the bottom pauses)."""
        self.flush()
        if not self.entries:
            return
        seq = max(self.entries[0].seq, min(seq, self.entries[-1].seq))
        if seq != self.entries[-1].seq and self.following:
            self._pause()
        self.cursor = seq
        row = self._first_row(seq) + (1 if self.dropped else 0)
        last = row + len(self._rows_of(self._entry_at(seq))) - 1
        height = max(1, self.scrollable_content_region.height)
        if row < self.scroll_y:
            self.scroll_to(y=row, animate=False, force=True, immediate=True)
        elif last >= self.scroll_y + height:
            self.scroll_to(y=min(row, last - height + 1), animate=False, force=True, immediate=True)
        self.refresh()
        self.post_message(self.StateChanged())

    def request_position(self) -> tuple[str, int, int] | None:
        """(request id, its number, how many requests) for the cursor's line, if it has one."""
        entry = self.cursor_entry()
        if entry is None or entry.request_id is None or entry.request_id not in self._first_of:
            return None
        first = self._first_of[entry.request_id]
        number = bisect.bisect_left(self._starts, (first, "")) + 1
        return entry.request_id, number, len(self._starts)

    def action_request(self, direction: int) -> None:
        """The first line of the next request; back: of the cursor's request, then the previous one."""
        self.flush()
        entry = self.cursor_entry()
        if entry is None or not self._starts:
            self.notify("No line here names a Lambda request.", title="Requests", markup=False)
            return
        here = self._first_of.get(entry.request_id, entry.seq) if entry.request_id else entry.seq
        if direction > 0:
            at = bisect.bisect_right(self._starts, (here, "\U0010ffff"))
            target = self._starts[at] if at < len(self._starts) else None
        elif entry.request_id and here < entry.seq:  # inside a request: first to its start
            target = (here, entry.request_id)
        else:
            at = bisect.bisect_left(self._starts, (here, ""))
            target = self._starts[at - 1] if at > 0 else None
        if target is None:
            self.notify("No later request." if direction > 0 else "No earlier request.", title="Requests",
                        markup=False)
            return
        self.move_cursor(target[0])

    # keys ------------------------------------------------------------------------
    def action_cursor(self, delta: int) -> None:
        seq = self.cursor_seq()
        if seq is not None:
            self.move_cursor(seq + delta)

    def action_page(self, direction: int) -> None:
        seq = self.cursor_seq()
        if seq is not None:
            self.move_cursor(seq + direction * max(1, self.scrollable_content_region.height - 1))

    def action_top(self) -> None:
        if self.entries:
            self.move_cursor(self.entries[0].seq)

    def action_toggle_json(self) -> None:
        entry = self.cursor_entry()
        if entry is None or not entry.is_json:
            self.notify("The line at the cursor is not JSON.", title="JSON", markup=False)
            return
        entry.expanded = not entry.expanded
        entry.body = None
        start = self._first_row(entry.seq)
        end = self._first_row(entry.seq + 1)
        self.rows[start:end] = self._rows_of(entry)
        self._update_size()
        if self.following:
            self._to_end()
        self.refresh()

    def action_toggle_all_json(self) -> None:
        self.json_expanded = not self.json_expanded
        for entry in self.entries:
            if entry.is_json:
                entry.expanded = self.json_expanded
                entry.body = None
        self._relayout()

    def action_toggle_wrap(self) -> None:
        self.set_wrap(not self.wrap)

    def set_wrap(self, wrap: bool) -> None:
        self.wrap = wrap
        self._relayout()
        if self.following:
            self._to_end()
        self.post_message(self.StateChanged())

    def action_toggle_utc(self) -> None:
        self.utc = not self.utc
        self.refresh()
        self.post_message(self.StateChanged())

    def set_highlight(self, needle: str) -> None:
        self.highlight = needle
        self.refresh()
        self.post_message(self.StateChanged())

    # following and pausing ---------------------------------------------------------
    def _pause(self) -> None:
        if self.following:
            self.cursor = self.cursor_seq()
        self.following = False
        self.paused = True

    def action_pause(self) -> None:
        """Pause (new lines queue) or resume (the queue is drawn; the view stays where it is)."""
        self.flush()
        if not self.paused:
            self._pause()
        else:
            self._resume(follow=self.scroll_y >= self.max_scroll_y)
        self.refresh()
        self.post_message(self.StateChanged())

    def _resume(self, follow: bool) -> None:
        self.paused = False
        queued, self.queued = self.queued, []
        self.events_shown -= log_events(queued)
        self.dropped += self.queue_dropped  # older than the queue: the lines held go too (the bound)
        self.queue_dropped = 0
        self.following = follow
        self.append(queued)
        self.flush()

    def action_follow(self) -> None:
        """Resume, draw the queue and follow the newest line."""
        self._resume(follow=True)
        self.cursor = None
        self._to_end()
        self.refresh()
        self.post_message(self.StateChanged())

    def watch_scroll_y(self, old_value: float, new_value: float) -> None:
        super().watch_scroll_y(old_value, new_value)
        # Only a move by the user changes the mode: content growing below a paused view
        # raises max_scroll_y without moving scroll_y.
        if new_value < old_value and new_value < self.max_scroll_y and self.following:
            self._pause()
            self.post_message(self.StateChanged())
        elif new_value > old_value and new_value >= self.max_scroll_y and not self.following and not self.paused:
            self.following = True

    def watch_following(self, following: bool) -> None:
        self.post_message(self.FollowChanged(following))

    def on_click(self, event: Click) -> None:
        index = int(self.scroll_y) + event.y - (1 if self.dropped else 0)
        if 0 <= index < len(self.rows):
            self.move_cursor(self.rows[index][0])


def log_events(lines: Sequence[Line]) -> int:
    """How many of `lines` are log events (the others are the tail's Markers)."""
    return sum(1 for line in lines if not isinstance(line, Marker))


def fit(name: str, width: int) -> str:
    """`name` in `width` cells: padded, or its end kept behind … (group names differ at the end)."""
    text = inert_str(name)
    if len(text) <= width:
        return text.ljust(width)
    return "…" + text[len(text) - width + 1:]


def wrap_offsets(plain: str, width: int) -> list[tuple[int, int]]:
    """Character ranges of `plain` that each fill at most `width` cells (wide characters count two)."""
    if plain.isascii():
        return [(start, min(start + width, len(plain))) for start in range(0, max(1, len(plain)), width)]
    ranges, start, used = [], 0, 0
    for index, char in enumerate(plain):
        cells = cell_len(char)
        if used + cells > width and index > start:
            ranges.append((start, index))
            start, used = index, 0
        used += cells
    ranges.append((start, len(plain)))
    return ranges
