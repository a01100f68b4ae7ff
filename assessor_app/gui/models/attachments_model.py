"""List model of an evidence item's attachments, shown as thumbnails (icon mode).

Thumbnails are decoded and scaled on a pool thread (QImage is safe off the UI thread) and turned
into icons when they arrive, so a folder of 12-megapixel photos never freezes typing.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import (
    QAbstractListModel,
    QBuffer,
    QByteArray,
    QIODevice,
    QModelIndex,
    QPersistentModelIndex,
    QSize,
    Qt,
)
from PySide6.QtGui import QIcon, QImage, QImageReader, QPixmap
from PySide6.QtWidgets import QApplication, QStyle

from assessor_app.evidence.attachments import (
    read_attachment,
    viewing_copy,
)
from assessor_app.gui.support.workers import run_in_background
from assessor_app.store import Store
from assessor_app.store.models import Attachment

_Index = QModelIndex | QPersistentModelIndex
THUMB = QSize(96, 96)
ATTACHMENT_ID_ROLE = Qt.ItemDataRole.UserRole + 1
PATH_ROLE = Qt.ItemDataRole.UserRole + 2


def load_thumbnail(source: str | bytes, size: QSize = THUMB) -> QImage:
    """Runs on a pool thread: read an image scaled down while decoding (cheap for big JPEGs).
    `source` is a file path, or the image's bytes (attachments are kept encrypted on disk)."""
    if isinstance(source, bytes):
        buffer = QBuffer()
        buffer.setData(QByteArray(source))
        buffer.open(QIODevice.OpenModeFlag.ReadOnly)
        reader = QImageReader(buffer)
    else:
        reader = QImageReader(source)
    reader.setAutoTransform(True)
    original = reader.size()
    if original.isValid():
        reader.setScaledSize(original.scaled(size, Qt.AspectRatioMode.KeepAspectRatio))
    image = reader.read()
    return image


def _human_size(n: int) -> str:
    for unit in ("bytes", "KB", "MB", "GB"):
        if n < 1024 or unit == "GB":
            return f"{n} {unit}" if unit == "bytes" else f"{n:.1f} {unit}"
        n /= 1024  # type: ignore[assignment]
    return str(n)


class AttachmentsModel(QAbstractListModel):
    def __init__(self, store: Store, parent=None) -> None:  # noqa: ANN001
        super().__init__(parent)
        self.store = store
        self.evidence_id: int | None = None
        self._rows: list[Attachment] = []
        self._icons: dict[str, QIcon] = {}  # by sha256: content never changes
        self._generation = 0

    def show(self, evidence_id: int | None, rows: list[Attachment]) -> None:
        """Show attachments already read (with the item, off the UI thread)."""
        self.beginResetModel()
        self.evidence_id = evidence_id
        self._rows = list(rows)
        self._generation += 1
        self.endResetModel()
        for row in self._rows:
            if row.sha256 not in self._icons and row.mime.startswith("image/"):
                self._request_thumbnail(row)

    def reload(self) -> None:
        self.load(self.evidence_id)

    def _request_thumbnail(self, row: Attachment) -> None:
        generation = self._generation

        def done(image: QImage, sha: str = row.sha256) -> None:
            if not image.isNull():
                self._icons[sha] = QIcon(QPixmap.fromImage(image))
            if generation == self._generation:
                for i, r in enumerate(self._rows):
                    if r.sha256 == sha:
                        idx = self.index(i)
                        self.dataChanged.emit(idx, idx, [Qt.ItemDataRole.DecorationRole])

        def decrypt_and_scale() -> QImage:
            try:
                data = read_attachment(self.store, row)
            except (OSError, ValueError):  # missing, or changed on disk: no thumbnail
                return QImage()
            return load_thumbnail(data)

        run_in_background(decrypt_and_scale, on_done=done)

    def has_thumbnail(self, sha256: str) -> bool:
        return sha256 in self._icons

    def attachments(self) -> list[Attachment]:
        return list(self._rows)

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole):  # noqa: ANN201
        if not index.isValid():
            return None
        row = self._rows[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            return row.filename
        if role == Qt.ItemDataRole.DecorationRole:
            icon = self._icons.get(row.sha256)
            if icon is not None:
                return icon
            style = QApplication.style()
            return style.standardIcon(QStyle.StandardPixmap.SP_FileIcon)
        if role == Qt.ItemDataRole.ToolTipRole:
            return f"{row.filename}\n{_human_size(row.size)} · {row.mime}\nDouble-click to open."
        if role == ATTACHMENT_ID_ROLE:
            return row.id
        if role == PATH_ROLE:  # asked for on double-click: a plaintext copy to open
            try:
                return str(viewing_copy(self.store, row))
            except (OSError, ValueError):
                return None
        return None


def exists(path: str) -> bool:
    return Path(path).is_file()
