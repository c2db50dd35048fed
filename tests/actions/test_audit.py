"""The audit trail: what each record holds, `started` on disk before the first change,
runs left unfinished by a crash, and no secret ever written."""

from __future__ import annotations

import asyncio
import json
import os
from datetime import timedelta

import boto3
import pytest
from click.testing import CliRunner

from console.actions.base import Action, Plan, Step
from console.services.events.actions import DisableRule, rule_state_step
from console.actions.runner import Confirmation, Runner
from console.audit import AuditLog, parse_duration, scrub, secret_values
from console.aws.clients import ClientPool
from console.aws.context import AwsContext
from console.cli import main
from console.clock import ManualClock
from console.config import Settings
from console.target import Target


def lines(path) -> list[dict]:
    return [json.loads(line) for line in path.read_text().splitlines()]


async def test_a_run_writes_started_step_finished_with_who_where_what(ctx, rules, runner, audit, clock):
    arn = rules.create("daily-cleanup")
    action = DisableRule("daily-cleanup")
    plan = await runner.prepare(action)
    outcome = await runner.execute(action, plan, Confirmation(yes=True))
    assert outcome.ok
    records = lines(audit.path)
    assert [r["kind"] for r in records] == ["started", "step", "finished"]
    step = "Disable rule daily-cleanup on bus default: ENABLED -> DISABLED"
    for record in records:
        assert record["caller"] == f"arn:aws:iam::{rules.account.id}:user/opsdeck-test"
        assert record["account"] == rules.account.id
        assert (record["profile"], record["region"]) == (None, "us-east-1")
        assert (record["action"], record["target"]) == ("events.disable-rule", arn)
        assert record["time"] == clock.now().isoformat()  # from the injected clock
        assert record["run"] == outcome.run
    assert records[0]["steps"] == [step]
    assert (records[1]["step"], records[1]["result"], records[1]["error"]) == (step, "applied", None)
    assert isinstance(records[1]["duration"], float)
    assert records[2]["result"] == "ok" and records[2]["steps"] == [step]
    assert audit.unfinished() == []


class Probe(Action):
    """A one-step action whose step first looks at the audit file, then makes a real call."""

    name = "test.probe"

    def __init__(self, audit: AuditLog, fsyncs: list[int]) -> None:
        self.audit, self.fsyncs, self.seen = audit, fsyncs, None

    async def plan(self, ctx) -> Plan:
        real = rule_state_step("probe", "default", "ENABLED", "DISABLED")

        async def run(ctx) -> None:
            self.seen = (lines(self.audit.path), len(self.fsyncs))
            await real.run(ctx)

        return Plan(self.name, "arn:test:probe", "probe", (Step(real.description, None, run),))


async def test_started_is_on_disk_and_fsynced_before_the_first_call(ctx, rules, runner, audit, monkeypatch):
    rules.create("probe")
    fsyncs: list[int] = []
    real_fsync = os.fsync
    monkeypatch.setattr(os, "fsync", lambda fd: (fsyncs.append(fd), real_fsync(fd))[1])
    action = Probe(audit, fsyncs)
    plan = await runner.prepare(action)
    assert await runner.execute(action, plan, Confirmation(yes=True))
    records, synced = action.seen
    assert [r["kind"] for r in records] == ["started"]  # when the step ran, started was already written...
    assert synced == 1  # ...and fsynced
    assert [r["kind"] for r in lines(audit.path)] == ["started", "step", "finished"]
    assert len(fsyncs) == 3  # every record is on disk when append returns
    assert rules.state("probe") == "DISABLED"


class CrashMidway(Action):
    """Disables a real rule, then the process dies (SystemExit) before the second step."""

    name = "test.crash"

    async def plan(self, ctx) -> Plan:
        first = rule_state_step("first", "default", "ENABLED", "DISABLED")

        async def die(ctx) -> None:
            raise SystemExit(3)

        return Plan(self.name, "arn:test:crash", "first", (first, Step("Disable rule second", None, die)))


def test_a_crash_leaves_started_without_finished_and_unfinished_reports_the_applied_steps(rules, tmp_path):
    clock = ManualClock()
    log = AuditLog(tmp_path / "audit.jsonl", clock)

    async def session() -> None:
        pool = ClientPool(clock)
        try:
            runner = Runner(AwsContext(pool, Target(None, "us-east-1", rules.account.endpoint)), log, Settings())
            action = CrashMidway()
            plan = await runner.prepare(action)
            await runner.execute(action, plan, Confirmation(yes=True))
        finally:
            await pool.close()

    rules.create("first")
    with pytest.raises(SystemExit):
        asyncio.run(session())
    assert [r["kind"] for r in lines(log.path)] == ["started", "step"]
    [run] = AuditLog(log.path, clock).unfinished()  # the next start, reading the file afresh
    assert run.started.action == "test.crash" and run.started.target == "arn:test:crash"
    assert run.started.steps == ["Disable rule first on bus default: ENABLED -> DISABLED", "Disable rule second"]
    assert run.applied == ["Disable rule first on bus default: ENABLED -> DISABLED"]
    assert rules.state("first") == "DISABLED"  # what the record says is what AWS says


def test_a_torn_last_line_is_skipped(tmp_path):
    log = AuditLog(tmp_path / "audit.jsonl", ManualClock())
    log.path.write_text('{"kind": "started", "run": "r1", "ti')
    assert list(log.records()) == [] and log.unfinished() == []


def test_the_seeded_secrets_never_reach_the_audit_file(endpoint, monkeypatch, tmp_path):
    """Actions run through the CLI on the seeded estate, whose functions carry
    DB_PASSWORD=hunter2-demo, with a distinctive secret key and session token in the env."""
    lam = boto3.client("lambda", endpoint_url=endpoint, region_name="us-east-1")
    env = lam.get_function_configuration(FunctionName="process-payment")["Environment"]["Variables"]
    assert env["DB_PASSWORD"] == "hunter2-demo"  # the secret is really there to leak
    secrets = ["hunter2-demo", "wJalrXUtnFEMI-opsdeck-test-secret", "opsdeck-session-token-0123456789"]
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", secrets[1])
    monkeypatch.setenv("AWS_SESSION_TOKEN", secrets[2])
    monkeypatch.setenv("DB_PASSWORD", secrets[0])
    events = boto3.client("events", endpoint_url=endpoint, region_name="us-east-1")
    cli = CliRunner()
    try:
        for args in (["disable", "daily-cleanup", "--yes"], ["disable", "daily-cleanup", "--yes"],
                     ["enable", "daily-cleanup", "--yes"], ["disable", "no-such-rule", "--yes"]):
            cli.invoke(main, ["--endpoint-url", endpoint, "events", *args])
    finally:
        events.enable_rule(Name="daily-cleanup")
    path = tmp_path / "state" / "audit.jsonl"
    text = path.read_text()
    assert [r["kind"] for r in lines(path)] == ["started", "step", "finished"] * 2
    for secret in secrets:
        assert secret not in text
    assert "Environment" not in text and "Variables" not in text


def test_scrub_masks_values_of_secret_looking_variables_as_a_last_guard():
    found = secret_values({"DB_PASSWORD": "hunter2-demo", "AWS_SECRET_ACCESS_KEY": "abcdefghij", "HOME": "/home/x",
                           "API_TOKEN": "short"})
    assert found == ["hunter2-demo", "abcdefghij"]
    assert scrub({"step": "set x=hunter2-demo", "n": 1}, found) == {"step": "set x=***", "n": 1}


def test_durations_accept_seconds_minutes_hours_days():
    assert [parse_duration(t) for t in ("90s", "15m", "12h", "1d")] == [
        timedelta(seconds=90), timedelta(minutes=15), timedelta(hours=12), timedelta(days=1)]
    with pytest.raises(ValueError):
        parse_duration("1w")
