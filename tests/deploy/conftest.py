"""Deploy tests: functions created in the test's own account, a ManualClock, and helpers
that move time one second at a time while the deploy sleeps on it."""

from __future__ import annotations

import asyncio
import io
import uuid
import zipfile

import pytest

from console.aws.clients import ClientPool
from console.aws.context import AwsContext
from console.clock import ManualClock
from console.demo import control
from console.target import Target

# the same clock, audit trail and Runner as the other guarded-action tests (ctx is ours)
from tests.actions.conftest import audit, clock, runner  # noqa: E402,F401

ROLE_POLICY = '{"Version":"2012-10-17","Statement":[]}'


class Functions:
    """Lambda functions in the test's account, created and read back through boto3."""

    def __init__(self, account) -> None:
        self.account = account
        self.lam = account.client("lambda")
        self.role = account.client("iam").create_role(
            RoleName=f"deploy-test-{uuid.uuid4().hex[:8]}", AssumeRolePolicyDocument=ROLE_POLICY)["Role"]["Arn"]

    def create(self, text: str = "v1", alias: str = "live") -> str:
        """A function with version 1 published and `alias` on it; returns its name."""
        name = f"fn-{uuid.uuid4().hex[:10]}"
        self.lam.create_function(FunctionName=name, Runtime="python3.12", Role=self.role, Handler="app.handler",
                                 Code={"ZipFile": zip_of({"app.py": text})}, Publish=True)
        self.lam.create_alias(FunctionName=name, Name=alias, FunctionVersion="1")
        return name

    def alias(self, name: str, alias: str = "live") -> tuple[str, dict[str, float]]:
        raw = self.lam.get_alias(FunctionName=name, Name=alias)
        return raw["FunctionVersion"], dict((raw.get("RoutingConfig") or {}).get("AdditionalVersionWeights") or {})

    def versions(self, name: str) -> list[str]:
        return [v["Version"] for v in self.lam.list_versions_by_function(FunctionName=name)["Versions"]]

    def sha(self, name: str, version: str = "$LATEST") -> str:
        return self.lam.get_function_configuration(FunctionName=name, Qualifier=version)["CodeSha256"]

    def traffic(self, name: str, now, invocations: int) -> dict:
        """`invocations` requests through `live` at `now`; {version: (invocations, errors)}."""
        found = control.lambda_traffic(self.account.endpoint, name, now, invocations, account=self.account.id)
        return {v: (f["invocations"], f["errors"]) for v, f in found["by_version"].items()}

    def fail(self, name: str, version: str) -> None:
        control.fail_function(self.account.endpoint, name, version, message="boom", account=self.account.id)


def zip_of(files: dict[str, str]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, text in files.items():
            archive.writestr(zipfile.ZipInfo(name, (2020, 1, 1, 0, 0, 0)), text)
    return buffer.getvalue()


@pytest.fixture
def functions(fresh_account, monkeypatch):
    fresh_account.use(monkeypatch)
    try:
        yield Functions(fresh_account)
    finally:
        control.clear_failures(fresh_account.endpoint)


@pytest.fixture
async def ctx(functions, clock):
    pool = ClientPool(clock)
    try:
        yield AwsContext(pool, Target(None, "us-east-1", functions.account.endpoint))
    finally:
        await pool.close()


@pytest.fixture
def source(tmp_path):
    """A source directory with new code (different from what `Functions.create` deploys)."""
    directory = tmp_path / "src"
    directory.mkdir()
    (directory / "app.py").write_text("def handler(event, context):\n    return {'v': 2}\n")
    (directory / "lib").mkdir()
    (directory / "lib" / "util.py").write_text("X = 1\n")
    return directory


async def settle(clock: ManualClock, task: asyncio.Task, timeout: float = 20.0) -> None:
    """Wait (real time) until `task` sleeps on the clock again, or has finished."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while not task.done() and clock.sleepers == 0:
        if loop.time() > deadline:
            raise AssertionError("the deploy neither went back to sleep nor finished")
        await asyncio.sleep(0.005)


async def run_for(clock: ManualClock, task: asyncio.Task, seconds: int) -> None:
    """Move the clock `seconds` forward one second at a time, letting the deploy work between."""
    await settle(clock, task)
    for _ in range(seconds):
        if task.done():
            return
        await clock.advance(1)
        await settle(clock, task)


def start(runner, action, plan=None, cancel=None):
    """Start a deploy as the TUI would: a task running the Runner, confirmed with yes."""
    from console.actions.runner import Confirmation

    async def go():
        nonlocal plan
        plan = plan or await runner.prepare(action)
        return await runner.execute(action, plan, Confirmation(yes=True), cancel=cancel)

    return asyncio.create_task(go())
