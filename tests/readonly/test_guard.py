"""The guard on opsdeck's own clients, against the embedded server: refused calls never leave."""

from __future__ import annotations

from datetime import datetime, timezone

import pytest
from botocore.exceptions import ClientError

from console.aws.clients import ClientPool
from console.aws.readonly import ReadOnlyViolation
from console.clock import ManualClock
from console.demo.control import request_counts, reset_request_counts
from console.target import Target


def pool(read_only: bool) -> ClientPool:
    return ClientPool(ManualClock(datetime(2026, 11, 27, tzinfo=timezone.utc)), read_only=read_only)


def seen_in(account) -> dict[tuple[str, str], int]:
    """What the server counted in `account` (the interpreter inside the server works in
    the default account on its own, so counts are read per account)."""
    counts = request_counts(account.endpoint)
    return {(r["service"], r["operation"]): r["count"] for r in counts["requests"] if r["account"] == account.id}


async def test_a_mutating_call_raises_before_any_request_is_sent(fresh_account, monkeypatch):
    fresh_account.use(monkeypatch)
    target = Target(None, "us-east-1", fresh_account.endpoint)
    readonly = pool(read_only=True)
    try:
        lam = await readonly.client(target, "lambda")
        sfn = await readonly.client(target, "stepfunctions")
        reset_request_counts(fresh_account.endpoint)
        with pytest.raises(ReadOnlyViolation) as raised:
            await lam.update_alias(FunctionName="orders-api", Name="live", FunctionVersion="1")
        assert (raised.value.service, raised.value.operation) == ("lambda", "UpdateAlias")
        with pytest.raises(ReadOnlyViolation) as raised:  # service name, not the service id "SFN"
            await sfn.start_execution(stateMachineArn="arn:aws:states:us-east-1:123456789012:stateMachine:x", name="n")
        assert (raised.value.service, raised.value.operation) == ("stepfunctions", "StartExecution")
        assert seen_in(fresh_account) == {}  # not one request reached the server
        assert readonly.stats.total == 0  # nor was one counted as sent

        pages = [page async for page in lam.get_paginator("list_functions").paginate()]
        assert pages and pages[0]["Functions"] == []  # an empty account, read through a read-only pool
        assert seen_in(fresh_account) == {("lambda", "ListFunctions"): 1}
    finally:
        await readonly.close()


async def test_the_guard_only_refuses_while_the_pool_is_read_only(fresh_account, monkeypatch):
    """Same call, writable pool: it reaches the server (an unknown function, so nothing changes)."""
    fresh_account.use(monkeypatch)
    writable = pool(read_only=False)
    target = Target(None, "us-east-1", fresh_account.endpoint)
    try:
        lam = await writable.client(target, "lambda")
        reset_request_counts(fresh_account.endpoint)
        with pytest.raises(ClientError):
            await lam.update_alias(FunctionName="no-such-function", Name="live", FunctionVersion="1")
        assert seen_in(fresh_account) == {("lambda", "UpdateAlias"): 1}

        writable.read_only = True  # e.g. after switching to a read-only profile: same clients
        with pytest.raises(ReadOnlyViolation):
            await lam.update_alias(FunctionName="no-such-function", Name="live", FunctionVersion="1")
        assert seen_in(fresh_account) == {("lambda", "UpdateAlias"): 1}
    finally:
        await writable.close()
