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

from dataclasses import dataclass
from typing import Sequence

from console.aws.budget import PACE, SLACK
from console.aws.limits import quota_for
from tests.bench.estate import Estate, split
from tests.bench.screen import PanelView, find_panel, placeholders

REGION = "us-east-1"


@dataclass(frozen=True)
class ScreenFigure:
    name: str
    label: str
    title: str  # the box's title as drawn (a panel's SPEC.title, a screen's title)
    rows_of: str  # the listing whose items are the rows
    reads: tuple[str, ...]  # the operations the rows need, at the least, before they are complete
    largest_group: bool = False  # the rows are the largest group of `rows_of` (one cluster's)
    keys: tuple[str, ...] = ()  # pressed, in turn, once the dashboard is drawn
    check_keys: tuple[str, ...] = ()  # pressed once reached: brings the table's last rows into view
    target_s: float = 3.0

    def group(self, estate: Estate) -> int | None:
        """The parent group the rows belong to (None: every group)."""
        if not self.largest_group:
            return None
        sizes = [len(g) for g in estate.groups[self.rows_of]]
        return max(range(len(sizes)), key=sizes.__getitem__)

    def rows(self, estate: Estate) -> int:
        group = self.group(estate)
        return estate.items(self.rows_of) if group is None else len(estate.groups[self.rows_of][group])


SCREEN_FIGURES: tuple[ScreenFigure, ...] = (
    ScreenFigure(
        name="ecs_dashboard_services",
        label="every ECS service on the dashboard panel, deployments and health read",
        title="ECS / Fargate",
        rows_of="ecs:ListServices",
        reads=("ecs:ListClusters", "ecs:DescribeClusters", "ecs:ListServices", "ecs:DescribeServices",
               "ecs:ListTasks", "ecs:DescribeTasks"),
        check_keys=("G",),  # the last row (widgets/resource_table.py); the panel is focused first
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


def floors(figure: ScreenFigure, estate: Estate, region: str = REGION) -> list[QuotaFloor]:
    """Per quota the figure's rows need, slowest first."""
    group = figure.group(estate)
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


def counted(lines: Sequence[str], figure: ScreenFigure, rows: int) -> PanelView | None:
    """The figure's box once its title counts `rows` rows and it draws some (every row
    listed and described, values in them perhaps still to come); else None."""
    box = find_panel(lines, figure.title)
    if box is None or box.state not in ("count", "stale") or (box.count or 0) < rows or box.rows == 0:
        return None
    return box


def reached(lines: Sequence[str], figure: ScreenFigure, rows: int) -> PanelView | None:
    """The figure's box once it is `counted` and no placeholder is left inside it; else None."""
    box = counted(lines, figure, rows)
    if box is None or any(p.panel == box.title for p in placeholders(lines, [box])):
        return None
    return box
