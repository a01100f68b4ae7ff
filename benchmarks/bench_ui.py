"""Does the UI thread stall? 200 learners, one with a visit of 20,000 items: open the visit, type
into the narrative, open the coverage dialog, tick and untick a criterion, scroll the evidence
list; report the longest time the event loop did not run.

    .venv/bin/python benchmarks/bench_ui.py

A 5 ms timer on the UI thread notes the gap between its ticks; a gap of G ms means the window
could not repaint or take a key for about G − 5 ms. The baseline is the same timer in the same
process with nothing else happening. Works offscreen (QT_QPA_PLATFORM=offscreen).

The gap is wall-clock time, so on a busy machine it includes the time the UI thread waited for
a core. The JSON also gives, per action, the most CPU time the UI thread itself spent between
two ticks (`ui_thread_cpu_ms`): the part of a stall that is the app's own work on that thread.
"""

from __future__ import annotations

import contextlib
import importlib
import os
import shutil
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("ASSESSOR_APP_NO_DEMO_PROMPT", "1")

from common import ms, open_bench_store, row, save  # noqa: E402
from generate import ui_db  # noqa: E402
from PySide6.QtCore import QElapsedTimer, QEventLoop, QSettings, Qt, QTimer  # noqa: E402
from PySide6.QtTest import QTest  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402


def _first(*names: str):  # noqa: ANN202 - a module
    """The GUI module under its current name or an older one (before/after a re-layout)."""
    for name in names:
        try:
            return importlib.import_module(name)
        except ModuleNotFoundError:
            continue
    raise ModuleNotFoundError(names[0])


class StallMonitor:
    def __init__(self) -> None:
        self.timer = QTimer(interval=5)
        self.clock = QElapsedTimer()
        self.timer.timeout.connect(self._tick)
        self.worst = 0.0
        self.last = 0
        self.worst_cpu = 0.0
        self.last_cpu = 0.0

    def _tick(self) -> None:
        now = self.clock.nsecsElapsed()
        self.worst = max(self.worst, (now - self.last) / 1e9)
        self.last = now
        cpu = time.thread_time()  # the UI thread's own CPU time (the timer runs on it)
        self.worst_cpu = max(self.worst_cpu, cpu - self.last_cpu)
        self.last_cpu = cpu

    def start(self) -> None:
        self.worst = 0.0
        self.worst_cpu = 0.0
        self.last_cpu = time.thread_time()
        self.clock.start()
        self.last = self.clock.nsecsElapsed()
        self.timer.start()

    def stop(self) -> float:
        self._tick()
        self.timer.stop()
        return max(0.0, self.worst - 0.005)


def _spin(msec: int) -> None:
    loop = QEventLoop()
    QTimer.singleShot(msec, loop.quit)
    loop.exec()


def run_until(app: QApplication, done: Callable[[], bool], timeout: float = 60.0) -> None:
    end = time.monotonic() + timeout
    while not done() and time.monotonic() < end:
        _spin(5)
    _spin(100)  # let what the last step queued run too


#: Per action: the most UI-thread CPU time between two ticks (seconds), filled by `measure`.
CPU_BURSTS: list[float] = []


def measure(app: QApplication, monitor: StallMonitor, act: Callable[[], None],
            idle: Callable[[], bool]) -> float:
    monitor.start()
    QTimer.singleShot(0, act)
    run_until(app, lambda: False, 0.05)
    run_until(app, idle)
    stall = monitor.stop()
    CPU_BURSTS.append(monitor.worst_cpu)
    return stall


def _map_and_scroll(app: QApplication, monitor: StallMonitor, window) -> dict[str, float]:  # noqa: ANN001
    """Tick a criterion with Space in the picker (the screen then recounts), untick it, and
    press End in the evidence list ten times (each End reaches the end of what is read, so the
    list reads its next page). Revisions without these screens report nothing for them."""
    vs = window.visit_screen
    picker = getattr(vs, "picker", None)
    if picker is None or not hasattr(picker, "select_criterion"):
        return {}
    out: dict[str, float] = {}
    criterion = picker.model.criterion_ids()[0]
    picker.select_criterion(criterion)
    picker.tree.setFocus()

    def space() -> None:
        QTest.keyClick(picker.tree, Qt.Key.Key_Space)

    for label in ("map a criterion (Space)", "unmap it (Space)"):
        out[label] = measure(app, monitor, space, lambda: not vs.busy and not window.busy)
    vs.evidence_list.setFocus()

    def end_ten_times() -> None:
        for _ in range(10):
            QTest.keyClick(vs.evidence_list, Qt.Key.Key_End)
            run_until(app, lambda: not vs.busy, 30)

    out["scroll: End ten times in the list"] = measure(app, monitor, end_ten_times,
                                                       lambda: not vs.busy)
    return out


def main() -> int:
    app = QApplication.instance() or QApplication([])
    tmp = Path(tempfile.mkdtemp())
    db = tmp / "ui.sqlite3"
    shutil.copy(ui_db(), db)
    with contextlib.suppress(ModuleNotFoundError):  # older revisions had no core events
        _first("assessor_app.workflow.wiring").install()
    settings_mod = _first("assessor_app.gui.support.settings", "assessor_app.gui.settings")
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, str(tmp / "qs"))
    settings = settings_mod.AppSettings(QSettings(QSettings.Format.IniFormat,
                                                  QSettings.Scope.UserScope, "bench", "bench"))
    settings.assessor_name = "Bench Assessor"
    window_mod = _first("assessor_app.gui.screens.main_window", "assessor_app.gui.main_window")
    store = open_bench_store(db)
    window = window_mod.MainWindow(store, settings)
    window.resize(1366, 768)
    window.show()
    monitor = StallMonitor()
    run_until(app, lambda: not window.busy)
    idle_ms = measure(app, monitor, lambda: None, lambda: True)
    vs = window.visit_screen
    results = {
        "select the learner": measure(app, monitor, lambda: window.select_learner(1),
                                      lambda: not window.busy),
        "open the visit (20,000 items)": measure(app, monitor, lambda: window.open_visit(1),
                                                 lambda: not vs.busy and vs.detail is not None),
    }
    text = vs.editor.text

    def type_words() -> None:
        text.setFocus()
        for ch in "Explained the returns policy calmly":
            QTest.keyClicks(text, ch)
            QApplication.processEvents()

    # Typing, then the pause in which autosave fires: both inside the measured window.
    saved_after = time.monotonic() + 0.5 + settings.autosave_delay_ms / 1000
    results["typing in the narrative"] = measure(app, monitor, type_words,
                                                 lambda: time.monotonic() > saved_after)
    results["coverage dialog"] = measure(
        app, monitor, window.show_coverage,
        lambda: window.coverage_dialog is not None and not window.coverage_dialog.view.busy)
    window.coverage_dialog.close()
    _spin(200)
    results.update(_map_and_scroll(app, monitor, window))
    window.close()
    store.close()
    worst = max(results.values())
    cpu = dict(zip(["idle", *results], CPU_BURSTS, strict=True))
    rows = [row("UI thread, 200 learners, a visit with 20k items: longest stall", ms(idle_ms),
                ms(worst), "ms", "no stall > 30 ms",
                **{k: ms(v) for k, v in results.items()},
                ui_thread_cpu_ms={k: ms(v) for k, v in cpu.items()})]
    save("ui", {"rows": rows})
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
