"""The embedded AWS: moto's server in its own process, with opsdeck's control API.

Run as ``python -m console.demo.server --port N --size small|large|none``. It
configures moto before anything exists, installs the extensions moto lacks,
seeds the estate, starts the simulator, and only then prints exactly one line,
``AWS_ENDPOINT_URL=http://127.0.0.1:N``, so the parent knows it is ready. All
request logging goes to a log file: the terminal belongs to the console.
"""

from __future__ import annotations

import argparse
import errno
import io
import json
import logging
import os
import signal
import sys
import tempfile
import threading
import time
from datetime import datetime, timezone
from typing import Any, Callable

from console.demo import clock as demo_clock
from console.demo import realism
from console.demo.errors import status_line
from console.demo.process import PORT_IN_USE_EXIT

log = logging.getLogger("opsdeck.demo.server")

TICK_SECONDS = 5.0


def _dummy_environment() -> None:
    """Dummy credentials: the server and its in-process clients must never reach real AWS."""
    for key, value in {
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_SECURITY_TOKEN": "testing",
        "AWS_SESSION_TOKEN": "testing",
    }.items():
        os.environ[key] = value
    os.environ.setdefault("AWS_DEFAULT_REGION", "us-east-1")
    os.environ.setdefault("OPSDECK_SFN_TIME_SCALE", "0.01")
    os.environ.pop("AWS_PROFILE", None)


class ControlApi:
    """``/_opsdeck/*`` on the server's port: JSON in, JSON out."""

    def __init__(self, counter, server: "EmbeddedServer", quotas) -> None:
        from console.demo.denials import Denials

        self.denials = Denials()
        self.quotas = quotas
        self.counter = counter
        self.server = server
        self.routes: dict[tuple[str, str], Callable[[dict], Any]] = {
            ("GET", "/_opsdeck/health"): lambda body: {"ok": True, "seeded": server.seeded},
            ("GET", "/_opsdeck/requests"): lambda body: counter.snapshot(),
            ("POST", "/_opsdeck/requests/reset"): self._reset_requests,
            ("POST", "/_opsdeck/tick"): self._tick,
            ("GET", "/_opsdeck/clock"): lambda body: {"now": demo_clock.now().isoformat(),
                                                       "simulated": demo_clock.simulated()},
            ("POST", "/_opsdeck/clock"): self._set_clock,
            ("GET", "/_opsdeck/realism"): lambda body: realism.current().as_dict(),
            ("POST", "/_opsdeck/realism"): self._realism,
            ("POST", "/_opsdeck/lambda/fail"): self._fail_function,
            ("POST", "/_opsdeck/lambda/clear"): self._clear_failures,
            ("POST", "/_opsdeck/lambda/traffic"): self._lambda_traffic,
            ("POST", "/_opsdeck/lambda/fail-next-update"): self._fail_next_update,
            ("POST", "/_opsdeck/lambda/last-modified"): self._last_modified,
            ("POST", "/_opsdeck/page-size"): self._page_size,
            ("POST", "/_opsdeck/ecs/reconcile"): self._reconcile,
            ("POST", "/_opsdeck/ecs/health"): self._ecs_health,
            ("POST", "/_opsdeck/ecs/stop-task"): self._ecs_stop_task,
            ("POST", "/_opsdeck/ecs/settle"): self._ecs_settle,
            ("POST", "/_opsdeck/deny"): self._deny,
            ("POST", "/_opsdeck/deny/clear"): self._clear_denials,
            ("POST", "/_opsdeck/sso/end-session"): self._end_sso_session,
        }

    def __call__(self, environ: dict, body: bytes) -> tuple[int, Any]:
        handler = self.routes.get((environ["REQUEST_METHOD"], environ["PATH_INFO"].rstrip("/")))
        if handler is None:
            return 404, {"error": f"no control route {environ['REQUEST_METHOD']} {environ['PATH_INFO']}"}
        try:
            payload = json.loads(body or b"{}")
            return 200, handler(payload)
        except LookupError as exc:
            return 404, {"error": str(exc)}
        except (ValueError, TypeError) as exc:
            return 400, {"error": str(exc)}
        except Exception as exc:  # the control API must never take the server down
            log.exception("control API failed")
            return 500, {"error": f"{type(exc).__name__}: {exc}"}

    def _reset_requests(self, body: dict) -> dict:
        self.counter.reset()
        return {"ok": True}

    def _realism(self, body: dict) -> dict:
        was = realism.current().throttling
        now = realism.configure(**body)
        if now.throttling and not was:  # a quota starts with a full bucket
            self.quotas.reset()
        return now.as_dict()

    def _set_clock(self, body: dict) -> dict:
        moment = _moment(body.get("now")) if body.get("now") else None
        return {"now": demo_clock.set_now(moment).isoformat(), "simulated": demo_clock.simulated()}

    def _tick(self, body: dict) -> dict:
        now = datetime.fromisoformat(body["now"]) if body.get("now") else demo_clock.now()
        if now.tzinfo is None:
            now = now.replace(tzinfo=timezone.utc)
        return {"summary": self.server.tick(now)}

    def _fail_function(self, body: dict) -> dict:
        from console.demo.extensions import lambda_invoke

        lambda_invoke.fail_function(
            function=body["function"],
            version=body.get("version") or "$LATEST",
            message=body.get("message") or "Injected failure",
            error_type=body.get("errorType") or "Error",
            account=body.get("account"),
            region=body.get("region") or "us-east-1",
        )
        return {"ok": True}

    def _fail_next_update(self, body: dict) -> dict:
        from console.demo.extensions import lambda_updates

        if not body.get("function") or not body.get("reason"):
            raise ValueError("fail-next-update needs a function and a reason")
        lambda_updates.fail_next_update(
            function=body["function"],
            reason=body["reason"],
            reason_code=body.get("reasonCode") or "InternalError",
            account=body.get("account"),
            region=body.get("region") or "us-east-1",
        )
        return {"ok": True}

    def _last_modified(self, body: dict) -> dict:
        from console.demo.accounting import DEFAULT_ACCOUNT
        from console.demo.extensions import lambda_updates

        if not body.get("function") or not isinstance(body.get("times"), dict):
            raise ValueError("last-modified needs a function and times by version")
        for version, moment in body["times"].items():
            lambda_updates.set_last_modified(body.get("account") or DEFAULT_ACCOUNT, body.get("region") or "us-east-1",
                                             body["function"], str(version), _moment(moment))
        return {"ok": True}

    def _lambda_traffic(self, body: dict) -> dict:
        from console.demo.estate import Clients
        from console.demo.simulator import write_traffic

        host, port = self.server.get_host_and_port()
        now = datetime.fromisoformat(body["now"])
        if now.tzinfo is None:
            now = now.replace(tzinfo=timezone.utc)
        aws = Clients(f"http://127.0.0.1:{port}", body.get("account"), body.get("region") or "us-east-1")
        return write_traffic(aws, body["function"], now, int(body["invocations"]), body.get("alias") or "live")

    def _clear_failures(self, body: dict) -> dict:
        from console.demo.extensions import lambda_invoke, lambda_updates

        lambda_invoke.clear_failures()
        lambda_updates.clear_updates()
        return {"ok": True}

    def _page_size(self, body: dict) -> dict:
        from console.demo.extensions import pagination

        size = body.get("size")
        pagination.set_default_page_size(None if size is None else int(size))
        return {"size": pagination.default_page_size()}

    def _deny(self, body: dict) -> dict:
        from console.demo.denials import Denial

        self.denials.add(Denial(body["access_key"], body.get("service"), body.get("operation")))
        return {"ok": True}

    def _clear_denials(self, body: dict) -> dict:
        self.denials.clear()
        return {"ok": True}

    def _end_sso_session(self, body: dict) -> dict:
        from console.demo.extensions import sso_portal

        if not body.get("access_token"):
            raise ValueError("end-session needs the session's access_token")
        sso_portal.end_session(body["access_token"])
        return {"ok": True}

    def _reconcile(self, body: dict) -> dict:
        from console.demo.extensions import ecs_tasks

        return {"changed": ecs_tasks.reconcile_all()}

    def _ecs_health(self, body: dict) -> dict:
        from console.demo.extensions import ecs_tasks

        ecs_tasks.set_task_health(
            cluster=body["cluster"],
            task=body["task"],
            health=body.get("health", "UNHEALTHY"),
            account=body.get("account"),
            region=body.get("region") or "us-east-1",
        )
        return {"ok": True}

    def _ecs_stop_task(self, body: dict) -> dict:
        from console.demo.extensions import ecs_tasks

        if not body.get("cluster") or not body.get("task") or not body.get("code"):
            raise ValueError("stop-task needs a cluster, a task and a stop code")
        replacement = ecs_tasks.stop_task(
            cluster=body["cluster"], task=body["task"], code=body["code"], reason=body.get("reason"),
            exit_code=body.get("exitCode"), account=body.get("account"), region=body.get("region") or "us-east-1",
        )
        return {"replacement": replacement}

    def _ecs_settle(self, body: dict) -> dict:
        from console.demo.extensions import ecs_tasks

        return {"services": ecs_tasks.settle_all(account=body.get("account"))}


def _moment(text: str) -> datetime:
    moment = datetime.fromisoformat(text)
    return moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)


class OpsdeckMiddleware:
    """Serves the control API and counts every AWS request before moto sees it."""

    def __init__(self, app, server: "EmbeddedServer") -> None:
        from console.demo.accounting import DEFAULT_ACCOUNT, RequestCounter

        self.app = app
        self.default_account = DEFAULT_ACCOUNT
        from console.demo.quotas import QuotaBuckets

        self.counter = RequestCounter()
        self.quotas = QuotaBuckets()
        self.control = ControlApi(self.counter, server, self.quotas)

    def __call__(self, environ: dict, start_response):
        path = environ.get("PATH_INFO", "")
        body = self._read_body(environ)
        if path.startswith("/_opsdeck/"):
            status, payload = self.control(environ, body)
            data = json.dumps(payload, default=str).encode()
            start_response(f"{status} {'OK' if status == 200 else 'ERROR'}", [
                ("Content-Type", "application/json"), ("Content-Length", str(len(data)))])
            return [data]
        if not path.startswith("/moto-api"):
            from console.demo.accounting import account_of, operation_of, service_of

            service = service_of(environ)
            if service is not None:
                account = account_of(environ)
                operation = operation_of(service, environ, body)
                kind, refusal = self._refusal(environ, account, service, operation)
                self.counter.add(account, service, operation, throttled=kind == "throttled",
                                 embedded=bool(environ.get("HTTP_X_OPSDECK_EMBEDDED")))
                if refusal is not None:
                    status, headers, data = refusal
                    start_response(status_line(status), headers + [("Content-Length", str(len(data)))])
                    return [data]
                from console.demo.extensions import pagination

                environ["wsgi.input"] = io.BytesIO(pagination.rewrite_request(service, operation, environ, body))
        return self.app(environ, start_response)

    def _refusal(self, environ: dict, account: str, service: str, operation: str):
        """("expired" | "denied" | "throttled", AWS's answer) when the server refuses the call
        itself, else (None, None): expired temporary credentials, access denied on demand,
        then the quotas of the realistic mode (never for the embedded AWS's own seeder and
        simulator, which stand in for AWS)."""
        from console.demo.extensions import sts_expiry

        if sts_expiry.expired(environ):
            return "expired", sts_expiry.expired_token(environ)
        if self.control.denials.denied(environ, service, operation):
            from console.demo.denials import access_denied

            return "denied", access_denied(environ, service, operation)
        if realism.current().throttling and not environ.get("HTTP_X_OPSDECK_EMBEDDED"):
            from console.demo.accounting import region_of
            from console.demo.quotas import throttled

            quota = self.quotas.take(account, region_of(environ), service, operation)
            if quota is not None:
                return "throttled", throttled(environ, quota)
        return None, None

    @staticmethod
    def _read_body(environ: dict) -> bytes:
        """Read the body once and put it back, so moto still reads it."""
        try:
            length = int(environ.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        body = environ["wsgi.input"].read(length) if length > 0 else b""
        environ["wsgi.input"] = io.BytesIO(body)
        return body


def _request_handler() -> type:
    """The server's request handler: moto's, quiet, and keeping connections alive."""
    from moto.moto_server.werkzeug_app import MotoRequestHandler
    from werkzeug.wsgi import LimitedStream

    class QuietHandler(MotoRequestHandler):
        """Werkzeug's per-request lines go to the log file, never the terminal; connections
        stay open between requests, as AWS's endpoints keep them.

        Werkzeug 3's run_wsgi ends every response with `Connection: close` (its http.server
        cannot tell where a request's body ends), so every call of every client (the
        console's aiobotocore, boto3 in the tests and the seeder) opened a TCP connection and
        the server started a thread for it. Here a request's body is bounded by its
        Content-Length (or its chunked framing) and what the application left unread is
        read off before the next request line; the answer goes with its length or in chunks.
        A failing application, or a body that cannot be read off, closes the connection.
        """

        protocol_version = "HTTP/1.1"
        # The head and the body are two writes: on a kept connection Nagle's algorithm would hold
        # the body until the client's delayed ACK of the head (40 ms a request).
        disable_nagle_algorithm = True

        def log(self, type: str, message: str, *args: Any) -> None:  # noqa: A002
            log.debug("%s %s", self.address_string(), message % args)

        def run_wsgi(self) -> None:
            if self.headers.get("Expect", "").lower().strip(" \t") == "100-continue":
                self.wfile.write(b"HTTP/1.1 100 Continue\r\n\r\n")
            environ = self.make_environ()
            body = environ["wsgi.input"]
            if not environ.get("wsgi.input_terminated"):  # not chunked: Content-Length says
                length = _content_length(environ)
                if length is None:
                    self.close_connection = True
                body = environ["wsgi.input"] = LimitedStream(self.rfile, length or 0)
            self.head_sent = False
            try:
                self._respond(environ)
            except ConnectionError:
                raise  # the client went: werkzeug's handle() ends the connection quietly
            except Exception:
                log.exception("%s %s failed", self.command, self.path)
                self.close_connection = True
                if not self.head_sent:
                    self._head("500 INTERNAL SERVER ERROR", [("Content-Type", "text/plain"), ("Content-Length", "21")])
                    self.wfile.write(b"Internal Server Error")
                return
            try:
                while body.read(65536):
                    pass
            except Exception:  # a malformed chunk: where the next request starts is unknown
                self.close_connection = True

        def _respond(self, environ: dict) -> None:
            """Run the WSGI application, sending its answer as it comes (StartLiveTail's
            answer is a stream): with its Content-Length, or else in chunks."""
            pending: list = []
            chunked = False

            def write(data: bytes) -> None:
                nonlocal chunked
                if not self.head_sent:
                    chunked = self._head(*pending)
                if data and self.command != "HEAD":
                    self.wfile.write(b"%x\r\n%b\r\n" % (len(data), data) if chunked else data)

            def start_response(status: str, headers: list, exc_info: Any = None) -> Callable:
                if exc_info and self.head_sent:
                    raise exc_info[1].with_traceback(exc_info[2])
                pending[:] = [status, headers]
                return write

            result = self.server.app(environ, start_response)
            try:
                for data in result:
                    write(data)
                if not self.head_sent:
                    write(b"")
                if chunked:
                    self.wfile.write(b"0\r\n\r\n")
            finally:
                if hasattr(result, "close"):
                    result.close()

        def _head(self, status: str, headers: list[tuple[str, str]]) -> bool:
            """Send the status line and headers; whether the body goes in chunks."""
            self.head_sent = True
            code, _, reason = status.partition(" ")
            self.send_response(int(code), reason)
            names = set()
            for name, value in headers:
                self.send_header(name, value)  # a `Connection: close` of the app's is kept
                names.add(name.lower())
            bodiless = self.command == "HEAD" or int(code) < 200 or int(code) in (204, 304)
            chunked = not bodiless and "content-length" not in names
            if chunked:
                self.send_header("Transfer-Encoding", "chunked")
            if self.close_connection:
                self.send_header("Connection", "close")
            self.end_headers()
            return chunked

    return QuietHandler


def _content_length(environ: dict) -> int | None:
    """The request's Content-Length (0 when absent); None when it is not a length."""
    text = environ.get("CONTENT_LENGTH") or "0"
    return int(text) if text.isdigit() else None


def _server_class():
    from moto.server import ThreadedMotoServer
    from moto.moto_server.werkzeug_app import DomainDispatcherApplication, create_backend_app
    from werkzeug.serving import make_server

    QuietHandler = _request_handler()

    class EmbeddedServer(ThreadedMotoServer):
        """ThreadedMotoServer on 127.0.0.1 behind the opsdeck middleware."""

        def __init__(self, port: int) -> None:
            super().__init__(ip_address="127.0.0.1", port=port, verbose=False)
            self.seeded = False
            self.simulator: Any = None
            self.middleware: OpsdeckMiddleware | None = None
            self._tick_lock = threading.Lock()
            self.start_error: BaseException | None = None

        def _server_entry(self) -> None:
            app = DomainDispatcherApplication(create_backend_app)
            self.middleware = OpsdeckMiddleware(app, self)
            try:
                self._server = make_server(
                    self._ip_address, self._port, self.middleware, True, request_handler=QuietHandler
                )
            except BaseException as exc:  # werkzeug sys.exit()s on a taken port, in this thread
                self.start_error = exc
                self._server_ready_event.set()
                return
            self._server_ready_event.set()
            self._server.serve_forever()

        def tick(self, now: datetime) -> Any:
            """One simulator step; serialised so the timer and the control API never overlap."""
            if self.simulator is None:
                raise LookupError("no simulator in this server (console.demo.simulator not importable)")
            with self._tick_lock:
                return self.simulator.tick(now)

    return EmbeddedServer


EmbeddedServer = Any  # the real class is built lazily: importing moto is slow


def _configure_moto(endpoint: str) -> None:
    """moto settings that must be in place before the first resource exists."""
    from moto.core.config import default_user_config

    default_user_config.setdefault("lambda", {})["use_docker"] = False
    default_user_config.setdefault("stepfunctions", {})["execute_state_machine"] = True
    # Also through the documented API, so any lazily-read copy agrees.
    import urllib.request

    request = urllib.request.Request(
        f"{endpoint}/moto-api/config",
        data=json.dumps({"lambda": {"use_docker": False}, "stepfunctions": {"execute_state_machine": True}}).encode(),
        headers={"Content-Type": "application/json"},
        method="POST",
    )
    urllib.request.urlopen(request, timeout=30).read()


def _seed(endpoint: str, size: str) -> None:
    if size == "none":
        return
    try:
        from console.demo.seed import seed_estate
    except ImportError:
        log.exception("console.demo.seed is not importable; serving an empty estate")
        return
    started = time.monotonic()
    seed_estate(endpoint, size)
    log.info("seeded %s estate in %.1fs", size, time.monotonic() - started)


def _make_simulator(endpoint: str) -> Any:
    try:
        from console.demo.simulator import Simulator
    except ImportError:
        log.exception("console.demo.simulator is not importable; no traffic")
        return None
    return Simulator(endpoint, local=True)


def _run_simulator(server: Any, stop: threading.Event) -> None:
    while not stop.wait(TICK_SECONDS):
        try:
            summary = server.tick(demo_clock.now())
            log.debug("tick: %s", summary)
        except Exception:
            log.exception("simulator tick failed")


def _watch_stdin(stop: threading.Event) -> None:
    """The parent holds our stdin open; EOF means it is gone."""
    try:
        while sys.stdin.buffer.read(4096):
            pass
    except Exception:
        pass
    os.kill(os.getpid(), signal.SIGTERM)


def _address_in_use(exc: BaseException) -> bool:
    """Whether the listen failure is EADDRINUSE (werkzeug turns it into SystemExit, keeping
    the OSError as the exception's context)."""
    while exc is not None:
        if isinstance(exc, OSError) and exc.errno == errno.EADDRINUSE:
            return True
        exc = exc.__cause__ or exc.__context__
    return False


def _set_pdeathsig() -> None:
    """Linux: get SIGTERM when the parent dies, even if it was SIGKILLed."""
    if not sys.platform.startswith("linux"):
        return
    try:
        import ctypes

        libc = ctypes.CDLL("libc.so.6", use_errno=True)
        PR_SET_PDEATHSIG = 1
        libc.prctl(PR_SET_PDEATHSIG, signal.SIGTERM, 0, 0, 0)
    except Exception:
        log.exception("prctl(PR_SET_PDEATHSIG) failed")


def _setup_logging(log_path: str) -> Any:
    """Everything (logging, stray prints, stderr) goes to the log file."""
    stream = open(log_path, "a", buffering=1, encoding="utf-8")
    logging.basicConfig(
        level=logging.INFO,
        stream=stream,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
        force=True,
    )
    logging.getLogger("werkzeug").setLevel(logging.WARNING)
    log.setLevel(logging.DEBUG if os.environ.get("OPSDECK_DEMO_DEBUG") else logging.INFO)
    return stream


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m console.demo.server")
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--size", choices=["small", "large", "none"], default="small")
    parser.add_argument("--no-simulate", action="store_true")
    parser.add_argument("--realism", choices=["off", "demo"], default="off",
                        help="AWS timing and limits to imitate (console.demo.realism)")
    parser.add_argument("--watch-stdin", action="store_true")
    parser.add_argument("--log", default=None)
    args = parser.parse_args(argv)

    if args.watch_stdin:
        _set_pdeathsig()
    log_path = args.log or tempfile.NamedTemporaryFile(prefix="opsdeck-aws-", suffix=".log", delete=False).name
    log_stream = _setup_logging(log_path)
    terminal = sys.stdout
    sys.stdout = log_stream  # moto prints; the terminal gets exactly one line from us
    if args.log:
        sys.stderr = log_stream
    _dummy_environment()

    stop = threading.Event()
    ready = threading.Event()

    def _on_signal(signum: int, frame: Any) -> None:
        stop.set()
        if not ready.is_set():  # still seeding: abandon it
            raise SystemExit(0)

    for signum in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signum, _on_signal)
    if args.watch_stdin:
        threading.Thread(target=_watch_stdin, args=(stop,), daemon=True, name="stdin-watch").start()

    server = _server_class()(args.port)
    server.start()
    if server.start_error is not None:
        log.error("cannot listen on 127.0.0.1:%s: %r", args.port, server.start_error)
        return PORT_IN_USE_EXIT if _address_in_use(server.start_error) else 1
    host, port = server.get_host_and_port()
    endpoint = f"http://127.0.0.1:{port}"
    os.environ["MOTO_PORT"] = str(port)
    log.info("moto listening on %s (log %s)", endpoint, log_path)
    try:
        _configure_moto(endpoint)
        from console.demo import extensions

        extensions.install_all()
        # The estate and its last hour of metrics exist before the console looks: they are
        # made with AWS's delays off (no update InProgress while seeding, the history visible
        # at once), then the realism the demo asks for applies to everything after.
        realism.reset(realism.OFF)
        _seed(endpoint, args.size)
        from console.demo.extensions import ecs_tasks

        ecs_tasks.settle_all()  # seeded services start at their steady state, their rollout in the past
        server.seeded = True
        server.simulator = _make_simulator(endpoint) if args.size != "none" else None
        if server.simulator is not None and not args.no_simulate:
            server.simulator.backfill(demo_clock.now())  # the last hour's metrics
        realism.reset(realism.DEMO if args.realism == "demo" else realism.OFF)
        if server.simulator is not None and not args.no_simulate:
            threading.Thread(target=_run_simulator, args=(server, stop), daemon=True, name="simulator").start()
        ready.set()
        if not stop.is_set():
            terminal.write(f"AWS_ENDPOINT_URL={endpoint}\n")
            terminal.flush()
        while not stop.wait(0.5):
            pass
    except Exception:
        log.exception("embedded AWS failed")
        return 1
    finally:
        log.info("stopping")
        try:
            server.stop()
        except Exception:
            log.exception("stop failed")
    return 0


if __name__ == "__main__":
    try:
        code = main()
    except SystemExit as exc:
        code = exc.code if isinstance(exc.code, int) else 0
    logging.shutdown()
    sys.stdout.flush()
    # os._exit: a daemon thread blocked reading stdin would abort a normal interpreter shutdown.
    os._exit(code)
