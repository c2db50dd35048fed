"""The invoke screen through the whole app on the embedded server: every template invokes,
bad input is refused before anything is sent (server-side Invoke count unchanged), Lambda's
refusals and function errors are explained, saved payloads come back."""

from __future__ import annotations

import json

import pytest
from textual.widgets import Input, Select

from console.demo import control
from console.services.lambda_.invoke import ASYNC_LIMIT_BYTES
from console.services.lambda_.payloads import template_names, template_text
from screens.confirm import ConfirmActionScreen
from screens.dashboard import DashboardScreen
from screens.lambda_.invoke import InvokeScreen
from tests.invoke.conftest import function_with_live_alias
from tests.lambda_tui.conftest import select_function, start_app
from tests.pilot import wait_until


def invoke_count(endpoint: str, account: str | None = None) -> int:
    return control.count_of(control.request_counts(endpoint), "lambda", "Invoke", account)


async def open_invoke(pilot, app, name: str, qualifier: str = "live") -> InvokeScreen:
    """`i` on the function's row; waits for its aliases and versions to load."""
    await select_function(pilot, app, name)
    await pilot.press("i")
    screen = await wait_until(pilot, lambda: isinstance(app.screen, InvokeScreen) and app.screen)
    await wait_until(pilot, lambda: screen.qualifier == qualifier)
    return screen


async def send(pilot, screen: InvokeScreen) -> None:
    """f5, then Apply in the confirmation (its default) when the plan gets that far."""
    app = screen.app
    await pilot.press("f5")
    await wait_until(pilot, lambda: (isinstance(app.screen, ConfirmActionScreen) and app.screen.query("#confirm-apply"))
                     or (screen.state != "invoking" and (screen.state != "ready" or screen.message_text())))
    if isinstance(app.screen, ConfirmActionScreen):
        await pilot.press("enter")
    await wait_until(pilot, lambda: screen.state != "invoking" and (screen.state != "ready" or screen.message_text()))


def pick(screen: InvokeScreen, selector: str, value: str) -> None:
    screen.query_one(selector, Select).value = value


@pytest.mark.parametrize("template", template_names())
async def test_every_template_invokes_the_estate_function_from_the_screen(endpoint, template):
    app = start_app(endpoint)
    async with app.run_test(size=(160, 45)) as pilot:
        screen = await open_invoke(pilot, app, "validate-order")
        pick(screen, "#invoke-payload-choice", f"template:{template}")
        await wait_until(pilot, lambda: screen.editor.text == template_text(template))
        before = invoke_count(endpoint)
        await send(pilot, screen)
        assert screen.state == "done", screen.message_text()
        assert invoke_count(endpoint) == before + 1
        shown = screen.result_text()
        # validate-order's live alias points at version 3 in the seeded estate
        assert shown.startswith("Status 200 · RequestResponse · executed version 3 · request ")
        assert "\nNo function error\n" in shown
        response = shown.split("Response\n", 1)[1].split("\nLog tail\n", 1)[0]
        assert json.loads(response) == json.loads(template_text(template))  # the estate echoes


async def test_other_qualifiers_and_types_are_sent_as_chosen(endpoint):
    app = start_app(endpoint)
    async with app.run_test(size=(160, 45)) as pilot:
        screen = await open_invoke(pilot, app, "validate-order")
        labels = [str(label) for label, _ in screen.query_one("#invoke-qualifier", Select)._options]
        assert "alias live→3" in labels and "version $LATEST" in labels and "version 2" in labels
        pick(screen, "#invoke-qualifier", "2")
        await send(pilot, screen)
        assert "executed version 2" in screen.result_text()
        pick(screen, "#invoke-type", "Event")
        await send(pilot, screen)
        assert screen.result_text().startswith("Status 202 · Event")
        assert "(none: Event invocations return no log tail)" in screen.result_text()


async def test_bad_json_shows_line_and_column_moves_the_cursor_and_sends_nothing(endpoint):
    app = start_app(endpoint)
    async with app.run_test(size=(160, 45)) as pilot:
        screen = await open_invoke(pilot, app, "validate-order")
        screen.editor.load_text('{\n  "orderId": "o-1",\n  "amount": ,\n}')
        before = invoke_count(endpoint)
        await pilot.press("f5")
        await wait_until(pilot, lambda: screen.message_text())
        assert screen.message_text() == ("Payload: invalid JSON at line 3, column 13: Expecting value. "
                                         "Nothing was sent.")
        assert screen.editor.cursor_location == (2, 12)
        assert screen.state == "ready"
        await pilot.pause(0.2)
        assert invoke_count(endpoint) == before
        await pilot.press("1")  # `"amount": 1,` then `}`: still not JSON, the error stays
        await pilot.pause()
        assert screen.message_text().startswith("Payload: invalid JSON")
        await pilot.press("delete")  # the trailing comma goes: JSON, and the error with it
        await pilot.pause()
        assert json.loads(screen.editor.text) == {"orderId": "o-1", "amount": 1}
        assert screen.message_text() == ""


async def test_oversize_payload_is_refused_with_the_limit_named(endpoint):
    app = start_app(endpoint)
    async with app.run_test(size=(160, 45)) as pilot:
        screen = await open_invoke(pilot, app, "validate-order")
        body = '{"pad": "' + "x" * (ASYNC_LIMIT_BYTES - 10) + '"}'  # 1 byte over 1 MB
        screen.editor.load_text(body)
        pick(screen, "#invoke-type", "Event")
        before = invoke_count(endpoint)
        await pilot.press("f5")
        await wait_until(pilot, lambda: screen.message_text())
        assert screen.message_text() == (
            "Payload too large: payload is 1,048,577 bytes, over the asynchronous (Event) limit of "
            "1,048,576 bytes (1 MB); nothing was sent")
        await pilot.pause(0.2)
        assert invoke_count(endpoint) == before


@pytest.fixture
def account(fresh_account, monkeypatch):
    fresh_account.use(monkeypatch)
    return fresh_account


async def test_a_qualifier_gone_since_the_screen_opened_is_a_clear_message(account):
    name = function_with_live_alias(account)
    app = start_app(account.endpoint)
    async with app.run_test(size=(160, 45)) as pilot:
        screen = await open_invoke(pilot, app, name)
        account.client("lambda").delete_alias(FunctionName=name, Name="live")
        await send(pilot, screen)
        assert screen.state == "failed"
        assert screen.message_text().startswith(f"Function {name} has no version or alias 'live'\n"
                                                "List them with `aws lambda list-aliases")
        assert screen.result_text().startswith("no invocation yet")


async def test_a_function_gone_since_the_screen_opened_is_said_in_the_consoles_words(account):
    """The command line says "check --profile and --region"; the console names no opsdeck flag."""
    name = function_with_live_alias(account)
    app = start_app(account.endpoint)
    async with app.run_test(size=(160, 45)) as pilot:
        screen = await open_invoke(pilot, app, name)
        account.client("lambda").delete_function(FunctionName=name)
        await send(pilot, screen)
        assert screen.state == "failed"
        shown = screen.message_text()
        assert shown.startswith(f"Function {name} or its version/alias 'live' not found\n") or \
            shown.startswith(f"No function {name!r} in ")
        assert "--" not in shown and "opsdeck " not in shown
        assert "--profile" in screen.problem.cli_remedy


async def test_a_failing_version_shows_the_function_error(account):
    name = function_with_live_alias(account)
    control.fail_function(account.endpoint, name, version="1", message="card declined [/]",
                          error_type="PaymentError", account=account.id)
    try:
        app = start_app(account.endpoint)
        async with app.run_test(size=(160, 45)) as pilot:
            screen = await open_invoke(pilot, app, name)
            await send(pilot, screen)
            shown = screen.result_text()
            assert shown.startswith("Status 200 · RequestResponse · executed version 1")
            assert "\nFunction error: Unhandled — PaymentError: card declined [/]\n" in shown
            assert screen.has_class("-function-error")
            pick(screen, "#invoke-qualifier", "$LATEST")  # only version 1 fails
            await send(pilot, screen)
            assert "No function error" in screen.result_text()
            assert "executed version $LATEST" in screen.result_text()
    finally:
        control.clear_failures(account.endpoint)


async def test_saved_payload_round_trip(account, tmp_path):
    name = function_with_live_alias(account)
    payload = '{\n  "orderId": "o-42",\n  "note": "[bold]kept literally[/]"\n}'
    app = start_app(account.endpoint)
    async with app.run_test(size=(160, 45)) as pilot:
        screen = await open_invoke(pilot, app, name)
        screen.editor.load_text(payload)
        await pilot.press("ctrl+s")  # no name yet: asks for one, saves nothing
        assert screen.message_text().startswith("Save: type a name in the 'save as' box")
        assert app.focused is screen.query_one("#invoke-save-name", Input)
        await pilot.press(*"order-42", "ctrl+s")
        assert screen.message_text() == f"Saved payload 'order-42' for {name}; it is listed first in the payload picker."
        saved = tmp_path / "state" / "payloads" / name / "order-42.json"
        assert saved.read_text() == payload
        await pilot.press("escape")
        await wait_until(pilot, lambda: isinstance(app.screen, DashboardScreen))
        screen = await open_invoke(pilot, app, name)  # a new screen: the saved payload is first
        assert screen.query_one("#invoke-payload-choice", Select).value == "saved:order-42"
        assert screen.editor.text == payload
        await send(pilot, screen)
        response = screen.result_text().split("Response\n", 1)[1].split("\nLog tail\n", 1)[0]
        assert json.loads(response) == json.loads(payload)


async def test_read_only_refuses_clearly_and_sends_nothing(endpoint):
    app = start_app(endpoint, read_only=True)
    async with app.run_test(size=(160, 45)) as pilot:
        await select_function(pilot, app, "validate-order")
        assert "i" not in app.active_bindings or not app.active_bindings["i"].binding.show  # hidden
        await pilot.press("i")
        await pilot.pause(0.2)
        assert isinstance(app.screen, DashboardScreen)  # the key does nothing in read-only mode
        function = next(i for i in app.screen.panel("lambda").table.items if i.name == "validate-order").function
        screen = InvokeScreen(function)
        await app.push_screen(screen)  # opened some other way: it still refuses
        await pilot.pause()
        assert screen.message_text().startswith("Read-only mode: opsdeck will not call lambda:Invoke.")
        assert "--" not in screen.message_text() and "config.toml" in screen.message_text()
        before = invoke_count(endpoint)
        screen.action_invoke()
        await pilot.pause(0.2)
        assert invoke_count(endpoint) == before and screen.state == "refused"
