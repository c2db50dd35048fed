"""Every key of the log view, through the app, on lines written with PutLogEvents."""

from __future__ import annotations

import json

from screens.log_view import LogPrompt, LogViewScreen
from tests.log_view.conftest import RID_A, RID_B, S, LogWriter, bodies, open_logs, real_now, screen_rows, \
    start_app, step
from tests.pilot import wait_until

CONTROL = "\x1b\x07\r\x9b"


async def answer(pilot, app, *values: str) -> LogPrompt:
    """Type `values` into the open prompt's fields (replacing what they hold) and press enter."""
    prompt = await wait_until(pilot, lambda: isinstance(app.screen, LogPrompt) and app.screen)
    await pilot.pause()
    for index, value in enumerate(values):
        field = prompt.query("Input")[index]
        field.value = value
    prompt.query("Input")[0].focus()
    await pilot.press("enter")
    await pilot.pause()
    return prompt


async def test_hostile_lines_stay_inert_in_every_look(account, tmp_path):
    logs = LogWriter(account, "/hostile")
    t0 = real_now()
    hostile = "[bold red]x[/] \x1b[31mred\x1b[0m \x1b]52;c;ZXZpbA==\x07 car\rriage \x9b2J done"
    hostile_json = json.dumps({"level": "ERROR", "msg": "[bold]\x1b[31m\r", "requestId": RID_A})
    logs.put_many([(t0 - 3 * S, hostile), (t0 - 2 * S, hostile_json), (t0 - 1 * S, "[/] " * 60 + "\x1b[2J")])
    app = start_app(account.endpoint)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_logs(pilot, app, ["/hostile"])
        view = screen.view
        shown = bodies(view)
        assert shown[0] == ("  [bold red]x[/] \u241b[31mred\u241b[0m \u241b]52;c;ZXZpbA==\u2407 car\u240driage "
                            "<9B>2J done")
        assert shown[1].startswith('▌ ▸ {"level": "ERROR", "msg": "[bold]\\u001b[31m\\r"')
        looks = []
        for keys in ([], ["w"], ["up", "enter"], ["t"]):  # plain, wrapped, JSON open, other zone
            for key in keys:
                await pilot.press(key)
            await pilot.pause()
            looks.append(screen_rows(view))
        view.set_highlight("[bold")
        await pilot.pause()
        looks.append(screen_rows(view))
        for rows in looks:
            assert not any(ch in seg.text for row in rows for seg in row for ch in CONTROL)
            assert not any(seg.control for row in rows for seg in row)
        assert "[bold red]x[/]" in "".join(seg.text for seg in looks[0][0])  # literally, not as markup
        await pilot.press("c")
        assert app.clipboard and not any(ch in app.clipboard for ch in CONTROL)
        assert "\u241b[31mred" in app.clipboard


async def test_slash_sends_the_filter_pattern_to_aws_and_highlights_locally(account):
    logs = LogWriter(account, "/orders")
    t0 = real_now()
    logs.put_many([(t0 - 4 * S, "ERROR order 7 failed"), (t0 - 3 * S, "INFO order 8 ok"),
                   (t0 - 2 * S, "ERROR payment 9 failed"), (t0 - 1 * S, "INFO Order 10 ok")])
    app = start_app(account.endpoint)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_logs(pilot, app, ["/orders"])
        assert len(screen.view.shown_lines()) == 4
        await pilot.press("slash")
        await answer(pilot, app, "ERROR", "order")
        assert screen.restarts == 1 and screen.tail.filter_pattern == "ERROR"  # a new tail, the pattern as typed
        await wait_until(pilot, lambda: screen.loaded)
        assert bodies(screen.view) == ["ERROR order 7 failed", "ERROR payment 9 failed"]
        assert "filter ERROR" in screen.title_plain()
        assert "highlight 'order'" in screen.status_text()
        highlight = screen.view.get_component_rich_style("log-view--highlight")
        marked = [seg.text for row in screen_rows(screen.view) for seg in row if seg.style and
                  seg.style.bgcolor == highlight.bgcolor]
        assert marked == ["order"]
        # the highlight is local: a new one changes no tail; an empty pattern reads every line again
        await pilot.press("slash")
        await answer(pilot, app, "", "ORDER")
        assert screen.restarts == 2 and screen.tail.filter_pattern is None
        await wait_until(pilot, lambda: screen.loaded)
        await pilot.pause()
        marked = [seg.text for row in screen_rows(screen.view) for seg in row if seg.style and
                  seg.style.bgcolor == highlight.bgcolor]
        assert marked == ["order", "order", "Order"]
        # a pattern AWS refuses is said, naming the field, with what to do
        await pilot.press("slash")
        await answer(pilot, app, "{ $.level = ", "")
        await wait_until(pilot, lambda: screen.problem is not None, rounds=200)
        assert screen.state == "error"
        assert screen.notice_text().startswith("Filter pattern: CloudWatch Logs refused '{ $.level = '\n"
                                               "Press / to change the filter pattern")


async def test_start_time_prompt_reads_again_from_there_and_bad_input_names_the_field(account):
    logs = LogWriter(account, "/history")
    t0 = real_now()
    logs.put_many([(t0 - 50 * 60 * S, "fifty minutes ago"), (t0 - 20 * 60 * S, "twenty minutes ago"),
                   (t0 - 2 * 60 * S, "two minutes ago")])
    app = start_app(account.endpoint)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_logs(pilot, app, ["/history"])
        assert bodies(screen.view) == ["two minutes ago"]
        assert "from -15m" in screen.title_plain()
        await pilot.press("s")
        prompt = await answer(pilot, app, "yesterday")
        assert app.screen is prompt  # kept open, saying what was expected
        assert prompt.message_text() == ("Start: expected now, a time ago such as -5m, 1h or 2d (s, m, h, d, w), "
                                         "or a time such as 2026-11-27T12:00:00Z; got 'yesterday' "
                                         "(or a time of today such as 18:00)")
        await answer(pilot, app, "-1h")
        assert isinstance(app.screen, LogViewScreen)
        await wait_until(pilot, lambda: screen.loaded)
        assert bodies(screen.view) == ["fifty minutes ago", "twenty minutes ago", "two minutes ago"]
        assert "from -1h" in screen.title_plain()
        at = (t0 - 30 * 60 * S).strftime("%Y-%m-%d %H:%M:%S")
        await pilot.press("s")
        await answer(pilot, app, at)
        await wait_until(pilot, lambda: screen.loaded)
        assert bodies(screen.view) == ["twenty minutes ago", "two minutes ago"]
        await pilot.press("s")
        await answer(pilot, app, "now")
        await wait_until(pilot, lambda: screen.loaded)
        assert screen.view.shown_lines() == [] and screen.notice_text().startswith("no log events since ")
        logs.put(app.clock.now() + 1 * S, "after now")
        await step(pilot, screen, app.clock, screen.interval)
        assert bodies(screen.view) == ["after now"]


async def test_pause_queues_with_a_count_resume_loses_nothing_and_end_follows(account):
    logs = LogWriter(account, "/busy")
    t0 = real_now()
    logs.put_many([(t0 - (100 - i) * S, f"line {i}") for i in range(60)])
    app = start_app(account.endpoint)
    async with app.run_test(size=(120, 30)) as pilot:
        screen = await open_logs(pilot, app, ["/busy"])
        view = screen.view
        await wait_until(pilot, lambda: view.scroll_y == view.max_scroll_y > 0)
        await pilot.press("p")
        assert view.paused and "‖ paused · 0 new lines" in screen.status_text()
        top = view.scroll_y
        now = app.clock.now()
        logs.put_many([(now + i * S, f"late {i}") for i in range(3)], stream="s2")
        await step(pilot, screen, app.clock, screen.interval)
        logs.put_many([(app.clock.now() + i * S, f"later {i}") for i in range(2)], stream="s3")
        await step(pilot, screen, app.clock, screen.interval)
        assert "‖ paused · 5 new lines" in screen.status_text()
        assert len(view.shown_lines()) == 60 and view.scroll_y == top  # nothing moved under the reader
        await pilot.press("pageup", "pageup")
        assert view.scroll_y < top  # scrolling back while paused
        await pilot.press("p")  # resume: the queue is drawn below, the place kept
        assert not view.paused
        assert bodies(view) == [*(f"line {i}" for i in range(60)), "late 0", "late 1", "late 2", "later 0", "later 1"]
        assert "↑ scrolled back" in screen.status_text()
        await pilot.press("end")
        await wait_until(pilot, lambda: view.following and view.scroll_y == view.max_scroll_y)
        assert "● following · 65 events" in screen.status_text()
        # scrolling up pauses by itself; f draws what queued meanwhile, once each
        await pilot.press("up")
        assert view.paused
        logs.put(app.clock.now() + 1 * S, "while scrolled up", stream="s4")
        await step(pilot, screen, app.clock, screen.interval)
        assert "1 new line " in screen.status_text()
        await pilot.press("f")
        assert bodies(view)[-1] == "while scrolled up" and len(view.shown_lines()) == 66
        assert view.following


async def test_lambda_lines_report_json_and_request_jumps(account):
    logs = LogWriter(account, "/aws/lambda/pay")
    t0 = real_now()
    report = ("REPORT RequestId: {rid}\tDuration: 212.34 ms\tBilled Duration: 213 ms\tMemory Size: 512 MB\t"
              "Max Memory Used: 128 MB\t{init}\n")
    logs.put_many([
        (t0 - 10 * S, f"START RequestId: {RID_A} Version: $LATEST\n"),
        (t0 - 9 * S, f"[INFO]\t2026-12-01T18:00:00.000Z\t{RID_A}\tcharging\n"),
        (t0 - 6 * S, json.dumps({"level": "WARN", "requestId": RID_A, "order": {"id": 7}})),
        (t0 - 5 * S, "print without an id\n"),
        (t0 - 4 * S, report.format(rid=RID_A, init="Init Duration: 340.12 ms\t")),
    ], stream="env-1")
    logs.put_many([
        (t0 - 8 * S, f"START RequestId: {RID_B} Version: $LATEST\n"),
        (t0 - 7 * S, f"[ERROR]\t2026-12-01T18:00:00.000Z\t{RID_B}\tcard declined\n"),
        (t0 - 3 * S, report.format(rid=RID_B, init="")),
    ], stream="env-2")
    app = start_app(account.endpoint)
    async with app.run_test(size=(140, 40)) as pilot:
        screen = await open_logs(pilot, app, ["/aws/lambda/pay"])
        view = screen.view
        assert bodies(view) == [
            f"▌ START RequestId: {RID_A} Version: $LATEST",
            f"▌ [INFO]    2026-12-01T18:00:00.000Z    {RID_A}    charging",
            f"▌ START RequestId: {RID_B} Version: $LATEST",
            f"▌ [ERROR]    2026-12-01T18:00:00.000Z    {RID_B}    card declined",
            f'▌ ▸ {{"level": "WARN", "requestId": "{RID_A}", "order": {{"id": 7}}}}',
            "▌ print without an id",  # env-1 is running request A: the line is A's
            "▌ REPORT 212 ms (billed 213) · 128/512 MB · init 340 ms cold start",
            "▌ REPORT 212 ms (billed 213) · 128/512 MB",
        ]
        # jump between requests: the cursor's request is named, its lines marked █
        await pilot.press("left_square_bracket")
        assert view.cursor_entry().request_id == RID_B
        assert f"request {RID_B} (2 of 2" in screen.status_text()
        assert [line[13] for line in view.shown_lines()] == ["▌", "▌", "█", "█", "▌", "▌", "▌", "█"]
        await pilot.press("left_square_bracket")
        assert view.cursor_entry().event.message.startswith(f"START RequestId: {RID_A}")
        await pilot.press("right_square_bracket")
        assert view.cursor_entry().event.message.startswith(f"START RequestId: {RID_B}")
        await pilot.press("right_square_bracket")  # none later: said, the cursor stays
        assert view.cursor_entry().request_id == RID_B
        # enter on the JSON line pretty-prints it; enter again folds it
        view.move_cursor(view.entries[4].seq)
        await pilot.press("enter")
        assert bodies(view)[4:11] == ["█ ▾ {", '█     "level": "WARN",', f'█     "requestId": "{RID_A}",',
                                      '█     "order": {', '█       "id": 7', "█     }", "█   }"]  # A's: █
        await pilot.press("enter")
        assert len(view.shown_lines()) == 8
        await pilot.press("z")  # every JSON line
        assert len(view.shown_lines()) == 14
        # levels coloured: the ERROR line's level word and the cold start
        error_word = view.get_component_rich_style("log-view--level-error")
        rows = screen_rows(view)
        assert any(seg.text == "ERROR" and seg.style.color == error_word.color for row in rows for seg in row)


async def test_wrap_zone_copy_and_save(account, tmp_path, monkeypatch):
    import time

    monkeypatch.setenv("TZ", "Asia/Kolkata")  # +05:30, no daylight saving
    time.tzset()
    try:
        logs = LogWriter(account, "/wide")
        t0 = real_now()
        logs.put_many([(t0 - 2 * S, "x" * 250), (t0 - 1 * S, "short")])
        app = start_app(account.endpoint)
        async with app.run_test(size=(100, 30)) as pilot:
            screen = await open_logs(pilot, app, ["/wide"])
            view = screen.view
            assert len(view.shown_lines()) == 2
            drawn = "".join(seg.text for seg in screen_rows(view)[0]).rstrip()
            assert drawn.endswith("x…") and len(drawn) == view.scrollable_content_region.width  # truncated
            await pilot.press("w")
            width = view.scrollable_content_region.width - 13
            assert len(view.shown_lines()) == 1 + -(-250 // width) and "wrapped" in screen.status_text()
            await pilot.press("w")
            first = view.shown_lines()[0]
            await pilot.press("t")  # local time: +05:30
            local = view.shown_lines()[0]
            assert (int(local[:2]) * 60 + int(local[3:5])) - (int(first[:2]) * 60 + int(first[3:5])) in (330, 330 - 1440)
            assert "times IST" in screen.title_plain()
            await pilot.press("c")
            assert app.clipboard == "\n".join(view.shown_lines()) + "\n"
            await pilot.press("ctrl+s")
            prompt = await answer(pilot, app, str(tmp_path / "missing" / "x.log"))
            assert prompt.message_text().startswith("Path: a file in an existing directory")
            target = tmp_path / "pay.log"
            await answer(pilot, app, str(target))
            assert target.read_text() == "\n".join(view.shown_lines()) + "\n"
            assert screen.saved_to == target
    finally:
        monkeypatch.undo()
        time.tzset()


async def test_logs_command_follows_two_groups_with_a_group_column(account):
    a, b = LogWriter(account, "/app/api"), LogWriter(account, "/app/worker")
    t0 = real_now()
    a.put_many([(t0 - 5 * S, "api one"), (t0 - 2 * S, "api two")])
    b.put_many([(t0 - 4 * S, "worker one"), (t0 - 1 * S, "worker two")])
    app = start_app(account.endpoint)
    async with app.run_test(size=(120, 40)) as pilot:
        from screens.dashboard import DashboardScreen

        await wait_until(pilot, lambda: isinstance(app.screen, DashboardScreen))
        await pilot.press("colon")
        await pilot.press(*"logs /app/api bad!name")
        await wait_until(pilot, lambda: "not a log group name" in str(app.screen.query("CommandList").first()
                                                                       .get_option_at_index(0).prompt))
        await pilot.press("enter")
        await pilot.pause()
        assert not isinstance(app.screen, LogViewScreen)
        await pilot.press("colon")
        await pilot.press(*"logs /app/api /app/worker")
        await wait_until(pilot, lambda: "/app/worker" in str(app.screen.query("CommandList").first()
                                                             .get_option_at_index(0).prompt))
        await pilot.press("enter")
        screen = await wait_until(pilot, lambda: isinstance(app.screen, LogViewScreen) and app.screen)
        await wait_until(pilot, lambda: screen.polls >= 1)
        assert screen.groups == ("/app/api", "/app/worker")
        assert bodies(screen.view) == ["/app/api    api one", "/app/worker worker one", "/app/api    api two",
                                       "/app/worker worker two"]
