"""The JSON payload editor: a TextArea with JSON highlighting when tree-sitter has it.

Highlighting needs the `tree-sitter` and `tree-sitter-json` packages (pinned in
pyproject). Without them the editor is plain text: it never fails to open.
"""

from __future__ import annotations

from textual.widgets import TextArea


def json_language() -> str | None:
    """"json" when Textual can load the JSON grammar, else None (plain text)."""
    try:
        from textual._tree_sitter import get_language
    except ImportError:  # pragma: no cover - Textual moved it: plain text, never a crash
        return None
    try:
        return "json" if get_language("json") is not None else None
    except Exception:  # noqa: BLE001 - a broken grammar install: plain text
        return None


class PayloadEditor(TextArea):
    """JSON text with line numbers; `place_cursor(line, column)` takes 1-based positions."""

    def __init__(self, text: str = "", *, id: str | None = None) -> None:
        super().__init__(text, language=json_language(), show_line_numbers=True,
                         soft_wrap=False, id=id)

    def place_cursor(self, line: int, column: int) -> None:
        row = max(0, min(line - 1, self.document.line_count - 1))
        col = max(0, min(column - 1, len(self.document.get_line(row))))
        self.cursor_location = (row, col)
        self.scroll_cursor_visible()
        self.focus()
