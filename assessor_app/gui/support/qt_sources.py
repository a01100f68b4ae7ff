"""Keeps PySide6 from holding the source text of every module imported after it.

PySide6 asks of each newly imported module whether its source mentions "PySide6" (for its
optional `__feature__` switches) through `inspect.getsource`, which leaves every file's text in
`linecache` for the life of the process: about 25 MiB for the app's imports, a sixth of its
memory at start. The same question is answered here by reading the file once, keeping nothing.
"""

from __future__ import annotations

import sys
from types import ModuleType


def _uses_pyside(module: ModuleType) -> bool:
    path = getattr(module, "__file__", None)
    if not path or not path.endswith(".py"):
        return False
    try:
        with open(path, "rb") as fh:
            return b"PySide6" in fh.read()
    except OSError:
        return False


def stop_source_caching() -> bool:
    """Swap PySide6's check for one that caches nothing; False when this PySide6 has none."""
    feature = sys.modules.get("shibokensupport.feature")
    if feature is None or not callable(getattr(feature, "_mod_uses_pyside", None)):
        return False
    feature._mod_uses_pyside = _uses_pyside  # type: ignore[attr-defined]
    return True
