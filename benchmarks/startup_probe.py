"""Child process of bench_startup.py: start a window, note when it is up and when its learners
are listed, quit, report.

    python benchmarks/startup_probe.py bare|app [DB]

"bare" shows an empty PySide6 QMainWindow; "app" runs the app's own start-up (`assessor-app
--db DB`). A zero timer set before either starts fires the first time the event loop runs after
the window is shown: that is "idle main window". The app is then left running until its main
window has its database open and the learner list read ("learners listed"), and quits there.
Times are seconds since the parent spawned this process (BENCH_SPAWNED, `time.time()`), so they
include the interpreter's own start. Prints one JSON line: the times, the peak RSS (MiB) up to
each mark (`rss_listed_mib`, `rss_page_mib`, `rss_visit_mib`) and for the whole run (`rss_mib`),
and which heavy libraries were loaded when the window first went idle, when the learners were
listed and at the end.
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


def _peak_mib() -> float:
    """The process's peak RSS so far (VmHWM)."""
    with open("/proc/self/status") as fh:
        for line in fh:
            if line.startswith("VmHWM:"):
                return round(int(line.split()[1]) / 1024, 1)
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)


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


def _settled(window) -> bool:  # noqa: ANN001
    """Nothing of the window is loading (an older revision has no `busy`: its learner list)."""
    busy = getattr(window, "busy", None)
    return _listed(window) and not busy if busy is not None else _listed(window)


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
            report["rss_listed_mib"] = _peak_mib()
            report["heavy_at_listed"] = _heavy()
            report["learners"] = window.learner_panel.learner_model.total()
            wait_until(window, _settled, page_shown)
        else:
            wait_until(window, lambda w: w is not None and _listed(w), poll)

    def wait_until(window, ready, then) -> None:  # noqa: ANN001
        if window is not None and ready(window):
            then(window)
        elif time.time() - SPAWNED > GIVE_UP_S:
            app.exit(3)
        else:
            QTimer.singleShot(5, lambda: wait_until(window or _main_window(), ready, then))

    def page_shown(window) -> None:  # noqa: ANN001
        report["page_s"] = round(time.time() - SPAWNED, 4)
        report["rss_page_mib"] = _peak_mib()
        overview = getattr(window, "overview", None)
        visits = overview.visits if overview is not None else []
        if not visits:
            finish(window)
            return
        window.open_visit(visits[-1].visit.id)
        wait_until(window, _settled, visit_open)

    def visit_open(window) -> None:  # noqa: ANN001
        report["visit_s"] = round(time.time() - SPAWNED, 4)
        report["rss_visit_mib"] = _peak_mib()
        finish(window)

    def finish(window) -> None:  # noqa: ANN001
        window.close()  # as the user would: the app finishes its start-up work and exits
        app.quit()

    QTimer.singleShot(0, idle)
    if mode == "bare":
        window = QMainWindow()
        window.show()
        app.exec()
    else:
        sys.path.insert(0, os.environ.get("BENCH_CODE", os.getcwd()))
        from assessor_app.cli import main as app_main

        report["status"] = app_main(["--db", sys.argv[2]])
    report["rss_mib"] = _peak_mib()
    report["heavy"] = _heavy()
    print(json.dumps(report))


if __name__ == "__main__":
    main()
