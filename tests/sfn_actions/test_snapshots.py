"""The start and stop modals at 80x24 (the size many terminals open at) on the app of
tests/app (in-process sources, frozen clock). The start modal's reads answer fixed past
executions; reading them from the embedded AWS is test_tui.py's.

Update deliberately: `pytest tests/sfn_actions/test_snapshots.py --snapshot-update`, then
look at every SVG."""

from __future__ import annotations

from datetime import timedelta

from tests.app.conftest import T0, clock, estate, make_app, settle  # noqa: F401 - fixtures

from console.services.stepfunctions.actions import PastExecution

SIZE = (80, 24)
MACHINE = "arn:aws:states:us-east-1:123456789012:stateMachine:order-processing"
EXECUTION = "arn:aws:states:us-east-1:123456789012:execution:order-processing:order-1007"


def answer_reads(monkeypatch) -> None:
    import screens.stepfunctions.start as start

    async def past(ctx, machine_arn, limit=20):
        return [PastExecution(EXECUTION, "order-1007", "FAILED", T0 - timedelta(minutes=3)),
                PastExecution(EXECUTION[:-4] + "1006", "order-1006", "SUCCEEDED", T0 - timedelta(hours=2))]

    async def given(ctx, execution_arn):
        return '{\n  "orderId": "o-1007",\n  "payment": {"amount": 42.5, "card": "4242"}\n}'  # fits: no scrollbar

    monkeypatch.setattr(start, "past_executions", past)
    monkeypatch.setattr(start, "execution_input", given)


def opened(make_screen, then=None):
    async def run(pilot):
        await settle(pilot, 6)
        screen = make_screen()
        await pilot.app.push_screen(screen)
        await settle(pilot, 6)
        if then is not None:
            await then(pilot, screen)
    return run


def test_start_modal_with_the_newest_input(snap_compare, make_app, monkeypatch):
    """Title, the past execution chosen, the name box, the input in the editor, the buttons."""
    from screens.stepfunctions.start import StartExecutionScreen

    answer_reads(monkeypatch)

    def make():
        screen = StartExecutionScreen(MACHINE, "order-processing")
        return screen

    async def still(pilot, screen):
        screen.editor.cursor_blink = False
        assert '"o-1007"' in screen.editor.text
        screen.editor.move_cursor((0, 0))
        await settle(pilot, 2)

    assert snap_compare(make_app(), terminal_size=SIZE, run_before=opened(make, still))


def test_start_modal_with_invalid_json(snap_compare, make_app, monkeypatch):
    """The error said under the editor, the cursor at the fault."""
    from screens.stepfunctions.start import StartExecutionScreen

    answer_reads(monkeypatch)

    async def broken(pilot, screen):
        screen.editor.cursor_blink = False
        screen.editor.load_text('{\n  "orderId": "o-1007",,\n}')
        await pilot.press("f5")
        await settle(pilot, 2)
        assert "invalid JSON at line 2" in screen.message_text()

    assert snap_compare(make_app(), terminal_size=SIZE,
                        run_before=opened(lambda: StartExecutionScreen(MACHINE, "order-processing"), broken))


def test_stop_modal(snap_compare, make_app):
    from screens.stepfunctions.execution_actions import StopExecutionScreen

    async def typed(pilot, screen):
        await pilot.press(*"Ops.Manual")
        await settle(pilot, 2)

    assert snap_compare(make_app(), terminal_size=SIZE, run_before=opened(lambda: StopExecutionScreen(EXECUTION), typed))
