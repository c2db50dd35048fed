"""Invoke tests: the seeded estate's functions over HTTP, through the console's own clients."""

from __future__ import annotations

import json

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
    """Run `opsdeck --endpoint-url <estate> ARGS...`; returns click's Result."""
    from console.cli import main

    def run(*args: str, global_args: tuple[str, ...] = ()):
        return CliRunner().invoke(main, [*global_args, "--endpoint-url", endpoint, *args])

    return run


def invoke_count(endpoint: str) -> int:
    return control.count_of(control.request_counts(endpoint), "lambda", "Invoke")


def echoed(output: str) -> object:
    """The JSON printed after "Response:" by `opsdeck lambda invoke`."""
    text = output.split("Response:\n", 1)[1]
    text = text.split("\nLog tail:", 1)[0]
    return json.loads(text)
