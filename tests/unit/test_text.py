from rich.text import Text

from console.text import inert, inert_str

HOSTILE = [
    "\x1b[31mred\x1b[0m",
    "\x1b]52;c;ZXZpbA==\x07",  # OSC 52: write to the clipboard
    "\u009b31m",  # C1 CSI
    "back\x08space\x7f",
    "[/]",
    "[bold red]not markup[/]",
]


def test_control_characters_become_visible_glyphs():
    for value in HOSTILE:
        shown = inert_str(value)
        assert not any(ord(ch) < 0x20 or 0x7F <= ord(ch) < 0xA0 for ch in shown), repr(shown)
    assert inert_str("\x1b[31m") == "\u241b[31m"
    assert inert_str("\u009b") == "<9B>"


def test_markup_stays_literal_text():
    text = inert("[bold red]not markup[/]")
    assert isinstance(text, Text)
    assert text.plain == "[bold red]not markup[/]"
    assert text.spans == []


def test_none_and_numbers():
    assert inert_str(None) == ""
    assert inert_str(12) == "12"
    assert inert_str("a\tb") == "a    b"
