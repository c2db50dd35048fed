"""One long-lived aiobotocore client per (target, service).

Clients are created on first use and closed together on `close()` (an AsyncExitStack).
Every client gets the standard config (adaptive retries, timeouts, a connection pool
sized to the concurrency bound) and the call-accounting hooks.
"""

from __future__ import annotations

import asyncio
from contextlib import AsyncExitStack
from typing import Any

from aiobotocore.config import AioConfig
from aiobotocore.session import AioSession

from console.aws.accounting import CallStats
from console.clock import Clock
from console.target import Target

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


class ClientPool:
    """Clients for one or more targets, plus the CallStats they all report to."""

    def __init__(self, clock: Clock, stats: CallStats | None = None) -> None:
        self.clock = clock
        self.stats = stats or CallStats(clock)
        self._sessions: dict[str | None, AioSession] = {}
        self._clients: dict[tuple[Target, str], Any] = {}
        self._locks: dict[tuple[Target, str], asyncio.Lock] = {}
        self._stack = AsyncExitStack()

    def session(self, profile: str | None) -> AioSession:
        if profile not in self._sessions:
            self._sessions[profile] = AioSession(profile=profile) if profile else AioSession()
        return self._sessions[profile]

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
                    config=client_config(),
                )
                client = await self._stack.enter_async_context(creator)
                events = client.meta.events
                events.register("before-send", self.stats.on_before_send)
                events.register("response-received", self.stats.on_response_received)
                self._clients[key] = client
        return self._clients[key]

    async def close(self) -> None:
        self._clients.clear()
        await self._stack.aclose()
        self._stack = AsyncExitStack()
