"""A real pseudo-terminal running a command: tmux where installed, else a pty read by pyte.

Both give the same three operations: read the screen as text, type keys, and stop.
"""

from __future__ import annotations

import os
import pty
import shutil
import signal
import subprocess
import time
import uuid

COLUMNS, LINES = 160, 50


class TmuxTerminal:
    def __init__(self, command: list[str], env: dict[str, str], cwd: str) -> None:
        self.session = f"opsdeck-e2e-{uuid.uuid4().hex[:8]}"
        env_args = [arg for key, value in env.items() for arg in ("-e", f"{key}={value}")]
        subprocess.run(
            ["tmux", "new-session", "-d", "-s", self.session, "-x", str(COLUMNS), "-y", str(LINES),
             "-c", cwd, *env_args,
             # A detached session may start its pane at 80x24 whatever -x/-y say: size the
             # pty before the app reads it.
             f"stty cols {COLUMNS} rows {LINES}; exec " + " ".join(command)],
            check=True,
        )
        subprocess.run(["tmux", "set-option", "-t", self.session, "remain-on-exit", "on"], check=True)
        subprocess.run(["tmux", "set-option", "-t", self.session, "window-size", "manual"], check=True)
        subprocess.run(["tmux", "resize-window", "-t", self.session, "-x", str(COLUMNS), "-y", str(LINES)], check=True)

    def screen(self) -> str:
        result = subprocess.run(["tmux", "capture-pane", "-p", "-t", self.session], capture_output=True, text=True)
        return result.stdout

    def press(self, *keys: str) -> None:
        subprocess.run(["tmux", "send-keys", "-t", self.session, *keys], check=True)

    def pid(self) -> int:
        out = subprocess.run(["tmux", "display-message", "-p", "-t", self.session, "#{pane_pid}"],
                             capture_output=True, text=True).stdout
        return int(out.strip())

    def exited(self) -> bool:
        out = subprocess.run(["tmux", "display-message", "-p", "-t", self.session, "#{pane_dead}"],
                             capture_output=True, text=True).stdout
        return out.strip() == "1"

    def close(self) -> None:
        subprocess.run(["tmux", "kill-session", "-t", self.session], capture_output=True)


class PyteTerminal:
    KEYS = {"Enter": "\r", "Escape": "\x1b", "Tab": "\t", "C-r": "\x12", "C-c": "\x03"}

    def __init__(self, command: list[str], env: dict[str, str], cwd: str) -> None:
        import pyte

        self._screen = pyte.Screen(COLUMNS, LINES)
        self._stream = pyte.ByteStream(self._screen)
        self.raw = bytearray()  # every byte the program wrote, for tests that scan the stream
        self._pid, self._fd = pty.fork()
        if self._pid == 0:  # child
            os.chdir(cwd)
            os.execvpe(command[0], command, {**os.environ, **env, "TERM": "xterm-256color",
                                              "COLUMNS": str(COLUMNS), "LINES": str(LINES)})
        import fcntl
        import struct
        import termios

        fcntl.ioctl(self._fd, termios.TIOCSWINSZ, struct.pack("HHHH", LINES, COLUMNS, 0, 0))
        os.set_blocking(self._fd, False)
        self._status: int | None = None

    def _pump(self) -> None:
        while True:
            try:
                data = os.read(self._fd, 65536)
            except (BlockingIOError, OSError):
                return
            if not data:
                return
            self.raw.extend(data)
            self._stream.feed(data)

    def screen(self) -> str:
        self._pump()
        return "\n".join(self._screen.display)

    def press(self, *keys: str) -> None:
        for key in keys:
            os.write(self._fd, self.KEYS.get(key, key).encode())

    def pid(self) -> int:
        return self._pid

    def exited(self) -> bool:
        self._pump()
        if self._status is None:
            pid, status = os.waitpid(self._pid, os.WNOHANG)
            if pid:
                self._status = status
        return self._status is not None

    def close(self) -> None:
        if not self.exited():
            os.kill(self._pid, signal.SIGKILL)
            os.waitpid(self._pid, 0)
        os.close(self._fd)


def open_terminal(command: list[str], env: dict[str, str], cwd: str):
    if shutil.which("tmux"):
        return TmuxTerminal(command, env, cwd)
    return PyteTerminal(command, env, cwd)


def wait_for(predicate, timeout: float, interval: float = 0.25):
    """Poll `predicate` until it returns something truthy; the last value otherwise."""
    deadline = time.monotonic() + timeout
    value = predicate()
    while not value and time.monotonic() < deadline:
        time.sleep(interval)
        value = predicate()
    return value
