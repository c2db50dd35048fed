"""How the embedded AWS plays schedules on its clock (console.demo.extensions.events_firing):
lazily, on requests but its own, at most the last two hours after a jump, never a minute twice.

Not AWS behaviour (tests/contract/test_events.py and test_scheduler.py hold that): the
machinery that lets tests move time instead of waiting for it.
"""

from __future__ import annotations

import json
import uuid
from datetime import datetime, timedelta, timezone

import boto3
import pytest

from console.demo import control
from console.demo.estate import EMBEDDED_HEADER


def client(aws, service: str, embedded: bool = False):
    made = boto3.client(service, endpoint_url=aws.endpoint, region_name="us-east-1",
                        aws_access_key_id="testing", aws_secret_access_key="testing")
    if embedded:
        made.meta.events.register("before-send", lambda request, **_: request.headers.__setitem__(EMBEDDED_HEADER, "1"))
    return made


@pytest.fixture
def hourly(aws):
    """A rate(1 hour) rule sending to a queue, created at a known minute; the server's clock
    back to real time afterwards."""
    start = datetime.now(timezone.utc).replace(second=30, microsecond=0) + timedelta(days=30)
    control.set_clock(aws.endpoint, start)
    sqs = client(aws, "sqs")
    name = f"hourly-{uuid.uuid4().hex[:8]}"
    url = sqs.create_queue(QueueName=name)["QueueUrl"]
    arn = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    events = client(aws, "events")
    events.put_rule(Name=name, ScheduleExpression="rate(1 hour)")
    events.put_targets(Rule=name, Targets=[{"Id": "q", "Arn": arn}])
    yield start, url
    control.set_clock(aws.endpoint, None)


def fired(aws, url: str) -> list[str]:
    sqs = client(aws, "sqs")
    times = []
    while messages := sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10).get("Messages", []):
        for message in messages:
            times.append(json.loads(message["Body"])["time"])
            sqs.delete_message(QueueUrl=url, ReceiptHandle=message["ReceiptHandle"])
    return sorted(times)


def test_the_embedded_aws_own_requests_do_not_fire_schedules(aws, hourly):
    start, url = hourly
    control.set_clock(aws.endpoint, start + timedelta(hours=1, minutes=1))
    sqs = client(aws, "sqs", embedded=True)
    assert sqs.receive_message(QueueUrl=url).get("Messages") is None  # nothing fired yet
    assert len(fired(aws, url)) == 1  # the first request of the console's kind fires it


def test_after_a_long_jump_only_the_last_two_hours_are_played(aws, hourly):
    start, url = hourly
    control.set_clock(aws.endpoint, start + timedelta(days=2, minutes=1))
    assert fired(aws, url) == [f"{start + timedelta(days=2, hours=h):%Y-%m-%dT%H:%M:00Z}" for h in (-1, 0)]


def test_a_minute_already_fired_does_not_fire_again_when_the_clock_comes_back(aws, hourly):
    start, url = hourly
    control.set_clock(aws.endpoint, start + timedelta(hours=2, minutes=1))
    assert len(fired(aws, url)) == 2
    control.set_clock(aws.endpoint, None)  # back to real time: a month earlier
    client(aws, "events").list_rules()
    control.set_clock(aws.endpoint, start + timedelta(hours=3, minutes=1))
    assert fired(aws, url) == [f"{start + timedelta(hours=3):%Y-%m-%dT%H:%M:00Z}"]


def test_a_rule_fires_again_once_the_clock_comes_back_from_far_ahead(aws, hourly):
    """A test that moves the shared server's clock ten days ahead and back must not leave its
    rules silent for ten days: only the minutes fired for are never fired again."""
    start, url = hourly
    control.set_clock(aws.endpoint, start + timedelta(days=10, minutes=1))
    assert len(fired(aws, url)) == 2  # the last two hours of the jump
    control.set_clock(aws.endpoint, None)  # back to real time, as the shared_clock fixture leaves it
    client(aws, "events").list_rules()
    control.set_clock(aws.endpoint, start + timedelta(hours=2, minutes=1))
    assert fired(aws, url) == [f"{start + timedelta(hours=h):%Y-%m-%dT%H:%M:00Z}" for h in (1, 2)]
