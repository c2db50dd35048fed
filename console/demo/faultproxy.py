"""A fault-injecting reverse proxy in front of the embedded AWS: bad days, on demand.

The console's `--endpoint-url` points at the proxy; the proxy forwards each request to
the real (embedded) endpoint, except that a configurable share of them, drawn from a
seeded RNG, get what a bad day on AWS looks like:

- throttle: HTTP 400 with the throttling error in the request's own protocol (json and
  rest-json: `{"__type": "ThrottlingException"}` + `x-amzn-ErrorType`; query: XML
  `<Code>Throttling</Code>`; smithy rpc-v2-cbor: a CBOR body), so botocore parses it
  exactly as it parses AWS's;
- error: HTTP 500 InternalFailure (or any status/code/message set with `set()`, e.g. a
  hostile message for the untrusted-text tests);
- stall: the answer is held for `stall_seconds` (default 8 s) before it is forwarded;
- drop: the connection is closed without an answer.

Rates are changed at runtime with `set()` / `off()` (or POST `/_faultproxy/set` with the
same JSON fields when the proxy runs as its own process: `python -m
console.demo.faultproxy --upstream URL`). Every request is recorded with the fault it got,
so tests count what the console sent. Standard library only, apart from the demo's own
request-routing helpers.
"""

from __future__ import annotations

import argparse
import http.client
import json
import random
import socket
import threading
from collections import Counter
from dataclasses import asdict, dataclass, field, replace
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Iterable
from urllib.parse import urlsplit

from console.demo.accounting import operation_of, service_of
from console.demo.errors import Response, error_response, protocol_of

FAULTS = ("throttle", "error", "stall", "drop")
CONTROL_PREFIX = "/_faultproxy/"
# hop-by-hop headers are the proxy's business, not the upstream's
_HOP_BY_HOP = {"connection", "keep-alive", "transfer-encoding", "te", "trailer", "upgrade",
               "proxy-authorization", "proxy-authenticate", "content-length"}


@dataclass(frozen=True)
class FaultRates:
    """What share of matching requests gets which fault (the shares add up to at most 1)."""

    throttle: float = 0.0
    error: float = 0.0
    stall: float = 0.0
    drop: float = 0.0
    stall_seconds: float = 8.0
    services: frozenset[str] | None = None  # botocore service names; None: every service
    error_status: int = 500
    error_code: str = "InternalFailure"
    message: str = "injected by opsdeck's fault proxy"

    def __post_init__(self) -> None:
        if min(self.throttle, self.error, self.stall, self.drop) < 0 or \
                self.throttle + self.error + self.stall + self.drop > 1.0 + 1e-9:
            raise ValueError("fault shares must be >= 0 and add up to at most 1")

    def applies_to(self, service: str | None) -> bool:
        return self.services is None or service in self.services


@dataclass(frozen=True)
class Record:
    """One request the proxy saw: where it was going and what it got."""

    service: str | None
    operation: str
    fault: str | None  # one of FAULTS, or None when forwarded untouched


@dataclass
class _State:
    rates: FaultRates = field(default_factory=FaultRates)
    records: list[Record] = field(default_factory=list)


class FaultProxy:
    """The proxy; `start()` serves it on a daemon thread, `endpoint` is its URL."""

    def __init__(self, upstream: str, *, seed: int = 0, host: str = "127.0.0.1", port: int = 0) -> None:
        parts = urlsplit(upstream)
        self.upstream_host = parts.hostname or "127.0.0.1"
        self.upstream_port = parts.port or 80
        self._rng = random.Random(seed)
        self._lock = threading.Lock()
        self._state = _State()
        self._wake = threading.Event()  # set by off()/stop(): ends stalls early
        self._server = ThreadingHTTPServer((host, port), _handler_for(self))
        self._server.daemon_threads = True
        self._thread: threading.Thread | None = None

    # lifecycle ----------------------------------------------------------------------
    @property
    def endpoint(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    def start(self) -> "FaultProxy":
        self._thread = threading.Thread(target=self._server.serve_forever, name="faultproxy", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        self._wake.set()
        self._server.shutdown()
        self._server.server_close()
        if self._thread is not None:
            self._thread.join(5)

    def __enter__(self) -> "FaultProxy":
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # control --------------------------------------------------------------------------
    @property
    def rates(self) -> FaultRates:
        with self._lock:
            return self._state.rates

    def set(self, *, services: Iterable[str] | None = None, **changes: object) -> FaultRates:
        """Replace the fault rates: unnamed shares go back to 0; `services` limits them."""
        base = FaultRates()
        rates = replace(base, services=None if services is None else frozenset(services), **changes)
        with self._lock:
            self._state.rates = rates
            released, self._wake = self._wake, threading.Event()
        released.set()  # requests stalled under the old rates go on now
        return rates

    def off(self) -> None:
        """No more faults; requests stalled right now are released at once."""
        self.set()

    # accounting -----------------------------------------------------------------------
    @property
    def records(self) -> list[Record]:
        with self._lock:
            return list(self._state.records)

    def count(self, service: str | None = None, operation: str | None = None, fault: object = ...) -> int:
        """Requests seen, optionally only those of `service`/`operation`/`fault` (None: untouched)."""
        return sum(1 for r in self.records
                   if (service is None or r.service == service)
                   and (operation is None or r.operation == operation)
                   and (fault is ... or r.fault == fault))

    def faults(self) -> Counter[str]:
        return Counter(r.fault for r in self.records if r.fault)

    def reset_counts(self) -> None:
        with self._lock:
            self._state.records.clear()

    # the decision -----------------------------------------------------------------------
    def _decide(self, service: str | None, operation: str) -> tuple[str | None, FaultRates, threading.Event]:
        with self._lock:
            rates = self._state.rates
            fault = None
            if rates.applies_to(service):
                draw = self._rng.random()
                for name in FAULTS:
                    share = getattr(rates, name)
                    if draw < share:
                        fault = name
                        break
                    draw -= share
            self._state.records.append(Record(service, operation, fault))
            return fault, rates, self._wake


def throttle_response(environ: dict) -> Response:
    code = "Throttling" if protocol_of(environ) == "query" else "ThrottlingException"
    return error_response(environ, 400, code, "Rate exceeded")


def _handler_for(proxy: FaultProxy) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"  # keep-alive, as botocore's connection pool expects

        def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - quiet
            pass

        def _environ(self, body: bytes) -> dict:
            path, _, query = self.path.partition("?")
            environ = {"REQUEST_METHOD": self.command, "PATH_INFO": path, "QUERY_STRING": query,
                       "CONTENT_TYPE": self.headers.get("Content-Type", "")}
            for name, value in self.headers.items():
                environ["HTTP_" + name.upper().replace("-", "_")] = value
            return environ

        def _handle(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length) if length else b""
            if self.path.startswith(CONTROL_PREFIX):
                self._control(body)
                return
            environ = self._environ(body)
            service = service_of(environ)
            operation = operation_of(service, environ, body) if service else "Unknown"
            fault, rates, wake = proxy._decide(service, operation)
            if fault == "drop":
                self.close_connection = True
                try:
                    self.connection.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass
                return
            if fault == "throttle":
                self._send(*throttle_response(environ))
                return
            if fault == "error":
                self._send(*error_response(environ, rates.error_status, rates.error_code, rates.message))
                return
            if fault == "stall":
                wake.wait(rates.stall_seconds)
            self._forward(body)

        do_GET = do_POST = do_PUT = do_DELETE = do_PATCH = do_HEAD = _handle

        def _forward(self, body: bytes) -> None:
            conn = http.client.HTTPConnection(proxy.upstream_host, proxy.upstream_port, timeout=300)
            try:
                headers = {k: v for k, v in self.headers.items() if k.lower() not in _HOP_BY_HOP}
                headers["Content-Length"] = str(len(body))
                conn.request(self.command, self.path, body=body, headers=headers)
                response = conn.getresponse()
                data = response.read()
                out = [(k, v) for k, v in response.getheaders() if k.lower() not in _HOP_BY_HOP]
                self._send(response.status, out, data)
            except OSError:
                self._send(502, [("Content-Type", "text/plain")], b"upstream unreachable")
            finally:
                conn.close()

        def _send(self, status: int, headers: list[tuple[str, str]], body: bytes) -> None:
            try:
                self.send_response(status)
                for name, value in headers:
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                if self.command != "HEAD":
                    self.wfile.write(body)
            except OSError:  # the client gave up (e.g. its read timeout during a stall)
                self.close_connection = True

        def _control(self, body: bytes) -> None:
            action = self.path[len(CONTROL_PREFIX):].split("?", 1)[0]
            try:
                if action == "set":
                    rates = proxy.set(**json.loads(body or b"{}"))
                elif action == "off":
                    proxy.off()
                    rates = proxy.rates
                elif action == "counts":
                    payload = {"faults": dict(proxy.faults()), "total": len(proxy.records)}
                    self._send(200, [("Content-Type", "application/json")], json.dumps(payload).encode())
                    return
                else:
                    raise ValueError(f"unknown control action {action!r}")
            except (TypeError, ValueError) as exc:
                self._send(400, [("Content-Type", "text/plain")], str(exc).encode())
                return
            payload = {**asdict(rates), "services": sorted(rates.services) if rates.services else None}
            self._send(200, [("Content-Type", "application/json")], json.dumps(payload).encode())

    return Handler


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--upstream", required=True, help="the endpoint to forward to")
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--seed", type=int, default=0)
    for name in FAULTS:
        parser.add_argument(f"--{name}", type=float, default=0.0, help=f"share of requests that get {name}")
    parser.add_argument("--stall-seconds", type=float, default=8.0)
    args = parser.parse_args(argv)
    proxy = FaultProxy(args.upstream, seed=args.seed, port=args.port)
    proxy.set(throttle=args.throttle, error=args.error, stall=args.stall, drop=args.drop,
              stall_seconds=args.stall_seconds)
    print(f"AWS_ENDPOINT_URL={proxy.endpoint}", flush=True)
    try:
        proxy._server.serve_forever()
    except KeyboardInterrupt:
        pass


if __name__ == "__main__":
    main()
