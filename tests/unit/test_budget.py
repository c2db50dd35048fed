"""opsdeck's share of the account's API quotas (console.aws.budget), on a ManualClock."""

from __future__ import annotations

import asyncio

import pytest

from console.aws.budget import ApiBudget, current_source, sweeping
from console.aws.limits import quota_for
from console.clock import ManualClock
from console.target import Target

TARGET = Target(None, "us-east-1", "http://127.0.0.1:1", account="111111111111")


async def test_a_request_waits_for_its_quotas_token_on_the_clock():
    clock = ManualClock()
    budget = ApiBudget(clock)
    for _ in range(14):  # Lambda's control plane: 15 a second, a bucket of one second assumed, one kept back
        await budget.acquire(TARGET, "lambda", "ListFunctions")
    waiting = asyncio.ensure_future(budget.acquire(TARGET, "lambda", "ListAliases"))  # same quota
    await asyncio.sleep(0)
    assert not waiting.done()
    await budget.acquire(TARGET, "lambda", "GetFunction")  # its own 100 a second
    await budget.acquire(TARGET, "lambda", "Invoke")  # no request-rate quota
    await clock.advance(1 / 15)
    assert not waiting.done()  # opsdeck paces itself a little under the documented rate
    await clock.advance(0.002)
    await asyncio.sleep(0)
    assert waiting.done()


async def test_quotas_are_kept_per_account_and_region():
    clock = ManualClock()
    budget = ApiBudget(clock)
    for _ in range(14):
        await budget.acquire(TARGET, "lambda", "ListFunctions")
    other_region = Target(None, "eu-west-1", TARGET.endpoint, account=TARGET.account)
    other_account = Target(None, "us-east-1", TARGET.endpoint, account="222222222222")
    await asyncio.wait_for(budget.acquire(other_region, "lambda", "ListFunctions"), 1)
    await asyncio.wait_for(budget.acquire(other_account, "lambda", "ListFunctions"), 1)


async def test_a_sweep_may_spend_what_the_others_average_minute_leaves_of_the_share():
    clock = ManualClock()
    budget = ApiBudget(clock)
    # ListExecutions in us-east-1: 5 a second -> a tenth is 30 a minute, sweeps top up to 90%: 27
    assert budget.spare(TARGET, "stepfunctions", "ListExecutions") == 27
    with sweeping():
        for _ in range(10):
            await budget.acquire(TARGET, "stepfunctions", "ListExecutions")
    assert budget.spare(TARGET, "stepfunctions", "ListExecutions") == 17  # the sweep's own minute
    for _ in range(20):  # a screen's calls: their average minute since they began (at most five)
        await budget.acquire(TARGET, "stepfunctions", "ListExecutions")
    assert budget.spare(TARGET, "stepfunctions", "ListExecutions") == 0  # 27 - 10 - 20: nothing
    assert budget.used(TARGET, quota_for("stepfunctions", "ListExecutions")) == 30
    await clock.advance(60)
    assert budget.spare(TARGET, "stepfunctions", "ListExecutions") == 7  # 27 - 20 over one minute
    await clock.advance(60)
    assert budget.spare(TARGET, "stepfunctions", "ListExecutions") == 17  # 27 - 20 over two
    await clock.advance(180)
    assert budget.spare(TARGET, "stepfunctions", "ListExecutions") == 27  # forgotten after five
    assert budget.spare(TARGET, "lambda", "Invoke") > 10_000  # no quota to share


async def test_calls_are_attributed_to_the_polling_source_that_made_them():
    clock = ManualClock()
    budget = ApiBudget(clock)
    token = current_source.set("lambda")
    try:
        for _ in range(3):
            await budget.acquire(TARGET, "lambda", "ListFunctions")
        await budget.acquire(TARGET, "cloudwatch", "GetMetricData")
    finally:
        current_source.reset(token)
    await budget.acquire(TARGET, "lambda", "ListFunctions")  # a screen's call: nobody's tick
    assert budget.source_costs("lambda", TARGET) == {"lambda control plane": 3, "cloudwatch GetMetricData": 1}


@pytest.mark.parametrize("cost, expected", [
    ({"lambda control plane": 41}, 41 / (15 * 0.1 * 0.4)),  # 2,008 functions: 41 pages -> ~68 s
    ({"lambda control plane": 1}, 5.0),  # never below the source's own interval
    ({"lambda control plane": 41, "ecs service reads": 200}, 200 / (20 * 0.1 * 0.4)),  # the tightest quota
])
def test_a_regular_source_is_paced_to_its_part_of_the_share(cost, expected):
    assert ApiBudget(ManualClock()).interval_for(TARGET, cost, 5.0) == pytest.approx(expected)


async def test_waiting_for_a_token_always_moves_time_forward():
    """A refill can land a hair short of a whole token; the wait must still end."""
    clock = ManualClock()
    budget = ApiBudget(clock)
    await clock.advance(1.0000000000000002)  # time that 1/15 s steps do not divide evenly
    for _ in range(14):
        await budget.acquire(TARGET, "lambda", "ListFunctions")
    waiting = [asyncio.ensure_future(budget.acquire(TARGET, "lambda", "ListFunctions")) for _ in range(30)]
    await asyncio.wait_for(clock.advance(3.0), timeout=5)  # 30 tokens at 15 a second, paced a little under
    await asyncio.sleep(0)
    assert all(w.done() for w in waiting)


async def test_call_times_are_forgotten_after_five_minutes_even_if_nobody_asks():
    """A console left open for a shift must not keep every call it ever made."""
    clock = ManualClock()
    budget = ApiBudget(clock)
    for _ in range(400):
        await budget.acquire(TARGET, "ecs", "DescribeServices")  # nobody asks for its spare
        await clock.advance(1.0)
    assert sum(len(times) for times in budget._other.values()) <= 300
