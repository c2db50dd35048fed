"""The logs figures' reading and counting (tests/logs/bench_logs.py): readers' output lines to
the bench's sequence numbers, and missed / doubled / lag from crafted arrivals. No servers."""

from __future__ import annotations

import sys
from datetime import datetime, timezone

from console.cloudwatch.cli_logs import format_event
from console.cloudwatch.logs import LogEvent
from tests.logs.bench_logs import (
    awslogs_message, line_text, opsdeck_message, parse_message, percentile, reader_commands, report_line, tally)

AT = datetime(2026, 12, 1, 12, tzinfo=timezone.utc)
RENDER = {"rate_asked": 5000, "seconds": 5.1, "lines": 25_000, "drawn": 25_000, "drawn_lines_per_s": 5000,
          "last_frame_ms_after_last_append": 6.0, "lag_ms_median": 1.0, "lag_ms_p99": 12.0, "lag_ms_max": 30.0,
          "idle_lag_ms_median": 1.0, "idle_lag_ms_p99": 10.0, "flush_ms_median": 2.0, "flush_ms_max": 9.0}


def test_an_opsdeck_json_line_gives_back_the_line_written():
    event = LogEvent("/bench/g", "api", AT, AT, line_text("measured", 17, "api"), "1")
    output = format_event(event, "json")  # what `opsdeck logs tail --format json` prints

    assert parse_message(opsdeck_message(output)) == ("measured", 17)


def test_an_awslogs_line_without_group_and_stream_is_the_message():
    assert parse_message(awslogs_message(line_text("warm", 3, "cron") + "\n")) == ("warm", 3)


def test_lines_the_bench_did_not_write_are_not_counted():
    assert opsdeck_message("not json") is None
    assert opsdeck_message('{"time": "x"}') is None
    assert awslogs_message("\n") is None
    for text in ("opsdeck-bench measured x api", "something else", "opsdeck-bench measured 1", ""):
        assert parse_message(text) is None


def test_missed_doubled_and_each_lines_lag_from_its_first_arrival():
    written = {0: 10.0, 1: 10.1, 2: 10.2, 3: 10.3}
    arrivals = [(10.5, 0), (10.9, 1), (11.0, 0), (11.2, 2), (11.3, 2), (11.4, 2), (12.0, 99)]

    result = tally(written, arrivals)

    assert result.missed == 1  # 3 never came
    assert result.doubled == 3  # 0 once more, 2 twice more; 99 was not written in this phase
    assert [round(lag, 3) for lag in result.lags_s] == [0.5, 0.8, 1.0]
    figure = result.as_dict()
    assert (figure["shown"], figure["lag_s_median"], figure["lag_s_max"]) == (3, 0.8, 1.0)


def test_nothing_shown_is_every_line_missed():
    figure = tally({0: 1.0, 1: 2.0}, []).as_dict()

    assert (figure["missed"], figure["doubled"], figure["lag_s_median"]) == (2, 0, None)


def test_percentile_is_the_nearest_rank():
    values = [float(n) for n in range(1, 21)]

    assert (percentile(values, 0.95), percentile(values, 0.5), percentile([7.0], 0.99)) == (19.0, 10.0, 7.0)


def test_the_report_names_each_target_and_a_peer_not_measured():
    row = {"missed": 0, "doubled": 0, "shown": 200, "lines": 200, "lag_s_median": 0.5, "lag_s_p95": 0.9,
           "lag_s_max": 1.0}
    figure = {
        "uptime": "load average: 4.0",
        "render": RENDER,
        "latency": {"opsdeck live tail": row, "opsdeck polling": {**row, "lag_s_max": 2.5},
                    "awslogs": {"error": "not measured: awslogs is not installed"}},
        "bound": {"lines": 50_000, "mode": "live", "received": 50_000, "missed": 0, "doubled": 0,
                  "all_received_s": 6.0, "view_entries": 10_000, "view_bound": 10_000, "view_dropped": 40_001, "view_appended": 50_000, "marker_count": 1,
                  "dropped_row": "… 40,001 older lines dropped", "lag_ms_p99": 100.0, "lag_ms_max": 900.0},
    }

    report = report_line(figure)

    assert "25,000/25,000 drawn, the last 6.0 ms after the last append" in report
    assert "the last frame ≤ 100 ms after) ok" in report
    assert "(target < 50 ms) ok" in report
    assert "(target: every line ≤ 1.5 s, once) ok" in report and "(target: every line ≤ 2 s, once) over" in report
    assert "awslogs" in report and "not measured" in report
    assert "the view holds 10,000 (bound 10,000)" in report and "NOT HELD" not in report


def test_a_view_over_its_bound_or_without_the_count_is_not_held():
    base = {"lines": 50_000, "mode": "live", "received": 50_000, "missed": 0, "doubled": 0, "all_received_s": 6.0,
            "view_entries": 10_000, "view_bound": 10_000, "view_dropped": 40_000, "view_appended": 50_000,
            "dropped_row": "… 40,000 older lines dropped (the view keeps the last 10,000)", "lag_ms_p99": 1.0,
            "lag_ms_max": 1.0}
    figure = {"render": RENDER}

    assert "NOT HELD" not in report_line({**figure, "bound": base})
    assert "NOT HELD" in report_line({**figure, "bound": {**base, "view_entries": 12_000, "view_dropped": 38_000}})
    assert "NOT HELD" in report_line({**figure, "bound": {**base, "dropped_row": "12:00:00 a line"}})
    # a marker row kept (live tail sampled): one line fewer in the view, one more dropped
    sampled = {**base, "marker_count": 1, "view_dropped": 40_001,
               "dropped_row": "… 40,001 older lines dropped (the view keeps the last 10,000)"}
    assert "NOT HELD" not in report_line({**figure, "bound": sampled})
    assert "NOT HELD" in report_line({**figure, "bound": {**sampled, "marker_count": 0}})


def test_a_view_that_drew_fewer_lines_than_fed_did_not_keep_up():
    assert "after) behind" in report_line({"render": {**RENDER, "drawn": 20_000}})
    assert "after) behind" in report_line({"render": {**RENDER, "last_frame_ms_after_last_append": 900.0}})


def test_without_awslogs_installed_the_peer_has_no_command(tmp_path, monkeypatch):
    monkeypatch.setattr(sys, "executable", str(tmp_path / "python"))  # no awslogs beside it
    monkeypatch.setenv("PATH", str(tmp_path))  # nor on PATH

    commands = reader_commands("http://127.0.0.1:1", "/bench/g")

    assert commands["awslogs"][0] is None
    assert commands["opsdeck live tail"][0][-6:] == ["/bench/g", "--follow", "--format", "json", "--since", "1m"]


def test_a_live_tail_that_fell_back_to_polling_says_so():
    row = {"missed": 0, "doubled": 0, "shown": 1, "lines": 1, "lag_s_median": 0.5, "lag_s_p95": 0.5,
           "lag_s_max": 0.5, "said": ["-- live tail refused: polling FilterLogEvents every 1 s instead"]}

    report = report_line({"render": RENDER, "latency": {"opsdeck live tail": row}})

    assert "it said: -- live tail refused: polling FilterLogEvents every 1 s instead" in report
