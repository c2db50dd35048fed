"""SVG snapshots of the main screens, with known data and a frozen clock.

Update them deliberately with `pytest tests/app/test_snapshots.py --snapshot-update`
and look at the report before committing.
"""

from __future__ import annotations

from botocore.exceptions import NoCredentialsError

from tests.app.conftest import settle


async def loaded(pilot):
    """Let the app connect and draw its first snapshots."""
    await settle(pilot, 6)


async def no_credentials(ctx):
    raise NoCredentialsError()


async def help_open(pilot):
    """`?` on the dashboard."""
    await loaded(pilot)
    await pilot.press("question_mark")
    await settle(pilot, 3)


def test_dashboard(snap_compare, make_app):
    assert snap_compare(make_app(read_only=True), terminal_size=(160, 50), run_before=loaded)


def test_dashboard_narrow_terminal(snap_compare, make_app):
    assert snap_compare(make_app(), terminal_size=(100, 30), run_before=loaded)


def test_problem_screen(snap_compare, make_app):
    assert snap_compare(make_app(identify=no_credentials), terminal_size=(120, 30), run_before=loaded)


def test_help_screen(snap_compare, make_app):
    assert snap_compare(make_app(), terminal_size=(120, 40), run_before=help_open)


def test_lambda_panel_with_sparklines_and_a_jump(snap_compare, make_app, estate):
    """Per-minute figures: `orders` jumps (errors in the last 5 minutes, marked ▲ and
    toned), `payments` is steady, `reports` throttles for the first time (and has no p99:
    CloudWatch gives none without raw values)."""
    from dataclasses import replace

    from console.services.lambda_.metrics import summarize
    from console.services.lambda_.models import LambdaMinutes
    from tests.app.conftest import T0, function

    def minutes(inv, err=(), thr=(), avg=(), top=()):
        def pad(values, fill):
            return tuple([fill] * (15 - len(values)) + list(values))
        return LambdaMinutes(T0, pad(inv, 0.0), pad(err, 0.0), pad(thr, 0.0), pad(avg, None), pad(top, None),
                             pad([3] * len(inv), None))

    orders = minutes([100] * 15, err=[0] * 10 + [2, 5, 12, 20, 30], avg=[120] * 15, top=[300] * 13 + [2500, 2900])
    payments = minutes([50, 60, 70, 80, 90] * 3, err=[1] * 15, avg=[80] * 15, top=[200] * 15)
    reports = minutes([10] * 15, thr=[0] * 12 + [1, 4, 6], avg=[900] * 15, top=[1500] * 15)
    estate.items["lambda"] = tuple(
        replace(function(name), metrics=summarize(m, 15, p99))
        for name, m, p99 in (("orders", orders, 2850.0), ("payments", payments, 190.0), ("reports", reports, None)))
    assert snap_compare(make_app(read_only=True), terminal_size=(160, 50), run_before=loaded)
