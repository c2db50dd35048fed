"""`r` (roll back, or abort/promote a deploy in progress), the resume modal for deploys a
crash left open, and read-only mode: through the whole app, Lambda state read back."""

from __future__ import annotations

import pytest
from textual.widgets import Button, Footer, Input

from console.audit import AuditLog
from console.services.lambda_.deploy.resume import open_deploys
from screens.confirm import ConfirmActionScreen
from screens.dashboard import DashboardScreen
from screens.lambda_.deploy import DeployFormScreen, ResumeDeployScreen, RollbackScreen
from tests.deploy.test_rollback_resume import crash_mid_canary
from tests.deploy_tui.conftest import start_app
from tests.lambda_tui.conftest import select_function
from tests.pilot import click, wait_until


def publish(functions, name: str, marker: int) -> str:
    """New code on $LATEST and a version of it (tests only: the deploy does this for real)."""
    functions.lam.update_function_code(FunctionName=name, ZipFile=b"PK\x05\x06" + b"\0" * 18 + bytes([marker]))
    return functions.lam.publish_version(FunctionName=name)["Version"]


def mid_canary(functions) -> str:
    """A function whose alias `live` is at version 1 with 10% on version 2."""
    name = functions.create()
    publish(functions, name, 1)
    functions.lam.update_alias(FunctionName=name, Name="live", FunctionVersion="1",
                               RoutingConfig={"AdditionalVersionWeights": {"2": 0.1}})
    return name


async def open_rollback(pilot, app, name: str) -> RollbackScreen:
    await select_function(pilot, app, name)
    await pilot.press("r")
    modal = await wait_until(pilot, lambda: isinstance(app.screen, RollbackScreen) and app.screen)
    await wait_until(pilot, lambda: modal.version is not None)
    return modal


async def confirm(pilot, app) -> str:
    # the modal is the screen before its widgets are mounted: wait for the plan itself
    modal = await wait_until(pilot, lambda: isinstance(app.screen, ConfirmActionScreen) and app.screen)
    plan = await wait_until(pilot, lambda: next(iter(modal.query("#confirm-plan")), None))
    plan_shown = str(plan.render())
    await click(pilot, "#confirm-apply")
    await wait_until(pilot, lambda: modal.state == "done")
    assert str(modal.query_one("#confirm-result").render()).startswith("Done: 1/1 steps applied and verified")
    await pilot.press("escape")
    return plan_shown


async def test_r_rolls_the_alias_back_to_the_previous_version(functions, clock):
    name = functions.create()
    assert publish(functions, name, 1) == "2"
    functions.lam.update_alias(FunctionName=name, Name="live", FunctionVersion="2")
    app = start_app(functions, clock)
    async with app.run_test(size=(160, 45)) as pilot:
        modal = await open_rollback(pilot, app, name)
        assert "alias live: version 2" in str(modal.query_one("#rollback-where").render())
        assert not modal.query_one("#rollback-promote").display  # no deploy in progress
        await click(pilot, "#rollback-go")
        plan_shown = await confirm(pilot, app)
        assert "version 2 -> version 1 (no weights; the previous published version)" in plan_shown
    assert functions.alias(name) == ("1", {})


async def test_r_to_a_chosen_version_and_a_bad_one(functions, clock):
    name = functions.create()
    publish(functions, name, 1)
    publish(functions, name, 2)
    functions.lam.update_alias(FunctionName=name, Name="live", FunctionVersion="3")
    app = start_app(functions, clock)
    async with app.run_test(size=(160, 45)) as pilot:
        modal = await open_rollback(pilot, app, name)
        modal.query_one("#rollback-to", Input).value = "9"
        await click(pilot, "#rollback-go")
        await wait_until(pilot, lambda: "To version: version 9 of" in str(modal.query_one("#rollback-message").render()))
        assert functions.alias(name) == ("3", {})  # nothing changed
        modal.query_one("#rollback-to", Input).value = "1"
        await pilot.pause(0.3)  # a Button ignores a second click while its 0.2 s press effect lasts
        await click(pilot, "#rollback-go")
        plan_shown = await confirm(pilot, app)
        assert "version 3 -> version 1 (no weights; the version asked for)" in plan_shown
    assert functions.alias(name) == ("1", {})


async def test_r_on_a_canary_offers_promote(functions, clock):
    name = mid_canary(functions)
    app = start_app(functions, clock)
    async with app.run_test(size=(160, 45)) as pilot:
        modal = await open_rollback(pilot, app, name)
        assert "A deploy is in progress" in str(modal.query_one("#rollback-where").render())
        assert str(modal.query_one("#rollback-go").label) == "Abort deploy"
        assert modal.query_one("#rollback-promote").display
        await click(pilot, "#rollback-promote")
        plan_shown = await confirm(pilot, app)
        assert "version 1 with 10% on 2 -> version 2 (100%, no weights)" in plan_shown
    assert functions.alias(name) == ("2", {})


async def test_on_a_canary_abort_is_the_default_and_promote_is_not_primary(functions, clock):
    """enter in the modal aborts the deploy; tab from the default reaches Cancel, not Promote."""
    name = mid_canary(functions)
    app = start_app(functions, clock)
    async with app.run_test(size=(160, 45)) as pilot:
        modal = await open_rollback(pilot, app, name)
        abort, promote = modal.query_one("#rollback-go", Button), modal.query_one("#rollback-promote", Button)
        assert str(abort.label) == "Abort deploy" and promote.display
        assert app.focused is abort and abort.variant == "primary"
        assert promote.variant == "default"
        await pilot.press("tab")
        assert app.focused is modal.query_one("#rollback-cancel", Button)
        await pilot.press("shift+tab", "enter")
        plan_shown = await confirm(pilot, app)
        assert "version 1 with 10% on 2 -> version 1 (no weights; abort the deploy in progress)" in plan_shown
    assert functions.alias(name) == ("1", {})


async def test_resume_modal_after_a_crash_aborts_the_open_deploy(functions, runner, audit, source, clock):
    name = await crash_mid_canary(functions, runner, source, clock)  # alias left at 1 with 10% on 2
    assert [d.function for d in open_deploys(audit)] == [name]
    app = start_app(functions, clock)
    async with app.run_test(size=(160, 45)) as pilot:
        modal = await wait_until(pilot, lambda: isinstance(app.screen, ResumeDeployScreen) and app.screen)
        shown = await wait_until(pilot, lambda: next(iter(modal.query("#resume-what")), None))  # once mounted
        what = str(shown.render())
        assert f"deploy of {name} on alias live started" in what and "old version 1, version 2" in what
        assert modal.query("#resume-promote") and modal.query("#resume-abort")
        # the modal, not also the generic "unfinished actions" notification
        assert not [n for n in app._notifications if n.title == "Actions left unfinished by a crash"]
        await click(pilot, "#resume-abort")
        plan_shown = await confirm(pilot, app)
        assert "version 1 with 10% on 2 -> version 1" in plan_shown
        await wait_until(pilot, lambda: isinstance(app.screen, DashboardScreen))
    assert functions.alias(name) == ("1", {})
    assert open_deploys(AuditLog(None, clock)) == []  # the open run is closed in the trail


async def test_the_resume_offer_does_not_block_the_dashboard_and_later_is_one_key(
        functions, runner, audit, source, clock):
    """Two deploys a crash left open: the offer shows at once, the dashboard's data loads
    behind it (rows drawn while it is up), and one key puts off both offers."""
    first = await crash_mid_canary(functions, runner, source, clock)
    second = await crash_mid_canary(functions, runner, source, clock)
    app = start_app(functions, clock)
    async with app.run_test(size=(160, 45)) as pilot:
        modal = await wait_until(pilot, lambda: isinstance(app.screen, ResumeDeployScreen) and app.screen)
        dashboard = next(s for s in app.screen_stack if isinstance(s, DashboardScreen))
        table = dashboard.panel("lambda").table
        await wait_until(pilot, lambda: {first, second} <= {table.name_of(i) for i in table.items}, clock=clock)
        assert app.screen is modal  # drawn behind the offer, which is still up
        assert "l later" in str(modal.query_one("#resume-keys").render())
        await pilot.press("l")
        await wait_until(pilot, lambda: isinstance(app.screen, DashboardScreen))
        await pilot.pause(0.3)
        assert app.screen is dashboard  # the second deploy's offer is put off too
        assert not any(isinstance(s, ResumeDeployScreen) for s in app.screen_stack)
        later = [n for n in app._notifications if n.title == "2 deploys left open"]
        assert later and "`r` on the function" in later[0].message
    assert functions.alias(first) == ("1", {"2": 0.1}) and functions.alias(second) == ("1", {"2": 0.1})


async def test_a_deploy_over_an_open_canary_is_refused_in_the_consoles_words(functions, runner, source, clock):
    """The command line names `opsdeck lambda promote|rollback`; the form names the key."""
    from console.actions.base import PlanRefused
    from console.services.lambda_.actions import LambdaDeploy
    from tests.deploy_tui.conftest import fill, open_form

    name = await crash_mid_canary(functions, runner, source, clock)
    with pytest.raises(PlanRefused, match=f"`opsdeck lambda promote {name}`"):
        await runner.prepare(LambdaDeploy(name, directory=str(source)))
    app = start_app(functions, clock)
    async with app.run_test(size=(160, 45)) as pilot:
        await wait_until(pilot, lambda: isinstance(app.screen, ResumeDeployScreen))
        await pilot.press("l")
        form = await open_form(pilot, app, name)
        fill(form, source=str(source))
        await pilot.press("f5")
        await wait_until(pilot, lambda: "mid-deploy" in form.message, clock=clock)
        shown = str(form.query_one("#deploy-form-message").render())
        assert shown.endswith("finish that first (`r` on the function promotes or aborts it)")
        assert "opsdeck" not in shown
    assert functions.alias(name) == ("1", {"2": 0.1})


async def test_no_resume_modal_when_nothing_is_open(functions, clock):
    name = functions.create()
    app = start_app(functions, clock)
    async with app.run_test(size=(160, 45)) as pilot:
        await select_function(pilot, app, name)
        await pilot.pause(0.3)
        assert not any(isinstance(s, ResumeDeployScreen) for s in app.screen_stack)


async def test_read_only_hides_and_refuses_d_and_r_and_the_resume_modal_offers_nothing(
        functions, runner, audit, source, clock):
    name = await crash_mid_canary(functions, runner, source, clock)
    app = start_app(functions, clock, read_only=True)
    async with app.run_test(size=(160, 45)) as pilot:
        modal = await wait_until(pilot, lambda: isinstance(app.screen, ResumeDeployScreen) and app.screen)
        assert "Read-only mode" in str(modal.query_one("#resume-note").render())
        assert not modal.query("#resume-promote") and not modal.query("#resume-abort")
        await click(pilot, "#resume-later")
        await select_function(pilot, app, name)
        screen = app.screen
        ids = {a.binding.id for a in screen.active_bindings.values()}
        assert "action.lambda.deploy" not in ids and "action.lambda.rollback" not in ids
        footer = " ".join(str(key.render()) for key in screen.query_one(Footer).children)
        assert "Deploy" not in footer and "Roll back" not in footer and "Logs" in footer
        await pilot.press("d", "r")
        await pilot.pause(0.3)
        assert isinstance(app.screen, DashboardScreen)
        assert not any(isinstance(s, (DeployFormScreen, RollbackScreen)) for s in app.screen_stack)
    assert functions.alias(name) == ("1", {"2": 0.1})  # untouched


async def test_d_and_r_are_in_the_footer_when_not_read_only(functions, clock):
    name = functions.create()
    app = start_app(functions, clock)
    async with app.run_test(size=(160, 45)) as pilot:
        await select_function(pilot, app, name)
        ids = {a.binding.id for a in app.screen.active_bindings.values()}
        assert {"action.lambda.deploy", "action.lambda.rollback"} <= ids
