"""Pieces dialogs repeat: the OK/Cancel row with words that say what OK does, and the set-up of
a read-only table that lists records one per row."""

from __future__ import annotations

from PySide6.QtWidgets import QAbstractItemView, QDialog, QDialogButtonBox, QTableView


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


def record_table(table: QTableView, row_height: int) -> None:
    """Read-only, one whole row selected at a time, no grid, row numbers or wrapping."""
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.verticalHeader().hide()
    table.setShowGrid(False)
    table.setWordWrap(False)
    table.verticalHeader().setDefaultSectionSize(row_height)
