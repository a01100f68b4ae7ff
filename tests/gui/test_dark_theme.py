"""In a dark palette (Fusion, as on a Linux desktop with a dark theme) an unticked box in the
criteria picker must be visible: its outline has to stand out from the background."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import QStyle, QStyleFactory, QStyleOptionViewItem
from pytestqt.qtbot import QtBot

from assessor_app.demo.builder import demo_learner_id
from assessor_app.evidence.coverage import learner_coverage
from assessor_app.gui.widgets.criteria_picker import CriteriaPicker
from assessor_app.store import Store


def dark_palette() -> QPalette:
    """A typical dark desktop palette (the roles a dark system theme sets)."""
    pal = QPalette(QColor("#353535"), QColor("#2b2b2b"))
    for role, colour in ((QPalette.ColorRole.Base, "#1f1f1f"),
                         (QPalette.ColorRole.AlternateBase, "#282828"),
                         (QPalette.ColorRole.Text, "#e6e6e6"),
                         (QPalette.ColorRole.WindowText, "#e6e6e6")):
        pal.setColor(role, QColor(colour))
    return pal


def _box_contrast(picker: CriteriaPicker) -> int:
    """Largest lightness difference between the unticked box of the first criterion and the
    row's background."""
    tree = picker.tree
    cid = picker.model.criterion_ids()[0]
    index = picker.proxy.mapFromSource(picker.model.index_for_criterion(cid))
    assert index.data(Qt.ItemDataRole.CheckStateRole) == Qt.CheckState.Unchecked
    option = QStyleOptionViewItem()
    option.initFrom(tree)
    option.rect = tree.visualRect(index)
    tree.itemDelegate().initStyleOption(option, index)
    box = tree.style().subElementRect(QStyle.SubElement.SE_ItemViewItemCheckIndicator, option,
                                      tree)
    image = tree.viewport().grab().toImage()
    background = image.pixelColor(option.rect.right() - 2, option.rect.center().y()).lightness()
    return max(abs(image.pixelColor(x, y).lightness() - background)
               for x in range(box.left(), box.right() + 1)
               for y in range(box.top(), box.bottom() + 1))


def test_unticked_boxes_are_visible_in_a_dark_fusion_palette(qtbot: QtBot,
                                                               spec_store: Store) -> None:
    learner_id = demo_learner_id(spec_store)
    picker = CriteriaPicker()
    qtbot.addWidget(picker)
    fusion = QStyleFactory.create("Fusion")
    picker.tree.setStyle(fusion)
    picker.tree.setPalette(dark_palette())
    picker.resize(380, 500)
    picker.set_units(learner_coverage(spec_store, learner_id).units)
    picker.set_enabled_for_mapping(True)
    picker.show()
    qtbot.waitExposed(picker)
    assert _box_contrast(picker) >= 60  # Fusion's own outline differs by a few levels
