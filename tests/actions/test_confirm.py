"""Protected targets: the rule lives in console.actions and the CLI obeys it.

Protection comes from config.toml (the account of the test, or the profile); the rule
state is read back after every attempt, so "refused" means nothing changed in AWS.
"""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from console.actions.base import Plan
from console.actions.confirm import ConfirmationError, check_confirmation, needs_typed_confirmation
from console.services.events.actions import DisableRule
from console.actions.runner import Confirmation, Runner
from console.cli import main
from console.config import parse_settings


def plan(protected: bool) -> Plan:
    return Plan("events.disable-rule", "arn:aws:events:us-east-1:1:rule/daily-cleanup", "daily-cleanup", (),
                protected=protected)


def test_unprotected_targets_accept_a_plain_yes_or_a_confirmed_prompt():
    check_confirmation(plan(False), None, True, False)
    check_confirmation(plan(False), "y", False, False)
    with pytest.raises(ConfirmationError):
        check_confirmation(plan(False), None, False, False)


def test_protected_targets_need_the_name_typed_or_both_flags():
    check_confirmation(plan(True), "daily-cleanup", False, False)
    check_confirmation(plan(True), " daily-cleanup\n", False, False)
    check_confirmation(plan(True), None, True, True)
    for typed, yes in (("daily", False), ("y", False), (None, False), (None, True), ("", True)):
        with pytest.raises(ConfirmationError):
            check_confirmation(plan(True), typed, yes, False)
    with pytest.raises(ConfirmationError, match="--i-know-this-is-protected"):
        check_confirmation(plan(True), None, True, False)


def test_protection_comes_from_the_profile_or_the_account():
    settings = parse_settings({"profiles": {"prod": {"protected": True}}, "accounts": {"111122223333": {"protected": True}}})
    assert needs_typed_confirmation(settings, "prod", "999")
    assert needs_typed_confirmation(settings, "dev", "111122223333")
    assert not needs_typed_confirmation(settings, "dev", "999")
    assert not needs_typed_confirmation(settings, None, None)


def protect(tmp_path, account: str) -> None:
    config = tmp_path / "config"
    config.mkdir(exist_ok=True)
    (config / "config.toml").write_text(f'[accounts."{account}"]\nprotected = true\n')


async def test_the_runner_refuses_a_wrong_name_on_a_protected_account_and_changes_nothing(ctx, rules, audit):
    rules.create("daily-cleanup")
    runner = Runner(ctx, audit, parse_settings({"accounts": {rules.account.id: {"protected": True}}}))
    action = DisableRule("daily-cleanup")
    plan = await runner.prepare(action)
    assert plan.protected
    for answer in (Confirmation(typed="daily"), Confirmation(yes=True)):
        with pytest.raises(ConfirmationError):
            await runner.execute(action, plan, answer)
    assert rules.state("daily-cleanup") == "ENABLED" and not audit.path.exists()
    assert (await runner.execute(action, plan, Confirmation(typed="daily-cleanup"))).ok
    assert rules.state("daily-cleanup") == "DISABLED"


def cli(endpoint: str, *args: str, input: str | None = None):
    return CliRunner().invoke(main, ["--endpoint-url", endpoint, "events", *args], input=input)


def test_cli_protected_refuses_yes_alone_and_a_wrong_name(rules, tmp_path):
    rules.create("daily-cleanup")
    protect(tmp_path, rules.account.id)
    endpoint = rules.account.endpoint
    result = cli(endpoint, "disable", "daily-cleanup", "--yes")
    assert result.exit_code != 0 and "--i-know-this-is-protected" in result.output
    assert "Disable rule daily-cleanup on bus default: ENABLED -> DISABLED" in result.output  # the plan was shown
    result = cli(endpoint, "disable", "daily-cleanup", input="daily\n")
    assert result.exit_code != 0 and "type its name exactly" in result.output
    assert rules.state("daily-cleanup") == "ENABLED"
    assert not (tmp_path / "state" / "audit.jsonl").exists()


def test_cli_protected_applies_when_the_name_is_typed(rules, tmp_path):
    rules.create("daily-cleanup")
    protect(tmp_path, rules.account.id)
    result = cli(rules.account.endpoint, "disable", "daily-cleanup", input="daily-cleanup\n")
    assert result.exit_code == 0, result.output
    assert "PROTECTED" in result.output and "Done: 1/1 steps applied and verified." in result.output
    assert rules.state("daily-cleanup") == "DISABLED"


def test_cli_protected_applies_with_yes_and_i_know(rules, tmp_path):
    rules.create("daily-cleanup")
    protect(tmp_path, rules.account.id)
    result = cli(rules.account.endpoint, "disable", "daily-cleanup", "--yes", "--i-know-this-is-protected")
    assert result.exit_code == 0, result.output
    assert rules.state("daily-cleanup") == "DISABLED"


def test_cli_unprotected_asks_and_a_no_changes_nothing(rules):
    rules.create("daily-cleanup")
    result = cli(rules.account.endpoint, "disable", "daily-cleanup", input="n\n")
    assert result.exit_code == 1 and "Nothing changed." in result.output
    assert rules.state("daily-cleanup") == "ENABLED"
    result = cli(rules.account.endpoint, "disable", "daily-cleanup", input="y\n")
    assert result.exit_code == 0, result.output
    assert rules.state("daily-cleanup") == "DISABLED"
    result = cli(rules.account.endpoint, "disable", "daily-cleanup")
    assert result.exit_code == 0 and "already DISABLED: nothing to do" in result.output
    result = cli(rules.account.endpoint, "enable", "daily-cleanup", "--yes")
    assert result.exit_code == 0 and rules.state("daily-cleanup") == "ENABLED"


def test_cli_failure_exits_non_zero_and_says_what_was_applied(rules):
    from console.demo import control

    rules.create("daily-cleanup")
    control.deny(rules.account.endpoint, rules.account.access_key, "events", "DisableRule")
    try:
        result = cli(rules.account.endpoint, "disable", "daily-cleanup", "--yes")
    finally:
        control.clear_denials(rules.account.endpoint)
    assert result.exit_code == 1
    assert "... failed: Access denied: events:DisableRule" in result.output
    assert "No step was applied." in result.output
    assert "not applied: Disable rule daily-cleanup on bus default: ENABLED -> DISABLED" in result.output
    assert rules.state("daily-cleanup") == "ENABLED"


def test_cli_unknown_rule_is_a_clear_error(rules):
    result = cli(rules.account.endpoint, "disable", "no-such-rule", "--yes")
    assert result.exit_code == 1 and "Not found" in result.output


def test_mutating_commands_carry_their_action_name():
    from console.actions.cli import mutating_commands
    from console.services import registered_actions

    REGISTRY = registered_actions()

    found = {path: cmd.action_name for path, cmd in mutating_commands(main).items()}
    assert found == {("events", "disable"): "events.disable-rule", ("events", "enable"): "events.enable-rule",
                     ("events", "put-event"): "events.put-event",
                     ("scheduler", "disable"): "events.set-schedule-state",
                     ("scheduler", "enable"): "events.set-schedule-state",
                     ("lambda", "deploy"): "lambda.deploy", ("lambda", "rollback"): "lambda.rollback",
                     ("lambda", "promote"): "lambda.promote", ("lambda", "invoke"): "lambda.invoke",
                     ("sfn", "start"): "stepfunctions.start-execution", ("sfn", "stop"): "stepfunctions.stop-execution",
                     ("sfn", "redrive"): "stepfunctions.redrive-execution",
                     ("ecs", "deploy"): "ecs.deploy", ("ecs", "rollback"): "ecs.rollback",
                     ("ecs", "force-deployment"): "ecs.force-deployment", ("ecs", "scale"): "ecs.scale",
                     ("ecs", "stop-task"): "ecs.stop-task"}
    assert set(found.values()) <= set(REGISTRY)


def test_audit_command_lists_the_trail_as_text_and_json(rules, tmp_path):
    rules.create("daily-cleanup")
    assert cli(rules.account.endpoint, "disable", "daily-cleanup", "--yes").exit_code == 0
    runner = CliRunner()
    result = runner.invoke(main, ["audit", "--since", "1d", "--json"])
    assert result.exit_code == 0, result.output
    records = [json.loads(line) for line in result.output.splitlines()]
    assert [r["kind"] for r in records] == ["started", "step", "finished"]
    assert records[1]["step"] == "Disable rule daily-cleanup on bus default: ENABLED -> DISABLED"
    text = runner.invoke(main, ["audit"]).output
    assert "events.disable-rule" in text and "finished/apply  ok" in text
    bad = runner.invoke(main, ["audit", "--since", "1w"])
    assert bad.exit_code == 2 and "not a duration" in bad.output
