"""Fixtures for the embedded AWS's own tests."""

from __future__ import annotations

import json
import urllib.request

import pytest

from console.demo.process import EmbeddedAws


@pytest.fixture(scope="module")
def aws():
    """An unseeded embedded server (extensions installed), one per test module."""
    with EmbeddedAws.start(size="none", simulate=False) as server:
        yield server


@pytest.fixture
def in_process_moto(monkeypatch):
    """moto in this process, for code that writes into moto's backends directly
    (seed_large runs inside the server's process in real use)."""
    from moto.server import ThreadedMotoServer

    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    _, port = server.get_host_and_port()
    monkeypatch.setenv("MOTO_PORT", str(port))
    url = f"http://127.0.0.1:{port}"
    config = {"lambda": {"use_docker": False}, "stepfunctions": {"execute_state_machine": True}}
    urllib.request.urlopen(urllib.request.Request(f"{url}/moto-api/config", data=json.dumps(config).encode(), method="POST"))
    yield url
    server.stop()
