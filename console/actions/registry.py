"""Every action opsdeck can run, by name: the read-only proof and the palette enumerate it."""

from __future__ import annotations

from typing import TYPE_CHECKING, TypeVar

if TYPE_CHECKING:
    from console.actions.base import Action

A = TypeVar("A", bound="type[Action]")

REGISTRY: dict[str, "type[Action]"] = {}


def register(cls: A) -> A:
    """Class decorator: list the action under its `name` (names are unique)."""
    name = cls.name
    if not name:
        raise ValueError(f"{cls.__name__} has no name")
    if REGISTRY.get(name, cls) is not cls:
        raise ValueError(f"two actions named {name!r}")
    REGISTRY[name] = cls
    return cls
