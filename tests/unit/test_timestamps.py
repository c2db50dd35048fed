"""Fast timestamp parsing gives botocore's instants (console/aws/timestamps.py)."""

from __future__ import annotations

import json
from datetime import timezone

import pytest
from botocore.utils import parse_timestamp as botocore_parse_timestamp

from console.aws.timestamps import parse_timestamp
from console.clock import ManualClock
from tests.logs.conftest import context_for

VALUES = [
    1764590400, 1764590400.123, 0, "2026-12-01T12:00:00Z", "2026-12-01T12:00:00.000+0000",
    "2026-12-01T12:00:00+05:30", "2026-12-01T12:00:00.123456789Z", "Tue, 01 Dec 2026 12:00:00 GMT",
    "2026-12-01", "2026-12-01T12:00:00", "1764590400",
]


@pytest.mark.parametrize("value", VALUES, ids=repr)
def test_the_same_instant_as_botocore(value):
    ours, theirs = parse_timestamp(value), botocore_parse_timestamp(value)
    assert ours == theirs and (ours.tzinfo is None) == (theirs.tzinfo is None)


def test_epoch_numbers_are_utc_without_dateutil():
    assert parse_timestamp(1764590400.5).tzinfo is timezone.utc


async def test_the_pools_clients_parse_with_it(fresh_account):
    """A timestamp in a real answer (Step Functions' creationDate, an epoch number on the
    wire) comes back in UTC: dateutil's tzlocal would say the parser was not used."""
    role = fresh_account.client("iam").create_role(RoleName="r", AssumeRolePolicyDocument=json.dumps({}))
    fresh_account.client("stepfunctions").create_state_machine(
        name="m", roleArn=role["Role"]["Arn"],
        definition=json.dumps({"StartAt": "A", "States": {"A": {"Type": "Pass", "End": True}}}))
    ctx = context_for(fresh_account.endpoint, ManualClock())
    try:
        client = await ctx.pool.client(ctx.target, "stepfunctions")
        machines = (await client.list_state_machines())["stateMachines"]
    finally:
        await ctx.pool.close()
    assert machines[0]["creationDate"].tzinfo is timezone.utc
