"""A service's dashboard panel: what it shows (a PanelSpec) and its own keys.

Every panel is a ResourcePanel around one ResourceTable, configured by data: the
sources it draws, its columns, default sort and tones. A service subclasses
ServicePanel in screens/<service>/panel.py, sets SPEC and adds its key bindings and
their actions there; the bindings are active while the panel's table has the focus, so
`i` means invoke on the Lambda panel and nothing elsewhere. The dashboard knows panels
only through this interface.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from operator import attrgetter
from typing import TYPE_CHECKING, Any, Callable, ClassVar

from console.polling import Store
from screens.detail import DetailScreen
from widgets.panel import PanelState, ResourcePanel
from widgets.resource_table import Column, ResourceTable

if TYPE_CHECKING:
    from textual.screen import Screen


@dataclass(frozen=True)
class PanelSpec:
    id: str
    title: str
    noun: str  # "no <noun> in us-east-1"
    source: str
    columns: tuple[Column, ...]
    sort_key: Callable[[Any], Any]
    name_of: Callable[[Any], str] = attrgetter("name")
    # what `?` help says about the panel: its columns, colours, markers, windows
    help: str = ""
    # a second source merged into the rows, and how: join(primary items, its items)
    related: str | None = None
    join: Callable[[tuple[Any, ...], tuple[Any, ...]], tuple[Any, ...]] | None = None

    @property
    def sources(self) -> tuple[str, ...]:
        return (self.source,) + ((self.related,) if self.related else ())


class ServicePanel(ResourcePanel):
    """One service's panel on the dashboard; subclasses set SPEC and their BINDINGS."""

    SPEC: ClassVar[PanelSpec]

    def __init__(self) -> None:
        spec = self.SPEC
        table = ResourceTable(spec.columns, sort_key=spec.sort_key, name_of=spec.name_of, id=f"{spec.id}-table")
        super().__init__(spec.title, spec.noun, table, id=f"{spec.id}-panel")

    @property
    def spec(self) -> PanelSpec:
        return self.SPEC

    @property
    def help_title(self) -> str:
        """How `?` help heads this panel's keys."""
        return f"{self.SPEC.title} panel"

    # data -------------------------------------------------------------------------
    def show(self, items: Any, state: PanelState, where: str, now: datetime) -> None:
        super().show(items, state, where, now)
        self.report_in_view()

    def report_in_view(self) -> None:
        """Tell the engine which rows are on screen as soon as they are laid out, before the
        first paint lets the sources' costly phases start: a source reading per row
        (console.polling.in_view) starts with the rows the user sees, not the listing's
        first. (The dashboard reports them again every second and after scrolls.)"""
        engine = getattr(self.app, "engine", None)
        if engine is not None and self.is_mounted:
            engine.show_keys(self.SPEC.source, self.table.keys_in_view() if self.display else frozenset())

    def rows(self, store: Store) -> tuple[Any, ...]:
        """The rows to show from the store's latest snapshots of this panel's sources."""
        spec = self.SPEC
        primary = store.latest(spec.source)
        items = primary.items if primary else ()
        if spec.join is not None:
            related = store.latest(spec.related) if spec.related else None
            items = spec.join(items, related.items if related else ())
        return items

    def state_from(self, store: Store, count: int) -> PanelState:
        snapshot = store.latest(self.SPEC.source)
        if snapshot is None:
            return PanelState(loaded=False, count=0)
        return PanelState(snapshot.loaded, count, snapshot.error, snapshot.age(store.clock))

    # what the dashboard asks ----------------------------------------------------------
    def detail_screen(self, item: Any) -> "Screen":
        """`enter` on a row: the item's detail screen (services override with their own),
        following this panel's sources while it is open."""
        key_of, key = self.table.key_of, self.table.key_of(item)
        store = self.app.store

        def find() -> Any | None:
            return next((row for row in self.rows(store) if key_of(row) == key), None)

        return DetailScreen(item, self.SPEC.sources, find)

    def on_dashboard_ready(self) -> None:
        """Called once the dashboard has mounted (e.g. to offer what a crash left open)."""

    def palette_commands(self) -> list[tuple[str, str, object]]:
        """(name, help, callback) entries this panel adds to the command palette."""
        return []
