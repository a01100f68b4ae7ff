"""Autosave for one editable field: typing restarts a short timer; when it fires (or the field
loses focus, or the window closes) the value is handed to `save(old, new)` once.

`save` returns True when the core accepted the value. If it refuses (too long, invalid time), the
text stays in the widget, untouched, so nothing typed is lost, and the next change tries again.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtWidgets import QLineEdit, QPlainTextEdit, QTextEdit, QTimeEdit, QWidget

DEFAULT_DELAY_MS = 400


def _getter(widget: QWidget) -> Callable[[], Any]:
    if isinstance(widget, QPlainTextEdit | QTextEdit):
        return widget.toPlainText
    if isinstance(widget, QLineEdit):
        return widget.text
    raise TypeError(f"no autosave getter for {type(widget).__name__}")


def _setter(widget: QWidget) -> Callable[[Any], None]:
    if isinstance(widget, QPlainTextEdit | QTextEdit):
        return widget.setPlainText
    if isinstance(widget, QLineEdit):
        return widget.setText
    raise TypeError(f"no autosave setter for {type(widget).__name__}")


def _change_signal(widget: QWidget):  # noqa: ANN202 - a bound Qt signal
    if isinstance(widget, QPlainTextEdit | QTextEdit):
        return widget.textChanged
    if isinstance(widget, QLineEdit):
        return widget.textEdited
    if isinstance(widget, QTimeEdit):
        return widget.timeChanged
    raise TypeError(f"no change signal for {type(widget).__name__}")


class AutosaveField(QObject):
    """Debounced saving of one widget's value. The screen that owns it flushes it on close."""

    def __init__(self, widget: QWidget, save: Callable[[Any, Any], bool], *,
                 delay_ms: int = DEFAULT_DELAY_MS,
                 getter: Callable[[], Any] | None = None,
                 setter: Callable[[Any], None] | None = None) -> None:
        super().__init__(widget)
        self.widget = widget
        self._save = save
        self._get = getter or _getter(widget)
        self._set = setter or _setter(widget)
        self.saved_value: Any = self._get()
        self.timer = QTimer(self, singleShot=True, interval=delay_ms)
        self.timer.timeout.connect(self.flush)
        self._loading = False
        _change_signal(widget).connect(self._changed)
        widget.installEventFilter(self)

    @property
    def pending(self) -> bool:
        return self.timer.isActive()

    def _changed(self, *_args: Any) -> None:
        if not self._loading:
            self.timer.start()

    def load(self, value: Any) -> None:
        """Show a stored value (new item selected, or undo/redo) without saving it back."""
        self.timer.stop()
        self._loading = True
        try:
            if self._get() != value:
                self._set(value)
        finally:
            self._loading = False
        self.saved_value = value

    def flush(self) -> bool:
        """Save now if anything changed since the last save. Returns False if the core refused."""
        self.timer.stop()
        value = self._get()
        if value == self.saved_value:
            return True
        old = self.saved_value
        if self._save(old, value):
            self.saved_value = value
            return True
        return False

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.widget and event.type() == QEvent.Type.FocusOut and self.pending:
            self.flush()
        return False
