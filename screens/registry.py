"""The UI half of the service registry: each service's screens/<name> package.

console.services.SERVICES names the services; the same name is a package here that
exports PANELS, the ServicePanel classes the dashboard shows for it (none for a service
without a panel). Nothing generic imports a service's screens any other way.
"""

from __future__ import annotations

import importlib

from console.services import SERVICES
from screens.panel import ServicePanel


def service_panels() -> tuple[type[ServicePanel], ...]:
    """Every service's dashboard panels, in registry order."""
    return tuple(panel for name in SERVICES for panel in getattr(importlib.import_module(f"screens.{name}"), "PANELS", ()))
