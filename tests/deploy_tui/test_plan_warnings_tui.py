"""The deploy plan's warnings in the app: planned from the form, shown in the confirmation
before anything is applied (the function is read back unchanged after cancelling)."""

from __future__ import annotations

from screens.dashboard import DashboardScreen
from screens.lambda_.deploy import DeployConfirmScreen
from tests.deploy.conftest import zip_of
from tests.deploy_tui.conftest import fill, open_form, start_app
from tests.pilot import wait_until


async def test_the_confirmation_warns_of_unpublished_code_and_a_missing_handler(functions, source, clock):
    name = functions.create()  # python3.12, handler app.handler
    functions.lam.update_function_code(FunctionName=name, ZipFile=zip_of({"app.py": "def handler(e, c): 'hotfix'"}))
    latest_sha = functions.sha(name)
    (source / "app.py").rename(source / "index.js")  # the wrong language's layout
    app = start_app(functions, clock)
    async with app.run_test(size=(160, 45)) as pilot:
        form = await open_form(pilot, app, name)
        fill(form, source=str(source), grace="0s")
        await pilot.press("f5")
        modal = await wait_until(pilot, lambda: isinstance(app.screen, DeployConfirmScreen)
                                 and app.screen.query("#confirm-apply") and app.screen)
        shown = str(modal.query_one("#confirm-plan").render())
        assert f"\nWARNING: $LATEST of {name} holds unpublished code (CodeSha256 {latest_sha}" in shown
        assert "\nWARNING: the package has no app.py: handler app.handler (python3.12) will not be found" in shown
        await pilot.press("escape")
        await wait_until(pilot, lambda: not isinstance(app.screen, DeployConfirmScreen))
        assert not isinstance(app.screen, DashboardScreen)  # back on the form
    assert functions.sha(name) == latest_sha and functions.versions(name) == ["$LATEST", "1"]
