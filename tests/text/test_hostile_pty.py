"""End to end in a real pseudo-terminal: `python -m console.cli --endpoint-url ...` against
an account whose EventBridge rule carries a hostile description (AWS allows any
characters there); the raw bytes the console writes to the pty are scanned."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from tests.e2e.terminal import PyteTerminal, wait_for
from tests.text.hostile import ONE, foreign_sequences

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.e2e
@pytest.mark.long
def test_hostile_rule_description_reaches_the_pty_inert(fresh_account, tmp_path):
    fresh_account.client("events").put_rule(Name="hostile-rule", ScheduleExpression="rate(1 day)",
                                            Description=ONE)
    env = {"OPSDECK_CONFIG_DIR": str(tmp_path / "config"), "OPSDECK_STATE_DIR": str(tmp_path / "state"),
           "PYTHONPATH": str(ROOT), "AWS_ACCESS_KEY_ID": fresh_account.access_key,
           "AWS_SECRET_ACCESS_KEY": fresh_account.secret_key, "AWS_DEFAULT_REGION": "us-east-1"}
    command = [sys.executable, "-m", "console.cli", "--endpoint-url", fresh_account.endpoint]
    terminal = PyteTerminal(command, env, str(ROOT))
    try:
        assert wait_for(lambda: "hostile-rule" in terminal.screen(), 60), terminal.screen()
        for _ in range(4):  # tab to the EventBridge table (the only one with rows), open the rule
            if "\u241b]52;c;ZXZpbA==" in terminal.screen():
                break
            terminal.press("Tab")
            wait_for(lambda: False, 0.5)
            terminal.press("Enter")
            wait_for(lambda: "\u241b]52" in terminal.screen(), 3)
        screen = terminal.screen()
        assert "\u241b]52;c;ZXZpbA==" in screen, f"the detail screen never showed the description:\n{screen}"
        assert "Traceback" not in screen
        terminal.press("q")
        terminal.press("q")
        wait_for(terminal.exited, 20)
    finally:
        terminal.close()
    stream = bytes(terminal.raw).decode("utf-8", "replace")
    assert stream
    assert not foreign_sequences(stream), foreign_sequences(stream)[:5]
