"""Every screen at 80x24, the size many terminals open at, and the dashboard at 60x20.

The app of tests/app (in-process sources, frozen clock); screens that read AWS themselves
get the same fixed answers as their 160-column snapshots (imported from those tests).
Each picture must read right at its size: a panel's rows visible, the chosen alias and
qualifier legible, nothing clipped that cannot be scrolled to.

Update deliberately: `pytest tests/sizes/test_snapshots_80x24.py --snapshot-update`, then
look at every SVG.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from console.actions.base import Plan, Step
from screens.dashboard import DashboardScreen
from tests.app.conftest import TARGET, T0, clock, estate, function, make_app, settle  # noqa: F401 - fixtures
from tests.app.test_snapshots import help_open, no_credentials
from tests.deploy_tui.test_snapshot import show_mid_canary
from tests.lambda_tui.test_snapshots import FixedFeed, answer_invokes, open_and_invoke, open_logs

SIZE = (80, 24)
ARN = "arn:aws:lambda:us-east-1:123456789012:function:orders"


async def loaded(pilot):
    await settle(pilot, 6)
    assert isinstance(pilot.app.screen, DashboardScreen)


def opened(make_screen, rounds: int = 4):
    """run_before: the dashboard loaded, then the screen `make_screen(app)` pushed over it."""
    async def run(pilot):
        await loaded(pilot)
        await pilot.app.push_screen(make_screen(pilot.app))
        await settle(pilot, rounds)
    return run


# the dashboard ------------------------------------------------------------------------------
def test_dashboard(snap_compare, make_app):
    """One panel at a time: the tab strip, the Lambda panel's rows, status bar and footer."""
    assert snap_compare(make_app(), terminal_size=SIZE, run_before=loaded)


def on_panel(key: str):
    """run_before: the dashboard loaded, then `key` pressed (a panel's number)."""
    async def run(pilot):
        await loaded(pilot)
        await pilot.press(key)
        await settle(pilot)
    return run


def test_dashboard_second_tab(snap_compare, make_app):
    assert snap_compare(make_app(), terminal_size=SIZE, run_before=on_panel("2"))


def test_dashboard_60x20(snap_compare, make_app):
    """ECS at 60x20 (it showed no rows at all): its rows, under tabs that wrap whole."""
    assert snap_compare(make_app(), terminal_size=(60, 20), run_before=on_panel("2"))


# Lambda's screens ---------------------------------------------------------------------------
def test_function_detail(snap_compare, make_app):
    """Sections stack and the screen scrolls."""
    from tests.function_detail.test_snapshot import FUNCTION, KnownDetailScreen

    assert snap_compare(make_app(), terminal_size=SIZE, run_before=opened(lambda app: KnownDetailScreen(FUNCTION)))


def test_invoke(snap_compare, make_app, monkeypatch):
    """The pickers stacked, each wide enough to read: the live alias and its weights."""
    answer_invokes(monkeypatch)
    assert snap_compare(make_app(), terminal_size=SIZE, run_before=open_and_invoke)


def test_deploy_form(snap_compare, make_app):
    """Not the demo: the form's source field would hold this checkout's path."""
    from screens.lambda_.deploy import DeployFormScreen

    app = make_app(target=replace(TARGET, demo=False))
    assert snap_compare(app, terminal_size=SIZE, run_before=opened(lambda app: DeployFormScreen(function("orders"))))


def test_deploy_progress(snap_compare, make_app):
    assert snap_compare(make_app(), terminal_size=SIZE, run_before=show_mid_canary)


def test_abort_deploy_modal(snap_compare, make_app):
    from screens.lambda_.deploy_progress import AbortDeployScreen

    question = "Abort the deploy of orders? Alias live goes back to version 3 (all its traffic)."
    assert snap_compare(make_app(), terminal_size=SIZE, run_before=opened(lambda app: AbortDeployScreen(question)))


def test_log_view(snap_compare, make_app, monkeypatch):
    import screens.log_view

    monkeypatch.setattr(screens.log_view, "LogFeed", FixedFeed)
    assert snap_compare(make_app(), terminal_size=SIZE, run_before=open_logs)


# generic screens ----------------------------------------------------------------------------
def test_confirm_modal(snap_compare, make_app):
    """A plan taller than the terminal: the box scrolls, the focused Apply button in view."""
    from screens.confirm import ConfirmActionScreen

    def noop(ctx):
        return None

    shifts = [Step(f"alias live: {w}% on version 4, {100 - w}% on version 3", "alias live: all on version 3",
                   noop, noop) for w in (10, 20, 40, 60, 80)]
    steps = (Step("update the code of orders ($LATEST) from sha abc to sha def", "restore the code of $LATEST",
                  noop, noop),
             Step("publish version 4 of orders", None, noop), *shifts,
             Step("alias live: version 3 -> version 4 (100%)", "alias live: back to version 3", noop, noop))
    plan = Plan("lambda.deploy", ARN, "orders", steps, summary="Deploy orders: linear 20% every 1m to alias live")

    def modal(app):
        return ConfirmActionScreen(app.action_runner(), None, plan)
    assert snap_compare(make_app(), terminal_size=SIZE, run_before=opened(modal))


def test_help(snap_compare, make_app):
    assert snap_compare(make_app(), terminal_size=SIZE, run_before=help_open)


def test_audit(snap_compare, make_app, monkeypatch, tmp_path):
    """Two runs, one a crash left unfinished (on top); a relative path, so the title is fixed."""
    import json

    from console.audit import AuditLog
    from screens.audit import AuditScreen

    def record(kind, run, **kw):
        base = {"kind": kind, "run": run, "time": T0.isoformat(), "caller": "arn:aws:sts::123456789012:assumed-role/oncall",
                "profile": None, "region": "us-east-1", "account": "123456789012", "action": "lambda.deploy",
                "phase": "apply", "target": ARN}
        return json.dumps({**base, **kw})

    monkeypatch.chdir(tmp_path)
    Path("audit.jsonl").write_text("\n".join([
        record("started", "r1", steps=["update code", "publish version 4", "alias live -> 4"]),
        record("step", "r1", step="update code", step_index=0, result="applied", duration=0.4),
        record("finished", "r1", result="ok", duration=2.1),
        record("started", "r2", action="events.disable", target="arn:aws:events:us-east-1:123456789012:rule/nightly",
               steps=["disable rule nightly"]),
        record("step", "r2", action="events.disable", target="arn:aws:events:us-east-1:123456789012:rule/nightly",
               step="disable rule nightly", step_index=0, result="applied", duration=0.2),
    ]) + "\n")
    run = opened(lambda app: AuditScreen(AuditLog(Path("audit.jsonl"), app.clock)))
    assert snap_compare(make_app(), terminal_size=SIZE, run_before=run)


def test_problem(snap_compare, make_app):
    async def shown(pilot):
        await settle(pilot, 6)
    assert snap_compare(make_app(identify=no_credentials), terminal_size=SIZE, run_before=shown)


def test_switch_region(snap_compare, make_app):
    async def picker(pilot):
        await loaded(pilot)
        pilot.app.action_switch_region()
        await settle(pilot, 3)
    assert snap_compare(make_app(), terminal_size=SIZE, run_before=picker)


def test_rollback_modal_mid_deploy(snap_compare, make_app, monkeypatch):
    """`r` while alias live carries weights: abort or promote."""
    import console.services.lambda_.deploy.engine as engine
    from screens.lambda_.deploy import RollbackScreen

    async def live_mid_canary(ctx, name, alias):
        return "3", {"4": 0.1}

    monkeypatch.setattr(engine, "get_alias", live_mid_canary)
    assert snap_compare(make_app(), terminal_size=SIZE,
                        run_before=opened(lambda app: RollbackScreen(function("orders"))))


def test_resume_modal(snap_compare, make_app):
    """At start, a deploy a crash left open."""
    from console.services.lambda_.deploy.resume import DeployRecord
    from screens.lambda_.deploy import ResumeDeployScreen

    record = DeployRecord("r1", "orders", ARN, "live", "3", "4", T0.isoformat(), None, "us-east-1",
                          "123456789012", None)
    assert snap_compare(make_app(), terminal_size=SIZE,
                        run_before=opened(lambda app: ResumeDeployScreen(record, read_only=False)))


def test_mfa_modal(snap_compare, make_app):
    from screens.mfa import MfaScreen

    serial = "arn:aws:iam::123456789012:mfa/oncall"
    assert snap_compare(make_app(), terminal_size=SIZE, run_before=opened(lambda app: MfaScreen("prod", serial)))


def test_resource_detail(snap_compare, make_app):
    """`enter` on an EXPRESS state machine (no screen of its own): every field, the table
    scrolls. (The ECS screens at 80x24: tests/ecs_tui/test_snapshots.py.)"""
    async def detail(pilot):
        await on_panel("3")(pilot)
        table = pilot.app.screen.panel("stepfunctions").table
        assert table.select_key(next(item.key for item in table.items if item.name == "order-events"))
        await pilot.press("enter")
        await settle(pilot, 3)
    assert snap_compare(make_app(), terminal_size=SIZE, run_before=detail)
