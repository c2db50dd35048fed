"""The garbage collector in a console that runs for hours.

What startup builds (botocore's service models, Textual's widgets, styles and themes) lives
as long as the process, yet each of CPython's full collections scans all of it again:
with the log view filling at 5,000 lines a second those collections held the event loop
80-175 ms each (tests/bench/log_view_render.py). Frozen once the console is up, those
objects leave the collector's scans; reference counting still frees any of them that goes.
"""

from __future__ import annotations

import gc


_frozen = False


def freeze_startup_objects() -> None:
    """Move every object alive now out of the collector's generations, for good; once a
    process (a test process starts many consoles: only the first one's startup is frozen)."""
    global _frozen
    if not _frozen:
        _frozen = True
        gc.freeze()
