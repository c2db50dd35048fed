"""Sweep.due: what a per-resource refresh reads this tick, within the budget's spare."""

from __future__ import annotations

from console.polling.sweep import Sweep


def test_rows_on_screen_never_read_come_first_but_within_the_spare():
    """The large estate's soak: each minute's re-sort brought unread rows into view, and
    reading them past the spare took Lambda's control plane to 105 calls a minute (its
    tenth is 90)."""
    sweep = Sweep(batch=50)
    keys = [f"fn-{i}" for i in range(10)]
    due = sweep.due(keys, spare=3, on_screen={"fn-7", "fn-8", "fn-9", "fn-6"})
    assert due.now == ["fn-6", "fn-7", "fn-8"] and due.then == []  # 3 fit: the rest wait for the spare
    sweep.read(due.now, at=1.0)
    due = sweep.due(keys, spare=3, on_screen={"fn-7", "fn-8", "fn-9", "fn-6"})
    assert due.now == ["fn-9"] and len(due.then) == 2  # on screen first, then the sweep goes on


def test_a_refresh_the_user_asked_for_reads_everything_on_screen():
    sweep = Sweep(batch=50)
    keys = [f"fn-{i}" for i in range(10)]
    sweep.read(keys, at=1.0)
    due = sweep.due(keys, spare=0, on_screen={"fn-1", "fn-2"}, fresh=True)
    assert due.now == ["fn-1", "fn-2"] and due.then == []
