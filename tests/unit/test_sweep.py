"""Sweep.due: what a per-resource refresh reads this tick, within the budget's spare."""

from __future__ import annotations

from console.polling.sweep import Sweep, calls_for


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


def test_keys_read_ten_a_call_count_calls_not_keys_and_a_calls_room_is_filled():
    """DescribeServices takes ten services of one cluster a call: the budget counts calls;
    past it, lower keys still fill a call already counted."""
    sweep = Sweep(batch=50)
    cluster = {f"a-{i}": "a" for i in range(25)} | {f"b-{i}": "b" for i in range(5)}
    due = sweep.due(list(cluster), spare=2, moving={"b-0"}, together=cluster.__getitem__, per_call=10)
    assert due.then[0] == "b-0" and len(due.then) == 15  # b's call (5 services) and one of a's (10)
    assert sorted(map(len, calls_for(due.then, cluster.__getitem__, 10))) == [5, 10]


def test_a_sweep_spends_at_most_its_batch_of_calls_a_tick():
    """2,000 ECS services re-read within one minute's share is a burst that leaves the rows
    on screen waiting for the rest of that minute: a tick takes at most `batch` calls."""
    sweep = Sweep(batch=8)
    cluster = {f"s-{i}": "c" for i in range(2_000)}
    due = sweep.due(list(cluster), spare=108, together=cluster.__getitem__, per_call=10)
    assert len(due.then) == 80


def test_a_costly_key_that_does_not_fit_is_not_passed_by_cheaper_ones():
    sweep = Sweep(batch=100)
    cost = {"big": 60, "small": 3}
    due = sweep.due(["big", "small"], spare=50, cost=cost.__getitem__)
    assert due.then == []  # the big cluster waits for the spare; the small one does not starve it
    due = sweep.due(["big", "small"], spare=63, cost=cost.__getitem__)
    assert due.then == ["big", "small"]
