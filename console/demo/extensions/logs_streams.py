"""FilterLogEvents naming a log stream that does not exist, as AWS answers it.

moto 5.2.5 reads only the named streams that exist and ignores the others. AWS refuses
the whole call: ResourceNotFoundException, HTTP 400, "The specified log stream does not
exist." The FilterLogEvents API reference lists ResourceNotFoundException ("The specified
resource does not exist.") among the operation's errors without saying which inputs
cause it; the case and its text are what tools calling it on real accounts report
(percona/rds_exporter#81: "ResourceNotFoundException: The specified log stream does not
exist." from FilterLogEvents with logStreamNames; percona/rds_exporter#123: one missing
stream fails the whole request). A console that follows an ECS task's streams meets it
whenever a container has not written its first line yet, so the embedded AWS answers it too.

A missing group keeps moto's answer ("The specified log group does not exist."), checked first.
"""

from __future__ import annotations

from typing import Any

MESSAGE = "The specified log stream does not exist."
_installed = False


def missing_streams(backend: Any, group: str | None, names: list[str] | None) -> list[str]:
    """The names in `names` that are not streams of `group` (an unknown group: none, moto says so)."""
    log_group = backend.groups.get(group) if group else None
    if log_group is None or not names:
        return []
    return [name for name in names if name not in log_group.streams]


def install() -> None:
    global _installed
    if _installed:
        return
    from moto.logs.exceptions import ResourceNotFoundException
    from moto.logs.models import LogsBackend

    original = LogsBackend.filter_log_events

    def filter_log_events(self, log_group_name, log_stream_names, *args, **kwargs):  # type: ignore[no-untyped-def]
        if missing_streams(self, log_group_name, log_stream_names):
            raise ResourceNotFoundException(MESSAGE)
        return original(self, log_group_name, log_stream_names, *args, **kwargs)

    filter_log_events.__wrapped__ = original  # type: ignore[attr-defined]
    LogsBackend.filter_log_events = filter_log_events
    _installed = True
