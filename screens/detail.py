"""Detail screens: one resource, kept fresh by the same polling engine as the dashboard.

`DetailScreen` shows a resource's fields as key/value rows: the first drill-down from any
table, generic over the frozen models (nested dataclasses are flattened to dotted keys),
so every resource has a detail view before its service gets a dedicated screen. It
follows the source its row came from while it is open.

`SectionsScreen` is the base of a service's own detail screen: Sections, each filled by a
`Feed` the screen declares (what to fetch, how often, how to draw it). Feeds are polled
through the engine (console.polling) while the screen is visible, within the API budget;
a feed that fails after it has shown something keeps it, marked stale with its age; the
status bar says how old the screen's data is and counts its calls.
"""

from __future__ import annotations

import dataclasses
from typing import TYPE_CHECKING, Any, Awaitable, Callable, Iterator, Mapping, NamedTuple

from rich.text import Text
from textual.app import ComposeResult
from textual.widgets import DataTable, Static

from console.polling import Snapshot
from console.polling.sources import Source
from console.target import Target
from console.text import inert
from screens.base import SourceScreen
from widgets.cells import age, text
from widgets.footer import Footer
from widgets.status_bar import StatusBar

if TYPE_CHECKING:
    from console.aws.context import AwsContext
    from widgets.section import Section


def fields_of(obj: Any, prefix: str = "") -> Iterator[tuple[str, Any]]:
    """(dotted name, value) for every field, recursing into nested models."""
    for field in dataclasses.fields(obj):
        value = getattr(obj, field.name)
        name = f"{prefix}{field.name}"
        if isinstance(value, Target):
            continue  # the status bar already says where data comes from
        if dataclasses.is_dataclass(value) and not isinstance(value, type):
            yield from fields_of(value, f"{name}.")
        elif isinstance(value, tuple) and value and all(dataclasses.is_dataclass(v) for v in value):
            for index, element in enumerate(value):
                yield from fields_of(element, f"{name}[{index}].")
        else:
            yield name, value


class DetailScreen(SourceScreen):
    """Every field of one resource; esc goes back.

    With `sources` and `find` (the panel's: find the resource again in what they last
    published), the fields follow each refresh; a failed refresh keeps them, marked
    stale with their age; a resource no longer listed says so."""

    HELP = "Every field opsdeck read for this resource, as AWS gave it: one row per field."

    def __init__(self, item: Any, sources: tuple[str, ...] = (),
                 find: Callable[[], Any | None] | None = None) -> None:
        super().__init__()
        self.item = item
        self.followed = tuple(sources)
        self.find = find
        self.gone = False

    @property
    def sources(self) -> tuple[str, ...]:
        return self.followed

    def compose(self) -> ComposeResult:
        yield Static(self._title(), id="detail-title")
        table: DataTable = DataTable(cursor_type="row", id="fields")
        table.add_columns("field", "value")
        yield table
        yield StatusBar()
        yield Footer()

    def on_mount(self) -> None:
        self._draw_fields()

    def _title(self) -> Text:
        name = getattr(self.item, "name", "") or getattr(self.item, "key", "")
        title = inert(type(getattr(self.item, "function", self.item)).__name__ + " ")
        title.append_text(inert(name))
        snapshot = self._latest()
        if self.gone:
            title.append("   no longer listed: these are its last known fields", style="bold")
        elif snapshot is not None and snapshot.stale and snapshot.error is not None:
            title.append_text(inert(f"   stale · {age(snapshot.age(self.opsdeck.clock))} old · "
                                    f"{snapshot.error.headline}", style="bold"))
        return title

    def _latest(self) -> Snapshot | None:
        if not self.followed or not self.is_attached:
            return None
        return self.opsdeck.store.latest(self.followed[0])

    def _draw_fields(self) -> None:
        table = self.query_one("#fields", DataTable)
        row = table.cursor_row
        table.clear()
        for key, value in fields_of(self.item):
            table.add_row(inert(key), text(value))
        if 0 <= row < table.row_count:
            table.move_cursor(row=row)

    def show_snapshot(self, snapshot: Snapshot) -> None:
        if self.find is not None and snapshot.loaded and not snapshot.stale and snapshot.complete:
            item = self.find()
            self.gone = item is None
            if item is not None and item != self.item:
                self.item = item
                self._draw_fields()
        self.query_one("#detail-title", Static).update(self._title())

    def refresh_ages(self) -> None:
        self.query_one("#detail-title", Static).update(self._title())


class Feed(NamedTuple):
    """One part of a detail screen that refreshes on its own: the sections it fills, what
    it fetches (one model or a tuple of them), how often, and how it is drawn."""

    sections: tuple[str, ...]
    fetch: Callable[["AwsContext"], Awaitable[Any]]
    interval: float  # seconds; the engine stretches it to the feed's API cost
    show: Callable[[Any], None]
    after: tuple[str, ...] = ()  # feeds whose first result this one waits for


def _as_items(fetch: Callable[["AwsContext"], Awaitable[Any]]) -> Callable[["AwsContext"], Awaitable[tuple]]:
    async def items(ctx: "AwsContext") -> tuple:
        return (await fetch(ctx),)
    return items


class SectionsScreen(SourceScreen):
    """A detail screen made of Sections, each filled by a Feed polled through the engine.

    Subclasses build `self.sections` and declare `feeds()`. A feed's value is drawn only
    when it changed (a redraw would move table cursors every tick); ctrl+r (`refresh_feeds`)
    asks for every feed now."""

    sections: dict[str, "Section"]
    _feeds: dict[str, Feed] | None = None
    _drawn: dict[str, tuple] | None = None

    def feeds(self) -> Mapping[str, Feed]:
        """The screen's feeds by key (a key names its source in the engine)."""
        return {}

    def own_sources(self) -> Mapping[str, Source]:
        self._feeds = dict(self.feeds())
        return {key: Source(_as_items(feed.fetch), feed.interval, feed.after) for key, feed in self._feeds.items()}

    def show_snapshot(self, snapshot: Snapshot) -> None:
        key = self.own_key(snapshot.source)
        feed = (self._feeds or {}).get(key or "")
        if feed is None or key is None:
            return
        sections = [self.sections[section_id] for section_id in feed.sections]
        if not snapshot.loaded:
            if snapshot.error is not None:
                for section in sections:
                    section.failed(snapshot.error)
            return
        if snapshot.stale:
            self._mark_stale(sections, snapshot)
            return
        drawn = self._drawn if self._drawn is not None else {}
        self._drawn = drawn
        if drawn.get(key) != snapshot.items:
            drawn[key] = snapshot.items
            feed.show(snapshot.items[0])
        else:
            for section in sections:
                section.current()

    def _mark_stale(self, sections: list["Section"], snapshot: Snapshot) -> None:
        if snapshot.error is None:
            return
        shown = age(snapshot.age(self.opsdeck.clock))
        for section in sections:
            if section.state == "error":  # never shown anything: the error says it all
                section.failed(snapshot.error)
            else:
                section.stale(snapshot.error, shown)

    def refresh_ages(self) -> None:
        """Every second: a stale section's age moves on."""
        store = self.opsdeck.store
        for name, key in (self._own or {}).items():
            snapshot = store.latest(name)
            feed = (self._feeds or {}).get(key)
            if snapshot is not None and snapshot.stale and feed is not None:
                self._mark_stale([self.sections[i] for i in feed.sections], snapshot)

    def refresh_feeds(self, *keys: str) -> None:
        """Fetch these feeds (all when none named) now; their sections say `refreshing…`."""
        engine = self.opsdeck.engine
        for key, feed in (self._feeds or {}).items():
            if keys and key not in keys:
                continue
            for section_id in feed.sections:
                self.sections[section_id].loading()
            name = self.own_name(key)
            if engine is not None and name is not None:
                engine.refresh_now(name)
