"""PutRule refuses a schedule expression AWS refuses, and remembers when each schedule started.

moto 5.2.5 checks a ScheduleExpression with a loose pattern: ``cron(bad)``, ``cron(0 1 * * * *)``
(both day fields set) or ``rate(1 minutes)`` are stored. EventBridge refuses them (checked with
cron_minutes, written from the user guide's cron and rate pages):

- https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-cron-expressions.html: six fields,
  exactly one of day-of-month / day-of-week is ``?``;
- https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-rate-expressions.html: "If the value
  is equal to 1, then the unit must be singular. If the value is greater than 1, the unit must be
  plural"; units minute(s), hour(s), day(s); "A positive number";
- rules take cron() and rate() only (at() is EventBridge Scheduler's).

AWS's answer is one text for every reason: ValidationException "Parameter ScheduleExpression is
not valid." (observed: winglang/wing#7115, cds-snc/notification-terraform#344 and LocalStack's
AWS-validated snapshots of PutRule with rate(0 minutes), rate(10 MINUTES), "rate( 10 minutes )",
cron(7 20 * * NOT *), ...). A schedule on a custom bus is refused by moto already with AWS's
"ScheduleExpression is supported only on the default event bus."

"A rate expression starts when you create the scheduled event rule" (eb-rate-expressions): the
moment a rule got its current expression is kept here (``started``) for events_firing; putting
the rule again with the same expression keeps it.
"""

from __future__ import annotations

import re
import threading
from datetime import datetime
from typing import Any

INVALID = "Parameter ScheduleExpression is not valid."
_RATE = re.compile(r"rate\(\d+ [a-z]+\)")

_installed = False


class ExpressionStarts:
    """When each rule or schedule (by ARN) got its current expression; rate() counts from it."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._started: dict[str, tuple[str, datetime]] = {}

    def remember(self, arn: str, expression: str, now: datetime) -> None:
        """Keep `now` unless `arn` already has this expression (put again unchanged)."""
        with self._lock:
            known = self._started.get(arn)
            if known is None or known[0] != expression:
                self._started[arn] = (expression, now)

    def started(self, arn: str, expression: str, default: datetime) -> datetime:
        with self._lock:
            known = self._started.get(arn)
        return known[1] if known is not None and known[0] == expression else default

    def forget(self, arn: str) -> None:
        with self._lock:
            self._started.pop(arn, None)


STARTS = ExpressionStarts()


def valid_rule_expression(expression: str) -> bool:
    """Whether EventBridge accepts `expression` as a rule's ScheduleExpression."""
    from console.demo import cron_minutes

    if expression.startswith("rate(") and not _RATE.fullmatch(expression):
        return False  # no padding, lower-case unit: "rate( 10 minutes )" and "rate(10 MINUTES)" are refused
    if not (expression.startswith("cron(") or expression.startswith("rate(")):
        return False
    try:
        cron_minutes.check(expression)
    except ValueError:
        return False
    return True


def started(rule: Any, default: datetime) -> datetime:
    """When `rule` got its current schedule expression (`default` if it predates this module)."""
    return STARTS.started(rule.arn, rule.scheduled_expression, default)


def install() -> None:
    global _installed
    if _installed:
        return
    from moto.events.exceptions import ValidationException
    from moto.events.models import EventsBackend

    from console.demo import clock as demo_clock

    original = EventsBackend.put_rule

    def put_rule(self, name, description=None, event_bus_arn=None, event_pattern=None, role_arn=None,
                 scheduled_expression=None, state=None, managed_by=None, tags=None):  # type: ignore[no-untyped-def]
        bus = self._normalize_event_bus_arn(event_bus_arn)
        if scheduled_expression and bus == "default" and not valid_rule_expression(scheduled_expression):
            raise ValidationException(INVALID)
        rule = original(self, name, description=description, event_bus_arn=event_bus_arn,
                        event_pattern=event_pattern, role_arn=role_arn, scheduled_expression=scheduled_expression,
                        state=state, managed_by=managed_by, tags=tags)
        if scheduled_expression:
            STARTS.remember(rule.arn, scheduled_expression, demo_clock.now())
        return rule

    EventsBackend.put_rule = put_rule
    _installed = True
