"""opsdeck's share of the account's API quotas (console.aws.budget), on a ManualClock."""

from __future__ import annotations

import asyncio

import pytest

from console.aws.budget import ApiBudget, current_source
from console.clock import ManualClock
from console.target import Target

TARGET = Target(None, "us-east-1", "http://127.0.0.1:1", account="111111111111")


async def test_a_request_waits_for_its_quotas_token_on_the_clock():
    clock = ManualClock()
    budget = ApiBudget(clock)
    for _ in range(15):  # Lambda's control plane: 15 a second, a bucket of one second assumed
        await budget.acquire(TARGET, "lambda", "ListFunctions")
    waiting = asyncio.ensure_future(budget.acquire(TARGET, "lambda", "ListAliases"))  # same quota
    await asyncio.sleep(0)
    assert not waiting.done()
    await budget.acquire(TARGET, "lambda", "GetFunction")  # its own 100 a second
    await budget.acquire(TARGET, "lambda", "Invoke")  # no request-rate quota
    await clock.advance(1 / 15)
    await asyncio.sleep(0)
    assert waiting.done()


async def test_quotas_are_kept_per_account_and_region():
    clock = ManualClock()
    budget = ApiBudget(clock)
    for _ in range(15):
        await budget.acquire(TARGET, "lambda", "ListFunctions")
    other_region = Target(None, "eu-west-1", TARGET.endpoint, account=TARGET.account)
    other_account = Target(None, "us-east-1", TARGET.endpoint, account="222222222222")
    await asyncio.wait_for(budget.acquire(other_region, "lambda", "ListFunctions"), 1)
    await asyncio.wait_for(budget.acquire(other_account, "lambda", "ListFunctions"), 1)


async def test_spare_is_what_the_last_minute_left_of_the_sweeps_part_of_a_tenth():
    clock = ManualClock()
    budget = ApiBudget(clock)
    # ListExecutions in us-east-1: 5 a second -> a tenth is 30 a minute, sweeps top up to 80%: 24
    assert budget.spare(TARGET, "stepfunctions", "ListExecutions") == 24
    for _ in range(10):
        await budget.acquire(TARGET, "stepfunctions", "ListExecutions")
    assert budget.spare(TARGET, "stepfunctions", "ListExecutions") == 14
    await clock.advance(60)
    assert budget.spare(TARGET, "stepfunctions", "ListExecutions") == 24
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
