"""A resource's fields as key/value rows: the first drill-down from any table.

Generic over the frozen models (nested dataclasses are flattened to dotted keys), so
every resource has a detail view before its service gets a dedicated screen.
"""

from __future__ import annotations

import dataclasses
from typing import Any, Iterator

from textual.app import ComposeResult
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Static

from console.target import Target
from console.text import inert
from widgets.cells import text


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


class DetailScreen(Screen):
    """Every field of one resource; esc goes back."""

    HELP = "Every field opsdeck read for this resource, as AWS gave it: one row per field."

    def __init__(self, item: Any) -> None:
        super().__init__()
        self.item = item

    def compose(self) -> ComposeResult:
        name = getattr(self.item, "name", "") or getattr(self.item, "key", "")
        title = inert(type(getattr(self.item, "function", self.item)).__name__ + " ")
        title.append_text(inert(name))
        yield Static(title, id="detail-title")
        table: DataTable = DataTable(cursor_type="row", id="fields")
        table.add_columns("field", "value")
        for key, value in fields_of(self.item):
            table.add_row(inert(key), text(value))
        yield table
        yield Footer()
