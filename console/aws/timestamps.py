"""Timestamps in AWS answers, parsed fast.

botocore reads every timestamp through dateutil: an epoch number (the JSON protocols: ECS,
Lambda, Step Functions, CloudWatch Logs) becomes a datetime in dateutil's `tzlocal()`,
which works out the local zone again on each call. Reading 1,500 ECS services and their
tasks parsed 41,803 of them: 2.85 s of the console's CPU, 45 % of all response parsing.
Here an epoch number becomes a UTC datetime at once and an ISO 8601 string with an offset
goes through `datetime.fromisoformat`; anything else goes to botocore's parser as before.
The instant is the same either way; only the zone object differs (UTC, not local).
"""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Any

from botocore.utils import parse_timestamp as botocore_parse_timestamp


def parse_timestamp(value: Any) -> datetime:
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        try:
            return datetime.fromtimestamp(value, timezone.utc)
        except (OverflowError, OSError, ValueError):
            pass
    elif isinstance(value, str) and "T" in value:
        try:
            parsed = datetime.fromisoformat(value)
        except ValueError:
            pass
        else:
            if parsed.tzinfo is not None:
                return parsed
    return botocore_parse_timestamp(value)


def use_fast_timestamps(session: Any) -> None:
    """Make every client of `session` parse timestamps with `parse_timestamp`."""
    session.get_component("response_parser_factory").set_parser_defaults(timestamp_parser=parse_timestamp)
