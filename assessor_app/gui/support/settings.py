"""The GUI's own settings (window geometry, last learner, assessor's name), declared once with
typed defaults and kept in QSettings. Settings that must travel with the database belong in the
core's `Setting` table instead, not here."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Generic, TypeVar, overload

from PySide6.QtCore import QByteArray, QSettings

T = TypeVar("T")

ORGANISATION = "AssessorCompanion"
APPLICATION = "Assessor companion"


@dataclass(frozen=True)
class Option(Generic[T]):
    """One setting: its QSettings key, type and default. Used as a descriptor on `AppSettings`."""

    key: str
    type: type
    default: T

    @overload
    def __get__(self, obj: None, owner: type) -> Option[T]: ...
    @overload
    def __get__(self, obj: AppSettings, owner: type) -> T: ...
    def __get__(self, obj: AppSettings | None, owner: type) -> Any:
        if obj is None:
            return self
        raw = obj.qsettings.value(self.key, None)
        if raw is None:
            return self.default
        return _coerce(raw, self.type, self.default)

    def __set__(self, obj: AppSettings, value: T) -> None:
        # A write schedules a sync of the settings file on the UI thread (disk I/O, tens of ms
        # on a busy disk): the same value set again (the learner re-chosen after a refresh)
        # writes nothing.
        if obj.qsettings.contains(self.key) and self.__get__(obj, type(obj)) == value:
            return
        obj.qsettings.setValue(self.key, value)


def _coerce(raw: Any, kind: type, default: Any) -> Any:
    """QSettings returns strings from INI files; turn them back into the declared type."""
    try:
        if kind is bool:
            return raw if isinstance(raw, bool) else str(raw).lower() in {"1", "true", "yes"}
        if kind is int:
            return int(raw)
        if kind is QByteArray:
            return raw if isinstance(raw, QByteArray) else QByteArray(raw)
        return kind(raw)
    except (TypeError, ValueError):
        return default


class AppSettings:
    """All GUI settings. `AppSettings()` uses the application's QSettings (per-user config dir)."""

    window_geometry = Option("window/geometry", QByteArray, QByteArray())
    window_state = Option("window/state", QByteArray, QByteArray())
    main_splitter = Option("window/mainSplitter", QByteArray, QByteArray())
    visit_splitter = Option("visit/splitter", QByteArray, QByteArray())
    visit_geometry = Option("visit/geometry", QByteArray, QByteArray())
    last_learner_id = Option("session/lastLearnerId", int, 0)
    assessor_name = Option("assessor/name", str, "")
    autosave_delay_ms = Option("editing/autosaveDelayMs", int, 400)
    demo_offered = Option("firstRun/demoOffered", bool, False)
    last_attachment_dir = Option("paths/lastAttachmentDir", str, "")
    lock_idle_minutes = Option("security/lockIdleMinutes", int, 5)  # 0: never lock when idle

    def __init__(self, qsettings: QSettings | None = None) -> None:
        self.qsettings = qsettings or QSettings(
            QSettings.Format.IniFormat, QSettings.Scope.UserScope, ORGANISATION, APPLICATION
        )

    def sync(self) -> None:
        self.qsettings.sync()
