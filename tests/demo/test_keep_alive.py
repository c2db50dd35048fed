"""The embedded AWS keeps connections alive, safely (console/demo/server.py's request handler).

The handler runs here in a werkzeug server of this process, in front of a small WSGI
application, so the test counts the connections the server accepted; the last test asks the
real embedded server.
"""

from __future__ import annotations

import http.client
import json
import threading
import urllib.request

import pytest
from werkzeug.serving import make_server

from console.demo.server import _request_handler


def _app(environ, start_response):
    """/echo answers the body it read; /ignore reads nothing; /boom fails."""
    path = environ["PATH_INFO"]
    seen.append(path)
    if path == "/boom":
        raise RuntimeError("the application failed")
    body = environ["wsgi.input"].read() if path == "/echo" else b""
    data = json.dumps({"path": path, "body": body.decode()}).encode()
    start_response("200 OK", [("Content-Type", "application/json"), ("Content-Length", str(len(data)))])
    return [data]


seen: list[str] = []


@pytest.fixture
def server():
    seen.clear()
    server = make_server("127.0.0.1", 0, _app, threaded=True, request_handler=_request_handler())
    accepted = []
    accept = server.get_request

    def counted():
        accepted.append(1)
        return accept()

    server.get_request = counted
    server.accepted = accepted
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server.shutdown()
        server.server_close()


def _ask(conn, method, path, body=None, headers=None):
    conn.request(method, path, body=body, headers=headers or {})
    response = conn.getresponse()
    return response, json.loads(response.read())


def test_a_burst_of_requests_from_one_client_uses_one_connection(server):
    conn = http.client.HTTPConnection("127.0.0.1", server.server_port, timeout=10)
    try:
        answers = [_ask(conn, "POST", "/echo", body=f"request {n}".encode()) for n in range(30)]
    finally:
        conn.close()
    assert [body for _, body in answers] == [{"path": "/echo", "body": f"request {n}"} for n in range(30)]
    assert {response.getheader("Connection") for response, _ in answers} == {None}
    assert len(server.accepted) == 1


@pytest.mark.parametrize("chunked", [False, True], ids=["content-length", "chunked"])
def test_a_body_the_application_does_not_read_does_not_reach_the_next_request(server, chunked):
    smuggled = b"GET /smuggled HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n\r\n"
    conn = http.client.HTTPConnection("127.0.0.1", server.server_port, timeout=10)
    try:
        if chunked:  # http.client frames an iterable body in chunks when no length is given
            first = _ask(conn, "POST", "/ignore", body=iter([smuggled[:20], smuggled[20:]]))
        else:
            first = _ask(conn, "POST", "/ignore", body=smuggled)
        second = _ask(conn, "POST", "/echo", body=b"next")
    finally:
        conn.close()
    assert first[1] == {"path": "/ignore", "body": ""}
    assert second[1] == {"path": "/echo", "body": "next"}
    assert seen == ["/ignore", "/echo"]
    assert len(server.accepted) == 1


def test_a_failing_application_answers_500_and_closes_the_connection(server):
    conn = http.client.HTTPConnection("127.0.0.1", server.server_port, timeout=10)
    try:
        conn.request("POST", "/boom", body=b"x")
        failed = conn.getresponse()
        assert failed.read() == b"Internal Server Error"
        assert (failed.status, failed.getheader("Connection")) == (500, "close")
        after = _ask(conn, "POST", "/echo", body=b"again")  # http.client connects anew
    finally:
        conn.close()
    assert after[1] == {"path": "/echo", "body": "again"}
    assert len(server.accepted) == 2


def test_the_embedded_server_keeps_a_clients_connection(endpoint):
    host, port = endpoint.removeprefix("http://").split(":")
    conn = http.client.HTTPConnection(host, int(port), timeout=10)
    try:
        sockets = []
        for _ in range(3):
            conn.request("GET", "/_opsdeck/health")
            response = conn.getresponse()
            assert json.loads(response.read())["ok"] is True
            assert response.getheader("Connection") is None
            sockets.append(conn.sock)
    finally:
        conn.close()
    assert sockets[0] is not None and sockets == [sockets[0]] * 3


async def test_the_shared_clock_moves_the_servers_clock_on_one_kept_connection(endpoint):
    """Through the control client's connection kept per thread and endpoint."""
    from datetime import datetime, timezone

    from console.demo import control
    from tests.clock import SharedClock

    clock = SharedClock(endpoint, datetime(2026, 12, 1, 12, 0, tzinfo=timezone.utc))
    try:
        first = control._kept.by_endpoint[endpoint].sock
        for _ in range(5):
            await clock.advance(60)
            assert control._kept.by_endpoint[endpoint].sock is first
            with urllib.request.urlopen(f"{endpoint}/_opsdeck/clock", timeout=10) as answer:
                assert datetime.fromisoformat(json.loads(answer.read())["now"]) == clock.now()
        assert clock.now() == datetime(2026, 12, 1, 12, 5, tzinfo=timezone.utc)
    finally:
        control.set_clock(endpoint, None)
