"""Render the main screens to PNG, offscreen: `python scripts/screenshots.py OUTDIR`.

Builds a throwaway database with the bundled units and the demo learner, drives the real widgets
(start a visit, record an observation and a questioning session, attach a photo) and saves
`QWidget.grab()` images at 1366×768, in the light palette and once in a dark one.
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import QSettings, Qt  # noqa: E402
from PySide6.QtGui import QColor, QImage, QPainter, QPalette  # noqa: E402
from PySide6.QtWidgets import QApplication, QStyleFactory  # noqa: E402

from assessor_app.demo.builder import demo_learner_id as create_demo_learner  # noqa: E402
from assessor_app.evidence.items import get_evidence  # noqa: E402
from assessor_app.evidence.questioning import set_question_field  # noqa: E402
from assessor_app.gui.app import make_app  # noqa: E402
from assessor_app.gui.screens.main_window import MainWindow  # noqa: E402
from assessor_app.gui.support.settings import AppSettings  # noqa: E402
from assessor_app.specs.bootstrap import ensure_bundled_specs  # noqa: E402
from assessor_app.store import open_store  # noqa: E402

SIZE = (1366, 768)


def wait(condition, timeout: float = 10.0) -> None:  # noqa: ANN001
    end = time.monotonic() + timeout
    while not condition():
        QApplication.processEvents()
        if time.monotonic() > end:
            raise TimeoutError("the screen did not finish loading")
        time.sleep(0.01)
    for _ in range(5):
        QApplication.processEvents()


def settle(seconds: float = 0.3) -> None:
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        QApplication.processEvents()
        time.sleep(0.01)


def sample_photo(path: Path) -> Path:
    """A stand-in "photo of the work product": a shelf-edge label drawn with QPainter."""
    img = QImage(640, 480, QImage.Format.Format_RGB32)
    img.fill(QColor(236, 231, 220))
    p = QPainter(img)
    p.fillRect(60, 120, 520, 240, QColor(255, 255, 255))
    p.setPen(QColor(30, 30, 30))
    font = p.font()
    font.setPixelSize(48)
    p.setFont(font)
    p.drawText(img.rect(), Qt.AlignmentFlag.AlignCenter, "Returns policy\n28 days")
    p.end()
    img.save(str(path))
    return path


def dark_palette() -> QPalette:
    # Built from a window colour so Qt derives the 3-D roles (Light, Dark, Mid…) as a dark
    # system theme would; then the text and base roles a dark theme sets.
    pal = QPalette(QColor("#353535"), QColor("#2b2b2b"))
    for role, colour in ((QPalette.ColorRole.Base, "#1f1f1f"),
                         (QPalette.ColorRole.AlternateBase, "#282828"),
                         (QPalette.ColorRole.Text, "#e6e6e6"),
                         (QPalette.ColorRole.WindowText, "#e6e6e6"),
                         (QPalette.ColorRole.ButtonText, "#e6e6e6"),
                         (QPalette.ColorRole.Highlight, "#3d6fb4"),
                         (QPalette.ColorRole.HighlightedText, "#ffffff"),
                         (QPalette.ColorRole.ToolTipBase, "#353535"),
                         (QPalette.ColorRole.ToolTipText, "#e6e6e6"),
                         (QPalette.ColorRole.PlaceholderText, "#9a9a9a")):
        pal.setColor(role, QColor(colour))
    return pal


def main(outdir: str) -> int:
    out = Path(outdir)
    out.mkdir(parents=True, exist_ok=True)
    app = make_app()
    app.setStyle(QStyleFactory.create("Fusion"))
    tmp = Path(tempfile.mkdtemp(prefix="assessor-shots-"))
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, str(tmp / "config"))
    store = open_store(tmp / "shots.sqlite3")
    ensure_bundled_specs(store)
    learner_id = create_demo_learner(store)
    assert learner_id is not None

    settings = AppSettings()
    settings.assessor_name = "Alex Morgan"
    settings.last_learner_id = learner_id
    window = MainWindow(store, settings)
    window.resize(*SIZE)
    window.show()
    wait(lambda: window.overview is not None and window.learner_panel.learner_model.rowCount() > 0)
    wait(lambda: not window.busy)
    settle()
    window.grab().save(str(out / "main_window.png"))

    # Visit screen: an observation mapped to criteria of both units, with a photo.
    window.start_visit()
    vs = window.visit_screen
    wait(lambda: window.pages.currentWidget() is vs and not window.busy)
    vs.new_evidence("observation")
    vs.editor.title.setText("Serving at the counter")
    vs.editor.fields["title"].flush()
    vs.editor.text.setPlainText(
        "A customer asked for a gift for her father. Priya asked what he enjoys, suggested two "
        "options in different price ranges and explained the returns policy without being "
        "asked.\nShe noted the customer's email for the loyalty scheme, with consent.")
    vs.editor.fields["text"].flush()
    units = vs.picker.model
    criteria = units.criterion_ids()
    planned = [c for c in criteria if vs.picker.model.data(
        vs.picker.model.index_for_criterion(c), Qt.ItemDataRole.UserRole + 5)]
    for cid in (planned[:1] + [criteria[0], criteria[-3]]):
        vs.set_mapped(cid, True)
    vs.add_files([sample_photo(tmp / "returns-label.png")])
    wait(lambda: vs.attachments_model.rowCount() == 1
         and vs.attachments_model.has_thumbnail(vs.attachments_model.attachments()[0].sha256))
    vs.picker.select_criterion(criteria[-3])
    wait(lambda: not window.busy)
    settle()
    window.grab().save(str(out / "visit_observation.png"))

    # Questioning: three questions and answers.
    eid = vs.new_evidence("questioning")
    qas = [("What would you do if the item was out of stock?",
            "Check the stockroom and the other branch, then offer to order it.", True),
           ("Why do we record customer feedback?",
            "So the manager can see what customers like and fix complaints.", True),
           ("How do you know a customer is happy with the service?",
            "They say so, they come back, and they leave good reviews.", None)]
    vs.editor.qa_table.closePersistentEditor(vs.editor.qa_table.currentIndex())
    for i, (q, a, ok) in enumerate(qas):
        if i:
            vs.add_question()
        row_id = get_evidence(store, eid).questions[i].id
        set_question_field(store, row_id, "question", q)
        set_question_field(store, row_id, "answer", a)
        set_question_field(store, row_id, "satisfied", ok)
    vs.editor.qa_table.setFocus()
    vs.editor.qa_model.reload()
    vs.editor.title.setText("Stock and feedback")
    vs.editor.fields["title"].flush()
    vs.set_mapped(criteria[2], True)
    wait(lambda: not window.busy)
    settle()
    window.grab().save(str(out / "visit_questioning.png"))

    # Coverage matrix with a cell selected.
    window.show_learner_page()
    window.show_coverage()
    dialog = window.coverage_dialog
    assert dialog is not None
    dialog.resize(1100, 560)
    dialog.view.select_criterion(criteria[0])
    wait(lambda: not window.busy)
    settle()
    dialog.grab().save(str(out / "coverage.png"))
    dialog.close()

    # The same main window in a dark palette: state colours must stay readable.
    app.setPalette(dark_palette())
    window.refresh_overview()
    wait(lambda: window.overview is not None and not window.busy)
    settle()
    window.grab().save(str(out / "main_window_dark.png"))
    window.open_visit(vs.visit_id)
    wait(lambda: not window.busy)
    vs.select_evidence(vs.evidence_model.summaries()[0].id)
    settle()
    window.grab().save(str(out / "visit_dark.png"))
    window.close()
    store.close()
    print("\n".join(str(p) for p in sorted(out.glob("*.png"))))
    return 0


if __name__ == "__main__":
    if len(sys.argv) != 2:
        print("usage: screenshots.py OUTDIR", file=sys.stderr)
        raise SystemExit(2)
    raise SystemExit(main(sys.argv[1]))
