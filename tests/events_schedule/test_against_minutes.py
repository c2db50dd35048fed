"""Property tests: the console's fast search finds exactly the fires that the embedded
AWS's naive reading (console.demo.cron_minutes, written separately from the guide)
finds by asking about every minute, for many random expressions, zones and windows.

Seeded generators (no new dependency): a failure names its seed and expression, and
the same run reproduces it.
"""

from __future__ import annotations

import random
from datetime import datetime, timedelta, timezone

import pytest

from console.demo import cron_minutes
from console.services.events.schedule import ScheduleError, parse

UTC = timezone.utc
DAY_NAMES = ["SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"]
MONTH_NAMES = ["JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"]
# Each zone with instants (UTC) near its clock changes in 2026-2027; UTC with month ends.
CHANGES = {
    None: [datetime(2026, 12, 30, 12, tzinfo=UTC), datetime(2028, 2, 27, 12, tzinfo=UTC),
           datetime(2027, 5, 30, 12, tzinfo=UTC)],
    "Europe/Berlin": [datetime(2026, 3, 28, 20, tzinfo=UTC), datetime(2026, 10, 24, 20, tzinfo=UTC)],
    "America/New_York": [datetime(2026, 3, 8, 2, tzinfo=UTC), datetime(2026, 10, 31, 22, tzinfo=UTC)],
    # half-hour changes: 02:00 -> 01:30 in April, 02:00 -> 02:30 in October
    "Australia/Lord_Howe": [datetime(2026, 4, 4, 10, tzinfo=UTC), datetime(2026, 10, 3, 10, tzinfo=UTC)],
    "Pacific/Chatham": [datetime(2026, 4, 4, 8, tzinfo=UTC), datetime(2026, 9, 26, 8, tzinfo=UTC)],
    # Santiago changes at midnight: the day starts at 01:00 in September
    "America/Santiago": [datetime(2026, 4, 4, 20, tzinfo=UTC), datetime(2026, 9, 5, 20, tzinfo=UTC)],
    "Asia/Kathmandu": [datetime(2026, 6, 30, 12, tzinfo=UTC)],  # +05:45, no DST
}

def time_field(rng: random.Random, high: int) -> str:
    a, b = sorted(rng.sample(range(high + 1), 2))
    return rng.choice([
        "*", str(a), f"{a},{b}", f"{a}-{b}", f"*/{rng.randint(1, high)}", f"{a}/{rng.randint(1, high)}",
        f"{a}-{b}/{rng.randint(1, 9)}", f"{b}-{a}", f"{a},{b}-{min(high, b + 3)}", f"0{a % 10}",
    ])


def day_of_month(rng: random.Random) -> str:
    a, b = sorted(rng.sample(range(1, 32), 2))
    return rng.choice(["*", str(a), f"{a},{b}", f"{a}-{b}", f"{b}-{a}", f"{a}/{rng.randint(1, 10)}", "L", "LW",
                       f"{rng.choice([1, 2, 15, 28, 29, 30, 31, a])}W", f"{rng.choice([1, 30, 31])}W"])


def day_of_week(rng: random.Random) -> str:
    a, b = rng.sample(range(1, 8), 2)
    name = rng.choice(DAY_NAMES)
    return rng.choice(["*", str(a), f"{a},{b}", f"{a}-{b}", name, f"{name.lower()}-{DAY_NAMES[b - 1]}",
                       f"{a}L", "L", f"{name}L", f"{a}#{rng.randint(1, 5)}", f"{name}#{rng.randint(1, 5)}",
                       "MON-FRI", "SAT,SUN", f"{a}/{rng.randint(1, 3)}"])


def month_field(rng: random.Random) -> str:
    a, b = sorted(rng.sample(range(1, 13), 2))
    return rng.choice(["*", "*", str(a), f"{a},{b}", f"{MONTH_NAMES[a - 1]}-{MONTH_NAMES[b - 1]}",
                       f"{b}-{a}", f"{a}/{rng.randint(1, 4)}", MONTH_NAMES[a - 1].lower()])


def year_field(rng: random.Random) -> str:
    return rng.choice(["*", "*", "*", "2026-2028", "2027", "2026,2028", "2026/2", "2029-2199"])


def days(rng: random.Random) -> tuple[str, str]:
    return (day_of_month(rng), "?") if rng.random() < 0.5 else ("?", day_of_week(rng))


def naive_fires(expression: str, zone: str | None, start: datetime, minutes: int) -> list[str]:
    """Fires in (start, start + minutes], asking cron_minutes about each minute."""
    first = start.replace(second=0, microsecond=0) + timedelta(minutes=1)
    return [moment.isoformat() for moment in (first + timedelta(minutes=i) for i in range(minutes))
            if cron_minutes.fires_at(expression, moment, zone)]


def utc_iso(fires: list[datetime]) -> list[str]:
    return [fire.astimezone(UTC).isoformat() for fire in fires]


@pytest.mark.parametrize("seed", range(4))
def test_minute_by_minute_over_dst_changes_and_month_ends(seed):
    rng = random.Random(seed)
    for _ in range(12):
        dom, dow = rng.choice([("*", "?"), ("?", "*"), ("?", "MON-FRI"), days(rng)])
        month = rng.choice(["*", "*", month_field(rng)])
        expression = f"cron({time_field(rng, 59)} {time_field(rng, 23)} {dom} {month} {dow} *)"
        zone = rng.choice(list(CHANGES))
        start = rng.choice(CHANGES[zone]) + timedelta(minutes=rng.randint(0, 600), seconds=rng.randint(0, 59))
        window = 30 * 60
        expected = naive_fires(expression, zone, start, window)
        found = parse(expression, zone).fires_between(start, start + timedelta(minutes=window))
        assert utc_iso(found) == expected, f"seed {seed}: {expression} in {zone} after {start}"
        first3 = parse(expression, zone).next_fires(start, 3)
        assert utc_iso(first3) == expected[:3] or len(expected) < 3


@pytest.mark.parametrize("seed", range(4))
def test_day_by_day_over_years_for_l_w_and_hash(seed):
    """With one minute and one hour the only candidate each day is that wall time, so
    asking once a day is asking every minute that could fire."""
    rng = random.Random(1000 + seed)
    for _ in range(40):
        minute, hour = rng.randint(0, 59), rng.choice([0, 6, 12, 23])
        dom, dow = days(rng)
        expression = f"cron({minute} {hour} {dom} {month_field(rng)} {dow} {year_field(rng)})"
        zone = rng.choice([None, "Europe/Berlin", "Asia/Tokyo"])  # these hours exist every day there
        first = datetime(rng.randint(2026, 2029), rng.randint(1, 12), 1, hour, minute)
        walls = [first + timedelta(days=i) for i in range(3 * 366)]
        expected = [wall for wall in walls if cron_minutes.fires_at(expression, wall, zone)]
        schedule = parse(expression, zone)
        found = schedule.fires_between(_instant(first - timedelta(minutes=1), zone), _instant(walls[-1], zone))
        assert [fire.replace(tzinfo=None) for fire in found] == expected, f"seed {seed}: {expression} in {zone}"


def _instant(wall: datetime, zone: str | None) -> datetime:
    from zoneinfo import ZoneInfo

    return wall.replace(tzinfo=ZoneInfo(zone or "UTC"))


PIECES = ["*", "?", "0", "5", "59", "60", "23", "24", "31", "32", "L", "LW", "15W", "W", "5L", "2#1", "2#6", "#", "1-5",
          "5-1", "*/5", "0/15", "*/0", "MON", "mon-fri", "JAN", "FEB-DEC", "1,2", "1,,2", "L-2", "7L", "1970", "2199",
          "2200", "2026-2030", "2030-2026", "x", "-", "/", "1/", "3#1,6#3", "FRIL", "SAT#5", ""]


@pytest.mark.parametrize("seed", range(3))
def test_both_readings_accept_and_refuse_the_same_expressions(seed):
    rng = random.Random(2000 + seed)
    for _ in range(1500):
        dom, dow = days(rng)
        fields = [time_field(rng, 59), time_field(rng, 23), dom, month_field(rng), dow, year_field(rng)]
        for _ in range(rng.choice([0, 1, 1, 2])):  # spoil a field or two, or none
            fields[rng.randrange(6)] = rng.choice(PIECES)
        if rng.random() < 0.05:
            fields.pop() if rng.random() < 0.5 else fields.append("*")
        expression = "cron(" + " ".join(fields) + ")"
        try:
            english = parse(expression).describe()
            console_accepts = True
        except ScheduleError:
            console_accepts = False
        else:
            assert english and "None" not in english, expression
        try:
            cron_minutes.check(expression)
            demo_accepts = True
        except ValueError:
            demo_accepts = False
        assert console_accepts == demo_accepts, expression
