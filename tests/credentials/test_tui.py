"""The TUI's credential flows, driven with Pilot against the embedded server: the MFA
modal before connecting, `:profile` / `:region` switching, and recovering from an
expired SSO session without a restart."""

from __future__ import annotations

import pytest

from textual.widgets import Static

from console.app import OpsdeckApp
from console.aws.clients import ClientPool
from console.clock import ManualClock
from console.demo import control
from console.target import Target
from screens.mfa import MfaScreen
from screens.problem import ProblemScreen
from screens.switch import PickerScreen

from .conftest import SSO_START_URL, loaded, panel_states, wait_for

SEEDED_ACCOUNT = "123456789012"


def make_app(target: Target) -> OpsdeckApp:
    clock = ManualClock()
    return OpsdeckApp(target, ClientPool(clock), clock)


def screen_text(app) -> str:
    return "\n".join(str(static.render()) for static in app.screen.query(Static))


def seeded_data(app):
    """The seeded estate is on screen: us-east-1 of the default account has every kind."""
    states = panel_states(app)
    return states if states and states["lambda"] == "ok" and states["stepfunctions"] == "ok" else None


async def palette(pilot, entry: str, choice: str) -> None:
    """`:` entry, then pick `choice` in the picker by typing it and pressing enter."""
    await pilot.press("colon")
    await pilot.pause(0.1)
    await pilot.press(*entry)
    await pilot.pause(0.3)
    await pilot.press("enter")
    await wait_for(pilot, lambda: isinstance(pilot.app.screen, PickerScreen), f"the {entry} picker")
    await pilot.press(*choice)
    await pilot.pause(0.1)
    await pilot.press("enter")


def mfa_profile(aws_files, fresh_account, role_account: str) -> str:
    aws_files.keys("base", fresh_account.access_key, fresh_account.secret_key)
    aws_files.profile("admin", role_arn=f"arn:aws:iam::{role_account}:role/admin", source_profile="base",
                      mfa_serial=f"arn:aws:iam::{fresh_account.id}:mfa/oncall", region="us-east-1")
    return "admin"


async def test_mfa_code_from_a_modal_goes_to_sts_assume_role(fresh_account, aws_files, no_env_keys):
    role_account = "210987654322"
    app = make_app(Target(mfa_profile(aws_files, fresh_account, role_account), "us-east-1", fresh_account.endpoint))
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_for(pilot, lambda: isinstance(app.screen, MfaScreen), "the MFA modal")
        assert f"arn:aws:iam::{fresh_account.id}:mfa/oncall" in screen_text(app)

        await pilot.press(*"000000", "enter")  # the embedded STS refuses this code, as STS does a wrong one
        await wait_for(pilot, lambda: isinstance(app.screen, MfaScreen) and "MultiFactorAuthentication failed"
                       in screen_text(app), "the modal again, with STS's refusal")

        await pilot.press("1")  # a new code: STS's word on the last one goes
        assert str(app.screen.query_one("#mfa-error", Static).render()) == ""
        await pilot.press("enter")  # too short: said, and gone with the next digit
        assert "six digits" in str(app.screen.query_one("#mfa-error", Static).render())
        await pilot.press("backspace")
        assert str(app.screen.query_one("#mfa-error", Static).render()) == ""
        await pilot.press(*"123456")
        assert "123456" not in app.export_screenshot()  # a password field
        await pilot.press("enter")
        await wait_for(pilot, lambda: loaded(app, "empty", "ok"), "the dashboard")
        assert app.target.account == role_account  # the role's temporary credentials are in use
        assert app.pool.has_credentials("admin")
    counts = control.request_counts(fresh_account.endpoint)
    assert control.count_of(counts, "sts", "AssumeRole", account=fresh_account.id) == 2  # wrong code, right code
    assert control.count_of(counts, "sts", "GetCallerIdentity", account=role_account) >= 1


async def test_cancelled_mfa_says_so_and_ctrl_r_asks_again(fresh_account, aws_files, no_env_keys):
    app = make_app(Target(mfa_profile(aws_files, fresh_account, "210987654323"), "us-east-1", fresh_account.endpoint))
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_for(pilot, lambda: isinstance(app.screen, MfaScreen), "the MFA modal")
        await pilot.press("escape")
        await wait_for(pilot, lambda: isinstance(app.screen, ProblemScreen), "the problem screen")
        assert "Profile admin needs an MFA code" in screen_text(app)
        await pilot.press("ctrl+r")
        await wait_for(pilot, lambda: isinstance(app.screen, MfaScreen), "the MFA modal again")
        await pilot.press(*"246810", "enter")
        await wait_for(pilot, lambda: loaded(app, "empty", "ok"), "the dashboard")
        assert app.target.account == "210987654323"


@pytest.mark.long
async def test_switch_region_and_back(endpoint):
    app = make_app(Target(None, "us-east-1", endpoint))
    async with app.run_test(size=(160, 50)) as pilot:
        await wait_for(pilot, lambda: seeded_data(app), "the seeded estate")
        await palette(pilot, "region", "eu-west-1")
        await wait_for(pilot, lambda: app.target.region == "eu-west-1" and loaded(app, "empty"),
                       "every panel empty in eu-west-1")
        assert app.engine.target.region == "eu-west-1"
        assert all(snap.target.region == "eu-west-1"
                   for name in ("lambda", "ecs", "stepfunctions", "events")
                   if (snap := app.store.latest(name)) is not None)  # nothing of the old target kept
        assert "eu-west-1" in app.export_screenshot()

        await palette(pilot, "region", "us-east-1")
        # us-east-1's first load spent Lambda's one-second burst: its tokens refill on the clock
        await wait_for(pilot, lambda: app.target.region == "us-east-1" and seeded_data(app), "the estate again",
                       clock=app.clock)


@pytest.mark.long
async def test_switch_profile(fresh_account, aws_files, endpoint):
    aws_files.keys("sandbox", fresh_account.access_key, fresh_account.secret_key)
    aws_files.profile("sandbox", region="us-east-1")
    app = make_app(Target(None, "us-east-1", endpoint))
    async with app.run_test(size=(160, 50)) as pilot:
        await wait_for(pilot, lambda: seeded_data(app), "the seeded estate")
        assert app.target.account == SEEDED_ACCOUNT
        await palette(pilot, "profile", "sandbox")
        await wait_for(pilot, lambda: app.target.account == fresh_account.id and loaded(app, "empty"),
                       "the sandbox account's (empty) panels")
        assert app.target.profile == "sandbox"


async def test_expired_sso_session_recovers_without_restart(endpoint, aws_files, no_env_keys, monkeypatch):
    aws_files.profile("sso-dev", sso_start_url=SSO_START_URL, sso_region="us-east-1",
                      sso_account_id=SEEDED_ACCOUNT, sso_role_name="ReadOnly", region="us-east-1")
    aws_files.sso_token("expired-token", "2020-01-01T00:00:00Z")
    monkeypatch.setenv("AWS_ENDPOINT_URL_SSO", endpoint)  # the portal stub in the embedded server
    app = make_app(Target("sso-dev", "us-east-1", endpoint))
    async with app.run_test(size=(160, 50)) as pilot:
        await wait_for(pilot, lambda: isinstance(app.screen, ProblemScreen), "the problem screen")
        text = screen_text(app)
        assert "aws sso login --profile sso-dev" in text
        assert "expired" in text.lower()

        aws_files.sso_token("fresh-token", "2099-01-01T00:00:00Z")  # what `aws sso login` writes
        await pilot.press("ctrl+r")
        await wait_for(pilot, lambda: seeded_data(app), "the dashboard with the seeded estate")
        assert app.target.account == SEEDED_ACCOUNT
        credentials = await app.pool.session("sso-dev").get_credentials()
        assert credentials.method == "sso"
