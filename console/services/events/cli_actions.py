"""`opsdeck events put-event` and `opsdeck scheduler enable|disable`: guarded, audited."""

from __future__ import annotations
