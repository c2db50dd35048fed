"""Scheduled rules fire on the embedded clock and deliver to their targets, with AWS/Events metrics.

moto 5.2.5 never fires a rule. Here, lazily (the pattern of ecs_tasks): every AWS request the
embedded AWS does not make of itself first brings EventBridge up to ``console.demo.clock.now()``:
each minute since the last check, every ENABLED rule with a ScheduleExpression whose schedule
falls in that minute fires (and so do EventBridge Scheduler's schedules: scheduler_firing).
A quiet minute costs one comparison; after a long jump of the clock only the last
``CATCH_UP`` is played (two hours: a test jumping 14 days must not wait for a day of every
rule on the shared server), and a minute a rule has already fired for never fires again, even
if the clock is set back (to real time) and moves on (events_timing.FiredMinutes). In the
demo the console's polling plays a minute at a time.

When (EventBridge user guide):
- cron() in UTC ("All scheduled events use UTC+0 time zone", eb-scheduled-rule-pattern), read by
  console.demo.cron_minutes; a rule put at 02:59:30 with cron(0 3 * * ? *) fires at 03:00;
- rate() "starts when you create the scheduled event rule" (eb-rate-expressions): at creation +
  n x the rate (events_rules keeps when the rule got its expression).

What (eb-run-lambda-schedule's and eb-events-structure's scheduled event; eb-transform-target-input):
- without Input, InputPath or InputTransformer, the scheduled event: {"version": "0", "id",
  "detail-type": "Scheduled Event", "source": "aws.events", "account", "time" (the minute it
  fired, "2026-12-01T03:00:00Z"), "region", "resources": [rule ARN], "detail": {}};
- Input: that JSON text as is; InputPath: the part of the event the JSONPath names;
  InputTransformer: InputPathsMap's values substituted into InputTemplate (a string value inside
  a quoted string goes in as its text, elsewhere as JSON; a path that matches nothing is null),
  with the predefined <aws.events.rule-arn>, <aws.events.rule-name>, <aws.events.event> and
  <aws.events.event.json>.

Metrics (https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-monitoring.html), stamped at
the minute of the fire: TriggeredRules {RuleName} 1; Invocations {RuleName} and {} the number
of targets called (failed ones included; "only ... if it isn't zero"); FailedInvocations
{RuleName} the calls the target refused (only if not zero); InvocationsSentToDlq {RuleName}
when such a failed event went to the target's DeadLetterConfig queue. Scheduled rules exist only
on the default bus, so EventBusName never appears. ThrottledRules is never written: nothing is
throttled. A refused call is not retried: the embedded targets only refuse with 4xx errors
(not found), which "EventBridge doesn't retry" (eb-rule-retry-policy; re:Post
eventbridge-resolve-failedinvocation-errors).
"""

from __future__ import annotations

import json
import re
import threading
import uuid
from datetime import datetime, timezone
from typing import Any, Iterable

from console.demo.extensions.events_timing import (
    CATCH_UP,
    MINUTE,
    FiredMinutes,
    floor_minute,
    minutes,
    rate_fires,
    rate_seconds,
)

NAMESPACE = "AWS/Events"

_lock = threading.RLock()
_checked: datetime | None = None  # the last minute played
_fired = FiredMinutes()  # rule ARN -> the minutes it fired for
_installed = False


def catch_up(now: datetime | None = None) -> int:
    """Fire everything due up to `now` (default: the embedded clock); returns how many fired."""
    global _checked
    from console.demo import clock as demo_clock
    from console.demo.extensions import scheduler_firing

    now = now or demo_clock.now()
    end = floor_minute(now)
    if _checked is not None and end == _checked:
        return 0
    with _lock:
        if _checked is None or end <= _checked:
            _checked = end  # the first look, or the clock was set back: nothing new is due yet
            return scheduler_firing.deliver_pending(now)
        first = max(_checked + MINUTE, end - CATCH_UP + MINUTE)
        _checked = end
        fired = _fire_rules(first, end)
        return fired + scheduler_firing.fire(first, end, now)


def _backends() -> Iterable[Any]:
    from moto.events.models import events_backends

    for account in list(events_backends.keys()):
        regions = events_backends[account]
        for region in list(regions.keys()):
            yield regions[region]


def _fire_rules(first: datetime, last: datetime) -> int:
    from console.demo import cron_minutes
    from console.demo.extensions import events_rules

    fired = 0
    for backend in _backends():
        bus = backend.event_buses.get("default")
        if bus is None:
            continue
        for rule in list(bus.rules.values()):
            expression = rule.scheduled_expression
            if not expression or rule.state != "ENABLED":
                continue
            started = events_rules.started(rule, default=first - MINUTE)
            begin = max(first, floor_minute(started) + MINUTE)
            if begin > last:
                continue
            if expression.startswith("rate("):
                due = rate_fires(started, rate_seconds(expression), begin, last)
            else:
                due = [m for m in minutes(begin, last) if cron_minutes.fires_at(expression, m)]
            due = _fired.unfired(rule.arn, due)
            for minute in due:
                fire_rule(backend, rule, minute)
                fired += 1
            if due:
                _fired.record(rule.arn, due)
    _fired.forget_old()
    return fired


def scheduled_event(rule: Any, minute: datetime) -> dict[str, Any]:
    return {
        "version": "0",
        "id": str(uuid.uuid4()),
        "detail-type": "Scheduled Event",
        "source": "aws.events",
        "account": rule.account_id,
        "time": minute.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "region": rule.region_name,
        "resources": [rule.arn],
        "detail": {},
    }


def fire_rule(backend: Any, rule: Any, minute: datetime) -> tuple[int, int]:
    """Deliver one fire of `rule` to each of its targets and write its metrics; returns
    (invocations, failed)."""
    from console.demo.extensions import events_delivery

    event = scheduled_event(rule, minute)
    invocations = failed = sent_to_dlq = 0
    for target in list(rule.targets):
        invocations += 1
        try:
            payload = target_input(target, event, rule)
            group = (target.get("SqsParameters") or {}).get("MessageGroupId")
            events_delivery.deliver(target["Arn"], payload, minute, group)
        except (events_delivery.DeliveryError, ValueError) as exc:
            failed += 1
            dlq = (target.get("DeadLetterConfig") or {}).get("Arn")
            if dlq and events_delivery.send_to_dead_letter_queue(dlq, json.dumps(event), {
                    "RULE_ARN": rule.arn, "TARGET_ARN": target["Arn"],
                    "ERROR_CODE": getattr(exc, "code", "ValidationException"),
                    "ERROR_MESSAGE": getattr(exc, "message", str(exc))}):
                sent_to_dlq += 1
    events_delivery.put_metrics(rule.account_id, rule.region_name, NAMESPACE,
                                rule_datums(rule.name, minute, invocations, failed, sent_to_dlq))
    return invocations, failed


def rule_datums(rule_name: str, minute: datetime, invocations: int, failed: int,
                sent_to_dlq: int = 0) -> list[dict[str, Any]]:
    """The AWS/Events datapoints one fire of a scheduled rule writes (see the module's doc)."""
    by_rule = [{"Name": "RuleName", "Value": rule_name}]

    def datum(name: str, dims: list[dict[str, str]], value: int) -> dict[str, Any]:
        return {"MetricName": name, "Dimensions": dims, "Timestamp": minute, "Value": float(value), "Unit": "Count"}

    datums = [datum("TriggeredRules", by_rule, 1)]
    if invocations:
        datums += [datum("Invocations", by_rule, invocations), datum("Invocations", [], invocations)]
    if failed:
        datums.append(datum("FailedInvocations", by_rule, failed))
    if sent_to_dlq:
        datums.append(datum("InvocationsSentToDlq", by_rule, sent_to_dlq))
    return datums


# -- input ------------------------------------------------------------------------------------


def target_input(target: dict[str, Any], event: dict[str, Any], rule: Any) -> str:
    """What the target receives (eb-transform-target-input)."""
    if target.get("Input") is not None:
        return str(target["Input"])
    if target.get("InputPath"):
        return json.dumps(json_path(event, target["InputPath"]))
    transformer = target.get("InputTransformer")
    if transformer:
        values = {name: json_path(event, path) for name, path in (transformer.get("InputPathsMap") or {}).items()}
        values.update({"aws.events.rule-arn": rule.arn, "aws.events.rule-name": rule.name,
                       "aws.events.event": event, "aws.events.event.json": event})
        return render_template(transformer.get("InputTemplate") or "", values)
    return json.dumps(event)


_STEP = re.compile(r"\.([^.\[]+)|\[(\d+)\]")


def json_path(document: Any, path: str) -> Any:
    """$, $.a.b, $.a[0].b: the value, or None when the path matches nothing."""
    if not path.startswith("$"):
        raise ValueError(f"{path!r} is not a JSONPath")
    value = document
    for key, index in _STEP.findall(path[1:]):
        if key:
            value = value.get(key) if isinstance(value, dict) else None
        else:
            value = value[int(index)] if isinstance(value, list) and int(index) < len(value) else None
        if value is None:
            return None
    return value


_PLACEHOLDER = re.compile(r"<([A-Za-z0-9_.\-]+)>")


def render_template(template: str, values: dict[str, Any]) -> str:
    out: list[str] = []
    in_string = False
    i = 0
    while i < len(template):
        char = template[i]
        match = _PLACEHOLDER.match(template, i) if char == "<" else None
        if match and match.group(1) in values:
            value = values[match.group(1)]
            if in_string:
                out.append(json.dumps(value)[1:-1] if isinstance(value, str) else json.dumps(value))
            else:
                out.append(json.dumps(value))
            i = match.end()
            continue
        if char == '"' and (i == 0 or template[i - 1] != "\\"):
            in_string = not in_string
        out.append(char)
        i += 1
    return "".join(out)


# -- the request hook -------------------------------------------------------------------------


def install() -> None:
    global _installed
    if _installed:
        return
    import logging

    from moto.core.responses import BaseResponse

    from console.demo.estate import EMBEDDED_HEADER

    log = logging.getLogger("opsdeck.demo.events_firing")
    original = BaseResponse.call_action

    def call_action(self):  # type: ignore[no-untyped-def]
        """Every request but the embedded AWS's own first brings schedules up to now."""
        if not (self.headers or {}).get(EMBEDDED_HEADER):
            try:
                catch_up()
            except Exception:  # firing must never fail the request that happened to trigger it
                log.exception("firing schedules failed")
        return original(self)

    BaseResponse.call_action = call_action
    _installed = True
