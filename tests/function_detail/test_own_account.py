"""Functions the tests make in accounts of their own: REPORT lines and datapoints written
at known times show exactly; a refused call costs its section only; hostile text is inert."""

from __future__ import annotations

import io
import json
import zipfile
from datetime import timedelta

from console.demo import control
from console.cloudwatch.logs import to_ms
from screens.lambda_.function_detail import MASK
from tests.function_detail.conftest import field, function_model, make_app, open_detail, rows, settled

HOSTILE = "[bold]x[/] \x1b[31mred\x1b]52;c;ZXZpbA==\x07"
HOSTILE_SHOWN = "[bold]x[/] \u241b[31mred\u241b]52;c;ZXZpbA==\u2407"
HOSTILE_RID = "[red]rid[/]\x1b[2J"  # a request id is one word: no spaces
HOSTILE_RID_SHOWN = "[red]rid[/]\u241b[2J"


def _zip() -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as archive:
        archive.writestr("app.py", "def handler(event, context):\n    return event\n")
    return buf.getvalue()


def make_function(account, name: str, env: dict[str, str]) -> None:
    iam = account.client("iam")
    role = iam.create_role(RoleName=f"{name}-role", AssumeRolePolicyDocument=json.dumps({}))["Role"]["Arn"]
    account.client("lambda").create_function(
        FunctionName=name, Runtime="python3.12", Role=role, Handler="app.handler", Code={"ZipFile": _zip()},
        MemorySize=128, Environment={"Variables": env},
    )


def report(rid: str, duration: str, billed: int, used: int, init: str | None = None) -> str:
    line = (f"REPORT RequestId: {rid}\tDuration: {duration} ms\tBilled Duration: {billed} ms\t"
            f"Memory Size: 128 MB\tMax Memory Used: {used} MB")
    return line + (f"\tInit Duration: {init} ms" if init else "")


async def test_report_lines_metrics_and_hostile_text(fresh_account, monkeypatch, clock):
    fresh_account.use(monkeypatch)
    make_function(fresh_account, "reporter", {"EVIL": HOSTILE, "PLAIN": "ok"})
    now = clock.now()
    logs = fresh_account.client("logs")
    logs.create_log_group(logGroupName="/aws/lambda/reporter")
    logs.create_log_stream(logGroupName="/aws/lambda/reporter", logStreamName="2026/11/27/[3]abc")
    lines = [
        (now - timedelta(hours=2), report("too-old", "9.00", 9, 50)),  # outside the last hour
        (now - timedelta(minutes=40), report("cold-one", "250.50", 251, 70, init="321.09")),
        (now - timedelta(minutes=40, seconds=-1), "END RequestId: cold-one"),
        (now - timedelta(minutes=3), report("warm-one", "12.34", 13, 64)),
        (now - timedelta(minutes=1), report(HOSTILE_RID, "1.00", 1, 60)),
    ]
    logs.put_log_events(logGroupName="/aws/lambda/reporter", logStreamName="2026/11/27/[3]abc",
                        logEvents=[{"timestamp": to_ms(at), "message": m} for at, m in lines])
    dims = [{"Name": "FunctionName", "Value": "reporter"}]
    minute = now.replace(second=10)
    fresh_account.client("cloudwatch").put_metric_data(Namespace="AWS/Lambda", MetricData=[
        {"MetricName": "Invocations", "Dimensions": dims, "Timestamp": minute - timedelta(minutes=2), "Value": 5},
        {"MetricName": "Invocations", "Dimensions": dims, "Timestamp": minute - timedelta(minutes=1), "Value": 7},
        {"MetricName": "Errors", "Dimensions": dims, "Timestamp": minute - timedelta(minutes=1), "Value": 2},
        {"MetricName": "Duration", "Dimensions": dims, "Timestamp": minute - timedelta(minutes=1), "Value": 480},
        {"MetricName": "Invocations", "Dimensions": dims, "Timestamp": minute - timedelta(minutes=50), "Value": 900},
    ])

    app = make_app(fresh_account.endpoint, clock)
    async with app.run_test(size=(160, 45)) as pilot:
        screen = await open_detail(pilot, app, function_model(fresh_account.endpoint, "reporter",
                                                              fresh_account.client("lambda")))
        await settled(pilot, screen)
        # Newest first, exact figures, the cold start marked, the old line left out.
        assert [r[1:] for r in rows(screen, "invocations-table")] == [
            [HOSTILE_RID_SHOWN, "3", "1.00 ms", "1 ms", "60/128 MB", "–"],
            ["warm-one", "3", "12.34 ms", "13 ms", "64/128 MB", "–"],
            ["cold-one", "3", "250.50 ms", "251 ms", "70/128 MB", "❄ 321.09 ms"],
        ]
        # The charts: the 15-minute window holds 5 + 7 invocations (the 900 is 50 minutes old).
        label = lambda key: screen.chart_labels[key].content.plain  # noqa: E731
        assert label("invocations").endswith("max 7/min · total 12")
        assert label("errors").endswith("max 2/min · total 2")
        assert label("duration").endswith("max 480 ms (per-minute maximum)")
        assert list(screen.sparklines["invocations"].data)[-3:-1] == [5.0, 7.0]
        await pilot.press("w")  # 15 -> 60 minutes: the 900 comes into the window
        await wait_label(pilot, screen, "invocations", "total 912")

        # Hostile env value: masked, then revealed literally (markup and escapes inert).
        env = rows(screen, "env-table")
        assert env == [["EVIL", MASK], ["PLAIN", MASK]]
        screen.query_one("#env-table").move_cursor(row=0)
        await pilot.press("v")
        assert rows(screen, "env-table") == [["EVIL", HOSTILE_SHOWN], ["PLAIN", MASK]]
        svg = app.export_screenshot()
        assert "\x1b" not in svg and "\x07" not in svg
        assert "[bold]x[/]" in svg.replace("&#160;", " ") and "[red]rid[/]" in svg.replace("&#160;", " ")
        # No trigger anywhere, no policy: said, not blank.
        assert screen.sections["s3"].notice_text == "no resource policy: no S3 bucket can invoke it"


async def wait_label(pilot, screen, key: str, suffix: str) -> None:
    from tests.pilot import wait_until

    await wait_until(pilot, lambda: screen.chart_labels[key].content.plain.endswith(suffix))


async def test_access_denied_on_get_policy_costs_the_s3_section_only(fresh_account, monkeypatch, clock):
    fresh_account.use(monkeypatch)
    make_function(fresh_account, "guarded", {"A": "1"})
    control.deny(fresh_account.endpoint, fresh_account.access_key, "lambda", "GetPolicy")
    try:
        app = make_app(fresh_account.endpoint, clock)
        async with app.run_test(size=(160, 45)) as pilot:
            screen = await open_detail(pilot, app, function_model(fresh_account.endpoint, "guarded",
                                                                  fresh_account.client("lambda")))
            await settled(pilot, screen)
            s3 = screen.sections["s3"]
            assert s3.state == "error"
            assert s3.notice_text.splitlines()[0] == "Access denied: lambda:GetPolicy"
            assert field(screen, "config-body", "runtime") == "python3.12"
            assert screen.sections["config"].state == "ready"
            assert screen.sections["versions"].state == "ready"
            assert [r[0] for r in rows(screen, "versions-table")] == ["$LATEST"]
            assert screen.sections["invocations"].notice_text.startswith("no log group /aws/lambda/guarded")
            # The rest of the screen still works: v reveals, ctrl+r reloads (and is refused again).
            await pilot.press("v")
            assert rows(screen, "env-table") == [["A", "1"]]
            await pilot.press("ctrl+r")
            await settled(pilot, screen)
            assert s3.notice_text.splitlines()[0] == "Access denied: lambda:GetPolicy"
    finally:
        control.clear_denials(fresh_account.endpoint)
