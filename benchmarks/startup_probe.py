"""Child process of bench_startup.py: start a window, note when it is up and when its learners
are listed, quit, report.

    python benchmarks/startup_probe.py bare|app [DB]

"bare" shows an empty PySide6 QMainWindow; "app" runs the app's own start-up (`assessor-app
--db DB`). A zero timer set before either starts fires the first time the event loop runs after
the window is shown: that is "idle main window". The app is then left running until its main
window has its database open and the learner list read ("learners listed"), and quits there.
Times are seconds since the parent spawned this process (BENCH_SPAWNED, `time.time()`), so they
include the interpreter's own start. Prints one JSON line: the two times, peak RSS (MiB, the
whole run), and which heavy libraries were loaded when the window first went idle and at the end.
"""

from __future__ import annotations

import json
import os
import resource
import sys
import time

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
SPAWNED = float(os.environ.get("BENCH_SPAWNED", time.time()))
HEAVY = ("pyhanko", "reportlab", "alembic", "matplotlib", "sqlalchemy", "sqlmodel", "pydantic",
         "httpx", "keyring", "cryptography")
GIVE_UP_S = 120


def _heavy() -> list[str]:
    return sorted(m for m in HEAVY if m in sys.modules)


def _main_window():  # noqa: ANN202 - the app's QMainWindow, once shown
    from PySide6.QtWidgets import QApplication

    for w in QApplication.topLevelWidgets():
        if w.objectName() == "mainWindow" and w.isVisible():
            return w
    return None


def _listed(window) -> bool:  # noqa: ANN001
    """The window has its store and the learner list has been read into it."""
    panel = getattr(window, "learner_panel", None)
    return (getattr(window, "store", None) is not None and panel is not None
            and not panel.busy)


def main() -> None:
    mode = sys.argv[1]
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication, QMainWindow

    app = QApplication(sys.argv[:1])
    report: dict = {}

    def idle() -> None:  # first event-loop turn after the window was shown
        window = _main_window()
        if mode == "app" and window is None and time.time() - SPAWNED < GIVE_UP_S:
            # a turn of a nested event loop before the window is shown (an older revision
            # processes events while it builds the window): not yet "idle main window"
            QTimer.singleShot(0, idle)
            return
        report["idle_s"] = round(time.time() - SPAWNED, 4)
        report["heavy_at_idle"] = _heavy()
        if mode == "bare":
            report["listed_s"] = report["idle_s"]
            app.quit()
            return
        report["window_shown"] = window is not None
        poll(window)

    def poll(window) -> None:  # noqa: ANN001
        if window is not None and _listed(window):
            report["listed_s"] = round(time.time() - SPAWNED, 4)
            report["learners"] = window.learner_panel.learner_model.total()
            window.close()  # as the user would: the app finishes its start-up work and exits
            app.quit()
        elif time.time() - SPAWNED > GIVE_UP_S:
            app.exit(3)
        else:
            QTimer.singleShot(5, lambda: poll(window or _main_window()))

    QTimer.singleShot(0, idle)
    if mode == "bare":
        window = QMainWindow()
        window.show()
        app.exec()
    else:
        sys.path.insert(0, os.environ.get("BENCH_CODE", os.getcwd()))
        from assessor_app.cli import main as app_main

        report["status"] = app_main(["--db", sys.argv[2]])
    report["rss_mib"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)
    report["heavy"] = _heavy()
    print(json.dumps(report))


if __name__ == "__main__":
    main()
