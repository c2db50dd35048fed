"""Screens that show polled data: they subscribe while visible, and only then.

Subscriptions decide which pollers run, so a screen subscribes to its sources when it
becomes the active screen and unsubscribes when it is hidden or closed: a dashboard
under a detail screen stops costing API calls. A modal (a confirmation, an offer) hides
nothing: the screen under it stays subscribed and keeps drawing behind it. Snapshots
reach screens as a SnapshotArrived message that the app posts from the Store's callback.

A screen about one resource (a detail screen) brings sources of its own (`own_sources`):
they are registered with the same engine while the screen exists, under names no other
screen uses, so they are paced within the API budget, counted in the status bar, and
marked stale on errors like the dashboard's.
"""

from __future__ import annotations

import itertools
from typing import Any, ClassVar, Mapping

from textual.message import Message
from textual.screen import ModalScreen, Screen

from console.polling import Snapshot
from console.polling.sources import Source

_screens = itertools.count(1)


class SnapshotArrived(Message):
    """A source published new data (or a new error) to the Store."""

    def __init__(self, snapshot: Snapshot) -> None:
        super().__init__()
        self.snapshot = snapshot


class SourceScreen(Screen):
    """A screen fed by polling sources: `SOURCES`, or a `sources` property computed per
    instance (the dashboard's come from its panels)."""

    SOURCES: ClassVar[tuple[str, ...]] = ()
    _own: dict[str, str] | None = None  # engine name -> own key, once registered

    @property
    def opsdeck(self) -> Any:
        """The App (console.app.OpsdeckApp: its engine, store, clock, target). Typed loosely:
        screens must not import the App that imports them."""
        return self.app

    @property
    def sources(self) -> tuple[str, ...]:
        return self.SOURCES + tuple(self._own or ())

    def own_sources(self) -> Mapping[str, Source]:
        """Sources this screen polls for itself, by a key of its own (`after` names keys
        too): registered while the screen exists, subscribed while it is visible."""
        return {}

    def own_key(self, source: str) -> str | None:
        """The key `own_sources` gave the source the engine calls `source` (None: not ours)."""
        return (self._own or {}).get(source)

    def own_name(self, key: str) -> str | None:
        """The engine's name of this screen's own source `key`."""
        return next((name for name, k in (self._own or {}).items() if k == key), None)

    def _register_own(self, engine: Any) -> None:
        if self._own is not None:
            return
        prefix = f"screen{next(_screens)}:{type(self).__name__}"
        own = dict(self.own_sources())
        names = {key: f"{prefix}.{key}" for key in own}
        for key, source in own.items():
            after = tuple(names.get(k, k) for k in source.after)
            engine.register(names[key], source.fetch, source.interval, after)
        self._own = {name: key for key, name in names.items()}

    def on_screen_resume(self) -> None:
        self.call_after_refresh(self.opsdeck.refresh_status)  # the status bar at once, not in a second
        engine = self.opsdeck.engine
        if engine is None:
            return
        self._register_own(engine)
        self._set_subscribed(True)
        for name in self.sources:  # show what the store already has at once
            snapshot = self.opsdeck.store.latest(name)
            if snapshot is not None:
                self.show_snapshot(snapshot)

    def on_screen_suspend(self) -> None:
        successor = self.app.screen  # already the screen that hides this one
        if isinstance(successor, ModalScreen):  # under a modal it is still in view
            return
        if isinstance(successor, SourceScreen) and successor is not self:
            # Subscribed before this one lets go: a source both follow (the dashboard's ECS
            # services under a cluster's services screen) keeps its tick in flight instead
            # of being cancelled and read again from the start. Its resume does the rest.
            successor._set_subscribed(True)
        self._set_subscribed(False)

    def on_unmount(self) -> None:
        self._set_subscribed(False)
        engine = self.opsdeck.engine
        if engine is not None:
            for name in self._own or ():
                engine.unregister(name)

    def _set_subscribed(self, subscribed: bool) -> None:
        """Subscribe to (or unsubscribe from) those of our sources the engine has."""
        engine = self.opsdeck.engine
        if engine is None:
            return
        for name in self.sources:
            if name in engine.sources:
                (engine.subscribe if subscribed else engine.unsubscribe)(name, self)

    def on_snapshot_arrived(self, message: SnapshotArrived) -> None:
        if message.snapshot.source in self.sources:
            self.show_snapshot(message.snapshot)

    def show_snapshot(self, snapshot: Snapshot) -> None:
        """Draw a new snapshot of one of this screen's sources."""

    def refresh_ages(self) -> None:
        """Called every second: redraw anything that shows an age."""

    def show_table(self, table: Any, shown: bool) -> None:
        """Show or hide the screen's table; shown, it takes the keys unless something has
        them: hidden while loading, it could not take focus at mount (under load the user's
        keys went nowhere)."""
        table.display = shown
        if shown and self.focused is None:
            table.focus()

    def palette_commands(self) -> list[tuple[str, str, object]]:
        """(name, help, callback) entries this screen adds to the command palette."""
        return []
