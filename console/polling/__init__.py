"""Polling: sources publish Snapshots to one Store; subscriptions decide what runs.

`engine` holds Snapshot, Store and PollingEngine; `sources` the Source a service
declares (fetch, interval, ordering). Which sources exist is the service registry's
business (console.services), not this package's.
"""

from console.polling.engine import Fetch, PollingEngine, Snapshot, Store
from console.polling.sources import Source

__all__ = ["Fetch", "PollingEngine", "Snapshot", "Source", "Store"]
