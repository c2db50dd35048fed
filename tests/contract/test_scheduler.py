"""EventBridge Scheduler as AWS documents it, on the embedded AWS: what CreateSchedule and
UpdateSchedule refuse, and how schedules fire on the simulated clock (cron in their zone, rate,
at, flexible windows), deliver to their targets, and write AWS/Scheduler metrics.

Each test states one documented behaviour and names its source; time moves with the shared
clock, never by waiting.
"""

from __future__ import annotations

import json
from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest
from botocore.exceptions import ClientError

from tests.contract.test_events import bodies, early_in_a_minute, make_queue, move_to, next_minute


def role(account) -> str:
    return f"arn:aws:iam::{account.id}:role/scheduler"


def create(account, name: str, expression: str, target: dict, **extra):
    return account.client("scheduler").create_schedule(
        Name=name, ScheduleExpression=expression, Target={"RoleArn": role(account), **target},
        FlexibleTimeWindow=extra.pop("FlexibleTimeWindow", {"Mode": "OFF"}), **extra)


def refused(call) -> str:
    with pytest.raises(ClientError) as caught:
        call()
    assert caught.value.response["Error"]["Code"] == "ValidationException"
    assert caught.value.response["ResponseMetadata"]["HTTPStatusCode"] == 400
    return caught.value.response["Error"]["Message"]


INVALID_EXPRESSIONS = (
    "cron(0 1 * * * *)", "cron(7 20 * * NOT *)", "cron(INVALID)", "cron(0 dummy ? * MON-FRI *)",
    "cron(71 8 1 * ? *)", "cron()", "rate(10 seconds)", "rate(10 years)", "rate()", "rate(10)",
    "rate(10 minutess)", "rate(foo minutes)", "rate(-10 minutes)", "rate( 10 minutes )",
    " rate(10 minutes)", "rate(1 minutes)", "at(2021-12-31T23:59:59Z)", "at(2021-12-31)", "at(2030-02-30T10:00:00)",
    "every day",
)


def test_create_schedule_refuses_an_invalid_expression_naming_it(fresh_account):
    """https://docs.aws.amazon.com/scheduler/latest/UserGuide/schedule-types.html: at(yyyy-mm-ddThh:mm:ss),
    rate(value unit) with minute(s)/hour(s)/day(s), or a six-field cron(). AWS answers
    ValidationException "Invalid Schedule Expression <expression>." (LocalStack's AWS-validated
    snapshots of CreateSchedule). A valid one is stored."""
    _, queue = make_queue(fresh_account, "targets")
    for expression in INVALID_EXPRESSIONS:
        message = refused(lambda: create(fresh_account, "bad", expression, {"Arn": queue}))
        assert message == f"Invalid Schedule Expression {expression}.", expression
    for i, expression in enumerate(("cron(30 8 ? * MON-FRI *)", "rate(1 hour)", "at(2030-01-01T09:00:00)")):
        create(fresh_account, f"good-{i}", expression, {"Arn": queue})
    assert len(fresh_account.client("scheduler").list_schedules(NamePrefix="good-")["Schedules"]) == 3


def test_a_schedule_needs_an_iana_time_zone_and_a_well_formed_flexible_window(fresh_account):
    """API_CreateSchedule: ScheduleExpressionTimezone is an IANA zone ("The timezone in which the
    scheduling expression is evaluated"); API_FlexibleTimeWindow: Mode OFF | FLEXIBLE,
    MaximumWindowInMinutes 1-1440, set with FLEXIBLE (schedule-types) and not with OFF. AWS
    documents no texts: the out-of-range one is AWS's generic constraint message, the others
    are ours. UpdateSchedule checks the same."""
    _, queue = make_queue(fresh_account, "targets")
    target = {"Arn": queue}
    assert refused(lambda: create(fresh_account, "s", "rate(1 hour)", target, ScheduleExpressionTimezone="Mars/Base")) \
        == "Invalid Schedule Expression Timezone Mars/Base."
    for window, text in (
        ({"Mode": "FLEXIBLE"}, "MaximumWindowInMinutes is required"),
        ({"Mode": "OFF", "MaximumWindowInMinutes": 5}, "only be set when the FlexibleTimeWindow Mode is FLEXIBLE"),
        ({"Mode": "FLEXIBLE", "MaximumWindowInMinutes": 1441},
         "Value '1441' at 'flexibleTimeWindow.maximumWindowInMinutes' failed to satisfy constraint: "
         "Member must have value less than or equal to 1440"),
        ({"Mode": "SOMETIMES"}, "Member must satisfy enum value set: [OFF, FLEXIBLE]"),
    ):
        assert text in refused(lambda: create(fresh_account, "s", "rate(1 hour)", target, FlexibleTimeWindow=window))
    create(fresh_account, "s", "cron(0 2 * * ? *)", target, ScheduleExpressionTimezone="Europe/Berlin",
           FlexibleTimeWindow={"Mode": "FLEXIBLE", "MaximumWindowInMinutes": 1440})
    scheduler = fresh_account.client("scheduler")
    assert refused(lambda: scheduler.update_schedule(
        Name="s", ScheduleExpression="cron(nonsense)", FlexibleTimeWindow={"Mode": "OFF"},
        Target={"RoleArn": role(fresh_account), "Arn": queue})) == "Invalid Schedule Expression cron(nonsense)."
    assert scheduler.get_schedule(Name="s")["ScheduleExpression"] == "cron(0 2 * * ? *)"


def test_a_cron_schedule_fires_on_its_zones_wall_clock_with_context_attributes(fresh_account, shared_clock):
    """schedule-types: a cron() schedule runs at the wall-clock time of ScheduleExpressionTimezone;
    managing-schedule-context-attributes: <aws.scheduler.schedule-arn> and
    <aws.scheduler.scheduled-time> in Input are replaced; SQS SendMessage is its templated target."""
    at = next_minute(shared_clock.now(), 2)
    wall = at.astimezone(ZoneInfo("Asia/Kolkata"))  # +05:30: the zone's wall clock, not UTC's
    url, queue = make_queue(fresh_account, "digest")
    arn = create(fresh_account, "digest", f"cron({wall.minute} {wall.hour} * * ? *)",
                 {"Arn": queue, "Input": '{"arn": "<aws.scheduler.schedule-arn>", "at": "<aws.scheduler.scheduled-time>"}'},
                 ScheduleExpressionTimezone="Asia/Kolkata")["ScheduleArn"]
    move_to(shared_clock, at - timedelta(seconds=1))
    assert bodies(fresh_account, url) == []
    move_to(shared_clock, at + timedelta(minutes=2))
    assert bodies(fresh_account, url) == [{"arn": arn, "at": f"{at:%Y-%m-%dT%H:%M:%SZ}"}]


def test_rate_every_period_from_creation_and_at_once_then_deleted(fresh_account, shared_clock):
    """schedule-types: rate() runs every period, at() once at its time in the zone;
    ActionAfterCompletion DELETE deletes a one-time schedule after it ran (API_CreateSchedule)."""
    created = next_minute(shared_clock.now()) + timedelta(seconds=10)
    move_to(shared_clock, created)
    url, queue = make_queue(fresh_account, "ticks")
    create(fresh_account, "every-3", "rate(3 minutes)", {"Arn": queue, "Input": '"rate"'})
    once = (created + timedelta(minutes=2)).astimezone(ZoneInfo("America/New_York"))
    create(fresh_account, "once", f"at({once:%Y-%m-%dT%H:%M:00})", {"Arn": queue, "Input": '"at"'},
           ScheduleExpressionTimezone="America/New_York", ActionAfterCompletion="DELETE")
    move_to(shared_clock, created + timedelta(minutes=6, seconds=30))
    assert sorted(bodies(fresh_account, url)) == ["at", "rate", "rate"]
    names = {s["Name"] for s in fresh_account.client("scheduler").list_schedules()["Schedules"]}
    assert names == {"every-3"}


def test_a_schedule_runs_only_between_its_start_and_end_dates(fresh_account, shared_clock):
    """API_CreateSchedule: StartDate, "The date, in UTC, after which the schedule can begin
    invoking its target"; EndDate, "before which the schedule can invoke its target"."""
    first = next_minute(shared_clock.now(), 1)
    url, queue = make_queue(fresh_account, "bounded")
    create(fresh_account, "bounded", "cron(* * * * ? *)", {"Arn": queue, "Input": '"tick"'},
           StartDate=first + timedelta(minutes=2), EndDate=first + timedelta(minutes=4))
    move_to(shared_clock, first + timedelta(minutes=6))
    assert bodies(fresh_account, url) == ["tick", "tick"]


def test_a_flexible_window_fires_once_inside_the_window_and_a_disabled_schedule_never(fresh_account, shared_clock):
    """managing-schedule-flexible-time-windows: with FLEXIBLE, Scheduler invokes the target
    within MaximumWindowInMinutes after the scheduled time, never before it. API_CreateSchedule
    State: a DISABLED schedule does not invoke its target."""
    at = next_minute(shared_clock.now(), 2)
    url, queue = make_queue(fresh_account, "flexible")
    expression = f"cron({at.minute} {at.hour} * * ? *)"
    create(fresh_account, "flexible", expression, {"Arn": queue, "Input": "{}"},
           FlexibleTimeWindow={"Mode": "FLEXIBLE", "MaximumWindowInMinutes": 15})
    create(fresh_account, "off", expression, {"Arn": queue, "Input": '"off"'}, State="DISABLED")
    move_to(shared_clock, at - timedelta(seconds=1))
    assert bodies(fresh_account, url) == []
    move_to(shared_clock, at + timedelta(minutes=15))
    assert bodies(fresh_account, url) == [{}]


def test_a_refused_invocation_goes_to_the_dead_letter_queue_and_is_counted_per_group(fresh_account, shared_clock):
    """configuring-schedule-dlq: an event Scheduler could not deliver goes to the target's DLQ
    with ERROR_CODE, ERROR_MESSAGE, EXECUTION_ID, SCHEDULE_ARN and TARGET_ARN attributes.
    monitoring-cloudwatch: InvocationAttemptCount, TargetErrorCount,
    InvocationsSentToDeadLetterCount in AWS/Scheduler, by ScheduleGroup and for the account;
    without a DLQ the event is dropped (InvocationDroppedCount)."""
    dlq_url, dlq = make_queue(fresh_account, "dlq")
    fresh_account.client("scheduler").create_schedule_group(Name="partners")
    missing = f"arn:aws:lambda:us-east-1:{fresh_account.id}:function:gone"
    start = early_in_a_minute(shared_clock)
    arn = create(fresh_account, "sync", "rate(1 minute)", {"Arn": missing, "Input": '{"x": 1}',
                 "DeadLetterConfig": {"Arn": dlq}, "RetryPolicy": {"MaximumRetryAttempts": 2}},
                 GroupName="partners")["ScheduleArn"]
    create(fresh_account, "lost", "rate(1 minute)", {"Arn": missing}, GroupName="partners")
    move_to(shared_clock, start + timedelta(seconds=61))
    sqs = fresh_account.client("sqs")
    (message,) = sqs.receive_message(QueueUrl=dlq_url, MessageAttributeNames=["All"])["Messages"]
    attributes = {k: v["StringValue"] for k, v in message["MessageAttributes"].items()}
    assert json.loads(message["Body"]) == {"x": 1}
    assert (attributes["ERROR_CODE"], attributes["SCHEDULE_ARN"], attributes["TARGET_ARN"]) == \
        ("ResourceNotFoundException", arn, missing)
    cw = fresh_account.client("cloudwatch")

    def total(name: str, dims: list) -> float:
        (result,) = cw.get_metric_data(MetricDataQueries=[{"Id": "m", "MetricStat": {"Metric": {
            "Namespace": "AWS/Scheduler", "MetricName": name, "Dimensions": dims}, "Period": 60, "Stat": "Sum"}}],
            StartTime=start - timedelta(minutes=1), EndTime=start + timedelta(minutes=3))["MetricDataResults"]
        return sum(result["Values"])

    group = [{"Name": "ScheduleGroup", "Value": "partners"}]
    for dims in (group, []):
        assert [total(n, dims) for n in ("InvocationAttemptCount", "TargetErrorCount",
                                         "InvocationsSentToDeadLetterCount", "InvocationDroppedCount")] == [2, 2, 1, 1]
