"""Which resources a per-resource refresh reads this tick, within the API budget.

Some figures cost one call per resource (a function's aliases, a state machine's recent
executions), some a call per few (ten ECS services of one cluster a DescribeServices),
some several (a cluster's task pages): refreshing all of them every tick would crowd out
everything else under the account's quota. A Sweep remembers when each resource was last
read and, each tick, picks, within what the budget has spare (AwsContext.spare) and at
most `batch` calls: those on screen never read first, published at once -- what the user
looks at must not wait longer than the share allows -- then the moving ones (mid-deploy,
running), those on screen, those never read, then the longest unread. A refresh the user
asked for reads everything on screen, spare or not. Calls for them belong inside
console.aws.budget.sweeping(). The `batch` cap spreads a re-read of everything over the
ticks (2,000 ECS services are 200 describes: a minute's share of the quota in one burst
would leave the rows on screen unrefreshed for the rest of that minute).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Collection, Generic, Hashable, Iterable, TypeVar

K = TypeVar("K", bound=Hashable)


@dataclass(frozen=True)
class Due(Generic[K]):
    """What a tick reads: `now` (on screen and unread, or asked for) before anything else,
    published as soon as it is read; then `then`, within the budget."""

    now: list[K]
    then: list[K]


class Calls(Generic[K]):
    """What reading a set of keys costs in calls: `cost(key)` each (a cluster's task pages),
    or, with `together`, `per_call` keys of the same group a call (DescribeServices takes ten
    services of one cluster): a key joining a group's call that has room costs nothing."""

    def __init__(self, cost: Callable[[K], int] | None = None, together: Callable[[K], Hashable] | None = None,
                 per_call: int = 1) -> None:
        self.cost = cost
        self.together = together
        self.per_call = per_call
        self._room: dict[Hashable, int] = {}  # group -> keys its last call still takes

    def extra(self, key: K) -> int:
        """The calls `key` adds to those counted so far."""
        if self.together is not None and self._room.get(self.together(key), 0) > 0:
            return 0
        return self.cost(key) if self.cost is not None else 1

    def add(self, key: K) -> None:
        if self.together is not None:
            group = self.together(key)
            room = self._room.get(group, 0)
            self._room[group] = room - 1 if room > 0 else self.per_call - 1


def calls_for(keys: Iterable[K], together: Callable[[K], Hashable], per_call: int) -> list[list[K]]:
    """`keys` as the calls that read them: per group in order, `per_call` a call (the calls
    Calls counted)."""
    groups: dict[Hashable, list[list[K]]] = {}
    for key in keys:
        calls = groups.setdefault(together(key), [[]])
        if len(calls[-1]) == per_call:
            calls.append([])
        calls[-1].append(key)
    return [call for calls in groups.values() for call in calls]


class Sweep:
    def __init__(self, batch: int = 50) -> None:
        self.batch = batch  # at most this many budgeted calls a tick
        self.read_at: dict[Hashable, float] = {}

    def due(self, keys: Iterable[K], *, spare: int, on_screen: Collection[K] = (), moving: Collection[K] = (),
            fresh: bool = False, cost: Callable[[K], int] | None = None,
            together: Callable[[K], Hashable] | None = None, per_call: int = 1) -> Due[K]:
        """The keys to read this tick, in order (`cost`, `together`, `per_call`: see Calls).
        Past the budget, lower keys still join a call already counted."""
        keys = list(keys)
        first = [k for k in keys if k in on_screen and (fresh or k not in self.read_at)]
        now, spent = self._take(first, None if fresh else spare, Calls(cost, together, per_call))
        urgent = set(now)
        rest = sorted((k for k in keys if k not in urgent), key=lambda k: (
            k not in moving, k not in on_screen, k in self.read_at, self.read_at.get(k, 0.0)))
        budget = spare if fresh else spare - spent  # only a refresh the user asked for goes past the share
        then, _ = self._take(rest, min(self.batch, budget), Calls(cost, together, per_call))
        return Due(now, then)

    @staticmethod
    def _take(ordered: list[K], budget: int | None, calls: Calls[K]) -> tuple[list[K], int]:
        """The keys, in order, while their calls fit `budget` (None: all); then those that
        join a call already taken. Strict order: a costly key that does not fit is not
        passed by cheaper ones behind it (it would wait for ever)."""
        taken: list[K] = []
        spent = 0
        full = False
        for key in ordered:
            extra = calls.extra(key)
            if extra and (full or (budget is not None and spent + extra > budget)):
                full = True
                continue
            calls.add(key)
            spent += extra
            taken.append(key)
        return taken, spent

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
