"""Does an event match a pattern, asked of AWS where it will answer, else of the local matcher.

TestEventPattern
(https://docs.aws.amazon.com/eventbridge/latest/APIReference/API_TestEventPattern.html)
is EventBridge's own matcher: on real AWS it is the authority. It needs the full event
envelope ("the following fields are mandatory: id, account, source, time, region,
resources, detail-type"); `envelope()` fills what the caller left out. The local matcher
(console.services.events.patterns) answers instead when:

- the target is the embedded AWS (`Target.demo`): it has no EventBridge of its own, and
  the local matcher is what opsdeck would use offline anyway;
- AWS refuses the call (AccessDenied: the role lacks events:TestEventPattern);
- opsdeck runs read-only: TestEventPattern is not on the read-only allow-list
  (console.aws.readonly), so the guard refuses it before anything is sent.

Both answer the same filled-in envelope, so a pattern on `source` or `time` sees the same
event either way.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any

from console.aws.context import AwsContext
from console.aws.errors import ErrorClass, classify
from console.services.events.patterns import check_pattern, matches

# What `envelope()` puts in a field the caller left out. The id, account and source are
# placeholders a pattern would rarely test; time and region come from the target and clock.
DEFAULT_ID = "00000000-0000-4000-8000-000000000000"
DEFAULT_ACCOUNT = "123456789012"
DEFAULT_SOURCE = "opsdeck.test"
DEFAULT_DETAIL_TYPE = "opsdeck test event"


@dataclass(frozen=True)
class PatternVerdict:
    matched: bool
    by: str  # "TestEventPattern" or "local matcher"
    why_local: str = ""  # when the local matcher answered, why


def envelope(event: dict[str, Any], account: str | None, region: str, now: datetime) -> dict[str, Any]:
    """`event` with every mandatory envelope field present: the caller's values win; a
    missing id/account/source/detail-type gets a placeholder, time the clock's now (UTC,
    second precision), region the target's, resources an empty list, version "0" and
    detail an empty object."""
    defaults = {
        "version": "0",
        "id": DEFAULT_ID,
        "detail-type": DEFAULT_DETAIL_TYPE,
        "source": DEFAULT_SOURCE,
        "account": account or DEFAULT_ACCOUNT,
        "time": now.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "region": region,
        "resources": [],
        "detail": {},
    }
    return {**defaults, **event}


async def test_pattern(ctx: AwsContext, pattern: str | dict[str, Any], event: dict[str, Any]) -> bool:
    """Whether `event` matches `pattern` (see the module docstring for who answers)."""
    return (await judge(ctx, pattern, event)).matched


test_pattern.__test__ = False  # type: ignore[attr-defined]  # a name pytest would collect


async def judge(ctx: AwsContext, pattern: str | dict[str, Any], event: dict[str, Any]) -> PatternVerdict:
    """The verdict and who gave it. An invalid pattern raises PatternError before any call."""
    checked = check_pattern(pattern)
    full = envelope(event, ctx.target.account, ctx.target.region, ctx.clock.now())
    if ctx.target.demo:
        return PatternVerdict(matches(checked, full), "local matcher", "the embedded AWS")
    try:
        events = await ctx.client("events")
        answer = await events.test_event_pattern(EventPattern=json.dumps(checked), Event=json.dumps(full))
    except Exception as exc:
        kind = classify(exc)
        if kind not in (ErrorClass.ACCESS_DENIED, ErrorClass.READ_ONLY):
            raise
        why = "read-only mode" if kind is ErrorClass.READ_ONLY else "TestEventPattern was refused (access denied)"
        return PatternVerdict(matches(checked, full), "local matcher", why)
    return PatternVerdict(bool(answer["Result"]), "TestEventPattern")
