"""`opsdeck lambda invoke` is a guarded action: the plan names the function, qualifier,
invocation type and payload size; it is confirmed (protected targets: the name typed,
--yes alone refused); the audit trail keeps the payload's SHA-256, never the payload.
Checked against the embedded server (Invoke counted server-side, the echoed response) and
the audit file read back."""

from __future__ import annotations

import hashlib
import json
import uuid

import pytest

from console.audit import default_path
from console.config import config_dir
from console.demo import control
from tests.integration.test_sources import make_function

from .conftest import echoed, function_with_live_alias

SECRET_PAYLOAD = '{"card": "4111-1111-1111-1111", "orderId": "o-audit"}'


@pytest.fixture
def account(fresh_account, monkeypatch):
    fresh_account.use(monkeypatch)
    return fresh_account


@pytest.fixture
def function(account) -> str:
    return function_with_live_alias(account)


def invokes(account) -> int:
    """Invoke requests the server saw in the test's account (the estate's state machines
    invoke functions of the default account on their own)."""
    return control.count_of(control.request_counts(account.endpoint), "lambda", "Invoke", account.id)


def audit_records() -> list[dict]:
    path = default_path()
    return [json.loads(line) for line in path.read_text().splitlines()] if path.exists() else []


def configure(text: str) -> None:
    config_dir().mkdir(parents=True, exist_ok=True)
    (config_dir() / "config.toml").write_text(text, encoding="utf-8")


def test_the_plan_is_shown_confirmed_applied_and_audited_without_the_payload(opsdeck, account, function):
    before = invokes(account)
    result = opsdeck("lambda", "invoke", function, "--payload", SECRET_PAYLOAD, yes=False, input="y\n")
    assert result.exit_code == 0, result.output
    size, sha = len(SECRET_PAYLOAD), hashlib.sha256(SECRET_PAYLOAD.encode()).hexdigest()
    lines = result.output.splitlines()
    arn = f"arn:aws:lambda:us-east-1:{account.id}:function:{function}:live"
    assert lines[0] == f"Plan: Invoke {function} at live (RequestResponse), payload {size} bytes"
    assert lines[1].startswith(f"Target: {arn} (")
    assert lines[2] == f"  1. Invoke {function} at live (RequestResponse) with a payload of {size} bytes " \
                       f"(SHA-256 {sha[:12]}…)"
    assert "Apply this plan? [y/N]: y" in result.output
    assert invokes(account) == before + 1
    assert echoed(result.output) == json.loads(SECRET_PAYLOAD) and "Executed version: 1" in result.output

    started, step, finished = audit_records()[-3:]
    assert (started["kind"], started["action"], started["target"]) == ("started", "lambda.invoke", arn)
    assert started["details"] == {"function": function, "qualifier": "live",
                                  "invocation_type": "RequestResponse", "payload_bytes": str(size),
                                  "payload_sha256": sha}
    assert step["result"] == "applied" and step["details"]["executed_version"] == "1"
    assert step["details"]["status"] == "200" and step["details"]["function_error"] == ""
    assert (finished["kind"], finished["result"]) == ("finished", "ok")
    assert "4111" not in default_path().read_text() and "o-audit" not in default_path().read_text()


def test_declined_sends_nothing_and_records_nothing(opsdeck, account, function):
    before, records = invokes(account), len(audit_records())
    result = opsdeck("lambda", "invoke", function, yes=False, input="n\n")
    assert result.exit_code == 1 and "Nothing changed." in result.output
    assert invokes(account) == before and len(audit_records()) == records


def test_a_protected_profile_needs_the_name_typed(opsdeck, account, function):
    configure("[profiles.default]\nprotected = true\n")
    before = invokes(account)
    result = opsdeck("lambda", "invoke", function)  # --yes alone
    assert result.exit_code == 1
    assert f"'{function}' is on a protected profile or account: --yes is refused" in result.output
    assert invokes(account) == before
    result = opsdeck("lambda", "invoke", function, yes=False, input="fn\n")
    assert result.exit_code == 1 and "type its name exactly to confirm" in result.output
    assert invokes(account) == before
    result = opsdeck("lambda", "invoke", function, yes=False, input=f"{function}\n")
    assert result.exit_code == 0, result.output
    assert "PROTECTED" in result.output and f"Type the name ({function}) to confirm" in result.output
    assert invokes(account) == before + 1
    result = opsdeck("lambda", "invoke", function, "--i-know-this-is-protected")
    assert result.exit_code == 0 and invokes(account) == before + 2


def test_the_default_qualifier_is_the_configured_traffic_alias_where_the_function_has_it(opsdeck, account):
    name = f"fn-{uuid.uuid4().hex[:8]}"
    make_function(account, name)
    lam = account.client("lambda")
    lam.publish_version(FunctionName=name)
    lam.create_alias(FunctionName=name, Name="prod", FunctionVersion="1")
    result = opsdeck("lambda", "invoke", name)
    assert result.exit_code == 0, result.output
    assert result.output.startswith(f"Plan: Invoke {name} at $LATEST (RequestResponse)")  # no `live` alias
    assert "Executed version: $LATEST" in result.output
    configure('traffic_alias = "prod"\n')
    result = opsdeck("lambda", "invoke", name)
    assert result.exit_code == 0, result.output
    assert result.output.startswith(f"Plan: Invoke {name} at prod (RequestResponse)")
    assert "Executed version: 1" in result.output
