"""One botocore data loader for every session the process makes.

botocore caches the service models it reads (JSON files of up to a few MB: Lambda's, ECS's,
CloudWatch's, the endpoint rules) per loader, and each session builds its own loader. A
session is made per profile and again after credentials are renewed or the target changes
(and the embedded AWS makes one per control call that writes traffic), and each read all of
those files anew. The files do not change while the process runs, so
sessions share the first loader.
"""

from __future__ import annotations

import threading
from typing import Any

_shared: Any = None
_lock = threading.Lock()


def share_service_models(session: Any) -> None:
    """Give `session` the process's data loader (the first session's own becomes it)."""
    global _shared
    with _lock:
        if _shared is None:
            _shared = session.get_component("data_loader")
        else:
            session.register_component("data_loader", _shared)
