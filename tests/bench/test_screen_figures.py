"""The screen figures' two halves that can be wrong without a terminal: the floor the
documented quotas put under a figure (tests/bench/screen_figures.py, from the estate's
size and the documented page and batch sizes), and reading a box as counted or complete."""

from __future__ import annotations

from tests.bench.estate import Estate
from tests.bench.screen_figures import ScreenFigure, counted, floors, reached

SERVICES = ScreenFigure(name="services", label="services", title="Services", rows_of="ecs:ListServices",
                        reads=("ecs:ListServices", "ecs:DescribeServices"))


def estate(*cluster_sizes: int) -> Estate:
    clusters = [f"arn:aws:ecs:us-east-1:123456789012:cluster/c{i}" for i in range(len(cluster_sizes))]
    services = [[f"{cluster}/svc-{n}" for n in range(size)] for cluster, size in zip(clusters, cluster_sizes)]
    return Estate({"ecs:ListClusters": [clusters], "ecs:ListServices": services})


def test_the_issue_s_2000_services_take_six_seconds_at_ecs_s_documented_rate():
    """20 ListServices pages + 200 DescribeServices batches under 'ecs service reads'
    (20 a second, a bucket of 100): (220 - 100) / 20 = 6 s, twice the 3 s target."""
    [floor] = floors(SERVICES, estate(1_500, 200, 100, 100, 100))
    assert (floor.quota, floor.calls, floor.seconds) == ("ecs service reads", 220, 6.0)
    assert floor.opsdeck_seconds > floor.seconds  # opsdeck paces a little under AWS's rate


def test_a_cluster_s_own_services_floor_counts_that_cluster_only():
    big = ScreenFigure(**{**vars(SERVICES), "largest_group": True})
    the_estate = estate(2, 1_498, 500)
    assert big.rows(the_estate) == 1_498
    [floor] = floors(big, the_estate)
    assert (floor.calls, floor.seconds) == (15 + 150, 3.25)
    [every] = floors(big, the_estate, every_group=True)  # a source that reads every cluster first
    assert every.calls == (1 + 15 + 5) + (1 + 150 + 50)


def test_a_few_calls_within_the_burst_cost_no_time():
    [floor] = floors(SERVICES, estate(30, 20))
    assert (floor.calls, floor.seconds, floor.opsdeck_seconds) == (2 + 5, 0.0, 0.0)


def box(title_state: str, *rows: str) -> list[str]:
    return [f"╭─ Services · {title_state} ────────╮",
            "│ service   health           │",
            *(f"│ {row:<26} │" for row in rows),
            "╰────────────────────────────╯",
            " account …"]


def test_a_box_is_counted_once_its_title_counts_every_row_and_complete_without_placeholders():
    assert not counted(box("loading…"), SERVICES, 2)
    assert not counted(box("1", "svc-1     …"), SERVICES, 2)
    assert counted(box("2", "svc-1     …", "svc-2     healthy"), SERVICES, 2)
    assert not reached(box("2", "svc-1     …", "svc-2     healthy"), SERVICES, 2)
    # a placeholder outside the box (the status bar's account) is not the figure's
    assert reached(box("2", "svc-1     healthy", "svc-2     healthy"), SERVICES, 2)


CLUSTER_SCREEN = ScreenFigure(name="cluster", label="cluster", title="Services · {group}", rows_of="ecs:ListServices",
                              reads=("ecs:ListServices",), largest_group=True, count_line=r"^\s*{rows} services\b",
                              pending=("not read yet", "reading…"), keys=(("/", None), ("{group}", "{group}"), ("enter", "Services · {group}")))


def screen(status: str, *rows: str) -> list[str]:
    return ["Services · c1", f" {status}", " service    health", *(f" {row}" for row in rows), " acct 123456789012"]


def test_a_screen_names_the_largest_group_and_says_its_count_on_a_line():
    figure = CLUSTER_SCREEN.resolved(estate(2, 3))
    assert (figure.title, figure.keys) == ("Services · c1", (("/", None), ("c1", "c1"), ("enter", "Services · c1")))
    assert not counted(screen("2 services · reading… more as pages arrive", "a  …", "b  …"), figure, 3)
    assert not counted(["Services · c0", " 3 services"], figure, 3)  # another cluster's screen
    still_reading = screen("3 services · 0 not at steady state · 3 not read yet", "a  …", "b  …", "c  …")
    assert counted(still_reading, figure, 3) and not reached(still_reading, figure, 3)
    pages_to_come = screen("3 services · 0 not at steady state · worst first · reading… more as pages arrive",
                           "a  healthy", "b  healthy", "c  healthy")
    assert counted(pages_to_come, figure, 3) and not reached(pages_to_come, figure, 3)
    done = screen("3 services · 0 not at steady state · worst first", "a  healthy", "b  healthy", "c  healthy")
    assert reached(done, figure, 3)
    assert not reached([*done, " account …"], figure, 3)  # any placeholder on a screen counts
