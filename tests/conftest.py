"""Shared fixtures: one embedded AWS server per session, credentials, and the localhost guard.

Tests talk HTTP to a real moto server in its own process (console.demo). Tests that
change state work in an account of their own (`fresh_account`), made the way AWS makes
them: an IAM access key whose account is the test's, so the console under test needs
no special hook.
"""

from __future__ import annotations

import itertools
import os
import random
from dataclasses import dataclass, field
from urllib.parse import urlparse

import boto3
import pytest

LOCAL_HOSTS = {"127.0.0.1", "localhost", "::1"}
_accounts = itertools.count(1)


@pytest.hookimpl(tryfirst=True)  # before xdist reads the groups
def pytest_collection_modifyitems(config, items):
    """How `make test` spreads the suite over its workers (--dist loadgroup, one test at a time):

    - the tests of a module with a module-scoped fixture (an embedded server of its own, a
      seeded account) form one xdist group: one worker runs them, the fixture is set up once;
    - tests marked `long` (tens of seconds each), then the groups (the largest units a worker
      cannot share: several tests and a server start, tests/quotas' ten simulated minutes on
      the large estate among them), come first, so each starts early on a worker of its own
      and the run does not end waiting for one that started last.
    """
    for item in items:
        fixtures = getattr(item, "_fixtureinfo", None)
        defs = fixtures.name2fixturedefs.values() if fixtures else ()
        if any(d[-1].scope == "module" for d in defs) and item.get_closest_marker("xdist_group") is None:
            item.add_marker(pytest.mark.xdist_group(item.module.__name__))

    def start(item) -> int:
        return 0 if item.get_closest_marker("long") else 1 if item.get_closest_marker("xdist_group") else 2

    items.sort(key=start)  # stable: otherwise as collected


@pytest.fixture(autouse=True)
def aws_sandbox(tmp_path, monkeypatch):
    """Dummy credentials, private config dirs, and no request to anything but localhost."""
    for name in list(os.environ):
        if name.startswith("AWS_") or name.startswith("OPSDECK_"):
            monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    monkeypatch.setenv("AWS_DEFAULT_REGION", "us-east-1")
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")  # never probe 169.254.169.254
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "aws-config"))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "aws-credentials"))
    monkeypatch.setenv("OPSDECK_CONFIG_DIR", str(tmp_path / "config"))
    monkeypatch.setenv("OPSDECK_STATE_DIR", str(tmp_path / "state"))
    monkeypatch.setenv("HOME", str(tmp_path))
    # botocore fixes ~/.aws/sso/cache when it is imported, so HOME alone does not move it
    import botocore.credentials
    import botocore.tokens

    sso_cache = str(tmp_path / ".aws" / "sso" / "cache")
    monkeypatch.setattr(botocore.credentials.SSOProvider, "_SSO_TOKEN_CACHE_DIR", sso_cache)
    monkeypatch.setattr(botocore.tokens.SSOTokenProvider, "_SSO_TOKEN_CACHE_DIR", sso_cache)
    _refuse_remote_endpoints(monkeypatch)


def _check_endpoint(endpoint_url: str | None) -> None:
    host = urlparse(endpoint_url or "").hostname
    if host not in LOCAL_HOSTS:
        raise RuntimeError(f"tests may only talk to localhost, not {endpoint_url or 'real AWS'}")


def _refuse_remote_endpoints(monkeypatch) -> None:
    import aiobotocore.session
    import botocore.session

    for cls in (botocore.session.Session, aiobotocore.session.AioSession):
        original = cls.create_client

        def guarded(self, service_name, *args, _original=original, **kwargs):
            env_name = "AWS_ENDPOINT_URL_" + service_name.upper().replace("-", "_")
            _check_endpoint(kwargs.get("endpoint_url") or os.environ.get(env_name) or os.environ.get("AWS_ENDPOINT_URL"))
            return _original(self, service_name, *args, **kwargs)

        monkeypatch.setattr(cls, "create_client", guarded)


@pytest.fixture(scope="session")
def embedded_aws():
    """The seeded demo estate, served by console.demo in its own process; simulator off."""
    from console.demo.process import EmbeddedAws

    server = EmbeddedAws.start(size="small", simulate=False)
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def endpoint(embedded_aws) -> str:
    return embedded_aws.endpoint


@dataclass(frozen=True)
class Account:
    """An empty account on the embedded server, with credentials that act in it."""

    id: str
    access_key: str
    secret_key: str
    endpoint: str
    _clients: dict = field(default_factory=dict, compare=False, repr=False)

    def client(self, service: str):
        """One boto3 client per service for this account: helpers that make many resources
        (90 functions: two clients each) spent more CPU building clients than on the requests."""
        if service not in self._clients:
            self._clients[service] = boto3.client(
                service,
                endpoint_url=self.endpoint,
                region_name="us-east-1",
                aws_access_key_id=self.access_key,
                aws_secret_access_key=self.secret_key,
            )
        return self._clients[service]

    def use(self, monkeypatch) -> None:
        """Make this account's keys the process's credentials (for the console under test)."""
        monkeypatch.setenv("AWS_ACCESS_KEY_ID", self.access_key)
        monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", self.secret_key)


@pytest.fixture
def fresh_account(endpoint) -> Account:
    account_id = f"{random.Random(os.getpid()).randrange(10**9):09d}{next(_accounts):03d}"
    iam = boto3.client("iam", endpoint_url=endpoint, region_name="us-east-1")
    iam.meta.events.register(
        "before-sign.iam.*", lambda request, **_: request.headers.__setitem__("x-moto-account-id", account_id)
    )
    iam.create_user(UserName="opsdeck-test")
    key = iam.create_access_key(UserName="opsdeck-test")["AccessKey"]
    return Account(account_id, key["AccessKeyId"], key["SecretAccessKey"], endpoint)


@pytest.fixture
def shared_clock(endpoint):
    """A ManualClock the embedded AWS follows (tests/clock.py), starting now; the server goes
    back to real time afterwards."""
    from datetime import datetime, timezone

    from console.demo import control
    from tests.clock import SharedClock

    clock = SharedClock(endpoint, datetime.now(timezone.utc).replace(microsecond=0))
    try:
        yield clock
    finally:
        control.set_clock(endpoint, None)


@pytest.fixture
def realism(endpoint):
    """Turn on some of the embedded AWS's realism knobs for one test: realism(metric_delay=60).
    Everything is back off afterwards."""
    from console.demo import control

    try:
        yield lambda **knobs: control.realism(endpoint, **knobs)
    finally:
        control.realism(endpoint, metric_delay=0, lambda_update_seconds=0, throttling=False)


@pytest.fixture(autouse=True)
def steady_cursors(request, monkeypatch):
    """In snapshot tests, text cursors stay shown: a blink (every 0.5 s of real time) made
    an input's snapshot depend on how loaded the machine was when it was taken."""
    if "snap_compare" not in request.fixturenames:
        return
    from textual.widgets import Input, TextArea

    shown = lambda self: setattr(self, "_cursor_visible", True)  # noqa: E731
    monkeypatch.setattr(Input, "_toggle_cursor", shown)
    monkeypatch.setattr(TextArea, "_toggle_cursor_blink_visible", shown)
