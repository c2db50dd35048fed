"""CloudWatch Logs Live Tail: log groups by ARN, a session's event stream as updates.

StartLiveTail (CloudWatch Logs API reference, StartLiveTail; botocore's logs model)
answers with an event stream: one `sessionStart`, then a `sessionUpdate` every second
holding up to 500 events ingested in that second (`sessionMetadata.sampled` when more
matched and these are a sample). A session takes up to 10 log groups, each by ARN, and
ends after three hours with a `SessionTimeoutException` in the stream. Live events carry
no eventId: `console.cloudwatch.logs_feed` de-duplicates them by content.

This module only speaks the protocol; the feed decides when to use it and what to do
when it is refused, samples, or ends.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, AsyncIterator, Mapping, Sequence

from console.aws.context import AwsContext, bounded_gather
from console.aws.errors import ErrorClass, classify, error_code
from console.cloudwatch.logs import LogEvent, from_ms

MAX_LIVE_GROUPS = 10  # StartLiveTail: "You can include up to 10 log groups."
UPDATE_EVENTS = 500  # sessionResults: "can include as many as 500 log events"
SESSION_TIMEOUT = "SessionTimeoutException"  # "Live Tail sessions time out after three hours."


class MissingGroups(LookupError):
    """Log groups that do not exist (by the name or ARN the user gave)."""

    def __init__(self, names: Sequence[str]) -> None:
        self.names = tuple(names)
        listed = ", ".join(self.names)
        super().__init__(f"log group{'s' if len(self.names) != 1 else ''} {listed} "
                         f"do{'' if len(self.names) != 1 else 'es'} not exist")


def group_arn(arn: str) -> str:
    """An ARN as StartLiveTail takes it: DescribeLogGroups' `arn` ends with ':*', which
    StartLiveTail refuses ("the ARN can't end with an asterisk")."""
    return arn[:-2] if arn.endswith(":*") else arn


def group_name(identifier: str) -> str:
    """The log group's name in a name or ARN (arn:aws:logs:REGION:ACCOUNT:log-group:NAME)."""
    if identifier.startswith("arn:") and ":log-group:" in identifier:
        return group_arn(identifier.split(":log-group:", 1)[1])
    return identifier


async def resolve_arns(ctx: AwsContext, groups: Sequence[str]) -> dict[str, str]:
    """Each group (a name, or an ARN kept as given) -> its ARN, from DescribeLogGroups.
    Raises MissingGroups naming every group that does not exist."""

    async def arn_of(group: str) -> str | None:
        if group.startswith("arn:"):
            return group_arn(group)
        async for page in ctx.pages("logs", "describe_log_groups", logGroupNamePrefix=group):
            for found in page.get("logGroups", ()):
                if found.get("logGroupName") == group:
                    return found.get("logGroupArn") or group_arn(found.get("arn") or "")
        return None

    arns = await bounded_gather(arn_of(group) for group in groups)
    missing = [group for group, arn in zip(groups, arns) if not arn]
    if missing:
        raise MissingGroups(missing)
    return {group: arn for group, arn in zip(groups, arns) if arn}


@dataclass(frozen=True)
class SessionStarted:
    session_id: str


@dataclass(frozen=True)
class LiveUpdate:
    """One sessionUpdate: the events ingested in about a second, and whether they are a sample."""

    events: tuple[LogEvent, ...]
    sampled: bool


def live_events(raw_events: Sequence[Mapping[str, Any]], groups_by_id: Mapping[str, str],
                first_id: int) -> tuple[LogEvent, ...]:
    """LogEvents from sessionResults. A live event has no eventId; each gets `live-N`
    (unique within the feed), and its group is named as the user named it."""
    events = []
    for offset, raw in enumerate(raw_events):
        identifier = raw.get("logGroupIdentifier") or ""
        group = groups_by_id.get(identifier) or groups_by_id.get(group_arn(identifier)) or group_name(identifier)
        timestamp = int(raw.get("timestamp") or 0)
        events.append(LogEvent(
            group=group,
            stream=raw.get("logStreamName") or "",
            timestamp=from_ms(timestamp),
            ingestion_time=from_ms(int(raw.get("ingestionTime") or timestamp)),
            message=raw.get("message") or "",
            event_id=f"live-{first_id + offset}",
        ))
    return tuple(events)


def identifiers(arns: Mapping[str, str]) -> dict[str, str]:
    """Every form a live event may name its group by (ARN, ARN:*, name) -> the user's name."""
    found: dict[str, str] = {}
    for group, arn in arns.items():
        for form in (arn, arn + ":*", group_name(arn), group):
            found.setdefault(form, group)
    return found


async def live_session(ctx: AwsContext, arns: Mapping[str, str], filter_pattern: str | None = None,
                       streams: Sequence[str] | None = None) -> AsyncIterator[SessionStarted | LiveUpdate]:
    """One StartLiveTail session: SessionStarted, then a LiveUpdate per sessionUpdate, until
    the stream ends (returns) or fails (raises: a SessionTimeoutException after three hours
    is a botocore EventStreamError with that code). `streams` only with one group."""
    client = await ctx.client("logs")
    params: dict[str, Any] = {"logGroupIdentifiers": list(arns.values())}
    if filter_pattern:
        params["logEventFilterPattern"] = filter_pattern  # exactly as given: AWS evaluates it
    if streams:
        params["logStreamNames"] = list(streams)
    response = await client.start_live_tail(**params)
    stream = response["responseStream"]
    by_id = identifiers(arns)
    counted = 0
    try:
        async for event in stream:
            if "sessionStart" in event:
                yield SessionStarted(str(event["sessionStart"].get("sessionId") or ""))
            elif "sessionUpdate" in event:
                update = event["sessionUpdate"]
                results = update.get("sessionResults") or ()
                yield LiveUpdate(live_events(results, by_id, counted),
                                 bool((update.get("sessionMetadata") or {}).get("sampled")))
                counted += len(results)
    finally:
        stream.close()


def timed_out(exc: BaseException) -> bool:
    """The three-hour end of a session, said in its stream."""
    return error_code(exc) == SESSION_TIMEOUT


def refusal(exc: BaseException) -> str | None:
    """Why live tail cannot be used here (the feed polls instead), or None when the error
    is about the groups themselves (they do not exist) and must reach the user."""
    kind = classify(exc)
    if kind is ErrorClass.NOT_FOUND:
        return None
    code = error_code(exc)
    if kind is ErrorClass.ACCESS_DENIED:
        return "access denied to StartLiveTail"
    if code in ("UnknownOperationException", "InvalidAction", "500", "501", "404", "InvalidOperationException"):
        return "StartLiveTail is not available from this endpoint"
    if code == "LimitExceededException":
        return "too many live tail sessions open in this account"
    if kind is ErrorClass.NETWORK:
        return "the live tail endpoint cannot be reached"
    return f"StartLiveTail failed ({code or type(exc).__name__})"
