"""Step Functions: state machines and the outcome of their recent executions."""

from __future__ import annotations

from console.services import Service


def _sources():
    from console.polling.sources import Source
    from console.services.stepfunctions.sources import fetch_state_machines

    return {"stepfunctions": Source(fetch_state_machines, 10.0)}


SERVICE = Service(id="stepfunctions", title="Step Functions", sources=_sources)
