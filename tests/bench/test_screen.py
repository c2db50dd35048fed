"""The bench reads the dashboard off the terminal (tests/bench/screen.py): these tests keep
that reading true to how the panels draw, so a change in the drawing breaks a test here
instead of silently breaking `make bench`.

Two kinds: recorded screens of the real console on the small estate (tests/bench/screens/,
re-recorded with `python -m tests.bench.record`), and the live app on the embedded small
estate rendered through the same terminal emulator (pyte), checked against the app's
own state at three moments: before any data, with every source's costly phase held
(rows shown, values still to come), and complete. Nothing here times anything.
"""

from __future__ import annotations

import asyncio
import io
from datetime import datetime, timezone
from pathlib import Path

import pytest

from tests.bench.screen import Reading, panel_titles, read, title_state

SCREENS = Path(__file__).with_name("screens")
TITLES = panel_titles()


def recorded(name: str) -> Reading:
    return read((SCREENS / f"{name}.txt").read_text().splitlines(), TITLES)


# the rules, on made-up lines ---------------------------------------------------------------
@pytest.mark.parametrize("state, expected", [
    ("loading…", ("loading", None)),
    ("2008", ("count", 2008)),
    ("3/12", ("count", 12)),  # filtered: the whole count
    ("no functions in us-east-1", ("empty", None)),
    ("error — AWS is throttling requests", ("error", None)),
    ("stale 42s — AWS is throttling requests", ("stale", None)),
])
def test_a_title_state_reads_as_the_panel_draws_it(state, expected):
    assert title_state(state) == expected


def test_a_title_with_extra_parts_keeps_its_count_last():
    lines = ["╭─ Alpha · 15m · 12 ──────╮╭─ Beta · loading… ───╮",
             "│ name   value           ││ name                │",
             "│ one    …               ││                     │",
             "│ two…   –               ││                     │",
             "╰────────────────────────╯╰─────────────────────╯",
             " acct …  default"]
    reading = read(lines, ("Alpha", "Beta", "Gamma"))
    alpha, beta = reading.panels["Alpha"], reading.panels["Beta"]
    assert (alpha.state, alpha.count, alpha.rows) == ("count", 12, 2)
    assert (beta.state, beta.rows) == ("loading", 0)
    assert reading.panels["Gamma"] is None and not reading.all_present
    # a whole-cell "…" and "loading…" are placeholders; "two…" (truncated) and "–" are not
    assert [(p.text, p.panel) for p in reading.placeholders] == [
        ("loading…", "Beta"), ("…", "Alpha"), ("…", None)]


def test_a_name_inside_a_table_is_not_a_panel_title():
    lines = ["╭─ Other · 1 ─────────╮",
             "│ name                │",
             "│ Alpha · 3           │",
             "╰─────────────────────╯"]
    assert read(lines, ("Alpha",)).panels["Alpha"] is None


# recorded screens of the real console (small estate) ----------------------------------------
def test_the_recorded_screens_name_every_panel_of_the_registry():
    for name in ("loading", "partial", "complete"):
        assert recorded(name).all_present, f"{name}.txt lacks a panel: re-record (python -m tests.bench.record)"


def test_before_any_data_every_panel_is_loading_and_says_so():
    reading = recorded("loading")
    assert all(p.state == "loading" and p.rows == 0 for p in reading.panels.values())
    assert not reading.all_shown
    assert sorted(p.panel for p in reading.placeholders if p.text.startswith("loading")) == sorted(TITLES)


def test_rows_shown_with_values_still_to_come_are_not_complete():
    reading = recorded("partial")
    assert reading.all_shown
    assert all(p.rows == p.count for p in reading.panels.values())  # the small estate fits its panels
    assert reading.placeholders and all(p.text == "…" for p in reading.placeholders)
    assert not reading.complete


def test_the_complete_screen_has_every_panel_counted_and_nothing_left_to_come():
    reading, partial = recorded("complete"), recorded("partial")
    assert reading.complete, reading.summary()
    assert {t: p.count for t, p in reading.panels.items()} == {t: p.count for t, p in partial.panels.items()}


# the live app, rendered through pyte ---------------------------------------------------------
def screen_lines(app) -> list[str]:
    """What a terminal shows of the app now: its compositor's full frame, as Textual's own
    screenshot takes it, played through pyte like the bench's terminal."""
    import pyte
    from rich.console import Console

    width, height = app.size
    console = Console(width=width, height=height, file=io.StringIO(), force_terminal=True,
                      color_system="truecolor", legacy_windows=False, safe_box=False)
    console.print(app.screen._compositor.render_update(full=True, screen_stack=app._background_screens), end="")
    screen = pyte.Screen(width, height)
    pyte.Stream(screen).feed(console.file.getvalue())
    return list(screen.display)


async def test_the_reading_follows_the_live_dashboard(endpoint, monkeypatch):
    from console.app import OpsdeckApp
    from console.aws.clients import ClientPool
    from console.aws.context import AwsContext
    from console.clock import ManualClock
    from console.polling import PollingEngine
    from console.target import Target
    from screens.dashboard import DashboardScreen
    from tests.pilot import wait_until

    fetching, costly = asyncio.Event(), asyncio.Event()
    tick, after_first_paint = PollingEngine.tick, AwsContext.after_first_paint

    async def held_tick(self, *args, **kwargs):
        await fetching.wait()
        return await tick(self, *args, **kwargs)

    async def held_costly_phase(self):
        await after_first_paint(self)
        await costly.wait()

    monkeypatch.setattr(PollingEngine, "tick", held_tick)
    monkeypatch.setattr(AwsContext, "after_first_paint", held_costly_phase)
    clock = ManualClock(datetime.now(timezone.utc))
    app = OpsdeckApp(Target(None, "us-east-1", endpoint, demo=True), ClientPool(clock), clock)
    async with app.run_test(size=(160, 50)) as pilot:
        dashboard = await wait_until(pilot, lambda: isinstance(app.screen, DashboardScreen) and app.screen)
        panels = {panel.spec.title: panel for panel in dashboard.panels}
        assert set(panels) == set(TITLES)

        # nothing fetched yet: every panel says loading
        reading = await wait_until(pilot, lambda: (r := read(screen_lines(app), TITLES)).all_present and r)
        assert {t: p.state for t, p in reading.panels.items()} == dict.fromkeys(TITLES, "loading")
        assert not reading.all_shown and reading.placeholders

        # first results on screen, every costly phase held: rows, and values still to come
        fetching.set()
        await wait_until(pilot, lambda: all(p.table.row_count for p in panels.values()))
        reading = await wait_until(pilot, lambda: (r := read(screen_lines(app), TITLES)).all_shown and r)
        for title, view in reading.panels.items():
            assert view.count == panels[title].state.count
        assert any(not app.store.latest(name).complete for name in app.engine.sources if app.store.latest(name))
        assert reading.placeholders, "values not read yet but nothing on screen says so"
        assert not reading.complete

        # everything read: every panel counted as the app counts it, nothing left to come
        costly.set()
        await wait_until(pilot, lambda: all(
            (s := app.store.latest(name)) is not None and s.loaded and s.complete for name in app.engine.sources))
        reading = await wait_until(pilot, lambda: (r := read(screen_lines(app), TITLES)).complete and r)
        for title, view in reading.panels.items():
            assert view.count == panels[title].state.count == panels[title].table.row_count
            assert view.rows == min(view.count, view.bottom - view.top - 2)  # what fits below the header
