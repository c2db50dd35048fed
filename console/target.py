"""Where data comes from: every model carries its Target so several can be watched."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Target:
    profile: str | None
    region: str
    endpoint: str | None = None
    account: str | None = None
    demo: bool = False

    @property
    def label(self) -> str:
        """What the status bar calls this target: `demo`, the profile, or `default`."""
        if self.demo:
            return "demo"
        return self.profile or "default"

    def with_account(self, account: str) -> "Target":
        return Target(self.profile, self.region, self.endpoint, account, self.demo)
