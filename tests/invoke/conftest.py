"""Invoke tests: the seeded estate's functions over HTTP, through the console's own clients."""

from __future__ import annotations

import json
import uuid

import pytest
from click.testing import CliRunner

from console.demo import control


@pytest.fixture
def failures(endpoint):
    """Injected Lambda failures are cleared after the test, whatever happens."""
    try:
        yield endpoint
    finally:
        control.clear_failures(endpoint)


@pytest.fixture
def opsdeck(endpoint):
    """Run `opsdeck --endpoint-url <estate> ARGS... --yes` (without --yes: `yes=False`, and
    `input` answers the prompts); returns click's Result."""
    from console.cli import main

    def run(*args: str, global_args: tuple[str, ...] = (), yes: bool = True, input: str | None = None):
        return CliRunner().invoke(main, [*global_args, "--endpoint-url", endpoint, *args, *(["--yes"] if yes else [])],
                                  input=input)

    return run


def function_with_live_alias(account) -> str:
    """A uniquely named function in the test's own account: version 1, `live` → 1."""
    from tests.integration.test_sources import make_function

    name = f"pay-{uuid.uuid4().hex[:8]}"
    make_function(account, name)
    lam = account.client("lambda")
    lam.publish_version(FunctionName=name)
    lam.create_alias(FunctionName=name, Name="live", FunctionVersion="1")
    return name


def invoke_count(endpoint: str) -> int:
    return control.count_of(control.request_counts(endpoint), "lambda", "Invoke")


def echoed(output: str) -> object:
    """The JSON printed after "Response:" by `opsdeck lambda invoke`."""
    text = output.split("Response:\n", 1)[1]
    text = text.split("\nLog tail:", 1)[0]
    return json.loads(text)
