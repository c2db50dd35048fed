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


def test_dashboard(snap_compare, make_app):
    assert snap_compare(make_app(read_only=True), terminal_size=(160, 50), run_before=loaded)


def test_dashboard_narrow_terminal(snap_compare, make_app):
    assert snap_compare(make_app(), terminal_size=(100, 30), run_before=loaded)


def test_problem_screen(snap_compare, make_app):
    async def no_credentials(ctx):
        raise NoCredentialsError()

    assert snap_compare(make_app(identify=no_credentials), terminal_size=(120, 30), run_before=loaded)


def test_help_screen(snap_compare, make_app):
    async def help_open(pilot):
        await loaded(pilot)
        await pilot.press("question_mark")
        await settle(pilot, 3)

    assert snap_compare(make_app(), terminal_size=(120, 40), run_before=help_open)
