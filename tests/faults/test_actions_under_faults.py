"""An action in flight under faults either completes or reports exactly what it applied.

The Runner (as the CLI and TUI use it) talks to the embedded server through the fault
proxy; the events service gets throttles, 500s and dropped connections at a high share.
After each run the rules are read back with boto3 straight from the server (not through
the proxy) and compared with what the result says was applied.

The proxy filters by service, not operation, so the plan's and verify's DescribeRule
calls are faulted too: the plan is made with faults off, verify runs with them on (a
verify that cannot read the state back must say so, not pass). Every injected fault
here happens before the request reaches the server, so "applied" must match the state
exactly; a write that lands but whose answer is lost is not simulated by the proxy.
botocore's retry delays pass on the clock (tests.clock.time_flies). The pool makes 3
attempts per call (max_attempts counts retries) in botocore's "standard" mode, not
production's 5 in adaptive mode: with 5, every run of this seed completes, and the runs
that stop half-way are the point.
"""

from __future__ import annotations

import json

import pytest
from aiobotocore.config import AioConfig

import console.aws.clients as clients
from console.actions.runner import Confirmation, Runner
from console.audit import AuditLog
from console.aws.clients import ClientPool
from console.aws.context import AwsContext
from console.clock import ManualClock
from console.config import Settings
from console.demo.faultproxy import FaultProxy
from console.target import Target
from tests.actions.test_partial import DisableBoth
from tests.clock import time_flies

RULES = ("first", "second", "third")
BYSTANDER = "bystander"  # not in the plan: must never change
RUNS = 6


class DisableAll(DisableBoth):
    """DisableBoth's pattern with any number of rules: one DisableRule call per step."""

    name = "test.disable-all"

    def __init__(self, *names: str) -> None:
        self.names = names


@pytest.fixture
def few_retries(monkeypatch):
    """Three attempts per call instead of five, no adaptive rate limiting: some runs must fail."""
    original = clients.client_config

    def config() -> AioConfig:
        return original().merge(AioConfig(retries={"mode": "standard", "max_attempts": 2}))

    monkeypatch.setattr(clients, "client_config", config)


def states(events) -> dict[str, str]:
    """Every rule in the account and its state, read straight from the server."""
    return {r["Name"]: r["State"] for r in events.list_rules()["Rules"]}


async def test_each_run_completes_or_reports_exactly_what_it_applied(fresh_account, monkeypatch, tmp_path,
                                                                     few_retries):
    fresh_account.use(monkeypatch)
    events = fresh_account.client("events")  # straight to the server
    for name in RULES + (BYSTANDER,):
        events.put_rule(Name=name, ScheduleExpression="rate(5 minutes)", State="ENABLED")
    clock = ManualClock()
    audit = AuditLog(tmp_path / "audit.jsonl", clock)
    outcomes = []
    with FaultProxy(fresh_account.endpoint, seed=7) as proxy:
        pool = ClientPool(clock)
        try:
            async with time_flies(clock):  # botocore's retry delays pass on the clock, at once
                runner = Runner(AwsContext(pool, Target(None, "us-east-1", proxy.endpoint)), audit, Settings())
                for run in range(RUNS):
                    proxy.off()
                    for name in RULES:  # back to the start, straight to the server
                        events.enable_rule(Name=name)
                    action = DisableAll(*RULES)
                    plan = await runner.prepare(action)
                    proxy.set(services={"events"}, throttle=0.2, error=0.15, drop=0.15)
                    outcome = await runner.execute(action, plan, Confirmation(yes=True))
                    proxy.off()

                    after = states(events)
                    visible = [step for step, name in zip(plan.steps, RULES) if after[name] == "DISABLED"]
                    result = outcome.result
                    if outcome.ok:
                        assert result.applied == list(plan.steps) and outcome.verify.ok, run
                    else:
                        # exactly the steps whose effect is visible, in order, and the first
                        # step not applied is the one reported failed
                        assert result.applied == visible, (run, result, after)
                        assert result.failed is not None or not outcome.verify.ok, run
                        if result.failed is not None:
                            assert result.failed == plan.steps[len(result.applied)], run
                            assert result.error is not None
                            assert result.not_applied == list(plan.steps[len(result.applied):])
                    assert after[BYSTANDER] == "ENABLED", run  # nothing else changed
                    assert set(after) == set(RULES) | {BYSTANDER}, run
                    finished = [json.loads(line) for line in audit.path.read_text().splitlines()][-1]
                    assert finished["kind"] == "finished" and finished["run"] == outcome.run
                    assert finished["steps"] == [s.description for s in result.applied], run
                    outcomes.append(outcome)
        finally:
            await pool.close()
        faults = proxy.faults()
    # the seed gives both kinds of run, and every kind of fault was served
    assert any(o.ok for o in outcomes) and any(o.result.failed is not None for o in outcomes)
    assert faults["throttle"] and faults["error"] and faults["drop"], faults
