"""A read-only PDF viewer for the last look at a signed ERS (QtPdf).

`QPdfView` paints pages asynchronously, so anything that needs pixels now (tests, screenshots,
thumbnails) should use `render_page()`, which renders synchronously and flattens onto white:
`QPdfDocument.render()` returns an image with a transparent background.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QPointF, QSize, Qt, Signal
from PySide6.QtGui import QColor, QImage, QKeySequence, QPainter
from PySide6.QtPdf import QPdfDocument
from PySide6.QtPdfWidgets import QPdfView
from PySide6.QtWidgets import QHBoxLayout, QLabel, QToolButton, QVBoxLayout, QWidget

ZOOM_STEP = 1.25


class PdfPreview(QWidget):
    """Pages stacked vertically, fitted to the width, with zoom and page count."""

    loaded = Signal(int)  # page count, once the document is ready
    failed = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.document = QPdfDocument(self)
        self._buffer: QBuffer | None = None  # QPdfDocument reads lazily; keep the bytes alive
        self.view = QPdfView(self)
        self.view.setDocument(self.document)
        self.view.setPageMode(QPdfView.PageMode.MultiPage)
        self.view.setZoomMode(QPdfView.ZoomMode.FitToWidth)
        self.view.setPageSpacing(12)
        self.view.setAccessibleName("Evidence Record Sheet preview")
        self.view.setFocusPolicy(Qt.FocusPolicy.StrongFocus)

        self.info = QLabel("")
        self.fit_width = self._tool("Fit width", "Show pages as wide as the window")
        self.fit_page = self._tool("Whole page", "Show one whole page at a time")
        self.zoom_out = self._tool("−", "Zoom out (Ctrl+-)", QKeySequence.StandardKey.ZoomOut)
        self.zoom_in = self._tool("+", "Zoom in (Ctrl++)", QKeySequence.StandardKey.ZoomIn)
        self.zoom_out.setAccessibleName("Zoom out")
        self.zoom_in.setAccessibleName("Zoom in")
        self.fit_width.clicked.connect(lambda: self.view.setZoomMode(QPdfView.ZoomMode.FitToWidth))
        self.fit_page.clicked.connect(lambda: self.view.setZoomMode(QPdfView.ZoomMode.FitInView))
        self.zoom_in.clicked.connect(lambda: self._zoom(ZOOM_STEP))
        self.zoom_out.clicked.connect(lambda: self._zoom(1 / ZOOM_STEP))

        bar = QHBoxLayout()
        bar.setContentsMargins(0, 0, 0, 0)
        bar.addWidget(self.info, 1)
        for b in (self.fit_width, self.fit_page, self.zoom_out, self.zoom_in):
            bar.addWidget(b)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.addLayout(bar)
        lay.addWidget(self.view, 1)
        self.document.statusChanged.connect(self._status_changed)

    def _tool(self, text: str, tip: str, key: QKeySequence.StandardKey | None = None) -> QToolButton:
        b = QToolButton(self)
        b.setText(text)
        b.setToolTip(tip)
        b.setMinimumSize(QSize(40, 36))
        if key is not None:
            b.setShortcut(QKeySequence(key))
        return b

    def _zoom(self, factor: float) -> None:
        current = self.view.zoomFactor() if self.view.zoomMode() == QPdfView.ZoomMode.Custom \
            else self._effective_zoom()
        self.view.setZoomMode(QPdfView.ZoomMode.Custom)
        self.view.setZoomFactor(max(0.25, min(4.0, current * factor)))

    def _effective_zoom(self) -> float:
        """The zoom factor FitToWidth is showing, so +/− continue from what the user sees."""
        if self.document.pageCount() == 0:
            return 1.0
        page_pt = self.document.pagePointSize(0)
        dpi_scale = self.logicalDpiX() / 72.0
        width = self.view.viewport().width() - 2 * 12
        return max(0.25, width / max(1.0, page_pt.width() * dpi_scale))

    # -- loading -------------------------------------------------------------------------------

    def load_bytes(self, data: bytes) -> None:
        self.clear()
        buffer = QBuffer(self)
        buffer.setData(QByteArray(data))
        buffer.open(QIODevice.OpenModeFlag.ReadOnly)
        self._buffer = buffer
        self.document.load(buffer)

    def load_file(self, path: str | Path) -> None:
        self.clear()
        self.document.load(str(path))

    def clear(self) -> None:
        self.document.close()
        if self._buffer is not None:
            self._buffer.close()
            self._buffer.deleteLater()
            self._buffer = None
        self.info.setText("")

    def page_count(self) -> int:
        return self.document.pageCount()

    def is_ready(self) -> bool:
        return self.document.status() == QPdfDocument.Status.Ready

    def _status_changed(self, status: QPdfDocument.Status) -> None:
        if status == QPdfDocument.Status.Ready:
            n = self.document.pageCount()
            self.info.setText("1 page" if n == 1 else f"{n} pages — scroll to read them all")
            self.loaded.emit(n)
        elif status == QPdfDocument.Status.Error:
            self.info.setText("The PDF could not be shown.")
            self.failed.emit("The signed ERS could not be shown (the PDF did not open). "
                             "Go back and try again.")

    # -- synchronous rendering -----------------------------------------------------------------

    def render_page(self, page: int, width_px: int = 800) -> QImage:
        """Page `page` as an opaque image `width_px` wide (white paper, like print)."""
        return render_pdf_page(self.document, page, width_px)


def render_pdf_page(document: QPdfDocument, page: int, width_px: int = 800) -> QImage:
    size_pt = document.pagePointSize(page)
    if size_pt.width() <= 0:
        return QImage()
    height_px = round(width_px * size_pt.height() / size_pt.width())
    rendered = document.render(page, QSize(width_px, height_px))
    paper = QImage(rendered.size(), QImage.Format.Format_RGB32)
    paper.fill(QColor("white"))
    painter = QPainter(paper)
    painter.drawImage(QPointF(0, 0), rendered)
    painter.end()
    return paper
