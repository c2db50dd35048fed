"""Invoke in the app is a guarded action: f5 shows the plan (function, qualifier, invocation
type, payload size) in the confirmation modal, a protected target needs its name typed, the
audit file keeps the payload's SHA-256 and never the payload, and the qualifier starts at
the configured traffic alias as on the command line. Read back: the server's Invoke count
in the test's account, the echoed response, the audit file."""

from __future__ import annotations

import hashlib
import json

import pytest
from textual.widgets import Input

from console.audit import default_path
from console.config import config_dir
from console.demo import control
from screens.confirm import ConfirmActionScreen
from tests.lambda_tui.conftest import start_app
from tests.invoke.conftest import function_with_live_alias
from tests.lambda_tui.test_invoke import open_invoke
from tests.pilot import wait_until

PAYLOAD = '{"card": "4111-1111-1111-1111", "orderId": "o-tui"}'


@pytest.fixture
def account(fresh_account, monkeypatch):
    fresh_account.use(monkeypatch)
    return fresh_account


def invokes(account) -> int:
    return control.count_of(control.request_counts(account.endpoint), "lambda", "Invoke", account.id)


def configure(text: str) -> None:
    config_dir().mkdir(parents=True, exist_ok=True)
    (config_dir() / "config.toml").write_text(text, encoding="utf-8")


async def plan_modal(pilot, app) -> ConfirmActionScreen:
    await pilot.press("f5")
    return await wait_until(pilot, lambda: isinstance(app.screen, ConfirmActionScreen)
                            and app.screen.query("#confirm-close") and app.screen)


async def test_f5_plans_then_enter_invokes_and_the_audit_keeps_only_the_hash(account):
    name = function_with_live_alias(account)
    app = start_app(account.endpoint)
    async with app.run_test(size=(160, 45)) as pilot:
        screen = await open_invoke(pilot, app, name)
        screen.editor.load_text(PAYLOAD)
        before = invokes(account)
        modal = await plan_modal(pilot, app)
        shown = str(modal.query_one("#confirm-plan").render())
        size, sha = len(PAYLOAD), hashlib.sha256(PAYLOAD.encode()).hexdigest()
        assert shown.startswith(f"Invoke {name} at live (RequestResponse), payload {size} bytes\n"
                                f"target: arn:aws:lambda:us-east-1:{account.id}:function:{name}:live\n")
        assert f"1. Invoke {name} at live (RequestResponse) with a payload of {size} bytes (SHA-256 {sha[:12]}…)" \
            in shown
        assert invokes(account) == before  # nothing sent before the confirmation
        await pilot.press("enter")  # Apply is the modal's focused button
        await wait_until(pilot, lambda: screen.state == "done")
        assert app.screen is screen  # a success closes the modal: the result is here
        assert screen.result_text().startswith("Status 200 · RequestResponse · executed version 1")
        response = screen.result_text().split("Response\n", 1)[1].split("\nLog tail\n", 1)[0]
        assert json.loads(response) == json.loads(PAYLOAD)
    assert invokes(account) == before + 1
    records = [json.loads(line) for line in default_path().read_text().splitlines()]
    started, step, finished = records[-3:]
    assert started["action"] == "lambda.invoke" and started["details"]["payload_sha256"] == sha
    assert started["details"]["qualifier"] == "live" and started["details"]["payload_bytes"] == str(size)
    assert step["result"] == "applied" and step["details"]["executed_version"] == "1"
    assert finished["result"] == "ok"
    assert "4111-1111" not in default_path().read_text() and "o-tui" not in default_path().read_text()


async def test_escape_in_the_plan_sends_nothing(account):
    name = function_with_live_alias(account)
    app = start_app(account.endpoint)
    async with app.run_test(size=(160, 45)) as pilot:
        screen = await open_invoke(pilot, app, name)
        before = invokes(account)
        await plan_modal(pilot, app)
        await pilot.press("escape")
        await wait_until(pilot, lambda: screen.state == "ready" and screen.message_text())
        assert screen.message_text() == "Not invoked: the plan was not confirmed. Nothing was sent."
    assert invokes(account) == before and not default_path().exists()


async def test_a_protected_profile_needs_the_function_name_typed(account):
    configure("[profiles.default]\nprotected = true\n")
    name = function_with_live_alias(account)
    app = start_app(account.endpoint)
    async with app.run_test(size=(160, 45)) as pilot:
        screen = await open_invoke(pilot, app, name)
        before = invokes(account)
        modal = await plan_modal(pilot, app)
        assert "PROTECTED profile or account: type the name to confirm" in str(modal.query_one("#confirm-plan").render())
        assert app.focused is modal.query_one("#confirm-name", Input)
        await pilot.press(*"pay", "enter")
        await wait_until(pilot, lambda: "type its name exactly" in str(modal.query_one("#confirm-error").render()))
        assert invokes(account) == before
        modal.query_one("#confirm-name", Input).value = ""
        await pilot.press(*name, "enter")
        await wait_until(pilot, lambda: screen.state == "done")
    assert invokes(account) == before + 1


async def test_the_qualifier_starts_at_the_configured_traffic_alias(account):
    configure('traffic_alias = "prod"\n')
    name = function_with_live_alias(account)  # `live` -> 1
    lam = account.client("lambda")
    lam.create_alias(FunctionName=name, Name="prod", FunctionVersion="1")
    app = start_app(account.endpoint)
    async with app.run_test(size=(160, 45)) as pilot:
        await open_invoke(pilot, app, name, qualifier="prod")
        modal = await plan_modal(pilot, app)
        assert str(modal.query_one("#confirm-plan").render()).startswith(f"Invoke {name} at prod (RequestResponse)")
