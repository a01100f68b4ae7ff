"""Import a screen's modules in idle moments before it is first opened.

The first time a dialog opens, Python imports its modules (the coverage dialog's three take
10–20 ms, dataclasses and Qt classes being defined), and that would be part of the pause between
the click and the dialog. `warm_up` imports them one module per turn of the event loop, after
`delay_ms` (a second by default: out of the way of start-up and of what the user did just
before), so each turn is short and a key press or a paint can come between two of them. The
modules are listed dependencies first; one that fails to import is left for the real open to
report.
"""

from __future__ import annotations

import importlib
import logging
import sys
from collections.abc import Sequence

from PySide6.QtCore import QObject, QTimer

from assessor_app.gui.support.heap import freeze_long_lived

log = logging.getLogger(__name__)


def warm_up(owner: QObject, modules: Sequence[str], delay_ms: int = 1000) -> None:
    """Import `modules` (not yet imported ones, in order) one per event-loop turn after
    `delay_ms`; nothing happens after `owner` is deleted."""
    pending = [m for m in modules if m not in sys.modules]
    if not pending:
        return

    def next_one() -> None:
        if not pending:
            return
        name = pending.pop(0)
        if name not in sys.modules:
            try:
                importlib.import_module(name)
            except Exception:  # noqa: BLE001 - the real open reports it to the user
                log.warning("Could not import %s ahead of time", name, exc_info=True)
                return
        if pending:
            QTimer.singleShot(0, owner, next_one)
        else:
            freeze_long_lived()  # the modules just imported live as long as the app

    QTimer.singleShot(delay_ms, owner, next_one)
