"""Session-stopping problems, produced for real, each give a screen that says what is
wrong and what to run; never a traceback."""

from __future__ import annotations

import hashlib
import json
import socket

from console.app import OpsdeckApp
from console.aws.clients import ClientPool
from console.clock import ManualClock
from console.target import Target
from screens.dashboard import DashboardScreen
from screens.problem import ProblemScreen
from tests.clock import time_flies
from textual.widgets import Static


def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


async def problem_text(target: Target) -> str:
    clock = ManualClock()
    app = OpsdeckApp(target, ClientPool(clock), clock)
    async with app.run_test(size=(120, 30)) as pilot, time_flies(clock):  # botocore's retry delays pass
        for _ in range(400):  # a screen is app.screen before its widgets are mounted: wait for them
            if isinstance(app.screen, DashboardScreen) or (isinstance(app.screen, ProblemScreen)
                                                           and app.screen.query("#remedy")):
                break
            await pilot.pause(0.05)
        assert isinstance(app.screen, ProblemScreen), f"expected the problem screen, got {app.screen!r}"
        text = "\n".join(str(static.render()) for static in app.screen.query(Static))
        screenshot = app.export_screenshot()
    assert "Traceback" not in text and "Traceback" not in screenshot
    return text


async def test_no_credentials(endpoint, monkeypatch):
    monkeypatch.delenv("AWS_ACCESS_KEY_ID")
    monkeypatch.delenv("AWS_SECRET_ACCESS_KEY")
    text = await problem_text(Target(None, "us-east-1", endpoint))
    assert "No AWS credentials found" in text
    assert "aws configure" in text and "aws sso login" in text


async def test_unknown_profile(endpoint):
    text = await problem_text(Target("nope", "us-east-1", endpoint))
    assert "Profile 'nope' is not in your AWS config" in text
    assert "aws configure list-profiles" in text


async def test_expired_sso_token(endpoint, tmp_path, monkeypatch):
    start_url = "https://example.awsapps.com/start"
    (tmp_path / "aws-config").write_text(
        "[profile sso-dev]\n"
        f"sso_start_url = {start_url}\nsso_region = us-east-1\nsso_account_id = 123456789012\n"
        "sso_role_name = ReadOnly\nregion = us-east-1\n"
    )
    cache = tmp_path / ".aws" / "sso" / "cache"
    cache.mkdir(parents=True)
    (cache / f"{hashlib.sha1(start_url.encode()).hexdigest()}.json").write_text(json.dumps(
        {"startUrl": start_url, "region": "us-east-1", "accessToken": "expired", "expiresAt": "2020-01-01T00:00:00Z"}
    ))
    monkeypatch.setenv("AWS_ENDPOINT_URL_SSO", endpoint)  # the SSO portal, were the token fresh
    monkeypatch.delenv("AWS_ACCESS_KEY_ID")
    monkeypatch.delenv("AWS_SECRET_ACCESS_KEY")
    text = await problem_text(Target("sso-dev", "us-east-1", endpoint))
    assert "expired" in text
    assert "aws sso login --profile sso-dev" in text


async def test_endpoint_unreachable():
    endpoint = f"http://127.0.0.1:{closed_port()}"
    text = await problem_text(Target(None, "us-east-1", endpoint))
    assert f"Cannot reach {endpoint}" in text
    assert f"that {endpoint} is running" in text and "--endpoint-url" not in text  # no opsdeck flag on screen


async def test_access_denied_on_identity_is_a_problem_screen(fresh_account, monkeypatch):
    from console.demo import control

    fresh_account.use(monkeypatch)
    control.deny(fresh_account.endpoint, fresh_account.access_key, "sts")
    try:
        text = await problem_text(Target(None, "us-east-1", fresh_account.endpoint))
    finally:
        control.clear_denials(fresh_account.endpoint)
    assert "Access denied" in text
    assert "sts:GetCallerIdentity" in text
    assert "aws sts get-caller-identity" in text


async def test_access_denied_on_one_service_marks_only_its_panel(fresh_account, monkeypatch):
    from console.demo import control
    from widgets.panel import ResourcePanel

    fresh_account.use(monkeypatch)
    control.deny(fresh_account.endpoint, fresh_account.access_key, "lambda", "ListFunctions")
    clock = ManualClock()
    app = OpsdeckApp(Target(None, "us-east-1", fresh_account.endpoint), ClientPool(clock), clock)
    try:
        async with app.run_test(size=(160, 50)) as pilot:
            def settled():
                if not isinstance(app.screen, DashboardScreen):
                    return False
                states = {p.id: p.state.name for p in app.screen.query(ResourcePanel)}
                others = [states.get(f"{name}-panel") for name in ("ecs", "stepfunctions", "events")]
                return states.get("lambda-panel") == "error" and others == ["empty"] * 3 and states
            for _ in range(200):
                if settled():
                    break
                await pilot.pause(0.05)
            states = settled()
            assert states, {p.id: p.state.name for p in app.screen.query(ResourcePanel)}
            lambda_panel = app.screen.query_one("#lambda-panel", ResourcePanel)
            notice = str(lambda_panel.query_one(".panel-notice", Static).render())
            assert "Access denied" in notice and "lambda:ListFunctions" in notice
            assert "Access denied" in str(lambda_panel.border_title)
    finally:
        control.clear_denials(fresh_account.endpoint)
