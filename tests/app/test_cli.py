"""The `opsdeck` command line: fast headless start, one endpoint line, clean stop."""

from __future__ import annotations

import pytest

import os
import re
import signal
import subprocess
import sys
from pathlib import Path

import boto3
from click.testing import CliRunner

from console.cli import main

ROOT = Path(__file__).resolve().parents[2]
OPSDECK = Path(sys.executable).with_name("opsdeck")


def test_headless_commands_do_not_import_textual():
    code = "import sys, console.cli; assert not [m for m in sys.modules if m.startswith('textual')], 'textual'"
    subprocess.run([sys.executable, "-c", code], check=True, cwd=ROOT)


def test_help_lists_the_options():
    result = CliRunner().invoke(main, ["--help"])
    assert result.exit_code == 0
    for option in ("--profile", "--region", "--endpoint-url", "--read-only", "demo"):
        assert option in result.output


@pytest.mark.long
def test_demo_headless_prints_one_line_serves_and_stops_on_sigterm():
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    proc = subprocess.Popen([str(OPSDECK), "demo", "--headless"], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, cwd=ROOT, env=env)
    try:
        line = proc.stdout.readline()
        assert re.fullmatch(r"AWS_ENDPOINT_URL=http://127\.0\.0\.1:\d+\n", line), line
        endpoint = line.strip().split("=", 1)[1]
        client = boto3.client("lambda", endpoint_url=endpoint, region_name="us-east-1",
                              aws_access_key_id="testing", aws_secret_access_key="testing")
        assert client.list_functions()["Functions"]
        proc.send_signal(signal.SIGTERM)
        out, err = proc.communicate(timeout=30)
        assert proc.returncode == 0, err
        assert out == ""  # exactly one line in all
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()


def test_version_comes_from_the_package_metadata():
    from importlib.metadata import version

    result = CliRunner().invoke(main, ["--version"])
    assert result.exit_code == 0
    assert result.output == f"opsdeck {version('opsdeck')}\n"


@pytest.mark.parametrize("port", ["65536", "99999", "-1"])
def test_demo_refuses_a_port_outside_0_to_65535(port):
    result = CliRunner().invoke(main, ["demo", "--headless", "--port", port])
    assert result.exit_code == 2
    assert "Invalid value for '--port'" in result.output and "0<=x<=65535" in result.output


def test_demo_on_a_taken_port_says_so_and_exits_2():
    """A real listener holds the port; the embedded server's bind fails with EADDRINUSE."""
    import socket

    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
        proc = subprocess.run([str(OPSDECK), "demo", "--headless", "--port", str(port)], capture_output=True,
                              text=True, cwd=ROOT, env=env, timeout=120)
    assert proc.returncode == 2
    assert proc.stdout == ""
    assert f"Invalid value for '--port': port {port} on 127.0.0.1 is already in use" in proc.stderr
    assert "Traceback" not in proc.stderr
