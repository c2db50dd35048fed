"""Which resources a per-resource refresh reads this tick, within the API budget.

Some figures cost one call per resource (a function's aliases, a state machine's recent
executions): refreshing all of them every tick would crowd out everything else under
the account's quota. A Sweep remembers when each resource was last read and, each tick,
picks, within what the budget has spare (AwsContext.spare): those on screen never read
first, published at once -- what the user looks at must not wait longer than the share
allows -- then the moving ones (mid-deploy, running), those on screen, those never read,
then the longest unread. A refresh the user asked for reads everything on screen, spare
or not. Calls for them belong inside console.aws.budget.sweeping().
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Collection, Generic, Hashable, Iterable, TypeVar

K = TypeVar("K", bound=Hashable)


@dataclass(frozen=True)
class Due(Generic[K]):
    """What a tick reads: `now` (on screen and unread, or asked for) before anything else,
    published as soon as it is read; then `then`, within the budget."""

    now: list[K]
    then: list[K]


class Sweep:
    def __init__(self, batch: int = 50) -> None:
        self.batch = batch  # at most this many budgeted reads a tick
        self.read_at: dict[Hashable, float] = {}

    def due(self, keys: Iterable[K], *, spare: int, on_screen: Collection[K] = (), moving: Collection[K] = (),
            fresh: bool = False) -> Due[K]:
        """The keys to read this tick, in order."""
        keys = list(keys)
        now_first = [k for k in keys if k in on_screen and (fresh or k not in self.read_at)]
        if not fresh:  # only a refresh the user asked for may go past the budget's share
            now_first = now_first[:max(0, spare)]
        urgent = set(now_first)
        rest = sorted((k for k in keys if k not in urgent), key=lambda k: (
            k not in moving, k not in on_screen, k in self.read_at, self.read_at.get(k, 0.0)))
        budget = spare if fresh else spare - len(now_first)
        return Due(now_first, rest[:max(0, min(self.batch, budget))])

    def read(self, keys: Iterable[Hashable], at: float) -> None:
        for key in keys:
            self.read_at[key] = at

    def keep_only(self, keys: Collection[Hashable]) -> list[Hashable]:
        """Forget resources that are gone; returns them."""
        gone = [k for k in self.read_at if k not in keys]
        for key in gone:
            del self.read_at[key]
        return gone

    def reset(self) -> None:
        self.read_at.clear()
