"""One long-lived aiobotocore client per (target, service).

Clients are created on first use and closed together on `close()` (an AsyncExitStack).
Every client gets the standard config (adaptive retries, timeouts, a connection pool
sized to the concurrency bound), the call-accounting hooks, and waits between retries
on the pool's clock (console.aws.retries).
"""

from __future__ import annotations

import asyncio
from contextlib import AsyncExitStack
from typing import TYPE_CHECKING, Any

from aiobotocore.config import AioConfig
from aiobotocore.session import AioSession

from console.aws.accounting import CallStats
from console.aws.budget import ApiBudget
from console.aws.errors import ErrorClass, classify, classify_code
from console.aws.readonly import make_guard
from console.aws.retries import use_clock
from console.clock import Clock
from console.target import Target

if TYPE_CHECKING:
    from console.aws.credentials import StaticKeys

CONCURRENCY = 16  # requests in flight per client at most; pages are fetched with this bound


def client_config() -> AioConfig:
    return AioConfig(
        retries={"mode": "adaptive", "max_attempts": 4},
        connect_timeout=5,
        read_timeout=20,
        max_pool_connections=CONCURRENCY,
        # Requests are built by code, not typed by users; validating a 500-query
        # GetMetricData call client-side costs ~40% of a refresh's CPU (measured), and
        # AWS validates them anyway.
        parameter_validation=False,
    )


def endpoint_config(endpoint: str | None) -> AioConfig:
    """The client config; on a custom endpoint (moto, LocalStack) without the host prefixes
    some operations carry (StartLiveTail's `stream-`, TestState's `sync-`): they would name
    a host that does not exist there."""
    config = client_config()
    return config.merge(AioConfig(inject_host_prefix=False)) if endpoint else config


def _tls(endpoint: str | None) -> bool:
    return endpoint is None or not endpoint.lower().startswith("http://")


class ClientPool:
    """Clients for one or more targets, plus the CallStats they all report to."""

    def __init__(self, clock: Clock, stats: CallStats | None = None, read_only: bool = False) -> None:
        self.clock = clock
        self.stats = stats or CallStats(clock)
        # AWS's quotas, and opsdeck's share of them (console.aws.budget): every request
        # waits for its quota's token before it is sent.
        self.budget = ApiBudget(clock)
        # Checked on every call by the guard each client carries (console.aws.readonly):
        # in read-only mode a call outside the allow-list raises before anything is sent.
        self.read_only = read_only
        self._guard = make_guard(lambda: self.read_only)
        self._sessions: dict[str | None, AioSession] = {}
        self._credentials: dict[str | None, "StaticKeys"] = {}  # per profile, from use_credentials
        self._expired: set[str | None] = set()  # profiles whose session expired (note_expired)
        self._epochs: dict[str | None, int] = {}  # per profile, resets so far
        self._clients: dict[tuple[Target, str], Any] = {}
        self._locks: dict[tuple[Target, str], asyncio.Lock] = {}
        self._stack = AsyncExitStack()

    def session(self, profile: str | None) -> AioSession:
        """The profile's session: MFA credentials given to `use_credentials`, else keys in
        the OS keyring, else botocore's own chain (see console.aws.credentials)."""
        if profile not in self._sessions:
            from console.aws.credentials import build_session, keys_for

            keys = self._credentials.get(profile) or keys_for(profile)
            self._sessions[profile] = build_session(profile, keys)
        return self._sessions[profile]

    def use_credentials(self, profile: str | None, keys: "StaticKeys") -> None:
        """Use these (temporary, MFA) credentials for `profile` from now on; held in memory only.
        Before any client of `profile` exists (start-up); later, `reset_credentials(profile, keys)`."""
        self._credentials[profile] = keys
        self._sessions.pop(profile, None)

    def has_credentials(self, profile: str | None) -> bool:
        return profile in self._credentials

    def credentials_of(self, profile: str | None) -> "StaticKeys | None":
        """The credentials given to `use_credentials` for `profile` (an MFA session), if any."""
        return self._credentials.get(profile)

    def epoch(self, profile: str | None) -> int:
        """How many times `profile`'s credentials were reset."""
        return self._epochs.get(profile, 0)

    def note_expired(self, profile: str | None) -> None:
        """A call of `profile` failed because its session expired (or its keys are not valid)."""
        self._expired.add(profile)

    def note_working(self, profile: str | None) -> None:
        self._expired.discard(profile)

    def expired(self, profile: str | None) -> bool:
        """True when `profile`'s session was last seen expired (its credentials are still those)."""
        return profile in self._expired

    async def reset_credentials(self, profile: str | None, keys: "StaticKeys | None" = None) -> None:
        """Close `profile`'s clients and drop its session and credentials, so the next call
        resolves them afresh (aiobotocore caches a session's provider, e.g. an SSO token);
        with `keys` (a new MFA session), use those from now on instead.

        Everything is swapped before the first await, so no call in between can build a
        client on what is being dropped."""
        stale = [self._clients.pop(key) for key in [key for key in self._clients if key[0].profile == profile]]
        self._sessions.pop(profile, None)
        self._expired.discard(profile)
        self._epochs[profile] = self.epoch(profile) + 1
        if keys is None:
            self._credentials.pop(profile, None)
        else:
            self._credentials[profile] = keys
        for client in stale:
            await client.close()  # idempotent: the exit stack closing it again later is harmless

    async def client(self, target: Target, service: str) -> Any:
        key = (target, service)
        if key in self._clients:
            return self._clients[key]
        lock = self._locks.setdefault(key, asyncio.Lock())
        async with lock:
            if key not in self._clients:
                creator = self.session(target.profile).create_client(
                    service,
                    region_name=target.region,
                    endpoint_url=target.endpoint,
                    config=endpoint_config(target.endpoint),
                    # A plain-http endpoint (the embedded AWS) has no TLS to verify; not
                    # loading the CA bundle saves ~40 ms of CPU per client at start-up.
                    verify=None if _tls(target.endpoint) else False,
                )
                client = await self._stack.enter_async_context(creator)
                use_clock(client, self.clock)  # retry delays and adaptive rate limiting
                events = client.meta.events
                events.register("provide-client-params", self._guard)  # first event of every call
                events.register("before-send", self._pacer(target, service))
                events.register("before-send", self.stats.on_before_send)
                events.register("response-received", self.stats.on_response_received)
                watch = self._expiry_watch(key, client)
                events.register("response-received", watch)
                events.register("after-call-error", watch)
                self._clients[key] = client
        return self._clients[key]

    def _pacer(self, target: Target, service: str):
        """A before-send handler: wait for the request's quota token (every attempt counts)."""

        async def pace(*, event_name: str, **_: Any) -> None:
            await self.budget.acquire(target, service, event_name.rsplit(".", 1)[-1])

        return pace

    def _expiry_watch(self, key: tuple[Target, str], client: Any):
        """A handler of response-received and after-call-error: what AWS's answers (an
        ExpiredToken) and failures before sending (an SSO token the portal refuses) say about
        the session of `client`, while it is still the pool's client for `key` (one closed
        by a reset says nothing about the credentials in use now)."""
        profile = key[0].profile

        def watch(*, parsed_response: Any = None, response_dict: Any = None, exception: Any = None,
                  **_: Any) -> None:
            if self._clients.get(key) is not client:
                return
            if exception is not None:
                expired = classify(exception) is ErrorClass.AUTH_EXPIRED
            elif response_dict is not None and response_dict.get("status_code", 200) < 300:
                self.note_working(profile)
                return
            else:
                expired = classify_code((parsed_response or {}).get("Error", {}).get("Code")) is ErrorClass.AUTH_EXPIRED
            if expired:
                self.note_expired(profile)

        return watch

    async def close(self) -> None:
        self._clients.clear()
        await self._stack.aclose()
        self._stack = AsyncExitStack()
