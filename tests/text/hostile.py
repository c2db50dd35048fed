"""Hostile strings, and a scanner for escape sequences Textual did not write itself."""

from __future__ import annotations

import re

OSC52 = "\x1b]52;c;ZXZpbA==\x07"
HOSTILE = (
    "\x1b[31mred",
    OSC52,
    "\u009b31mcsi",
    "bell\x07",
    "back\x08space",
    "del\x7f",
    "[/]",
    "[bold]x[/bold]",
    "[link=file:///etc/passwd]x[/link]",
    "line1\nline2\r",
    "long-" + "A" * 3000,
)
ONE = "".join(HOSTILE[:-1])  # every trick in one string

# The CSI shapes Textual's drivers write: SGR, cursor moves/positions, erase, private
# modes (set/reset/query) and the kitty keyboard protocol.
TEXTUAL_CSI = re.compile(
    r"\x1b\[(?:[0-9;:]*m|\d*(?:;\d*)?[HfABCDEFGJKX]|\?[\d;]+(?:h|l|\$p)|[<>=]\d*u|\d*(?:;\d*)*t)"
)


# The one OSC Textual 8.2 writes by itself: the kitty pointer shape (OSC 22), e.g.
# "\x1b]22;default\x07" whenever a screen is shown. Only that exact form is allowed.
TEXTUAL_OSC = re.compile(r"\x1b\]22;[a-z-]+\x07")


def foreign_sequences(stream: str) -> list[str]:
    """Escape sequences and raw controls in `stream` that Textual's driver does not emit:
    any BEL or OSC (but Textual's own pointer-shape OSC 22), C1 control (U+009B CSI...),
    DEL, backspace, or ESC not starting one of TEXTUAL_CSI."""
    stream = TEXTUAL_OSC.sub("", stream)
    found = []
    for index, char in enumerate(stream):
        code = ord(char)
        if char == "\x1b":
            if not TEXTUAL_CSI.match(stream, index):
                found.append(repr(stream[index:index + 16]))
        elif (code < 0x20 and char not in "\r\n") or 0x7F <= code < 0xA0:
            found.append(repr(stream[max(0, index - 8):index + 8]))
    return found
