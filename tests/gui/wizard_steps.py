"""Driving the set-up wizard as a user does: type into a named field, press Next."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QWizard
from pytestqt.qtbot import QtBot

from assessor_app.gui.dialogs.setup_wizard import SetupWizard
from tests.gui.conftest import WAIT_MS


def _type(qtbot: QtBot, wizard: SetupWizard, name: str, text: str) -> None:
    field = wizard.findChild(type(wizard.you.name), name)
    field.clear()
    qtbot.keyClicks(field, text)


def _next(qtbot: QtBot, wizard: SetupWizard) -> None:
    page = wizard.currentId()
    qtbot.mouseClick(wizard.button(QWizard.WizardButton.NextButton), Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: wizard.currentId() != page, timeout=WAIT_MS)
