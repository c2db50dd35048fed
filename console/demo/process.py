"""Start and stop the embedded AWS (console.demo.server) as a child process.

The server lives in its own process so moto's work never competes with the UI
for the interpreter. The child must never outlive us: it holds our end of a
stdin pipe (EOF when we die, however we die) and, on Linux, asks the kernel
for SIGTERM when its parent goes (PR_SET_PDEATHSIG).
"""

from __future__ import annotations

import atexit
import os
import selectors
import subprocess
import sys
import tempfile
import time
from pathlib import Path

_PREFIX = "AWS_ENDPOINT_URL="
PORT_IN_USE_EXIT = 3  # the server's exit status when its port is taken


class PortInUse(RuntimeError):
    """The port asked for is taken on 127.0.0.1."""

    def __init__(self, port: int) -> None:
        self.port = port
        super().__init__(f"port {port} on 127.0.0.1 is already in use")


class EmbeddedAws:
    """A running embedded AWS server; use ``EmbeddedAws.start()``."""

    def __init__(self, proc: subprocess.Popen, endpoint: str, log_path: str) -> None:
        self.proc = proc
        self.endpoint = endpoint
        self.port = int(endpoint.rsplit(":", 1)[1])
        self.log_path = log_path
        atexit.register(self.stop)

    @classmethod
    def start(
        cls,
        size: str = "small",
        port: int = 0,
        simulate: bool = True,
        log_path: str | None = None,
        timeout: float = 120,
        realism: str | None = None,
    ) -> "EmbeddedAws":
        """Spawn the server and wait for its endpoint line: PortInUse when `port` is taken,
        RuntimeError with the log tail if the line never comes for another reason.

        `realism` ("off" or "demo", console.demo.realism) defaults to "demo" with the
        simulator and "off" without it (tests turn on what they test)."""
        if log_path is None:
            log_path = tempfile.NamedTemporaryFile(prefix="opsdeck-aws-", suffix=".log", delete=False).name
        cmd = [sys.executable, "-m", "console.demo.server", "--port", str(port), "--size", size,
               "--watch-stdin", "--log", log_path]
        if not simulate:
            cmd.append("--no-simulate")
        cmd += ["--realism", realism or ("demo" if simulate else "off")]
        env = dict(os.environ)
        env.setdefault("PYTHONUNBUFFERED", "1")
        root = str(Path(__file__).resolve().parents[2])
        env["PYTHONPATH"] = root + (os.pathsep + env["PYTHONPATH"] if env.get("PYTHONPATH") else "")
        with open(log_path, "ab") as log_file:
            proc = subprocess.Popen(
                cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=log_file,
                cwd=root, env=env, start_new_session=True,
            )
        try:
            endpoint = _read_endpoint(proc, timeout)
        except BaseException as exc:
            _terminate(proc)
            if proc.returncode == PORT_IN_USE_EXIT:
                raise PortInUse(port) from None
            if isinstance(exc, RuntimeError):
                raise RuntimeError(f"{exc}\n--- {log_path} (tail) ---\n{_tail(log_path)}") from None
            raise
        return cls(proc, endpoint, log_path)

    def stop(self, timeout: float = 10) -> None:
        """SIGTERM, wait, then SIGKILL. Idempotent."""
        _terminate(self.proc, timeout)

    @property
    def running(self) -> bool:
        return self.proc.poll() is None

    def __enter__(self) -> "EmbeddedAws":
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()


def _read_endpoint(proc: subprocess.Popen, timeout: float) -> str:
    assert proc.stdout is not None
    deadline = time.monotonic() + timeout
    selector = selectors.DefaultSelector()
    selector.register(proc.stdout, selectors.EVENT_READ)
    buffer = b""
    try:
        while True:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise RuntimeError(f"embedded AWS did not start within {timeout:.0f}s")
            if not selector.select(min(remaining, 0.5)):
                if proc.poll() is not None:
                    raise RuntimeError(f"embedded AWS exited with code {proc.returncode} before it was ready")
                continue
            chunk = os.read(proc.stdout.fileno(), 4096)
            if not chunk:
                proc.wait(timeout=5)
                raise RuntimeError(f"embedded AWS exited with code {proc.returncode} before it was ready")
            buffer += chunk
            while b"\n" in buffer:
                line, buffer = buffer.split(b"\n", 1)
                text = line.decode("utf-8", "replace").strip()
                if text.startswith(_PREFIX):
                    return text[len(_PREFIX):]
    finally:
        selector.close()


def _terminate(proc: subprocess.Popen, timeout: float = 10) -> None:
    if proc.poll() is None:
        try:
            proc.terminate()
            proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        except ProcessLookupError:
            pass
    for stream in (proc.stdin, proc.stdout):
        try:
            if stream:
                stream.close()
        except OSError:
            pass


def _tail(path: str, lines: int = 40) -> str:
    try:
        return "\n".join(Path(path).read_text(errors="replace").splitlines()[-lines:])
    except OSError as exc:
        return f"(log unreadable: {exc})"
