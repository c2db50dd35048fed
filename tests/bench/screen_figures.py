"""Figures read off one box of the screen: "2,000 services with their deployments complete
on screen", from the process's start, and the floor AWS's request-rate quotas put under it.

A figure names its box by title (a dashboard panel, or a screen reached by pressing
`keys` once the dashboard is drawn), the listing whose items are its rows (all of them,
or the largest group: the biggest cluster) and the operations those rows need at the
least. It is reached when the box's title counts every row and no placeholder is left in
it; the rows the screen cannot show at once are then checked by pressing `check_keys`
(the end of the table), not timed.

The floor: each operation's fewest calls for those rows (tests/bench/estate.py, from the
documented page and batch sizes), summed per quota; AWS lets a full bucket of `burst`
requests through at once and `rate` a second after, so n calls take at least
(n - burst) / rate seconds, whatever the client does. The slowest quota is the floor.
opsdeck paces itself a little under AWS's rate (console.aws.budget PACE and SLACK): its
own floor is given beside it. Operations and titles appear only as data, as in MINIMUMS.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from typing import Sequence

from console.aws.budget import PACE, SLACK
from console.aws.limits import quota_for
from tests.bench.estate import MINIMUMS, Estate, split
from tests.bench.screen import find_panel, placeholders

REGION = "us-east-1"


@dataclass(frozen=True)
class ScreenFigure:
    name: str
    label: str
    title: str  # a panel's title (its box), or the start of a screen's title line; {group} as in keys
    rows_of: str  # the listing whose items are the rows
    reads: tuple[str, ...]  # the operations the rows need, at the least, before they are complete
    largest_group: bool = False  # the rows are the largest group of `rows_of` (one cluster's)
    # A screen (not a panel) says its row count on a line: this pattern, {rows} filled in;
    # while that line holds one of `pending`, rows are still to come or to be read.
    count_line: str | None = None
    pending: tuple[str, ...] = ()
    from_panel: str | None = None  # the dashboard panel to focus (by its number) once it shows a row
    # then pressed in turn, each once the screen shows its text (None: once the screen has
    # changed): keys typed before the app has moved the focus would go to the wrong widget
    # (a letter is a key binding on a panel). "{group}": the largest group's parent's name.
    keys: tuple[tuple[str, str | None], ...] = ()
    check_keys: tuple[str, ...] = ()  # pressed once reached: brings the table's last rows into view
    target_s: float = 3.0

    def group(self, estate: Estate) -> int | None:
        """The parent group the rows belong to (None: every group)."""
        if not self.largest_group:
            return None
        sizes = [len(g) for g in estate.groups[self.rows_of]]
        return max(range(len(sizes)), key=sizes.__getitem__)

    def group_name(self, estate: Estate) -> str:
        """The name of the largest group's parent item (the last part of its ARN)."""
        group = self.group(estate)
        if group is None:
            return ""
        parent = MINIMUMS[self.rows_of].per  # type: ignore[union-attr]
        return str(estate.groups[parent][0][group]).rsplit("/", 1)[-1]

    def resolved(self, estate: Estate) -> "ScreenFigure":
        """With {group} in its title and keys replaced by the largest group's name."""
        name = self.group_name(estate)
        return replace(self, title=self.title.replace("{group}", name),
                       keys=tuple((k.replace("{group}", name), None if then is None else then.replace("{group}", name))
                                  for k, then in self.keys))

    def rows(self, estate: Estate) -> int:
        group = self.group(estate)
        return estate.items(self.rows_of) if group is None else len(estate.groups[self.rows_of][group])


SCREEN_FIGURES: tuple[ScreenFigure, ...] = (
    # The dashboard's ECS panel lists clusters; `enter` on one opens its services screen
    # (screens/ecs/services.py), which says "N services · … · K not read yet" and
    # "reading… more as pages arrive" until every service and its tasks are read.
    ScreenFigure(
        name="ecs_cluster_services",
        label="the largest cluster's services screen, deployments and health read",
        title="Services · {group}",
        rows_of="ecs:ListServices",
        largest_group=True,
        reads=("ecs:ListServices", "ecs:DescribeServices", "ecs:ListTasks", "ecs:DescribeTasks"),
        count_line=r"^\s*{rows} services\b",
        pending=("not read yet", "reading…"),
        from_panel="ECS / Fargate",
        # filter the clusters by name (the box opens), submit the filter (the table takes the
        # focus: the footer offers the table's keys again), open the one row left
        keys=(("/", "filter by name"), ("{group}", None), ("enter", "Clear filter  q Quit"),
              ("enter", "Services · {group}")),
        check_keys=("G",),  # the last row (widgets/resource_table.py)
    ),
)


@dataclass(frozen=True)
class QuotaFloor:
    quota: str
    calls: int
    rate: float
    burst: float
    seconds: float  # AWS's floor: (calls - burst) / rate
    opsdeck_seconds: float  # opsdeck's own pacing: (calls - (burst - SLACK)) / (rate * PACE)


def floors(figure: ScreenFigure, estate: Estate, region: str = REGION, *, every_group: bool = False
           ) -> list[QuotaFloor]:
    """Per quota the figure's rows need, slowest first. `every_group`: what reading every
    group takes (a source that reads all clusters before it publishes one's rows)."""
    group = None if every_group else figure.group(estate)
    per_quota: dict[str, list] = {}
    for operation in figure.reads:
        calls = estate.minimum(operation, only=group)
        quota = quota_for(*split(operation), region)
        if calls is None or quota is None:
            continue
        entry = per_quota.setdefault(quota.name, [quota, 0])
        entry[1] += calls
    found = [QuotaFloor(name, calls, quota.rate, quota.burst, _wait(calls, quota.rate, quota.burst),
                        _wait(calls, quota.rate * PACE, quota.burst - SLACK))
             for name, (quota, calls) in per_quota.items()]
    return sorted(found, key=lambda f: -f.seconds)


def refill_seconds(figure: ScreenFigure, region: str = REGION) -> float:
    """How long the figure's quotas take to refill from empty: a run started that long
    after the previous one's last call meets full buckets, as a user opening opsdeck does."""
    found = [quota_for(*split(op), region) for op in figure.reads]
    return max((q.burst / q.rate for q in found if q is not None), default=0.0)


def _wait(calls: int, rate: float, burst: float) -> float:
    return round(max(0.0, calls - burst) / rate, 2)


def counted(lines: Sequence[str], figure: ScreenFigure, rows: int) -> bool:
    """Every row listed and described: the figure's panel counts `rows` rows in its title
    and draws some, or its screen (title line present) says `rows` on its count line;
    values in the rows may still be to come."""
    if figure.count_line is None:
        box = find_panel(lines, figure.title)
        return box is not None and box.state in ("count", "stale") and (box.count or 0) >= rows and box.rows > 0
    return _on_screen(lines, figure) and _count_line(lines, figure, rows) is not None


def reached(lines: Sequence[str], figure: ScreenFigure, rows: int) -> bool:
    """`counted`, with nothing left to come: no placeholder in the panel (on the whole
    screen, for a screen) and none of `pending` on the count line."""
    if not counted(lines, figure, rows):
        return False
    if figure.count_line is None:
        box = find_panel(lines, figure.title)
        return not any(p.panel == figure.title for p in placeholders(lines, [box]))
    line = _count_line(lines, figure, rows) or ""
    return not placeholders(lines) and not any(word in line for word in figure.pending)


def _on_screen(lines: Sequence[str], figure: ScreenFigure) -> bool:
    return any(line.strip().startswith(figure.title) for line in lines)


def _count_line(lines: Sequence[str], figure: ScreenFigure, rows: int) -> str | None:
    pattern = re.compile(figure.count_line.replace("{rows}", str(rows)))  # type: ignore[union-attr]
    return next((line for line in lines if pattern.search(line)), None)
