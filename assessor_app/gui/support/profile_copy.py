"""The window's one copy of the assessor's profile (name, ID, centre), read on a worker.

Dialogs that name the assessor (sign-off, unlock, judgements, unit review, Settings) take it
from here instead of reading the database on the UI thread. It is read when the store opens and
again after Settings or the set-up wizard saved it (`refresh`).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject

from assessor_app.gui.support.workers import Loader

if TYPE_CHECKING:  # the profile module brings the ORM, which the first window must not wait for
    from assessor_app.setup.profile import AssessorProfile
    from assessor_app.store import Store


class ProfileCopy(QObject):
    def __init__(self, parent: QObject, on_error: Callable[[str], None]) -> None:
        super().__init__(parent)
        self.profile: AssessorProfile | None = None  # None until the first read finishes
        self._loader = Loader(self)
        self._on_error = on_error

    @property
    def busy(self) -> bool:
        return self._loader.busy

    def refresh(self, store: Store) -> None:
        """Read the profile again, in the background."""
        self._loader.run(_read_profile, store, on_done=self._loaded, on_error=self._on_error)

    def _loaded(self, profile: AssessorProfile) -> None:
        self.profile = profile

    @property
    def assessor_name(self) -> str:
        """The name as last read ("" when not set up or not read yet)."""
        return self.profile.assessor_name if self.profile is not None else ""


def _read_profile(store: Store) -> AssessorProfile:
    """Pool thread: the profile module (and with it the ORM) is imported here, not on the UI
    thread, which lists the learners before the ORM loads."""
    from assessor_app.setup.profile import load_profile

    return load_profile(store)
