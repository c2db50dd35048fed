"""Screens that show polled data: they subscribe while visible, and only then.

Subscriptions decide which pollers run, so a screen subscribes to its sources when it
becomes the active screen and unsubscribes when it is hidden or closed: a dashboard
under a detail screen stops costing API calls. A modal (a confirmation, an offer) hides
nothing: the screen under it stays subscribed and keeps drawing behind it. Snapshots
reach screens as a SnapshotArrived message that the app posts from the Store's callback.
"""

from __future__ import annotations

from typing import Any, ClassVar

from textual.message import Message
from textual.screen import ModalScreen, Screen

from console.polling import Snapshot


class SnapshotArrived(Message):
    """A source published new data (or a new error) to the Store."""

    def __init__(self, snapshot: Snapshot) -> None:
        super().__init__()
        self.snapshot = snapshot


class SourceScreen(Screen):
    """A screen fed by polling sources: `SOURCES`, or a `sources` property computed per
    instance (the dashboard's come from its panels)."""

    SOURCES: ClassVar[tuple[str, ...]] = ()

    @property
    def opsdeck(self) -> Any:
        """The App (console.app.OpsdeckApp: its engine, store, clock, target). Typed loosely:
        screens must not import the App that imports them."""
        return self.app

    @property
    def sources(self) -> tuple[str, ...]:
        return self.SOURCES

    def on_screen_resume(self) -> None:
        engine = self.opsdeck.engine
        if engine is None:
            return
        for name in self.sources:
            if name in engine.sources:
                engine.subscribe(name, self)
        for name in self.sources:  # show what the store already has at once
            snapshot = self.opsdeck.store.latest(name)
            if snapshot is not None:
                self.show_snapshot(snapshot)

    def on_screen_suspend(self) -> None:
        if not isinstance(self.app.screen, ModalScreen):  # under a modal it is still in view
            self._unsubscribe()

    def on_unmount(self) -> None:
        self._unsubscribe()

    def _unsubscribe(self) -> None:
        engine = self.opsdeck.engine
        if engine is None:
            return
        for name in self.sources:
            if name in engine.sources:
                engine.unsubscribe(name, self)

    def on_snapshot_arrived(self, message: SnapshotArrived) -> None:
        if message.snapshot.source in self.sources:
            self.show_snapshot(message.snapshot)

    def show_snapshot(self, snapshot: Snapshot) -> None:
        """Draw a new snapshot of one of this screen's sources."""

    def refresh_ages(self) -> None:
        """Called every second: redraw anything that shows an age."""

    def palette_commands(self) -> list[tuple[str, str, object]]:
        """(name, help, callback) entries this screen adds to the command palette."""
        return []
