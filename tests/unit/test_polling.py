"""The polling engine's rules, with time moved by a ManualClock.

The fetch functions here are plain coroutines standing in for a data source: what is
tested is scheduling (no overlap, generations, staleness, back-off), not AWS.
"""

from __future__ import annotations

import asyncio

from botocore.exceptions import ClientError

from console.aws.clients import ClientPool
from console.aws.errors import ErrorClass
from console.clock import ManualClock
from console.polling import PollingEngine, Store
from console.target import Target

TARGET = Target(None, "us-east-1", "http://127.0.0.1:1")


def throttled() -> ClientError:
    return ClientError({"Error": {"Code": "ThrottlingException", "Message": "Rate exceeded"}}, "ListFunctions")


def make_engine():
    clock = ManualClock()
    store = Store(clock)
    engine = PollingEngine(ClientPool(clock), store, TARGET)
    return clock, store, engine


async def settle() -> None:
    for _ in range(10):
        await asyncio.sleep(0)


def start_subscribed(engine: PollingEngine, **fetches) -> None:
    """Register each fetch as a source (interval 5 s), subscribe a screen to it, start."""
    for name, fetch in fetches.items():
        engine.register(name, fetch, 5.0)
        engine.subscribe(name, "screen")
    engine.start()


async def test_only_subscribed_sources_run_and_at_their_interval():
    clock, store, engine = make_engine()
    calls = {"a": 0, "b": 0}

    def counting(name):
        async def fetch(ctx):
            calls[name] += 1
            return (calls[name],)
        return fetch

    engine.register("a", counting("a"), 5.0)
    engine.register("b", counting("b"), 5.0)
    engine.subscribe("a", "screen")
    engine.start()
    await settle()
    assert calls == {"a": 1, "b": 0}
    await clock.advance(4.9)
    assert calls["a"] == 1
    await clock.advance(0.2)
    await settle()
    assert calls["a"] == 2
    assert store.latest("a").items == (2,)
    engine.unsubscribe("a", "screen")
    await clock.advance(30)
    await settle()
    assert calls["a"] == 2
    await engine.stop()


async def test_ticks_never_overlap_and_slow_calls_are_not_cancelled():
    clock, store, engine = make_engine()
    release = asyncio.Event()
    state = {"running": 0, "max": 0, "done": 0}

    async def slow(ctx):
        state["running"] += 1
        state["max"] = max(state["max"], state["running"])
        await release.wait()
        state["running"] -= 1
        state["done"] += 1
        return ("x",)

    engine.register("slow", slow, 1.0)
    engine.subscribe("slow", "s")
    engine.start()
    await settle()
    await clock.advance(10)  # many intervals pass while the first call is still running
    engine.refresh_now()
    await settle()
    assert state == {"running": 1, "max": 1, "done": 0}
    release.set()
    await settle()
    assert state["done"] >= 1 and state["max"] == 1
    assert store.latest("slow").items == ("x",)
    await engine.stop()


async def test_failure_keeps_last_items_marked_stale_with_age():
    clock, store, engine = make_engine()
    outcomes = [("one",), throttled()]

    async def flaky(ctx):
        outcome = outcomes.pop(0) if outcomes else ("two",)
        if isinstance(outcome, Exception):
            raise outcome
        return outcome

    engine.register("f", flaky, 5.0)
    engine.subscribe("f", "s")
    engine.start()
    await settle()
    await clock.advance(5)
    await settle()
    snap = store.latest("f")
    assert snap.items == ("one",) and snap.stale
    assert snap.error.kind is ErrorClass.THROTTLED
    assert snap.age(clock) == 5.0
    # Throttling doubled the interval: nothing at +5 s, the retry at +10 s.
    await clock.advance(5)
    await settle()
    assert store.latest("f").stale
    await clock.advance(5)
    await settle()
    snap = store.latest("f")
    assert snap.items == ("two",) and not snap.stale
    await engine.stop()


async def test_results_of_an_old_target_are_dropped():
    clock, store, engine = make_engine()
    release = asyncio.Event()
    seen_targets = []

    async def fetch(ctx):
        seen_targets.append(ctx.target.region)
        if ctx.target.region == "us-east-1":
            await release.wait()
        return (ctx.target.region,)

    engine.register("s", fetch, 5.0)
    engine.subscribe("s", "screen")
    engine.start()
    await settle()
    await engine.switch_target(Target(None, "eu-west-1", "http://127.0.0.1:1"))
    release.set()
    await settle()
    assert seen_targets == ["us-east-1", "eu-west-1"]
    assert store.latest("s").items == ("eu-west-1",)
    assert store.latest("s").generation == 1
    await engine.stop()


def test_store_drops_an_older_generation():
    clock = ManualClock()
    store = Store(clock)
    from console.polling import Snapshot

    store.reset(3)
    assert not store.publish(Snapshot("s", TARGET, 2, clock.now(), ("old",)))
    assert store.publish(Snapshot("s", TARGET, 3, clock.now(), ("new",)))
    assert store.latest("s").items == ("new",)


async def test_a_source_registered_after_another_waits_for_its_first_result():
    clock, store, engine = make_engine()
    release = asyncio.Event()
    order = []

    async def primary(ctx):
        order.append("primary")
        await release.wait()
        return ("p",)

    async def secondary(ctx):
        order.append("secondary")
        return ("s",)

    engine.register("primary", primary, 5.0)
    engine.register("secondary", secondary, 5.0, after=("primary",))
    engine.subscribe("primary", "screen")
    engine.subscribe("secondary", "screen")
    engine.start()
    await settle()
    assert order == ["primary"]
    release.set()
    await settle()
    assert order == ["primary", "secondary"]
    await engine.stop()


async def test_a_first_load_shows_early_results_but_a_refresh_never_replaces_complete_data():
    clock, store, engine = make_engine()
    release = asyncio.Event()
    seen = []
    store.listen(lambda snap: seen.append((snap.items, snap.complete)))

    async def fetch(ctx):
        ctx.publish_partial(["names"])
        await release.wait()
        return ("names+metrics",)

    engine.register("s", fetch, 5.0)
    engine.subscribe("s", "screen")
    engine.start()
    await settle()
    assert seen == [(("names",), False)]
    release.set()
    await settle()
    await clock.advance(5)  # the second tick publishes no partial over complete data
    await settle()
    assert seen == [(("names",), False), (("names+metrics",), True), (("names+metrics",), True)]
    await engine.stop()


async def test_bounded_gather_cancelled_leaves_no_unawaited_coroutine(recwarn):
    import gc

    from console.aws.context import bounded_gather

    gate = asyncio.Event()

    async def wait():
        await gate.wait()

    task = asyncio.ensure_future(bounded_gather((wait() for _ in range(5)), limit=1))
    await settle()
    task.cancel()
    await asyncio.gather(task, return_exceptions=True)
    gc.collect()
    assert not [w for w in recwarn if "never awaited" in str(w.message)]


async def test_costly_phases_wait_until_every_panel_shows_something():
    clock, store, engine = make_engine()
    release_b = asyncio.Event()
    order = []

    async def a(ctx):
        ctx.publish_partial(["a-early"])
        await ctx.after_first_paint()
        order.append("a-costly")
        return ("a",)

    async def b(ctx):
        await release_b.wait()
        order.append("b-shown")
        return ("b",)

    engine.register("a", a, 5.0)
    engine.register("b", b, 5.0)
    engine.subscribe("a", "screen")
    engine.subscribe("b", "screen")
    engine.start()
    await settle()
    assert order == [] and store.latest("a").items == ("a-early",)
    release_b.set()
    await settle()
    assert order == ["b-shown", "a-costly"]
    await clock.advance(5)  # later ticks never wait
    await settle()
    assert order[-1] == "a-costly" and store.latest("a").items == ("a",)
    await engine.stop()


async def test_with_a_ui_the_costly_phases_wait_until_it_has_drawn():
    clock = ManualClock()
    store = Store(clock)
    engine = PollingEngine(ClientPool(clock), store, TARGET, ui_paints=True)
    order = []

    async def a(ctx):
        ctx.publish_partial(["a-early"])
        await ctx.after_first_paint()
        order.append("a-costly")
        return ("a",)

    engine.register("a", a, 5.0)
    engine.subscribe("a", "screen")
    engine.start()
    await settle()
    assert store.latest("a").items == ("a-early",) and order == []  # published, not yet drawn
    engine.painted()
    await settle()
    assert order == ["a-costly"] and store.latest("a").items == ("a",)
    await engine.stop()


async def test_rows_coming_into_view_run_the_sources_that_follow_theirs_at_once():
    """A sweep (aliases of the functions on screen) reads what the user scrolls to now,
    not at its next tick; the same rows reported again wake nothing, and a wake of this
    kind is not a refresh the user asked for."""
    clock, store, engine = make_engine()
    ticks = []

    async def listing(ctx):
        return ("a", "b", "c")

    async def sweep(ctx):
        ticks.append((ctx.on_screen("listing"), ctx.fresh))
        return ()

    engine.register("listing", listing, 5.0)
    engine.register("sweep", sweep, 30.0, after=("listing",))
    for name in ("listing", "sweep"):
        engine.subscribe(name, "screen")
    engine.start()
    await settle()
    assert ticks == [(frozenset(), False)]
    engine.show_keys("listing", frozenset({"a", "b"}))
    await settle()
    assert ticks[-1] == (frozenset({"a", "b"}), False) and len(ticks) == 2
    engine.show_keys("listing", frozenset({"a", "b"}))  # nothing new in view
    engine.show_keys("listing", frozenset({"a"}))  # scrolled away from b
    await settle()
    assert len(ticks) == 2
    engine.refresh_now("sweep")  # ctrl+r: fresh
    await settle()
    assert ticks[-1] == (frozenset({"a"}), True)
    await engine.stop()


async def test_reads_only_rows_off_screen_need_wait_until_every_source_has_read_its_screen():
    """after_screen_complete: the bench's first load spent half its requests on rows off
    screen while the screen still waited; those reads now wait until every subscribed
    source has said its screen part is read (screen_read) or ended its first tick."""
    clock, store, engine = make_engine()
    release_b, order = asyncio.Event(), []

    async def a(ctx):
        await ctx.after_screen_complete()
        order.append("a-rest")
        return ("a",)

    async def b(ctx):
        await release_b.wait()
        ctx.screen_read()
        order.append("b-screen")
        await asyncio.Event().wait()  # the rest of its tick never ends here

    async def c(ctx):
        return ("c",)  # a tick ending reads its screen part

    start_subscribed(engine, a=a, b=b, c=c)
    await settle()
    assert order == [] and not engine.screen_completed
    release_b.set()
    await settle()
    assert order == ["b-screen", "a-rest"] and engine.screen_completed
    await engine.stop()


async def test_waiting_for_the_screen_comes_back_when_its_rows_change():
    """rest_after_screen returns False as soon as the source's rows on screen change, so
    rows scrolled into view meanwhile are read first."""
    clock, store, engine = make_engine()
    answers = []

    async def a(ctx):
        answers.append(await ctx.rest_after_screen("a"))
        return ("a",)

    async def b(ctx):
        await asyncio.Event().wait()

    start_subscribed(engine, a=a, b=b)
    await settle()
    engine.show_keys("a", frozenset({"a"}))  # not the same rows as before: it moved
    await settle()
    assert answers == [False]
    await engine.stop()
