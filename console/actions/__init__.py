"""Guarded actions: every mutating thing opsdeck does, as plan -> apply -> verify, audited.

`REGISTRY` maps action names to classes (filled by `@register` as the action modules
load); `run_action` / `Runner` is the one orchestration the TUI and the CLI share.
Names are resolved lazily, so `console.cli` can register the action commands without
importing aiobotocore until one of them runs.
"""

from __future__ import annotations

import importlib
from typing import Any

ACTION_MODULES = ("console.actions.events", "console.actions.lambda_deploy")  # each registers its actions on import

_EXPORTS = {
    "Action": "base", "ApplyResult": "base", "Plan": "base", "Progress": "base", "Step": "base",
    "VerifyResult": "base",
    "ConfirmationError": "confirm", "check_confirmation": "confirm", "needs_typed_confirmation": "confirm",
    "ActionRefused": "runner", "Confirmation": "runner", "Outcome": "runner", "Runner": "runner",
    "run_action": "runner",
    "register": "registry",
}


def load_actions() -> None:
    for module in ACTION_MODULES:
        importlib.import_module(module)


def __getattr__(name: str) -> Any:
    if name == "REGISTRY":
        load_actions()
        from console.actions.registry import REGISTRY

        return REGISTRY
    if name in _EXPORTS:
        return getattr(importlib.import_module(f"console.actions.{_EXPORTS[name]}"), name)
    raise AttributeError(f"module 'console.actions' has no attribute {name!r}")


__all__ = ["REGISTRY", "load_actions", *_EXPORTS]
