"""Pieces every dialog repeats: the OK/Cancel row with words that say what OK does."""

from __future__ import annotations

from PySide6.QtWidgets import QDialog, QDialogButtonBox


def dialog_buttons(dialog: QDialog, ok_text: str | None = None,
                   cancel_text: str | None = None) -> QDialogButtonBox:
    """OK and Cancel wired to the dialog's accept/reject; `ok_text` names the action."""
    buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                               | QDialogButtonBox.StandardButton.Cancel)
    if ok_text:
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText(ok_text)
    if cancel_text:
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(cancel_text)
    buttons.accepted.connect(dialog.accept)
    buttons.rejected.connect(dialog.reject)
    return buttons
