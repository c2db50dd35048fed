"""The services table's "last event" is the newest by time, whatever order DescribeServices
lists them in (API_DescribeServices / API_ServiceEvent: "the latest events", no order promised)."""

from datetime import datetime, timedelta, timezone

from console.services.ecs.sources import newest_event

T0 = datetime(2026, 11, 27, 12, 0, tzinfo=timezone.utc)


def test_the_newest_event_by_time_not_the_first_listed():
    events = [
        {"id": "a", "createdAt": T0 - timedelta(minutes=5), "message": "(service s) has reached a steady state."},
        {"id": "b", "createdAt": T0, "message": "(service s) (task t) failed container health checks."},
        {"id": "c", "createdAt": T0 - timedelta(minutes=9), "message": "(service s) has started 1 tasks: (task t)."},
    ]
    newest = newest_event(events)
    assert newest is not None and newest.id == "b" and newest.at == T0


def test_no_events_no_last_event():
    assert newest_event([]) is None
