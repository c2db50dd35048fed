"""`opsdeck --read-only` and `read_only = true` in the config build a read-only pool."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from console.cli import main
from console.config import config_dir


@pytest.fixture
def started(monkeypatch) -> list:
    """The apps `opsdeck` would run (the TUI itself is not started)."""
    from console.app import OpsdeckApp

    apps: list = []
    monkeypatch.setattr(OpsdeckApp, "run", lambda self, *a, **k: apps.append(self))
    monkeypatch.setattr("console.cli.log_to_file", lambda: None)
    return apps


def write_config(text: str) -> None:
    config_dir().mkdir(parents=True, exist_ok=True)
    (config_dir() / "config.toml").write_text(text, encoding="utf-8")


@pytest.mark.parametrize("args,config,expected", [
    ([], "", False),
    (["--read-only"], "", True),
    (["--profile", "prod"], "[profiles.prod]\nread_only = true\n", True),
    (["--profile", "dev"], "[profiles.prod]\nread_only = true\n", False),
    ([], "read_only = true\n", True),
    (["--profile", "dev"], "read_only = true\n[profiles.dev]\nread_only = false\n", False),
])
def test_read_only_reaches_the_app_and_its_pool(started, args, config, expected):
    write_config(config)
    result = CliRunner().invoke(main, ["--endpoint-url", "http://127.0.0.1:1", "--region", "us-east-1", *args])
    assert result.exit_code == 0, result.output
    (app,) = started
    assert app.read_only is expected
    assert app.pool.read_only is expected
