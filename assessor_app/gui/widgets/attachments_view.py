"""Attachment thumbnails (QListView in icon mode) that accept files dropped from the desktop.

Dropping or choosing files only emits `files_added(paths)`; the visit screen copies them into
the store in the background and reports any file that could not be read in plain English.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QSize, Qt, QUrl, Signal
from PySide6.QtGui import QDesktopServices, QDragEnterEvent, QDragMoveEvent, QDropEvent, QKeyEvent
from PySide6.QtWidgets import QAbstractItemView, QListView, QWidget

from assessor_app.gui.models.attachments_model import ATTACHMENT_ID_ROLE, PATH_ROLE, THUMB


def local_paths(event: QDropEvent | QDragEnterEvent) -> list[Path]:
    mime = event.mimeData()
    if not mime.hasUrls():
        return []
    return [Path(u.toLocalFile()) for u in mime.urls() if u.isLocalFile()]


class AttachmentsView(QListView):
    files_added = Signal(list)  # list[Path]
    remove_requested = Signal(int)  # attachment id

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("attachmentsView")
        self.setAccessibleName("Attachments")
        self.setViewMode(QListView.ViewMode.IconMode)
        self.setIconSize(THUMB)
        self.setGridSize(QSize(THUMB.width() + 28, THUMB.height() + 36))
        self.setResizeMode(QListView.ResizeMode.Adjust)
        self.setMovement(QListView.Movement.Static)
        self.setWrapping(True)
        self.setWordWrap(True)
        self.setTextElideMode(Qt.TextElideMode.ElideMiddle)
        self.setUniformItemSizes(True)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setAcceptDrops(True)
        self.setDropIndicatorShown(True)
        self.setDragDropMode(QAbstractItemView.DragDropMode.DropOnly)
        self.viewport().setAcceptDrops(True)  # drops from the desktop land on the viewport
        self.setToolTip("Drop photos or documents here, or use Attach file… (Ctrl+Shift+A). "
                        "Delete removes the selected attachment.")
        self.doubleClicked.connect(self._open)
        self.empty_text = "Drop photos or documents here"

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        if local_paths(event):
            event.acceptProposedAction()
        else:
            event.ignore()

    def dragMoveEvent(self, event: QDragMoveEvent) -> None:
        if event.mimeData().hasUrls():
            event.acceptProposedAction()
        else:
            event.ignore()

    def dropEvent(self, event: QDropEvent) -> None:
        paths = local_paths(event)
        if not paths:
            event.ignore()
            return
        event.acceptProposedAction()
        self.files_added.emit(paths)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() in (Qt.Key.Key_Delete, Qt.Key.Key_Backspace) and self.currentIndex().isValid():
            self.remove_requested.emit(int(self.currentIndex().data(ATTACHMENT_ID_ROLE)))
            return
        super().keyPressEvent(event)

    def _open(self, index) -> None:  # noqa: ANN001
        path = index.data(PATH_ROLE)
        if path:
            QDesktopServices.openUrl(QUrl.fromLocalFile(path))

    def paintEvent(self, event) -> None:  # noqa: ANN001
        super().paintEvent(event)
        if self.model() is not None and self.model().rowCount() == 0:
            from PySide6.QtGui import QPainter

            painter = QPainter(self.viewport())
            painter.setPen(self.palette().placeholderText().color())
            painter.drawText(self.viewport().rect(), Qt.AlignmentFlag.AlignCenter, self.empty_text)
