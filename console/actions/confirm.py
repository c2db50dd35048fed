"""Who must confirm what, decided here and not in the UI.

A profile or account marked `protected` in the config makes the user type the target's
name; `--yes` alone is refused for it, unless `--i-know-this-is-protected` is also
given (the scripted, eyes-open case). The TUI and the CLI both call
`check_confirmation`, so neither can forget a rule.
"""

from __future__ import annotations

from console.actions.base import Plan
from console.config import Settings


class ConfirmationError(Exception):
    """The user has not confirmed the plan the way its target requires."""


def needs_typed_confirmation(settings: Settings, profile: str | None, account: str | None) -> bool:
    """True when the profile or the account is protected in the config."""
    return settings.is_protected(profile, account)


def check_confirmation(plan: Plan, typed: str | None, yes: bool, i_know_protected: bool = False) -> None:
    """Raise ConfirmationError unless the plan may be applied.

    `typed` is what the user entered at the confirmation prompt (None: no prompt was
    answered); `yes` is a blanket --yes. Unprotected targets accept either; protected
    ones need `typed` to equal the target's name, or --yes with --i-know-this-is-protected.
    """
    if not plan.protected:
        if yes or typed is not None:
            return
        raise ConfirmationError(f"{plan.summary or plan.action}: not confirmed")
    if typed is not None:
        if typed.strip() == plan.target_name:
            return
        raise ConfirmationError(
            f"{plan.target_name!r} is protected: type its name exactly to confirm "
            f"(you typed {typed.strip()!r})")
    if yes and i_know_protected:
        return
    if yes:
        raise ConfirmationError(
            f"{plan.target_name!r} is on a protected profile or account: --yes is refused; "
            "type the name when asked, or add --i-know-this-is-protected")
    raise ConfirmationError(f"{plan.target_name!r} is protected: type its name to confirm")
