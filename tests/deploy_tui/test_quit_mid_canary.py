"""`q` in the middle of a canary asks before it quits (issue 9, item 2): abort (the alias
goes back to the old version, then the app quits), leave it unwatched (the app quits, the
alias stays weighted, the next start offers to resume), or stay (the default: still
watching). Through the whole app against the embedded AWS; the alias read back with boto3."""

from __future__ import annotations

import asyncio

from console.audit import AuditLog
from console.services.lambda_.deploy.resume import open_deploys
from screens.confirm import QuitWhileRunningScreen
from screens.lambda_.deploy import ResumeDeployScreen
from screens.lambda_.deploy_progress import DeployProgressScreen
from tests.deploy_tui.conftest import start_app
from tests.deploy_tui.test_deploy_tui import canary_watching
from tests.pilot import click, wait_until


async def ask_to_quit(pilot, app, key: str = "q") -> QuitWhileRunningScreen:
    await pilot.press(key)
    return await wait_until(pilot, lambda: isinstance(app.screen, QuitWhileRunningScreen) and app.screen)


async def until_exited(app, clock, seconds: int = 30) -> None:
    """Let the app work (moving the clock a second a round, as the abort waits on it) until it exits."""
    for _ in range(seconds * 20):
        if app.return_code is not None:
            return
        await asyncio.sleep(0.05)
        await clock.advance(1)
    raise AssertionError("the app never exited")


async def test_stay_is_the_default_and_keeps_watching(functions, source, clock):
    name = functions.create()
    app = start_app(functions, clock)
    async with app.run_test(size=(160, 45)) as pilot:
        progress, _ = await canary_watching(pilot, app, name, source)
        ask = await ask_to_quit(pilot, app)
        question = str(ask.query_one("#quit-question").render())
        assert f"Deploy of {name}, alias live (90% on version 1, 10% on version 2)" in question
        assert "Abort: alias live goes back to version 1, all traffic, then quit." in question
        assert "Leave unwatched: alias live stays as it is" in question and "the next start offers" in question
        assert app.focused.id == "quit-stay"
        await pilot.press("enter")  # the default answer
        await wait_until(pilot, lambda: app.screen is progress)
        assert app.return_code is None and progress.state == "running"
        assert functions.alias(name) == ("1", {"2": 0.1})

        await ask_to_quit(pilot, app, "ctrl+q")  # Textual's own quit key asks too
        await pilot.press("escape")
        await wait_until(pilot, lambda: app.screen is progress)
        await pilot.press("q")
        await wait_until(pilot, lambda: isinstance(app.screen, QuitWhileRunningScreen))
        await pilot.press("q")  # a second q does not stack another question, nor quit
        await pilot.pause()
        assert len([s for s in app.screen_stack if isinstance(s, QuitWhileRunningScreen)]) == 1
        await pilot.press("s")
        await wait_until(pilot, lambda: app.screen is progress)
        assert app.return_code is None and progress.state == "running"
    assert functions.alias(name) == ("1", {"2": 0.1})


async def test_abort_moves_the_alias_back_then_quits(functions, source, clock):
    name = functions.create()
    app = start_app(functions, clock)
    async with app.run_test(size=(160, 45)) as pilot:
        progress, _ = await canary_watching(pilot, app, name, source)
        assert functions.alias(name) == ("1", {"2": 0.1})
        await ask_to_quit(pilot, app)
        await click(pilot, "#quit-abort")
        await until_exited(app, clock)
        assert progress.report is not None and progress.report.outcome == "aborted"
    assert functions.alias(name) == ("1", {})  # the old version, all the traffic
    assert open_deploys(AuditLog(None, clock)) == []  # finished, nothing to resume


async def test_leave_quits_with_the_canary_weighted_and_the_next_start_offers_to_resume(functions, source, clock):
    name = functions.create()
    app = start_app(functions, clock)
    async with app.run_test(size=(160, 45)) as pilot:
        progress, _ = await canary_watching(pilot, app, name, source)
        await ask_to_quit(pilot, app)
        await click(pilot, "#quit-leave")
        await until_exited(app, clock)
        assert progress.state != "done"
    assert functions.alias(name) == ("1", {"2": 0.1})  # still weighted, nothing watching
    left = open_deploys(AuditLog(None, clock))
    assert [(r.function, r.alias, r.old_version, r.new_version) for r in left] == [(name, "live", "1", "2")]

    again = start_app(functions, clock)
    async with again.run_test(size=(160, 45)) as pilot:
        offer = await wait_until(pilot, lambda: isinstance(again.screen, ResumeDeployScreen) and again.screen)
        assert f"deploy of {name} on alias live" in str(offer.query_one("#resume-what").render())
        assert offer.query("#resume-promote") and offer.query("#resume-abort")
        await pilot.press("escape")  # later
        await wait_until(pilot, lambda: not isinstance(again.screen, (ResumeDeployScreen, DeployProgressScreen)))
    assert functions.alias(name) == ("1", {"2": 0.1})
