"""Locking the app: Ctrl+L or an idle timeout covers every open window with an unlock panel.

Nothing underneath is closed or hidden (hiding a modal dialog would end it, losing a sign-off in
progress): each visible top-level window gets an opaque overlay that hides its content and takes
the keyboard, and the window below is disabled. Unlocking (the assessor's passphrase) from any
overlay removes them all and leaves every screen as it was.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QApplication,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

DEFAULT_IDLE_MINUTES = 5
_INPUT_EVENTS = {QEvent.Type.KeyPress, QEvent.Type.MouseButtonPress, QEvent.Type.MouseMove,
                 QEvent.Type.Wheel, QEvent.Type.TouchBegin, QEvent.Type.TabletPress}


class LockOverlay(QWidget):
    """Opaque cover for one window, with the passphrase field."""

    unlock_requested = Signal(str)

    def __init__(self, window: QWidget, extra_hint: str = "") -> None:
        super().__init__(window)
        self.setObjectName("lockOverlay")
        self.setAutoFillBackground(True)
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
        layout = QVBoxLayout(self)
        layout.addStretch(1)
        title = QLabel("Locked")
        title.setAlignment(Qt.AlignmentFlag.AlignCenter)
        title.setStyleSheet("font-size: 20pt; font-weight: 600;")
        hint = QLabel("Learners' data is hidden. Enter your passphrase to carry on where you "
                      "left off." + (f" {extra_hint}" if extra_hint else ""))
        hint.setWordWrap(True)
        hint.setAlignment(Qt.AlignmentFlag.AlignCenter)
        # A wrapped label centred in a layout gets no width of its own and is clipped: fix one.
        hint.setFixedWidth(hint.fontMetrics().averageCharWidth() * 60)
        hint.setMinimumHeight(hint.heightForWidth(hint.width()))
        self.passphrase = QLineEdit()
        self.passphrase.setEchoMode(QLineEdit.EchoMode.Password)
        self.passphrase.setPlaceholderText("Passphrase")
        self.passphrase.setAccessibleName("Passphrase")
        self.passphrase.setMinimumWidth(320)
        self.passphrase.setMaximumWidth(420)
        self.error = QLabel("")
        self.error.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.error.setStyleSheet("color: #b00020;")
        self.button = QPushButton("Unlock")
        self.button.setDefault(True)
        for w in (title, hint, self.passphrase, self.error, self.button):
            layout.addWidget(w, 0, Qt.AlignmentFlag.AlignHCenter)
        layout.addStretch(2)
        self.passphrase.returnPressed.connect(self._submit)
        self.button.clicked.connect(self._submit)
        window.installEventFilter(self)
        self._cover()

    def _submit(self) -> None:
        self.unlock_requested.emit(self.passphrase.text())

    def _cover(self) -> None:
        parent = self.parentWidget()
        if parent is not None:
            self.setGeometry(parent.rect())
        self.raise_()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Resize:
            self._cover()
        return False


class AppLock(QObject):
    """Locks on demand (`lock()`, Ctrl+L on `main_window`) and after `idle_ms` without input.

    `check(passphrase) -> str` returns "" when the passphrase is right, else the message to show.
    """

    locked = Signal()
    unlocked = Signal()

    def __init__(self, main_window: QWidget, check: Callable[[str], str], *,
                 idle_ms: int = DEFAULT_IDLE_MINUTES * 60_000, hint: str = "") -> None:
        super().__init__(main_window)
        self.hint = hint
        self.main_window = main_window
        self.check = check
        self.overlays: list[LockOverlay] = []
        self._disabled: list[QWidget] = []
        self.timer = QTimer(self)
        self.timer.setSingleShot(True)
        self.timer.timeout.connect(self.lock)
        self.set_idle_ms(idle_ms)
        self.action = QAction("Lock", main_window)
        self.action.setShortcut(QKeySequence("Ctrl+L"))
        self.action.setShortcutContext(Qt.ShortcutContext.ApplicationShortcut)
        self.action.setToolTip("Hide learners' data until your passphrase is entered (Ctrl+L)")
        self.action.triggered.connect(self.lock)
        main_window.addAction(self.action)
        self._actions: list[QAction] = []
        app = QApplication.instance()
        if app is not None:
            app.installEventFilter(self)

    @property
    def is_locked(self) -> bool:
        return bool(self.overlays)

    def set_idle_ms(self, idle_ms: int) -> None:
        """0 turns the idle lock off."""
        self.idle_ms = idle_ms
        self.timer.stop()
        if idle_ms > 0 and not self.is_locked:
            self.timer.start(idle_ms)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        kind = event.type()
        if kind in _INPUT_EVENTS and not self.is_locked and self.idle_ms > 0:
            self.timer.start(self.idle_ms)  # any input restarts the countdown
        elif (kind == QEvent.Type.Show and isinstance(watched, QWidget) and watched.isWindow()
              and not isinstance(watched, LockOverlay) and self.action not in watched.actions()):
            # A modal dialog (a sign-off) blocks the main window's shortcuts: Ctrl+L must work
            # from inside it too.
            watched.addAction(self.action)
        return False

    def lock(self) -> None:
        if self.is_locked:
            return
        self.timer.stop()
        windows = [w for w in QApplication.topLevelWidgets()
                   if w.isVisible() and not isinstance(w, LockOverlay) and w.isWindow()]
        for window in windows:
            for child in window.findChildren(QWidget, options=Qt.FindChildOption.
                                             FindDirectChildrenOnly):
                if child.isEnabled() and not isinstance(child, LockOverlay):
                    child.setEnabled(False)  # no shortcut or focus reaches the data below
                    self._disabled.append(child)
            for action in window.findChildren(QAction):
                if action.isEnabled() and action is not self.action:
                    action.setEnabled(False)  # window shortcuts do not reach the data either
                    self._actions.append(action)
            overlay = LockOverlay(window, self.hint)
            overlay.unlock_requested.connect(lambda text, o=overlay: self._try(o, text))
            overlay.show()
            self.overlays.append(overlay)
        if self.overlays:
            active = QApplication.activeModalWidget() or self.main_window
            mine = next((o for o in self.overlays if o.parentWidget() is active), self.overlays[0])
            mine.passphrase.setFocus()
        self.locked.emit()

    def _try(self, overlay: LockOverlay, text: str) -> None:
        problem = self.check(text)
        if problem:
            overlay.error.setText(problem)
            overlay.passphrase.selectAll()
            return
        self.unlock()

    def unlock(self) -> None:
        for overlay in self.overlays:
            overlay.passphrase.clear()
            overlay.hide()
            overlay.deleteLater()
        self.overlays.clear()
        for child in self._disabled:
            child.setEnabled(True)
        self._disabled.clear()
        for action in self._actions:
            action.setEnabled(True)
        self._actions.clear()
        if self.idle_ms > 0:
            self.timer.start(self.idle_ms)
        self.unlocked.emit()


def passphrase_checker(db_path: object, *, allow_keyring: bool = False) -> Callable[[str], str]:
    """The unlock check against the data folder's key file (scrypt: ~0.1 s). With
    `allow_keyring`, an empty field unlocks through this computer's keyring (as unlocking the OS
    session does) when the keyring holds the data key."""
    from pathlib import Path

    from assessor_app.vault.errors import VaultError
    from assessor_app.vault.unlock import check_passphrase, keyring_can_unlock

    def check(text: str) -> str:
        if not text:
            if allow_keyring and keyring_can_unlock(Path(str(db_path))):
                return ""
            return "Enter your passphrase."
        try:
            check_passphrase(Path(str(db_path)), text)
        except VaultError as exc:
            return str(exc)
        return ""

    return check
