"""How long a panel's worth of schedules takes: 1,000 rules' next 3 fires.

Run: .venv/bin/python -m tests.events_schedule.measure
Prints the best of five runs for a cold start (parse included, nothing cached) and for a
refresh (the parsed schedules cached, as a panel's next poll finds them). Not a test:
it measures the machine as much as the code.
"""

from __future__ import annotations

import time
from datetime import datetime, timezone

from console.services.events import schedule

ZONES = [None, "Europe/Berlin", "America/New_York", "Asia/Tokyo", "Australia/Lord_Howe"]


def rules(n: int = 1000) -> list[tuple[str, str | None]]:
    shapes = [
        "cron({m} {h} * * ? *)", "cron(0/{s} * * * ? *)", "cron({m} {h} ? * MON-FRI *)", "cron(0 {h} ? * {d}L *)",
        "cron(0 {h} ? * {d}#{w} *)", "cron(0 10 {dom}W * ? *)", "rate({s} minutes)", "cron(0 10 29 2 ? *)",
        "cron(0/5 8-17 ? * MON-FRI *)", "cron({m} {h} L * ? *)",
    ]
    found = [(shapes[i % len(shapes)].format(m=i % 60, h=i // 10 % 24, s=i // 10 % 29 + 2, d=i // 10 % 7 + 1,
                                             w=i // 70 % 5 + 1, dom=i // 10 % 31 + 1), ZONES[i // 3 % len(ZONES)])
             for i in range(n)]
    return found


def measure() -> tuple[float, float]:
    after = datetime(2026, 12, 1, 12, 34, 56, tzinfo=timezone.utc)
    expressions = rules()
    cold, warm = [], []
    for _ in range(5):
        schedule._parse.cache_clear()
        started = time.perf_counter()
        for expression, zone in expressions:
            schedule.parse(expression, zone).next_fires(after, 3)
        cold.append(time.perf_counter() - started)
        started = time.perf_counter()
        for expression, zone in expressions:
            schedule.parse(expression, zone).next_fires(after, 3)
        warm.append(time.perf_counter() - started)
    return min(cold), min(warm)


if __name__ == "__main__":
    cold, warm = measure()
    print(f"1,000 rules, next 3 fires: {cold * 1000:.1f} ms from cold (parse included), {warm * 1000:.1f} ms on refresh")
