"""Shown while opsdeck asks AWS who we are (STS GetCallerIdentity)."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.screen import Screen
from textual.widgets import LoadingIndicator, Static

from console.text import inert


class LoadingScreen(Screen):
    def __init__(self, where: str) -> None:
        super().__init__()
        self.where = where

    def compose(self) -> ComposeResult:
        yield Static(inert(f"Connecting to {self.where}…"), id="connecting")
        yield LoadingIndicator()
