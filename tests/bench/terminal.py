"""The console as a user runs it: its own process in a real pseudo-terminal, read through pyte.

`PtyConsole` forks the command on a pty sized before the program starts (the child sets
the window size on its own terminal before exec, and COLUMNS/LINES say the same), keeps
reading what it writes into a pyte screen, and tells when the screen changed. Nothing
here needs tmux. `figures(pid)` reads the process's CPU time and memory from /proc.
"""

from __future__ import annotations

import fcntl
import os
import pty
import select
import signal
import struct
import termios
import time
from dataclasses import dataclass

COLUMNS, LINES = 160, 50
QUIET = 0.005  # seconds without output that end a frame (Textual writes one in a few chunks)
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


@dataclass(frozen=True)
class Figures:
    """One process's figures at one moment: CPU seconds used so far (user + system),
    resident memory now and its peak (VmHWM), in MB."""

    cpu_s: float
    rss_mb: float
    peak_rss_mb: float


def figures(pid: int) -> Figures | None:
    """The process's figures from /proc; None once it is gone."""
    try:
        stat = open(f"/proc/{pid}/stat").read()
        status = open(f"/proc/{pid}/status").read()
    except OSError:
        return None
    fields = stat.rsplit(")", 1)[1].split()
    cpu = (int(fields[11]) + int(fields[12])) / CLOCK_TICKS  # utime, stime (fields 14, 15 of stat)
    kb = {}
    for line in status.splitlines():
        name, _, value = line.partition(":")
        if name in ("VmRSS", "VmHWM"):
            kb[name] = int(value.split()[0])
    if not kb:  # a zombie has no memory lines
        return None
    return Figures(cpu, kb.get("VmRSS", 0) / 1024, kb.get("VmHWM", 0) / 1024)


class PtyConsole:
    """A command on a pseudo-terminal of `columns` x `lines`, its screen read through pyte."""

    def __init__(self, command: list[str], env: dict[str, str], cwd: str,
                 columns: int = COLUMNS, lines: int = LINES) -> None:
        import pyte

        self.screen = pyte.Screen(columns, lines)
        self._stream = pyte.ByteStream(self.screen)
        self.bytes_read = 0
        self.last_output = 0.0  # monotonic time of the last byte read
        env = {**env, "TERM": "xterm-256color", "COLUMNS": str(columns), "LINES": str(lines)}
        winsize = struct.pack("HHHH", lines, columns, 0, 0)
        self.started = time.monotonic()  # "from the moment the process is started"
        pid, fd = pty.fork()
        if pid == 0:  # the child: size its terminal before the program can ask, then become it
            try:
                fcntl.ioctl(pty.STDOUT_FILENO, termios.TIOCSWINSZ, winsize)
                os.chdir(cwd)
                os.execve(command[0], command, env)
            finally:
                os._exit(127)
        self.pid, self._fd = pid, fd
        fcntl.ioctl(fd, termios.TIOCSWINSZ, winsize)
        os.set_blocking(fd, False)
        self._status: int | None = None

    # reading ---------------------------------------------------------------------
    def pump(self, timeout: float) -> bool:
        """Wait up to `timeout` s for output, then read until the program has been quiet
        for QUIET s (the end of a frame); True when anything was read."""
        got = False
        wait = timeout
        while True:
            try:
                ready, _, _ = select.select([self._fd], [], [], max(0.0, wait))
            except InterruptedError:
                continue
            if not ready:
                return got
            try:
                data = os.read(self._fd, 1 << 16)
            except BlockingIOError:
                continue
            except OSError:  # EIO: the program has gone and closed the terminal
                return got
            if not data:
                return got
            self.last_output = time.monotonic()
            self.bytes_read += len(data)
            self._stream.feed(data)
            got = True
            wait = QUIET

    def lines(self) -> list[str]:
        return list(self.screen.display)

    def colour(self, row: int, column: int) -> str:
        """The foreground colour of one cell (pyte's name or hex)."""
        return self.screen.buffer[row][column].fg

    def text(self) -> str:
        return "\n".join(line.rstrip() for line in self.screen.display)

    # the process -----------------------------------------------------------------
    def elapsed(self) -> float:
        return time.monotonic() - self.started

    def figures(self) -> Figures | None:
        return figures(self.pid)

    def press(self, keys: str) -> None:
        os.write(self._fd, keys.encode())

    def exited(self) -> bool:
        if self._status is None:
            pid, status = os.waitpid(self.pid, os.WNOHANG)
            if pid:
                self._status = status
        return self._status is not None

    @property
    def exit_code(self) -> int | None:
        return None if self._status is None else os.waitstatus_to_exitcode(self._status)

    def stop(self, quit_keys: str = "q", grace: float = 10.0) -> bool:
        """Quit the way a user does (`quit_keys`), else SIGTERM, else SIGKILL; True when the
        keys were enough. Only this process is signalled."""
        quit_by_keys = False
        if not self.exited():
            self.press(quit_keys)
            deadline = time.monotonic() + grace
            while not self.exited() and time.monotonic() < deadline:
                self.pump(0.05)
            quit_by_keys = self.exited()
        for sig in (signal.SIGTERM, signal.SIGKILL):
            if self.exited():
                break
            os.kill(self.pid, sig)
            deadline = time.monotonic() + 5
            while not self.exited() and time.monotonic() < deadline:
                self.pump(0.05)
        if not self.exited():
            os.waitpid(self.pid, 0)
        try:
            os.close(self._fd)
        except OSError:
            pass
        return quit_by_keys
