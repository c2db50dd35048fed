"""CreateSchedule and UpdateSchedule refuse what EventBridge Scheduler refuses, and remember when
each schedule's expression started.

moto 5.2.5 stores anything: ``cron(nonsense)``, zone ``Mars/Base``, a FLEXIBLE window without
its size. EventBridge Scheduler (https://docs.aws.amazon.com/scheduler/latest/UserGuide/schedule-types.html;
API_CreateSchedule, API_FlexibleTimeWindow) answers ValidationException (HTTP 400):

- ScheduleExpression: ``at(yyyy-mm-ddThh:mm:ss)``, ``rate(value unit)`` (minute(s), hour(s),
  day(s); 1 singular, more plural) or a six-field ``cron()``; anything else, with AWS's text
  "Invalid Schedule Expression <expression>." (LocalStack's AWS-validated snapshots of
  CreateSchedule: cron(0 1 * * * *), cron(INVALID), rate(10 seconds), rate(-10 minutes),
  "rate( 10 minutes )", at(2021-12-31T23:59:59Z), ...).
- ScheduleExpressionTimezone: an IANA zone ("The timezone in which the scheduling expression is
  evaluated"). AWS documents no error text for an unknown zone; ours is
  "Invalid Schedule Expression Timezone <zone>." (our choice, in the style of the above).
- FlexibleTimeWindow: Mode "OFF" | "FLEXIBLE"; MaximumWindowInMinutes "Valid Range: Minimum value
  of 1. Maximum value of 1440", required with FLEXIBLE (schedule-types: "FLEXIBLE ... you must
  specify a maximum window") and meaningless with OFF. Out of range or a bad mode: AWS's generic
  constraint text ("1 validation error detected: Value '1441' at
  'flexibleTimeWindow.maximumWindowInMinutes' failed to satisfy constraint: Member must have value
  less than or equal to 1440"); the FLEXIBLE/OFF pairing texts are our choice (AWS documents none).

A rate() schedule counts from when it got its expression (its StartDate if later): ``started``.
"""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from console.demo.extensions.events_rules import ExpressionStarts

_RATE = re.compile(r"rate\(\d+ [a-z]+\)")
_AT = re.compile(r"at\(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\)")
MODES = ("OFF", "FLEXIBLE")
MAX_WINDOW = 1440

STARTS = ExpressionStarts()
_installed = False


def expression_error(expression: str) -> str | None:
    """AWS's message when Scheduler refuses `expression`, else None."""
    from console.demo import cron_minutes

    message = f"Invalid Schedule Expression {expression}."
    if expression.startswith("rate(") and not _RATE.fullmatch(expression):
        return message
    if expression.startswith("at(") and not _AT.fullmatch(expression):
        return message
    if not expression.startswith(("cron(", "rate(", "at(")):
        return message
    try:
        cron_minutes.check(expression)
    except ValueError:
        return message
    return None


def timezone_error(zone: str | None) -> str | None:
    if zone is None:
        return None
    try:
        ZoneInfo(zone)
    except (ZoneInfoNotFoundError, ValueError):
        return f"Invalid Schedule Expression Timezone {zone}."
    return None


def window_error(window: dict[str, Any] | None) -> str | None:
    window = window or {}
    mode = window.get("Mode")
    size = window.get("MaximumWindowInMinutes")
    if mode not in MODES:
        return (f"1 validation error detected: Value '{mode}' at 'flexibleTimeWindow.mode' failed to satisfy "
                f"constraint: Member must satisfy enum value set: [{', '.join(MODES)}]")
    if size is not None and not 1 <= int(size) <= MAX_WINDOW:
        bound = "greater than or equal to 1" if int(size) < 1 else f"less than or equal to {MAX_WINDOW}"
        return (f"1 validation error detected: Value '{size}' at 'flexibleTimeWindow.maximumWindowInMinutes' "
                f"failed to satisfy constraint: Member must have value {bound}")
    if mode == "FLEXIBLE" and size is None:
        return "MaximumWindowInMinutes is required when the FlexibleTimeWindow Mode is FLEXIBLE."
    if mode == "OFF" and size is not None:
        return "MaximumWindowInMinutes can only be set when the FlexibleTimeWindow Mode is FLEXIBLE."
    return None


def started(schedule: Any, default: datetime) -> datetime:
    return STARTS.started(schedule.arn, schedule.schedule_expression, default)


def forget(arn: str) -> None:
    STARTS.forget(arn)


def _check(expression: str, zone: str | None, window: dict[str, Any] | None) -> None:
    from moto.scheduler.exceptions import ValidationException

    message = expression_error(expression or "") or timezone_error(zone) or window_error(window)
    if message:
        raise ValidationException(message)


def _remember(schedule: Any) -> None:
    from console.demo import clock as demo_clock

    STARTS.remember(schedule.arn, schedule.schedule_expression, demo_clock.now())


def install() -> None:
    global _installed
    if _installed:
        return
    from moto.scheduler.models import EventBridgeSchedulerBackend as Backend

    original_create = Backend.create_schedule
    original_update = Backend.update_schedule

    def create_schedule(self, **kwargs):  # type: ignore[no-untyped-def]
        _check(kwargs.get("schedule_expression"), kwargs.get("schedule_expression_timezone"),
               kwargs.get("flexible_time_window"))
        schedule = original_create(self, **kwargs)
        _remember(schedule)
        return schedule

    def update_schedule(self, **kwargs):  # type: ignore[no-untyped-def]
        _check(kwargs.get("schedule_expression"), kwargs.get("schedule_expression_timezone"),
               kwargs.get("flexible_time_window"))
        schedule = original_update(self, **kwargs)
        if schedule.state is None:  # UpdateSchedule without State: "Default: ENABLED"
            schedule.state = "ENABLED"
        _remember(schedule)
        return schedule

    Backend.create_schedule = create_schedule
    Backend.update_schedule = update_schedule
    _installed = True
