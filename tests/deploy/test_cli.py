"""`opsdeck lambda deploy | rollback | promote` through click, against the embedded server."""

from __future__ import annotations

from click.testing import CliRunner

from console.demo import control
from console.services.lambda_.deploy.package import load_source


def opsdeck(endpoint, *args):
    from console.cli import main

    return CliRunner().invoke(main, ["--endpoint-url", endpoint, "--region", "us-east-1", *args])


def test_deploy_then_rollback(functions, source):
    name = functions.create()
    endpoint = functions.account.endpoint
    result = opsdeck(endpoint, "lambda", "deploy", name, "--dir", str(source), "--yes")
    assert result.exit_code == 0, result.output
    sha = load_source(directory=str(source)).code_sha256
    assert f"CodeSha256 {functions.sha(name, '1')} (version 1) -> {sha}" in result.output
    assert "Deploy PROMOTED: version 2 is live on alias live" in result.output
    assert functions.alias(name) == ("2", {})
    result = opsdeck(endpoint, "lambda", "rollback", name, "--yes")
    assert result.exit_code == 0, result.output
    assert "version 2 -> version 1" in result.output and "audit trail" in result.output
    assert functions.alias(name) == ("1", {})


def test_canary_without_traffic_rolls_back_and_exits_non_zero(functions, source, monkeypatch):
    """A 1 s canary with no traffic is not promoted. Its verdict waits for the canary's
    minute of metrics to be final (up to a minute of real time): the command runs on a clock
    that moves whenever it sleeps, the embedded AWS in step (tests/clock.py)."""
    import console.clock
    from tests.clock import InstantSharedClock

    endpoint = functions.account.endpoint
    monkeypatch.setattr(console.clock, "SystemClock", lambda: InstantSharedClock(endpoint))
    name = functions.create()
    try:
        result = opsdeck(endpoint, "lambda", "deploy", name, "--dir", str(source),
                         "--canary", "10%:1s", "--grace", "0s", "--yes")
    finally:
        control.set_clock(endpoint, None)
    assert result.exit_code == 1, result.output
    assert "Deploy ROLLED BACK: Rolled back automatically: not enough traffic" in result.output
    assert "Alias live is back on version 1." in result.output
    assert functions.alias(name) == ("1", {})


def test_bad_inputs(functions, source, tmp_path):
    name = functions.create()
    endpoint = functions.account.endpoint
    result = opsdeck(endpoint, "lambda", "deploy", name, "--dir", str(source), "--canary", "ten", "--yes")
    assert result.exit_code == 2 and "--canary: expected PERCENT%:DURATION" in result.output
    result = opsdeck(endpoint, "lambda", "deploy", name, "--dir", str(tmp_path / "gone"), "--yes")
    assert result.exit_code == 2 and "--dir: directory" in result.output and "does not exist" in result.output
    result = opsdeck(endpoint, "lambda", "deploy", "no-such-fn", "--dir", str(source), "--yes")
    assert result.exit_code == 1 and "function 'no-such-fn' does not exist" in result.output
    result = opsdeck(endpoint, "lambda", "deploy", name, "--yes")
    assert result.exit_code == 2 and "one of --dir DIRECTORY, --zip FILE or --image URI" in result.output
    assert functions.alias(name) == ("1", {}) and functions.versions(name) == ["$LATEST", "1"]
    assert "Traceback" not in result.output
