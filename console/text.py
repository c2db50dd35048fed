"""Untrusted text from AWS, made safe to show.

Names, tags, log lines and payloads can carry terminal escape sequences (ESC, CSI,
OSC 52 clipboard writes, BEL) and Rich markup (`[/]` crashes a DataTable). `inert()`
turns every C0/C1 control character and DEL into a visible glyph and returns a Text,
which widgets render literally, never as markup.
"""

from __future__ import annotations

from rich.text import Text

_TAB_WIDTH = 4
# C0 controls become their Unicode "control picture" (U+2400 block); DEL too.
_C0 = {code: chr(0x2400 + code) for code in range(0x20)}
_C0[0x7F] = "\u2421"
# C1 controls (U+0080..U+009F, e.g. U+009B CSI) have no pictures: show them as <9B>.
_C1 = {code: f"<{code:02X}>" for code in range(0x80, 0xA0)}
_TABLE = {**_C0, **_C1, 0x09: " " * _TAB_WIDTH}


def inert_str(value: object) -> str:
    """The text of `value` with every control character replaced by a visible glyph."""
    text = value if isinstance(value, str) else ("" if value is None else str(value))
    if text.isprintable():  # no control character at all (the common case): nothing to replace
        return text
    return text.translate(_TABLE)


def inert(value: object, style: str = "") -> Text:
    """A Text that shows `value` literally: no markup, no escape sequences."""
    return Text(inert_str(value), style=style, no_wrap=False, end="")


def inert_lines(value: object, style: str = "") -> Text:
    """Multi-line untrusted text (a pretty-printed payload), each line inert: inert() alone
    shows a newline as ␊, which is right for one-line cells and wrong for a JSON body."""
    text = value if isinstance(value, str) else ("" if value is None else str(value))
    out = Text(end="")
    for index, line in enumerate(text.split("\n")):
        if index:
            out.append("\n")
        out.append_text(inert(line, style=style))
    return out
