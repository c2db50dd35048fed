"""Fixtures for credential tests: an in-memory keyring, AWS config files, SSO token caches."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import keyring
import pytest
from keyring.backend import KeyringBackend
from keyring.errors import PasswordDeleteError

SSO_START_URL = "https://example.awsapps.com/start"


class MemoryKeyring(KeyringBackend):
    """A keyring that lives in this process only: what the OS keyring would hold."""

    priority = 1

    def __init__(self) -> None:
        super().__init__()
        self.entries: dict[tuple[str, str], str] = {}

    def get_password(self, service: str, username: str) -> str | None:
        return self.entries.get((service, username))

    def set_password(self, service: str, username: str, password: str) -> None:
        self.entries[(service, username)] = password

    def delete_password(self, service: str, username: str) -> None:
        if (service, username) not in self.entries:
            raise PasswordDeleteError(username)
        del self.entries[(service, username)]


@pytest.fixture
def memory_keyring():
    previous = keyring.get_keyring()
    backend = MemoryKeyring()
    keyring.set_keyring(backend)
    try:
        yield backend
    finally:
        keyring.set_keyring(previous)


@pytest.fixture
def no_keyring():
    from keyring.backends import fail

    previous = keyring.get_keyring()
    keyring.set_keyring(fail.Keyring())
    try:
        yield
    finally:
        keyring.set_keyring(previous)


class AwsFiles:
    """~/.aws/config and ~/.aws/credentials of the sandbox (AWS_CONFIG_FILE & co point here)."""

    def __init__(self, tmp_path: Path) -> None:
        self.home = tmp_path
        self.config = tmp_path / "aws-config"
        self.credentials = tmp_path / "aws-credentials"

    def profile(self, name: str, **settings: str) -> None:
        header = "default" if name == "default" else f"profile {name}"
        self._append(self.config, header, settings)

    def keys(self, name: str, access_key: str, secret_key: str) -> None:
        self._append(self.credentials, name, {"aws_access_key_id": access_key, "aws_secret_access_key": secret_key})

    @staticmethod
    def _append(path: Path, header: str, settings: dict) -> None:
        lines = [f"[{header}]"] + [f"{k} = {v}" for k, v in settings.items()]
        with path.open("a") as f:
            f.write("\n".join(lines) + "\n\n")

    def sso_token(self, access_token: str, expires_at: str, start_url: str = SSO_START_URL) -> Path:
        """The CLI's token cache entry for a legacy SSO profile (what `aws sso login` writes)."""
        cache = self.home / ".aws" / "sso" / "cache"
        cache.mkdir(parents=True, exist_ok=True)
        path = cache / f"{hashlib.sha1(start_url.encode()).hexdigest()}.json"
        path.write_text(json.dumps(
            {"startUrl": start_url, "region": "us-east-1", "accessToken": access_token, "expiresAt": expires_at}))
        return path


@pytest.fixture
def aws_files(tmp_path) -> AwsFiles:
    # HOME and botocore's SSO token cache directory are already the test's (tests/conftest.py)
    return AwsFiles(tmp_path)


@pytest.fixture
def no_env_keys(monkeypatch):
    """Credentials must come from the profile under test, not the sandbox's dummy env keys."""
    monkeypatch.delenv("AWS_ACCESS_KEY_ID", raising=False)
    monkeypatch.delenv("AWS_SECRET_ACCESS_KEY", raising=False)


PANELS = ("lambda", "ecs", "stepfunctions", "events")


def panel_states(app) -> dict[str, str] | None:
    """{panel: state name} on the dashboard, or None while another screen shows."""
    from screens.dashboard import DashboardScreen
    from widgets.panel import ResourcePanel

    if not isinstance(app.screen, DashboardScreen) or not app.screen.is_mounted:
        return None
    states = {p.id.removesuffix("-panel"): p.state.name for p in app.screen.query(ResourcePanel) if p.id}
    return states if all(name in states for name in PANELS) else None


async def wait_for(pilot, condition, what: str, rounds: int = 300, clock=None):
    """Pause until `condition()` is truthy (Pilot pauses, not wall-clock assertions); with
    a ManualClock, move it 0.5 s a round (calls beyond a quota's burst wait on it, and a
    source that was mid-request when a test jumped the clock next ticks an interval later)."""
    for _ in range(rounds):
        value = condition()
        if value:
            return value
        await pilot.pause(0.05)
        if clock is not None:
            await clock.advance(0.5)
    raise AssertionError(f"timed out waiting for {what}; screen is {pilot.app.screen!r}")


def loaded(app, *want: str):
    """Every dashboard panel finished loading, each in one of the `want` states."""
    states = panel_states(app)
    if states is None:
        return None
    return states if all(states[name] in want for name in PANELS) else None
