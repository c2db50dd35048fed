"""Ask for an MFA code before connecting with a role profile that has `mfa_serial`.

botocore's own prompt would block the event loop on a hidden terminal, so the app shows
this modal first and calls STS AssumeRole itself with the code. The code is a password
field: it never appears on screen, in screenshots or in logs; the modal returns it to
the caller and keeps no copy. A wrong code brings the modal back with STS's answer.
The same modal asks again when the role's session expires mid-session (`reason` says so).
"""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Static

from console.text import inert


class MfaScreen(ModalScreen[str | None]):
    """Returns the code typed (six digits), or None when the user cancels with esc."""

    DEFAULT_CSS = """
    MfaScreen { align: center middle; }
    MfaScreen > #mfa { width: 64; height: auto; padding: 1 2; border: round $primary; background: $surface; }
    MfaScreen #mfa-error { color: $error; }
    MfaScreen #mfa-reason { color: $warning; }
    """
    BINDINGS = [Binding("escape", "cancel", "Cancel", id="mfa.cancel")]

    def __init__(self, profile: str, serial: str, error: str | None = None, reason: str | None = None) -> None:
        super().__init__()
        self.profile = profile
        self.serial = serial
        self.error = error
        self.reason = reason

    def compose(self) -> ComposeResult:
        with Vertical(id="mfa"):
            yield Static(inert(f"MFA code for profile {self.profile}"), id="mfa-title")
            yield Static(inert(f"device {self.serial}"), id="mfa-serial")
            if self.reason:
                yield Static(inert(self.reason), id="mfa-reason")
            yield Input(placeholder="6-digit code", password=True, restrict=r"[0-9]*", max_length=6, id="mfa-code")
            yield Static(inert(self.error or ""), id="mfa-error")
            yield Static(inert("enter confirm    esc cancel"), id="mfa-keys")

    def on_mount(self) -> None:
        self.query_one("#mfa-code", Input).focus()

    def on_input_changed(self, event: Input.Changed) -> None:
        """A new code is being typed: the error was about the last one."""
        self.query_one("#mfa-error", Static).update("")

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        code = event.value.strip()
        if len(code) != 6:
            self.query_one("#mfa-error", Static).update(inert("The code has six digits."))
            return
        self.dismiss(code)

    def action_cancel(self) -> None:
        self.dismiss(None)
