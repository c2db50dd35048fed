"""`d` on a Lambda row: the form, the plan, the confirmation and the live progress view,
through the whole app against the embedded server; Lambda state read back with boto3."""

from __future__ import annotations

from console.services.lambda_.deploy.package import load_source
from tests.deploy_tui.conftest import advance, fill, open_form, plan_and_confirm, start_app
from tests.pilot import click, wait_until


async def canary_watching(pilot, app, name: str, source):
    """A 10%:5m canary of `name` planned from the form, confirmed, and watching."""
    form = await open_form(pilot, app, name)
    fill(form, source=str(source), strategy="canary", step="10%:5m", grace="0s")
    progress, plan_shown = await plan_and_confirm(pilot, app, form)
    await wait_until(pilot, lambda: progress.event is not None and progress.event.phase == "watching")
    return progress, plan_shown


async def test_deploy_all_at_once_from_the_form(functions, source, clock):
    name = functions.create()
    old_sha = functions.sha(name, "1")
    app = start_app(functions, clock)
    async with app.run_test(size=(160, 45)) as pilot:
        form = await open_form(pilot, app, name)
        fill(form, source=str(source), grace="0s")
        progress, plan_shown = await plan_and_confirm(pilot, app, form)
        new_sha = load_source(directory=str(source)).code_sha256
        assert f"CodeSha256 {old_sha} (version 1) -> {new_sha}" in plan_shown
        assert "all traffic at once" in plan_shown
        await wait_until(pilot, lambda: progress.state == "done")
        assert progress.outcome_text().startswith("PROMOTED: version 2 is live on alias live")
        assert progress.query_one("#deploy-outcome").has_class("-promoted")
    assert functions.alias(name) == ("2", {})
    assert functions.sha(name, "2") == new_sha


async def test_canary_shows_weights_and_counts_mid_window_then_promotes(functions, source, clock):
    name = functions.create()
    app = start_app(functions, clock)
    async with app.run_test(size=(160, 45)) as pilot:
        progress, plan_shown = await canary_watching(pilot, app, name, source)
        assert functions.alias(name) == ("1", {"2": 0.1})  # read back mid-window
        assert "90% on version 1 (old)  ·  10% on version 2 (new)" in progress.view_text()
        assert functions.traffic(name, clock.now(), 100) == {"1": (90, 0), "2": (10, 0)}
        await advance(pilot, clock, 60)
        await wait_until(pilot, lambda: "version 2: 10 invocations, 0 errors (0.0%)" in progress.view_text())
        assert "version 1: 90 invocations, 0 errors (0.0%)" in progress.view_text()
        await wait_until(pilot, lambda: "time left in the window: 4m" in progress.view_text())
        assert progress.state == "running" and functions.alias(name) == ("1", {"2": 0.1})
        await advance(pilot, clock, 240)  # the window ends; its last minute is final at the next full minute
        assert progress.state == "running" and functions.alias(name) == ("1", {"2": 0.1})
        await advance(pilot, clock, 65)
        await wait_until(pilot, lambda: progress.state == "done")
        assert progress.outcome_text().startswith("PROMOTED: version 2 is live on alias live")
    assert functions.alias(name) == ("2", {})


async def test_failing_new_version_is_rolled_back_automatically(functions, source, clock):
    name = functions.create()
    app = start_app(functions, clock)
    async with app.run_test(size=(160, 45)) as pilot:
        progress, _ = await canary_watching(pilot, app, name, source)
        functions.fail(name, "2")  # the demo's control endpoint: version 2 fails
        assert functions.traffic(name, clock.now(), 100) == {"1": (90, 0), "2": (10, 10)}
        await advance(pilot, clock, 65)
        await wait_until(pilot, lambda: progress.state == "done")
        shown = progress.outcome_text()
        assert shown.startswith("ROLLED BACK AUTOMATICALLY: 10 errors on version 2 (more than the 0 allowed)")
        assert "Alias live of " + name + " is back on version 1." in shown
        assert progress.query_one("#deploy-outcome").has_class("-rolled-back")
    assert functions.alias(name) == ("1", {})


async def test_esc_aborts_a_canary_and_the_alias_goes_back(functions, source, clock):
    from screens.lambda_.deploy_progress import AbortDeployScreen, DeployProgressScreen

    name = functions.create()
    app = start_app(functions, clock)
    async with app.run_test(size=(160, 45)) as pilot:
        progress, _ = await canary_watching(pilot, app, name, source)
        assert functions.alias(name) == ("1", {"2": 0.1})
        await pilot.press("escape")
        ask = await wait_until(pilot, lambda: isinstance(app.screen, AbortDeployScreen) and app.screen)
        assert "Abort the deploy? The alias goes back to version 1." in str(ask.query_one("#abort-question").render())
        await click(pilot, "#abort-yes")
        await wait_until(pilot, lambda: isinstance(app.screen, DeployProgressScreen))
        await advance(pilot, clock, 2, step=1)  # the engine notices the flag within a second
        await wait_until(pilot, lambda: progress.state == "done")
        shown = progress.outcome_text()
        assert shown.startswith("ABORTED by the user\n")
        assert f"Alias live of {name} is back on version 1." in shown
        assert progress.query_one("#deploy-outcome").has_class("-aborted")
        await pilot.press("escape")  # done: esc closes
        await wait_until(pilot, lambda: not isinstance(app.screen, DeployProgressScreen))
    assert functions.alias(name) == ("1", {})


async def test_bad_input_names_the_field_in_the_forms_words_and_changes_nothing(functions, source, clock, tmp_path):
    """The refusal names the field, not the command line's option, and goes once that field
    is edited."""
    from screens.lambda_.deploy import DeployConfirmScreen

    name = functions.create()
    app = start_app(functions, clock)
    async with app.run_test(size=(160, 45)) as pilot:
        form = await open_form(pilot, app, name)
        fill(form, source=str(source), strategy="canary", step="ten percent", grace="0s")
        await pilot.press("f5")
        await pilot.pause()
        assert form.message == "--canary: expected PERCENT%:DURATION such as 10%:5m, got 'ten percent'"
        shown = str(form.query_one("#deploy-form-message").render())
        assert shown == "Strategy: expected PERCENT%:DURATION such as 10%:5m, got 'ten percent'"
        assert form.query_one("#deploy-step").has_class("-invalid")
        await pilot.click("#deploy-alias")
        await pilot.press("x", "backspace")  # another field: the error stays
        assert form.message and form.query_one("#deploy-step").has_class("-invalid")
        form.query_one("#deploy-step").value = "10%:5m"  # fixed: the error goes
        await pilot.pause()
        assert form.message == "" and str(form.query_one("#deploy-form-message").render()) == ""
        assert not form.query_one("#deploy-step").has_class("-invalid")
        fill(form, source=str(tmp_path / "missing"), strategy="all")
        await pilot.press("f5")
        await pilot.pause()
        assert form.message == f"--dir: directory {str(tmp_path / 'missing')!r} does not exist"
        assert form.query_one("#deploy-source").has_class("-invalid")
        assert not form.query_one("#deploy-step").has_class("-invalid")
        fill(form, source=str(source), grace="soon")
        await pilot.press("f5")
        await pilot.pause()
        assert form.message.startswith("--grace: expected a duration such as 30s, 5m or 1h")
        assert str(form.query_one("#deploy-form-message").render()).startswith(
            "Grace: expected a duration such as 30s, 5m or 1h")
        assert not isinstance(app.screen, DeployConfirmScreen)
    assert functions.versions(name) == ["$LATEST", "1"]
    assert functions.alias(name) == ("1", {})
