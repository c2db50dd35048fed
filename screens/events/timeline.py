"""The next 24 hours' fires of every enabled scheduled rule and schedule, grouped by hour
(UTC): `03:00 nightly-report (rule, default)`; a schedule in another zone adds its own
wall-clock time. Something firing more than BURST times in an hour is one line with a count."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from itertools import groupby

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.widgets import Static

from console.polling import Snapshot
from console.services.events.fires import TIMELINE_SPAN, Upcoming, upcoming
from console.services.events.sources import RULES, SCHEDULES
from console.text import inert
from screens.base import SourceScreen
from widgets.cells import age
from widgets.footer import Footer
from widgets.status_bar import StatusBar

BURST = 4  # more fires than this of one item in an hour: one line with a count


def entry_line(entry: Upcoming) -> str:
    """`03:00 nightly-report (rule, default)`, and for a schedule in a zone its own time."""
    utc = entry.at.astimezone(timezone.utc)
    line = f"{utc:%H:%M} {entry.name} ({entry.kind}, {entry.place})"
    if entry.zone and entry.zone != "UTC":
        line += f" · {entry.at:%H:%M} {entry.zone}"
    return line


def hour_lines(entries: list[Upcoming]) -> list[tuple[str, list[str]]]:
    """(hour heading, its lines) in time order; an item's burst in one hour is one line."""
    out: list[tuple[str, list[str]]] = []
    for hour, in_hour in groupby(entries, key=lambda e: e.at.astimezone(timezone.utc).replace(minute=0, second=0,
                                                                                           microsecond=0)):
        fires = list(in_hour)
        by_item: dict[tuple[str, str, str], list[Upcoming]] = {}
        for entry in fires:
            by_item.setdefault((entry.kind, entry.place, entry.name), []).append(entry)
        lines: list[tuple[datetime, str]] = []
        for same in by_item.values():
            if len(same) > BURST:
                first, last = same[0], same[-1]
                lines.append((first.at, f"{first.at.astimezone(timezone.utc):%H:%M}–"
                                        f"{last.at.astimezone(timezone.utc):%H:%M} {first.name} "
                                        f"({first.kind}, {first.place}) ×{len(same)}"))
            else:
                lines += [(e.at, entry_line(e)) for e in same]
        lines.sort(key=lambda pair: (pair[0], pair[1]))
        end = hour + timedelta(hours=1)
        out.append((f"{hour:%a %H:%M}–{end:%H:%M} UTC", [line for _, line in lines]))
    return out


class TimelineScreen(SourceScreen):
    SOURCES = (RULES, SCHEDULES)
    HELP = """\
Every fire due in the next 24 hours, of every enabled scheduled rule (they run in UTC) and
every enabled Scheduler schedule (on its own zone's wall clock, shown beside the UTC time),
grouped by hour in UTC. Disabled ones and rules that match events are left out; something
firing more than four times in an hour is one line with its count."""
    BINDINGS = [Binding("escape", "app.pop_screen", "Back", id="timeline.close")]

    def __init__(self) -> None:
        super().__init__()
        self.lines: list[str] = []  # what the body shows, heading lines included
        self._drawn_minute: datetime | None = None

    def compose(self) -> ComposeResult:
        yield Static("", id="timeline-title")
        with VerticalScroll(id="timeline-scroll"):
            yield Static("", id="timeline-body")
        yield StatusBar()
        yield Footer()

    def on_mount(self) -> None:
        self.draw()

    def show_snapshot(self, snapshot: Snapshot) -> None:
        self.draw()

    def refresh_ages(self) -> None:
        """Every second; the fires move on by the minute."""
        minute = self.opsdeck.clock.now().replace(second=0, microsecond=0)
        if minute != self._drawn_minute:
            self.draw()

    def draw(self) -> None:
        if not self.is_mounted:
            return
        store, now = self.opsdeck.store, self.opsdeck.clock.now()
        self._drawn_minute = now.replace(second=0, microsecond=0)
        snapshots = {name: store.latest(name) for name in self.SOURCES}
        title = Text("Upcoming fires · next 24 hours from ", style="bold", end="")
        title.append(f"{now.astimezone(timezone.utc):%Y-%m-%d %H:%M} UTC")
        notes = []
        for name, what in ((RULES, "rules"), (SCHEDULES, "schedules")):
            snapshot = snapshots[name]
            if snapshot is not None and snapshot.error is not None:
                kept = f" (showing what was read {age(snapshot.age(store.clock))} ago)" if snapshot.loaded else ""
                notes.append(f"{what}: {snapshot.error.headline}{kept}")
            elif snapshot is None or not snapshot.loaded:
                notes.append(f"{what}: loading…")
        items = [item for s in snapshots.values() if s is not None for item in s.items]
        entries = upcoming(items, now, TIMELINE_SPAN)
        title.append(f" · {len(entries)} fires")
        for note in notes:
            title.append("\n")
            title.append_text(inert(note, style="italic"))
        self.query_one("#timeline-title", Static).update(title)
        body = Text(end="")
        self.lines = []
        if not entries:
            loading = any(s is None or (not s.loaded and s.error is None) for s in snapshots.values())
            empty = "loading…" if loading else "No fires in the next 24 hours: no enabled scheduled rule or schedule."
            self.lines = [empty]
            body.append_text(inert(empty))
        for heading, lines in hour_lines(entries):
            if self.lines:
                body.append("\n")
            body.append_text(inert(heading, style="bold"))
            self.lines.append(heading)
            for line in lines:
                body.append("\n  ")
                body.append_text(inert(line))
                self.lines.append(line)
        self.query_one("#timeline-body", Static).update(body)
