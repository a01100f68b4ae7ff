"""The Qt desktop GUI: a thin layer of views over Qt models that call the core packages."""

import PySide6.QtCore  # noqa: F401 - PySide6's import hook is in place before the swap below

from assessor_app.gui.support.qt_sources import stop_source_caching

stop_source_caching()
