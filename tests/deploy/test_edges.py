"""Edge paths of `opsdeck lambda deploy`: a container-image function, a code update that
Lambda reports as Failed, and Ctrl-C in the CLI during a canary.

Each test reads Lambda state back (ImageUri of the published version, versions, alias
routing) and the audit trail, and asserts values it wrote itself.
"""

from __future__ import annotations

import os
import queue
import signal
import subprocess
import sys
import threading
import time
import uuid
from pathlib import Path

import pytest
from click.testing import CliRunner

from console.actions.base import PlanRefused
from console.services.lambda_.actions import LambdaDeploy
from console.audit import AuditLog
from console.clock import SystemClock
from console.demo import control

from .conftest import start

ROOT = Path(__file__).resolve().parents[2]
REPOSITORY = "123456789012.dkr.ecr.us-east-1.amazonaws.com/app"


def create_image_function(functions) -> str:
    """An Image function with version 1 (app:v1) published and `live` on it."""
    name = f"img-{uuid.uuid4().hex[:10]}"
    functions.lam.create_function(FunctionName=name, Role=functions.role, PackageType="Image",
                                  Code={"ImageUri": f"{REPOSITORY}:v1"}, Publish=True)
    functions.lam.create_alias(FunctionName=name, Name="live", FunctionVersion="1")
    return name


def image_of(functions, name: str, version: str) -> str:
    return functions.lam.get_function(FunctionName=name, Qualifier=version)["Code"]["ImageUri"]


def opsdeck(endpoint, *args):
    from console.cli import main

    return CliRunner().invoke(main, ["--endpoint-url", endpoint, "--region", "us-east-1", *args])


# -- 1. container image --------------------------------------------------------------------------
@pytest.mark.asyncio
async def test_image_deploy_all_at_once(functions, runner, audit):
    name = create_image_function(functions)
    assert image_of(functions, name, "1") == f"{REPOSITORY}:v1"
    action = LambdaDeploy(name, image=f"{REPOSITORY}:v2", grace="0s")
    plan = await runner.prepare(action)
    assert f"{REPOSITORY}:v1" in plan.steps[0].description and f"{REPOSITORY}:v2" in plan.steps[0].description
    outcome = await start(runner, action, plan)
    assert outcome.ok, outcome
    assert action.report().outcome == "promoted" and action.report().new_version == "2"
    assert functions.versions(name) == ["$LATEST", "1", "2"]
    assert image_of(functions, name, "2") == f"{REPOSITORY}:v2"  # read back from the version itself
    assert image_of(functions, name, "1") == f"{REPOSITORY}:v1"  # the old version keeps its image
    assert functions.alias(name) == ("2", {})
    assert list(audit.records())[-1].result == "ok"


def test_image_deploy_through_the_cli(functions):
    name = create_image_function(functions)
    result = opsdeck(functions.account.endpoint, "lambda", "deploy", name, "--image", f"{REPOSITORY}:v2", "--yes")
    assert result.exit_code == 0, result.output
    assert f"{REPOSITORY}:v1" in result.output and f"{REPOSITORY}:v2" in result.output
    assert "Deploy PROMOTED: version 2 is live on alias live" in result.output
    assert image_of(functions, name, "2") == f"{REPOSITORY}:v2"
    assert functions.alias(name) == ("2", {})


@pytest.mark.asyncio
async def test_directory_refused_for_an_image_function(functions, runner, source):
    name = create_image_function(functions)
    with pytest.raises(PlanRefused, match=r"is a container image function: deploy it with --image URI"):
        await runner.prepare(LambdaDeploy(name, directory=str(source)))
    assert functions.versions(name) == ["$LATEST", "1"] and functions.alias(name) == ("1", {})
    assert image_of(functions, name, "$LATEST") == f"{REPOSITORY}:v1"


def test_wrong_source_options_refused_by_the_cli(functions, source):
    image_fn, zip_fn = create_image_function(functions), functions.create()
    endpoint = functions.account.endpoint
    result = opsdeck(endpoint, "lambda", "deploy", image_fn, "--dir", str(source), "--yes")
    assert result.exit_code == 1, result.output
    assert f"{image_fn} is a container image function: deploy it with --image URI" in result.output
    result = opsdeck(endpoint, "lambda", "deploy", zip_fn, "--image", f"{REPOSITORY}:v2", "--yes")
    assert result.exit_code == 1, result.output
    assert f"{zip_fn} is a Zip function: deploy it with --dir or --zip, not --image" in result.output
    assert "Traceback" not in result.output
    for name in (image_fn, zip_fn):
        assert functions.versions(name) == ["$LATEST", "1"] and functions.alias(name) == ("1", {})
    assert image_of(functions, image_fn, "$LATEST") == f"{REPOSITORY}:v1"
    assert functions.sha(zip_fn) == functions.sha(zip_fn, "1")


# -- 2. a code update that Lambda reports as Failed ---------------------------------------------
@pytest.mark.asyncio
async def test_failed_code_update_stops_the_deploy(functions, runner, audit, source):
    name = functions.create()
    old_sha = functions.sha(name, "1")
    control.fail_next_update(functions.account.endpoint, name, "Lambda was unable to unzip the package",
                             reason_code="InvalidZipFileException", account=functions.account.id)
    events = []
    action = LambdaDeploy(name, directory=str(source), canary="10%:5m", grace="0s", listener=events.append)
    plan = await runner.prepare(action)
    outcome = await start(runner, action, plan)
    assert not outcome.ok and not outcome.result.cancelled
    assert outcome.result.failed is plan.steps[0]  # stopped at the update step
    headline = outcome.result.error.headline
    assert headline == (f"Lambda could not apply the new code of {name}: Lambda was unable to unzip the package "
                        "(InvalidZipFileException)")
    report = action.report()
    assert (report.outcome, report.reason, report.new_version) == ("failed", headline, None)
    assert events[-1].outcome == "failed" and "unable to unzip" in events[-1].message
    assert not [e for e in events if e.phase in ("publishing", "shifting")]
    # read back: no version published, the alias where it was, $LATEST still on the old code
    assert functions.versions(name) == ["$LATEST", "1"]
    assert functions.alias(name) == ("1", {})
    assert functions.sha(name) == old_sha
    records = list(audit.records())
    assert [r.result for r in records if r.kind == "step"] == ["failed"]
    assert records[-1].kind == "finished" and records[-1].result == "failed"


# -- 3. Ctrl-C in the CLI during a canary --------------------------------------------------------
class Lines:
    """A subprocess's stdout read line by line on a thread, so the test can wait with a timeout."""

    def __init__(self, process: subprocess.Popen) -> None:
        self.seen: list[str] = []
        self._queue: queue.Queue[str | None] = queue.Queue()
        threading.Thread(target=self._pump, args=(process.stdout,), daemon=True).start()

    def _pump(self, stream) -> None:
        for line in stream:
            self._queue.put(line)
        self._queue.put(None)

    def wait_for(self, text: str, timeout: float) -> bool:
        deadline = time.monotonic() + timeout
        while not any(text in line for line in self.seen):
            left = deadline - time.monotonic()
            if left <= 0:
                return False
            try:
                line = self._queue.get(timeout=left)
            except queue.Empty:
                return False
            if line is None:
                return False
            self.seen.append(line)
        return True

    def rest(self, timeout: float) -> str:
        """Everything until EOF (the process has exited)."""
        self.wait_for("\0never\0", timeout)
        return "".join(self.seen)


def test_ctrl_c_during_a_canary_aborts_it(functions, source, tmp_path):
    name = functions.create()
    account = functions.account
    state = tmp_path / "cli-state"
    env = {"PATH": os.environ.get("PATH", ""), "HOME": str(tmp_path), "PYTHONPATH": str(ROOT),
           "PYTHONUNBUFFERED": "1", "AWS_ENDPOINT_URL": account.endpoint,
           "AWS_ACCESS_KEY_ID": account.access_key, "AWS_SECRET_ACCESS_KEY": account.secret_key,
           "AWS_DEFAULT_REGION": "us-east-1", "AWS_EC2_METADATA_DISABLED": "true",
           "AWS_CONFIG_FILE": str(tmp_path / "aws-config"),
           "AWS_SHARED_CREDENTIALS_FILE": str(tmp_path / "aws-credentials"),
           "OPSDECK_CONFIG_DIR": str(tmp_path / "cli-config"), "OPSDECK_STATE_DIR": str(state)}
    command = [sys.executable, "-m", "console.cli", "lambda", "deploy", name, "--dir", str(source),
               "--canary", "10%:5m", "--grace", "0s", "--yes"]
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, cwd=ROOT,
                               env=env)
    lines = Lines(process)
    try:
        reached = lines.wait_for("[watching]", timeout=60)
        assert reached, "the deploy never reached the watching phase:\n" + "".join(lines.seen)
        assert functions.alias(name) == ("1", {"2": 0.1})  # read back: the canary is live
        process.send_signal(signal.SIGINT)
        output = lines.rest(timeout=30)
        code = process.wait(timeout=30)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
    assert code == 1, output
    assert "Interrupted: stopping cleanly" in output
    assert "Cancelled after 2/4 steps." in output  # updated and published; never promoted
    assert "Deploy ABORTED: Aborted by the user" in output
    assert "Alias live is back on version 1." in output
    assert "Traceback" not in output
    assert functions.alias(name) == ("1", {})  # read back: the old version, no weights
    assert functions.versions(name) == ["$LATEST", "1", "2"]
    records = list(AuditLog(state / "audit.jsonl", SystemClock()).records())
    assert [r.kind for r in records][0] == "started" and records[0].details["function"] == name
    finished = [r for r in records if r.kind == "finished"]
    assert len(finished) == 1 and finished[0].result == "cancelled"
    assert finished[0].run == records[0].run
