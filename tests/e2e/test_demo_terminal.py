"""`opsdeck demo` in a real pseudo-terminal: the dashboard appears with the seeded estate.

This test never skips: tmux is used where installed, otherwise a pty read through pyte.
"""

from __future__ import annotations

import os
import signal
import sys
from pathlib import Path

import pytest

from tests.e2e.terminal import PyteTerminal, open_terminal, wait_for

ROOT = Path(__file__).resolve().parents[2]
SEEDED_NAMES = ("validate-order", "my-cluster", "order-processing", "daily-cleanup")


def opsdeck_command() -> list[str]:
    return [sys.executable, "-m", "console.cli", "demo"]


def children_of(pid: int) -> set[int]:
    found = set()
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            ppid = int(stat.rsplit(")", 1)[1].split()[1])
            if ppid == pid:
                found.add(int(entry.name))
    return found


def alive(pid: int) -> bool:
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return stat.rsplit(")", 1)[1].split()[0] != "Z"


@pytest.mark.e2e
@pytest.mark.long
@pytest.mark.parametrize("backend", ["default", "pyte"])
def test_demo_shows_the_seeded_estate_and_quits_cleanly(backend, tmp_path):
    env = {"OPSDECK_CONFIG_DIR": str(tmp_path / "config"), "OPSDECK_STATE_DIR": str(tmp_path / "state"),
           "PYTHONPATH": str(ROOT)}
    command = opsdeck_command()
    terminal = PyteTerminal(command, env, str(ROOT)) if backend == "pyte" else open_terminal(command, env, str(ROOT))
    try:
        screen = wait_for(lambda: next((s for s in [terminal.screen()] if all(n in s for n in SEEDED_NAMES)), None), 120)
        assert screen, f"dashboard never showed {SEEDED_NAMES}; screen was:\n{terminal.screen()}"
        assert "demo" in screen and "Traceback" not in screen
        terminal.press("q")
        assert wait_for(terminal.exited, 20), f"q did not quit; screen:\n{terminal.screen()}"
    finally:
        terminal.close()


@pytest.mark.e2e
@pytest.mark.long
def test_the_embedded_server_dies_with_a_killed_console(tmp_path):
    env = {"OPSDECK_CONFIG_DIR": str(tmp_path / "config"), "PYTHONPATH": str(ROOT)}
    terminal = PyteTerminal(opsdeck_command(), env, str(ROOT))
    try:
        assert wait_for(lambda: "validate-order" in terminal.screen(), 120), terminal.screen()
        console_pid = terminal.pid()
        servers = children_of(console_pid)
        assert servers, "the console should run the embedded server as a child process"
        os.kill(console_pid, signal.SIGKILL)
        assert wait_for(lambda: not any(alive(pid) for pid in servers), 20)
    finally:
        terminal.close()
