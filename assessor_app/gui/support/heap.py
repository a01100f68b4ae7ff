"""Keep Python's full garbage collections short once the window is built.

After start-up the process holds some 120,000 long-lived objects (Qt wrappers, the ORM's mapped
classes, compiled statements, the app's modules). A full (generation 2) collection walks all of
them: about 65 ms on this kind of laptop, and when a worker thread triggers it the UI thread
waits the whole time for the interpreter lock (the visit screen froze for ~90 ms while its first
background reads ran). `gc.freeze` moves everything alive now out of the collector's view, so
later full collections walk only what was made since. What start-up made lives as long as the
app anyway.
"""

from __future__ import annotations

import gc


def freeze_long_lived() -> int:
    """Move every object alive now out of future collections (after collecting what is already
    garbage). Returns how many objects are frozen in all."""
    gc.collect()
    gc.freeze()
    return gc.get_freeze_count()
