"""The UI half of the service registry: each service's screens/<name> package.

console.services.SERVICES names the services; the same name is a package here that
exports PANELS, the ServicePanel classes the dashboard shows for it (none for a service
without a panel). Nothing generic imports a service's screens any other way.
"""

from __future__ import annotations

import importlib
from typing import Any

from console.services import SERVICES
from screens.panel import ServicePanel


def service_panels() -> tuple[type[ServicePanel], ...]:
    """Every service's dashboard panels, in registry order."""
    return tuple(panel for name in SERVICES for panel in getattr(importlib.import_module(f"screens.{name}"), "PANELS", ()))


def arn_service(arn: str) -> str:
    """The service part of an ARN (`lambda`, `states`, `ecs`); "" when `arn` is not one."""
    parts = arn.split(":", 5)
    return parts[2] if len(parts) == 6 and parts[0] == "arn" else ""


def _listed(panel: ServicePanel, store: Any, arn: str) -> Any | None:
    """The row of `panel` whose key is `arn`, or the resource `arn` qualifies (a Lambda
    function for `...:function:NAME:ALIAS`): rows are keyed by their ARNs."""
    for row in panel.rows(store):
        key = panel.table.key_of(row)
        if key == arn or arn.startswith(f"{key}:"):
            return row
    return None


def open_arn(app: Any, arn: str) -> str | None:
    """Open the screen of the resource `arn` names, whichever service it belongs to: the
    detail screen `enter` opens on that resource's row in its service's panel (the panels
    on the dashboard are asked, so no service imports another). None when opened; else
    why not, in words for a notification (no panel for that service, or not listed)."""
    from console.text import inert_str

    service = arn_service(arn)
    if not service:
        return f"not an ARN: {inert_str(arn)}"
    panels = [panel for screen in app.screen_stack for panel in screen.query(ServicePanel)]
    for panel in panels:
        row = _listed(panel, app.store, arn)
        if row is not None:
            app.push_screen(panel.detail_screen(row))
            return None
    owners = [panel.spec.title for panel in panels
              if any(arn_service(panel.table.key_of(row)) == service for row in panel.rows(app.store))]
    if owners:
        return f"{inert_str(arn)} is not listed on the {owners[0]} panel (another account or region, or deleted)"
    return f"opsdeck has no panel listing {service} resources"
