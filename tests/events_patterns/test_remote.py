"""console.services.events.pattern_test: TestEventPattern where AWS answers it (here the
embedded server stands in for AWS: a Target that is not the demo's), the local matcher for
the embedded AWS and in read-only mode; the envelope TestEventPattern requires is filled in.
Calls are counted on the server."""

from __future__ import annotations

from datetime import datetime, timezone

import pytest

from console.aws.clients import ClientPool
from console.aws.context import AwsContext
from console.clock import ManualClock
from console.demo import control
from console.services.events import pattern_test
from console.services.events.patterns import PatternError
from console.target import Target

NOW = datetime(2026, 12, 1, 9, 30, 15, 500_000, tzinfo=timezone.utc)
PATTERN = {"source": ["opsdeck.test"], "detail": {"amount": [{"numeric": [">", 100]}]}}


def calls(account) -> int:
    return control.count_of(control.request_counts(account.endpoint), "events", "TestEventPattern", account.id)


@pytest.fixture
def judged(fresh_account, monkeypatch):
    """judged(pattern, event, demo=, read_only=) -> (verdict, TestEventPattern calls it made),
    through a fresh AwsContext in the fresh account."""
    fresh_account.use(monkeypatch)

    async def run(pattern, event, demo: bool = False, read_only: bool = False):
        pool = ClientPool(ManualClock(NOW), read_only=read_only)
        ctx = AwsContext(pool, Target(None, "eu-west-1", fresh_account.endpoint, fresh_account.id, demo))
        before = calls(fresh_account)
        try:
            verdict = await pattern_test.judge(ctx, pattern, event)
        finally:
            await pool.close()
        return verdict, calls(fresh_account) - before

    return run


async def test_off_the_demo_it_asks_test_event_pattern_with_the_envelope_filled_in(judged):
    # the embedded TestEventPattern refuses an event without the mandatory envelope fields,
    # so these answers prove the envelope was completed
    assert await judged(PATTERN, {"detail": {"amount": 250}}) == (
        pattern_test.PatternVerdict(True, "TestEventPattern"), 1)
    assert await judged(PATTERN, {"detail": {"amount": 50}}) == (
        pattern_test.PatternVerdict(False, "TestEventPattern"), 1)


async def test_on_the_embedded_aws_the_local_matcher_answers_without_a_call(judged):
    assert await judged(PATTERN, {"detail": {"amount": 250}}, demo=True) == (
        pattern_test.PatternVerdict(True, "local matcher", "the embedded AWS"), 0)


async def test_read_only_mode_falls_back_to_the_local_matcher(judged):
    """TestEventPattern is not on the read-only allow-list: the guard refuses it unsent."""
    assert await judged(PATTERN, {"detail": {"amount": 5}}, read_only=True) == (
        pattern_test.PatternVerdict(False, "local matcher", "read-only mode"), 0)


async def test_an_invalid_pattern_is_refused_before_any_call(judged):
    with pytest.raises(PatternError) as caught:
        await judged({"detail": {"amount": 5}}, {})
    assert caught.value.path == "detail.amount"


async def test_test_pattern_is_the_verdicts_boolean(fresh_account, monkeypatch):
    fresh_account.use(monkeypatch)
    pool = ClientPool(ManualClock(NOW))
    try:
        ctx = AwsContext(pool, Target(None, "eu-west-1", fresh_account.endpoint, fresh_account.id))
        assert await pattern_test.test_pattern(ctx, PATTERN, {"detail": {"amount": 101}}) is True
    finally:
        await pool.close()


def test_envelope_keeps_the_callers_fields_and_fills_the_rest():
    full = pattern_test.envelope({"source": "shop", "detail": {"a": 1}}, "111122223333", "eu-west-1", NOW)
    assert full == {
        "version": "0", "id": pattern_test.DEFAULT_ID, "detail-type": pattern_test.DEFAULT_DETAIL_TYPE,
        "source": "shop", "account": "111122223333", "time": "2026-12-01T09:30:15Z", "region": "eu-west-1",
        "resources": [], "detail": {"a": 1},
    }
    assert pattern_test.envelope({}, None, "us-east-1", NOW)["account"] == pattern_test.DEFAULT_ACCOUNT
