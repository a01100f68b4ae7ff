"""Child process of bench_startup.py: start a window, quit as soon as it is idle, report.

    python benchmarks/startup_probe.py bare|app [DB]

"bare" shows an empty PySide6 QMainWindow; "app" runs the app's own start-up (`assessor-app
--db DB`) with a timer that quits once the event loop first runs after the window is shown, and
lets the app finish its background start-up work. Prints one JSON line: peak RSS (MiB) and which
heavy libraries were imported.
"""

from __future__ import annotations

import json
import os
import resource
import sys

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
HEAVY = ("pyhanko", "reportlab", "alembic", "matplotlib")


def main() -> None:
    mode = sys.argv[1]
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication, QMainWindow

    app = QApplication(sys.argv[:1])
    QTimer.singleShot(0, app.quit)  # fires once the event loop runs: the window is up and idle
    if mode == "bare":
        window = QMainWindow()
        window.show()
        app.exec()
    else:
        sys.path.insert(0, os.environ.get("BENCH_CODE", os.getcwd()))
        from assessor_app.cli import main as app_main

        app_main(["--db", sys.argv[2]])
    rss_mib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({"rss_mib": round(rss_mib, 1),
                      "heavy": sorted(m for m in HEAVY if m in sys.modules)}))


if __name__ == "__main__":
    main()
