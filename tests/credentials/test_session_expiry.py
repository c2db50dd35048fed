"""Sessions that expire in the middle of an incident, driven with Pilot against the embedded
AWS: its SSO portal ends sign-in sessions and its STS enforces the Expiration it reports
(tests/contract/test_sso.py, test_sts.py); the console's clock and AWS's move together.

The data proves the session: a rule created while the session is expired can only reach
the screen through a session that works again."""

from __future__ import annotations

import boto3

from console.app import OpsdeckApp
from console.aws.clients import ClientPool
from console.demo import control
from console.target import Target
from screens.mfa import MfaScreen
from textual.widgets import Static

from .conftest import SSO_START_URL, loaded, panel_states, wait_for

EXPIRED = "Your AWS session has expired or the keys are not valid"


def other_account(fresh_account, first: str) -> str:
    """An account of this test's own, never the fresh account itself (its first digit differs)."""
    return (first if not fresh_account.id.startswith(first) else "5") + fresh_account.id[1:]


def create_rule(endpoint: str, account: str, name: str) -> None:
    """With the test's own keys, straight to the server, acting in `account` (moto's header)."""
    events = boto3.client("events", endpoint_url=endpoint, region_name="us-east-1")
    events.meta.events.register(
        "before-sign.events.*", lambda request, **_: request.headers.__setitem__("x-moto-account-id", account))
    events.put_rule(Name=name, ScheduleExpression="rate(1 day)", State="ENABLED")


def events_shows(app, name: str) -> bool:
    states = panel_states(app)
    if states is None or states["events"] != "ok":
        return False
    return any(name in key for key in app.screen.panel("events").table.visible_keys)


def all_stale_with(app, headline: str) -> bool:
    screen = app.screen
    states = panel_states(app)
    return bool(states) and all(
        states[p] == "stale" and screen.panel(p).state.problem.headline == headline for p in states)


def notices(app) -> list[str]:
    return [f"{n.title}: {n.message}" for n in app._notifications]


def screen_text(app) -> str:
    return "\n".join(str(static.render()) for static in app.screen.query(Static))


async def test_sso_session_expired_mid_session_comes_back_with_ctrl_r_after_sso_login(
        fresh_account, aws_files, no_env_keys, monkeypatch, shared_clock):
    endpoint, account = fresh_account.endpoint, other_account(fresh_account, "6")
    aws_files.profile("sso-oncall", sso_start_url=SSO_START_URL, sso_region="us-east-1",
                      sso_account_id=account, sso_role_name="ReadOnly", region="us-east-1")
    first_login = f"first-login-{account}"
    aws_files.sso_token(first_login, "2099-01-01T00:00:00Z")
    monkeypatch.setenv("AWS_ENDPOINT_URL_SSO", endpoint)  # the portal in the embedded AWS
    app = OpsdeckApp(Target("sso-oncall", "us-east-1", endpoint), ClientPool(shared_clock), shared_clock)
    async with app.run_test(size=(160, 50)) as pilot:
        await wait_for(pilot, lambda: loaded(app, "empty"), "the SSO account's empty dashboard", clock=shared_clock)
        assert app.target.account == account

        # the sign-in session ends; an hour on, so do the role credentials it bought
        control.end_sso_session(endpoint, first_login)
        await shared_clock.jump(3601)
        await wait_for(pilot, lambda: all_stale_with(app, EXPIRED), "every panel stale: session expired",
                       clock=shared_clock)
        await wait_for(pilot, lambda: [n for n in notices(app) if "aws sso login --profile sso-oncall" in n],
                       "what to run, in a notification", clock=shared_clock)
        assert app.active_bindings["ctrl+r"].binding.action == "renew_session"  # the footer says so
        create_rule(endpoint, account, "written-while-expired")

        # ctrl+r before logging in again: the cache still holds the ended session's token
        told = len(notices(app))
        await pilot.press("ctrl+r")
        await wait_for(pilot, lambda: app.pool.epoch("sso-oncall") == 1 and app.pool.expired("sso-oncall")
                       and len(notices(app)) > told, "the credentials read again, still expired", clock=shared_clock)
        assert all_stale_with(app, EXPIRED)  # the same clear text, the last data kept
        assert "aws sso login --profile sso-oncall" in notices(app)[-1]

        aws_files.sso_token(f"second-login-{account}", "2099-01-01T00:00:00Z")  # what `aws sso login` writes
        await pilot.press("ctrl+r")
        await wait_for(pilot, lambda: events_shows(app, "written-while-expired"), "the rule, read with the new session",
                       clock=shared_clock)
        assert not app.pool.expired("sso-oncall")
        assert app.active_bindings["ctrl+r"].binding.action == "refresh"


async def test_mfa_session_expired_mid_session_asks_for_a_new_code(fresh_account, aws_files, no_env_keys,
                                                                   shared_clock):
    endpoint, role_account = fresh_account.endpoint, other_account(fresh_account, "7")
    aws_files.keys("base", fresh_account.access_key, fresh_account.secret_key)
    aws_files.profile("admin", role_arn=f"arn:aws:iam::{role_account}:role/admin", source_profile="base",
                      mfa_serial=f"arn:aws:iam::{fresh_account.id}:mfa/oncall", duration_seconds="900",
                      region="us-east-1")
    app = OpsdeckApp(Target("admin", "us-east-1", endpoint), ClientPool(shared_clock), shared_clock)
    async with app.run_test(size=(160, 50)) as pilot:
        await wait_for(pilot, lambda: isinstance(app.screen, MfaScreen), "the MFA modal", clock=shared_clock)
        await pilot.press(*"123456", "enter")
        await wait_for(pilot, lambda: loaded(app, "empty"), "the role account's empty dashboard", clock=shared_clock)
        assert app.target.account == role_account

        await shared_clock.jump(901)  # past the role session's DurationSeconds
        asked = "The MFA session of profile admin has expired"
        await wait_for(pilot, lambda: isinstance(app.screen, MfaScreen) and asked in screen_text(app),
                       "the MFA modal, asking again", clock=shared_clock)
        await pilot.press("escape")  # not now: the data stays, stale, and ctrl+r asks again
        await wait_for(pilot, lambda: all_stale_with(app, EXPIRED), "every panel stale: session expired",
                       clock=shared_clock)
        assert "press ctrl+r to type one" in notices(app)[-1]
        create_rule(endpoint, role_account, "written-while-expired")

        await pilot.press("ctrl+r")
        await wait_for(pilot, lambda: isinstance(app.screen, MfaScreen), "the MFA modal, on ctrl+r", clock=shared_clock)
        await pilot.press(*"000000", "enter")  # refused by STS: the modal asks again, with its answer
        await wait_for(pilot, lambda: isinstance(app.screen, MfaScreen)
                       and "MultiFactorAuthentication failed" in screen_text(app), "STS's refusal", clock=shared_clock)
        await pilot.press(*"654321", "enter")
        await wait_for(pilot, lambda: events_shows(app, "written-while-expired"), "the rule, read with the new session",
                       clock=shared_clock)
        assert app.pool.credentials_of("admin").source == "mfa"
    counts = control.request_counts(endpoint)
    assert control.count_of(counts, "sts", "AssumeRole", account=fresh_account.id) == 3  # start, wrong, new


def test_the_cli_says_what_to_run_for_an_expired_sso_session_and_no_key_to_press(
        fresh_account, aws_files, no_env_keys, monkeypatch):
    from click.testing import CliRunner

    from console.cli import main

    endpoint, account = fresh_account.endpoint, other_account(fresh_account, "8")
    aws_files.profile("sso-oncall", sso_start_url=SSO_START_URL, sso_region="us-east-1",
                      sso_account_id=account, sso_role_name="ReadOnly", region="us-east-1")
    token = f"ended-{account}"
    aws_files.sso_token(token, "2099-01-01T00:00:00Z")
    control.end_sso_session(endpoint, token)
    monkeypatch.setenv("AWS_ENDPOINT_URL_SSO", endpoint)

    result = CliRunner().invoke(main, ["--profile", "sso-oncall", "--endpoint-url", endpoint, "credentials", "check"])

    assert result.exit_code == 1
    assert EXPIRED in result.output
    assert "Run `aws sso login --profile sso-oncall` (SSO) or refresh your keys, then run the command again." in result.output
    assert "ctrl+r" not in result.output and "Traceback" not in result.output


async def test_ctrl_r_on_a_detail_screen_renews_the_session_then_reloads_it(fresh_account, aws_files, no_env_keys,
                                                                            monkeypatch, shared_clock):
    """The function detail reads its sections itself: AWS's ExpiredTokenException on them is
    enough for ctrl+r there to read the credentials again first."""
    from screens.lambda_.function_detail import FunctionDetailScreen
    from tests.function_detail.conftest import field, function_model
    from tests.function_detail.test_own_account import make_function

    endpoint = fresh_account.endpoint
    make_function(fresh_account, "settle-payments", {})
    aws_files.profile("sso-oncall", sso_start_url=SSO_START_URL, sso_region="us-east-1",
                      sso_account_id=fresh_account.id, sso_role_name="ReadOnly", region="us-east-1")
    first_login = f"first-login-{fresh_account.id}"
    aws_files.sso_token(first_login, "2099-01-01T00:00:00Z")
    monkeypatch.setenv("AWS_ENDPOINT_URL_SSO", endpoint)
    app = OpsdeckApp(Target("sso-oncall", "us-east-1", endpoint), ClientPool(shared_clock), shared_clock,
                     sources={})  # no dashboard polling: the detail's own reads only
    async with app.run_test(size=(160, 50)) as pilot:
        await wait_for(pilot, lambda: app.engine is not None, "the dashboard", clock=shared_clock)
        screen = FunctionDetailScreen(function_model(endpoint, "settle-payments", fresh_account.client("lambda")))
        await app.push_screen(screen)
        config = screen.sections["config"]
        await wait_for(pilot, lambda: all(s.state != "loading" for s in screen.sections.values()),
                       "every section read", clock=shared_clock)
        assert field(screen, "config-body", "memory") == "128 MB"

        control.end_sso_session(endpoint, first_login)
        await shared_clock.jump(3601)
        fresh_account.client("lambda").update_function_configuration(FunctionName="settle-payments", MemorySize=512)
        await pilot.press("ctrl+r")  # the screen's own reload: AWS answers that the session expired
        await wait_for(pilot, lambda: config.stale_since is not None and app.pool.expired("sso-oncall"),
                       "the section stale", clock=shared_clock)
        assert EXPIRED in config.stale_since and field(screen, "config-body", "memory") == "128 MB"  # kept
        await wait_for(pilot, lambda: app.active_bindings["ctrl+r"].binding.action == "renew_session",
                       "ctrl+r offered as Renew session", clock=shared_clock)

        # before logging in again: the credentials are read again, and the portal refuses the
        # ended session's token before any request is sent; ctrl+r still renews
        await pilot.press("ctrl+r")
        await wait_for(pilot, lambda: app.pool.epoch("sso-oncall") >= 1 and config.stale_since is not None
                       and app.pool.expired("sso-oncall"), "the section stale again", clock=shared_clock)
        assert EXPIRED in config.stale_since
        await wait_for(pilot, lambda: app.active_bindings["ctrl+r"].binding.action == "renew_session",
                       "ctrl+r offered as Renew session again", clock=shared_clock)

        aws_files.sso_token(f"second-login-{fresh_account.id}", "2099-01-01T00:00:00Z")  # `aws sso login`
        renewals = app.pool.epoch("sso-oncall")
        await pilot.press("ctrl+r")
        await wait_for(pilot, lambda: config.stale_since is None and app.pool.epoch("sso-oncall") > renewals
                       and field(screen, "config-body", "memory") == "512 MB",
                       "the configuration, read with the new session", clock=shared_clock)
        assert app.screen is screen
        assert field(screen, "config-body", "memory") == "512 MB"
