"""The CLI's MFA prompt: a headless action on a role profile with `mfa_serial` asks for the
code on the terminal, calls STS AssumeRole with it (the embedded STS checks codes) and
then acts as the role. Driven with click's CliRunner; state read back with boto3."""

from __future__ import annotations

import json

import boto3
from click.testing import CliRunner

from console.cli import main
from console.demo import control



def role_account(fresh_account) -> str:
    """An account of the role's own per test (server-wide request counts stay the test's).
    Its first digit differs from the test account's (all of a process's fresh accounts share
    theirs, drawn from its pid), so the two are never the same account."""
    first = "3" if fresh_account.id.startswith("2") else "2"
    return first + fresh_account.id[1:]


def role_account_events(endpoint: str, account: str):
    """boto3 straight to the server, acting in the role's account (moto's account header)."""
    events = boto3.client("events", endpoint_url=endpoint, region_name="us-east-1")
    events.meta.events.register(
        "before-sign.events.*", lambda request, **_: request.headers.__setitem__("x-moto-account-id", account))
    return events


def mfa_role_profile(aws_files, fresh_account, account: str) -> str:
    aws_files.keys("base", fresh_account.access_key, fresh_account.secret_key)
    aws_files.profile("oncall-admin", role_arn=f"arn:aws:iam::{account}:role/admin", source_profile="base",
                      mfa_serial=f"arn:aws:iam::{fresh_account.id}:mfa/oncall", region="us-east-1")
    return "oncall-admin"


def audit_lines(tmp_path) -> list[dict]:
    path = tmp_path / "state" / "audit.jsonl"
    return [json.loads(line) for line in path.read_text().splitlines()] if path.exists() else []


def test_events_disable_prompts_for_the_mfa_code_and_acts_as_the_role(fresh_account, aws_files, no_env_keys,
                                                                      tmp_path):
    role = role_account(fresh_account)
    events = role_account_events(fresh_account.endpoint, role)
    events.put_rule(Name="nightly-mfa", ScheduleExpression="rate(1 day)", State="ENABLED")
    profile = mfa_role_profile(aws_files, fresh_account, role)

    result = CliRunner().invoke(main, ["--profile", profile, "--endpoint-url", fresh_account.endpoint,
                                       "events", "disable", "nightly-mfa", "--yes"], input="123456\n")

    assert result.exit_code == 0, result.output
    assert f"MFA code for arn:aws:iam::{fresh_account.id}:mfa/oncall" in result.output
    assert "123456" not in result.output  # hidden input, never echoed
    assert "Done: 1/1 steps applied and verified." in result.output
    assert events.describe_rule(Name="nightly-mfa")["State"] == "DISABLED"  # read back, in the role's account
    counts = control.request_counts(fresh_account.endpoint)
    assert control.count_of(counts, "sts", "AssumeRole", account=fresh_account.id) == 1
    # the change was made with the role's temporary credentials, not the source profile's keys
    assert control.count_of(counts, "events", "DisableRule", account=role) == 1
    assert control.count_of(counts, "events", "DisableRule", account=fresh_account.id) == 0
    finished = audit_lines(tmp_path)[-1]
    assert (finished["kind"], finished["result"]) == ("finished", "ok")
    assert finished["caller"].startswith(f"arn:aws:sts::{role}:assumed-role/admin/")


def test_three_wrong_mfa_codes_change_nothing(fresh_account, aws_files, no_env_keys, tmp_path):
    role = role_account(fresh_account)
    events = role_account_events(fresh_account.endpoint, role)
    events.put_rule(Name="nightly-wrong", ScheduleExpression="rate(1 day)", State="ENABLED")
    profile = mfa_role_profile(aws_files, fresh_account, role)

    result = CliRunner().invoke(main, ["--profile", profile, "--endpoint-url", fresh_account.endpoint,
                                       "events", "disable", "nightly-wrong", "--yes"],
                                input="000000\n000000\n000000\n")

    assert result.exit_code == 1
    assert "MultiFactorAuthentication failed" in result.output  # STS's refusal, shown each time
    assert "no valid MFA code for profile oncall-admin after 3 tries" in result.output
    assert events.describe_rule(Name="nightly-wrong")["State"] == "ENABLED"
    counts = control.request_counts(fresh_account.endpoint)
    assert control.count_of(counts, "sts", "AssumeRole", account=fresh_account.id) == 3
    assert control.count_of(counts, "events", "DisableRule", account=role) == 0
    assert not [r for r in audit_lines(tmp_path) if r["kind"] == "started"]  # nothing was attempted
