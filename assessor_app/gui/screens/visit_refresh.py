"""How the visit screen catches up after an edit, touching only what the edit changed.

Mapping a criterion changes one list row (its criteria count), the chips of the item and one
criterion's state in the picker; ticking a requirement changes one requirement row; typing
changes one list row. Each is re-read on a worker thread by id (`evidence.queries`) and applied to
those rows alone, so a visit with tens of thousands of items costs the same as one with ten, and
the UI thread never reads the database.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import replace
from typing import Any

from PySide6.QtCore import QObject, QTimer
from PySide6.QtWidgets import QApplication

from assessor_app.evidence.coverage import UnitCoverage
from assessor_app.evidence.edits import CompoundEdit, Edit
from assessor_app.evidence.errors import EvidenceError, NotFound
from assessor_app.evidence.items import EvidenceDetail, MappedCriterion, get_evidence
from assessor_app.evidence.queries import (
    VisitCoverage,
    criterion_states,
    evidence_summaries,
    requirement_ticks,
    visit_coverage,
)
from assessor_app.gui.support.messages import friendly_error
from assessor_app.gui.support.workers import Job, Loader, run_in_background
from assessor_app.signoff.locks import EvidenceLock, read_evidence_lock
from assessor_app.store import Store

#: How long the screen waits after a tick before the window recounts the learner's progress.
ANNOUNCE_MS = 250


def item_and_lock(store: Store, evidence_id: int) -> tuple[EvidenceDetail, EvidenceLock]:
    """Worker thread: everything the editor shows for one item, and whether it is locked."""
    try:
        lock = read_evidence_lock(store, evidence_id)
    except EvidenceError:
        lock = EvidenceLock()
    return get_evidence(store, evidence_id), lock


def item_and_lock_if_any(store: Store,
                         evidence_id: int) -> tuple[EvidenceDetail, EvidenceLock] | None:
    """Worker thread: `item_and_lock`, or None if the item no longer exists."""
    try:
        return item_and_lock(store, evidence_id)
    except NotFound:
        return None


class IdRefresh:
    """Re-read some ids in the background and apply the result on the UI thread, newest read
    wins; the ids of a read that a newer one cancelled are carried into the newer one, so none
    is forgotten."""

    def __init__(self, owner: QObject, read: Callable[..., Any],
                 apply: Callable[[set[int], Any], None],
                 on_error: Callable[[str], None]) -> None:
        self._loader = Loader(owner)
        self._read, self._apply, self._on_error = read, apply, on_error
        self._pending: set[int] = set()

    @property
    def busy(self) -> bool:
        return self._loader.busy

    def request(self, ids: Iterable[int | None], *args: Any) -> None:
        """Read `read(ids, *args)` (every id still pending) and apply it."""
        self._pending |= {i for i in ids if i is not None}
        if not self._pending:
            return
        wanted = set(self._pending)

        def done(result: Any) -> None:  # noqa: ANN401 - whatever `read` returns
            self._pending -= wanted
            self._apply(wanted, result)

        self._loader.run(self._read, wanted, *args, on_done=done, on_error=self._on_error)

    def clear(self) -> None:
        self._loader.cancel()
        self._pending.clear()


class BackgroundWrites:
    """Short writes run on the write pool, in order, each reporting on the UI thread. `finish`
    waits for those still running and reports them at once: before an undo, a visit closing or
    the window closing, every write the user made is stored and on the undo stack."""

    def __init__(self, owner: QObject) -> None:
        self.owner = owner
        self._running: list[tuple[Job, dict[str, Any], Callable[[Any], None],
                                  Callable[[str], None]]] = []

    @property
    def busy(self) -> bool:
        return bool(self._running)

    def run(self, fn: Callable[..., Any], *args: Any, on_done: Callable[[Any], None],
            on_error: Callable[[str], None]) -> None:
        box: dict[str, Any] = {}

        def write() -> Any:  # noqa: ANN401 - whatever `fn` returns
            try:
                box["result"] = fn(*args)
            except Exception as exc:
                box["error"] = exc
                raise
            return box["result"]

        def report(job: Job, callback: Callable[[Any], None], value: Any) -> None:  # noqa: ANN401
            for entry in self._running:
                if entry[0] is job:
                    self._running.remove(entry)
                    callback(value)
                    return

        holder: list[Job] = []
        job = run_in_background(write, writes=True, owner=self.owner,
                                on_done=lambda r: report(holder[0], on_done, r),
                                on_error=lambda m: report(holder[0], on_error, m))
        holder.append(job)
        self._running.append((job, box, on_done, on_error))

    def finish(self, timeout_s: float = 30.0) -> None:
        while self._running:
            job, box, on_done, on_error = self._running.pop(0)
            job.done.wait(timeout_s)
            job.cancel()  # its result, queued for the UI thread, is reported here instead
            if "result" in box:
                on_done(box["result"])
            else:
                on_error(friendly_error(box.get("error", RuntimeError("not finished"))))


def edit_evidence_ids(edit: Edit) -> set[int]:
    """The items an edit (or each step of a compound edit) touched."""
    edits = edit.edits if isinstance(edit, CompoundEdit) else [edit]
    return {e for e in (getattr(x, "evidence_id", None) for x in edits) if isinstance(e, int)}


class VisitRefresh:
    """Mixin for `VisitScreen`: relies on its store, learner/visit ids, evidence model, picker,
    requirements panel, side tabs, `detail`, `_coverage_loader` and
    `_mark_current`/`select_evidence`/`_show_detail`/`_show_mapping`/`_show_ticks`."""

    def _build_refreshers(self) -> None:
        store = self.store
        self._rows_refresh = IdRefresh(
            self, lambda ids: evidence_summaries(store, ids), self._rows_read, self.show_error)
        self._criteria_refresh = IdRefresh(
            self, lambda ids, learner_id: criterion_states(store, learner_id, ids),
            self._criteria_read, self.show_error)
        self._ticks_refresh = IdRefresh(
            self, lambda ids, learner_id: requirement_ticks(store, learner_id, ids),
            self._ticks_read, self.show_error)
        self._mapping_loader = Loader(self)
        self._mapping_reads = 0  # `_reload_mapping` calls so far (see `_new_item_read`)
        self.writes = BackgroundWrites(self)
        # The window recounts the learner page and the learner list when coverage changes:
        # several ticks in a row ask once, a moment after the last one.
        self._announce = QTimer(self)
        self._announce.setSingleShot(True)
        self._announce.setInterval(ANNOUNCE_MS)
        self._announce.timeout.connect(self._announce_now)
        self._announce_for: int | None = None

    def _coverage_changed_soon(self) -> None:
        """Tell the window (`coverage_changed`) once the ticking pauses."""
        if self._announce_for is not None and self._announce_for != self.learner_id:
            self._announce_now()  # another learner's change is not merged into this one
        self._announce_for = self.learner_id
        self._announce.start()

    def _announce_now(self) -> None:
        self._announce.stop()
        learner_id, self._announce_for = self._announce_for, None
        if learner_id is not None:
            self.coverage_changed.emit(learner_id)

    def _refreshing(self) -> bool:
        return self._announce.isActive() or any(
            r.busy for r in (self._rows_refresh, self._criteria_refresh, self._ticks_refresh,
                             self._mapping_loader, self.writes))

    def _clear_refreshes(self) -> None:
        for r in (self._rows_refresh, self._criteria_refresh, self._ticks_refresh):
            r.clear()
        self._mapping_loader.cancel()

    # -- list rows ---------------------------------------------------------------------------
    def _refresh_items(self, evidence_ids: Iterable[int | None]) -> None:
        """Re-read just these items' rows (after a save, a new item, a deletion, an undo) and
        change only those rows; the item in the editor stays selected."""
        if self.visit_id is not None:
            self._rows_refresh.request(evidence_ids)

    def _rows_read(self, ids: set[int], rows: list) -> None:  # noqa: ANN001 - summaries
        self._loading = True
        try:
            self.evidence_model.update_items(ids, rows)
        finally:
            self._loading = False
        self._after_rows_changed()

    def _after_rows_changed(self) -> None:
        """Keep the editor's item selected; with nothing in the editor, open the newest."""
        current = self.detail.item.id if self.detail else None
        if current is not None:
            self._mark_current(current)  # the editor keeps what is being typed
        elif self.evidence_model.rowCount():
            self.select_evidence(self.evidence_model.last_id())
        else:
            self._opening = False  # an empty visit: say how to start
            self._show_detail(None)

    # -- criteria and requirements -------------------------------------------------------------
    def refresh_coverage(self) -> None:
        """Recount the picker's states and the requirement ticks in the background."""
        if self.learner_id is None:
            return
        learner_id = self.learner_id
        self._coverage_loader.run(visit_coverage, self.store, learner_id,
                                  on_done=lambda r: self._coverage_loaded(learner_id, r),
                                  on_error=self.show_error)
        self.coverage_changed.emit(learner_id)

    def _coverage_loaded(self, learner_id: int, result: VisitCoverage) -> None:
        if learner_id != self.learner_id:
            return
        self.picker.set_states(result.units)
        self._show_requirements(result.units, result.refs)

    def _show_requirements(self, units: list[UnitCoverage], refs: dict[int, str]) -> None:
        """Requirements with their ticks; other items are named by their reference (OBS-2)."""
        with_reqs = [u for u in units if u.requirements]
        self.requirements.set_units(with_reqs, refs)
        self.side_tabs.setTabEnabled(1, bool(with_reqs))
        self._show_requirement_count()
        if not with_reqs and self.side_tabs.currentIndex() == 1:
            self.side_tabs.setCurrentIndex(0)
        self._show_ticks()

    def _show_requirement_count(self) -> None:
        ticked, total = self.requirements.model.counts()  # group headings not counted
        self.side_tabs.setTabText(1, f"Requirements {ticked}/{total}" if total
                                  else "Requirements")

    def _refresh_criteria(self, criterion_ids: Iterable[int]) -> None:
        """Recount just these criteria's states in the picker (after a mapping)."""
        if self.learner_id is not None:
            self._criteria_refresh.request(criterion_ids, self.learner_id)

    def _criteria_read(self, _ids: set[int], states: dict) -> None:  # noqa: ANN001
        self.picker.model.set_criterion_states({cid: s.value for cid, s in states.items()})
        self.picker.show_current_detail()

    def _refresh_requirements(self, requirement_ids: Iterable[int]) -> None:
        """Re-read just these requirements' ticks (after one was ticked or unticked)."""
        if self.learner_id is not None:
            self._ticks_refresh.request(requirement_ids, self.learner_id)

    def _ticks_read(self, _ids: set[int], ticks: Any) -> None:  # noqa: ANN401 - RequirementTicks
        self.requirements.model.set_ticks(ticks.evidence_ids, ticks.refs)
        self._show_requirement_count()

    # -- the item in the editor ----------------------------------------------------------------
    def _show_mapped_now(self, criterion_id: int, mapped: bool) -> None:
        """The core has stored the mapping: show it in the chips and the picker at once, from
        what the picker knows of the criterion (`_reload_mapping` then confirms it)."""
        if self.detail is None:
            return
        criteria = [m for m in self.detail.criteria if m.criterion_id != criterion_id]
        parts = self.picker.model.criterion_parts(criterion_id) if mapped else None
        if parts is not None:
            reference, number, text = parts
            criteria.append(MappedCriterion(criterion_id, f"{reference}:{number}", text))
        order = {cid: i for i, cid in enumerate(self.picker.model.criterion_ids())}
        criteria.sort(key=lambda m: order.get(m.criterion_id, len(order)))
        self.detail = replace(self.detail, criteria=criteria)
        self._show_mapping()

    def _reload_mapping(self) -> None:
        """Re-read the current item's criteria, requirement ticks and lock in the background
        (after a mapping or a tick) and show them; the fields being typed are left alone."""
        if self.detail is None:
            return
        evidence_id = self.detail.item.id
        self._mapping_reads += 1

        def done(loaded: tuple[EvidenceDetail, EvidenceLock]) -> None:
            detail, lock = loaded
            if self.detail is None or self.detail.item.id != evidence_id:
                return  # another item is in the editor now
            self.detail = detail
            self._preloaded_lock = (evidence_id, lock)
            self._show_mapping()
            self._apply_lock()

        self._mapping_loader.run(item_and_lock, self.store, evidence_id, on_done=done,
                                 on_error=self.show_error)

    # -- re-reading the item after an undo, a redo or an attachment change -----------------------
    def _reload_detail(self) -> None:
        """Re-read the item in the editor in the background and show what is stored (the item
        is cleared from the editor if it no longer exists)."""
        if self.detail is None:
            return
        evidence_id = self.detail.item.id
        self._item_loader.run(item_and_lock_if_any, self.store, evidence_id,
                              on_done=lambda loaded: self._detail_reloaded(evidence_id, loaded),
                              on_error=self.show_error)

    def _detail_reloaded(self, evidence_id: int,
                         loaded: tuple[EvidenceDetail, EvidenceLock] | None) -> None:
        if self.detail is None or self.detail.item.id != evidence_id:
            return  # another item is in the editor now
        if loaded is None:
            self._show_detail(None)
            self._refresh_items({evidence_id})
            return
        self.detail, lock = loaded
        self._preloaded_lock = (evidence_id, lock)
        self.editor.reload_fields(self.detail)
        self._show_mapping()
        self.criterion_guidance.reload()  # the range boxes follow an undo or a refusal
        self.attachments_model.show(evidence_id, self.detail.attachments)
        self._apply_lock()

    def _go_to_edited(self, evidence_id: int) -> None:
        """After an undo/redo of another item's edit: show that item once read (if it is gone,
        re-read the one in the editor instead)."""
        def done(loaded: tuple[EvidenceDetail, EvidenceLock] | None) -> None:
            if loaded is None:
                self._reload_detail()
                return
            self._item_loaded(loaded)
            self._mark_current(evidence_id)

        self._item_loader.run(item_and_lock_if_any, self.store, evidence_id, on_done=done,
                              on_error=self.show_error)

    def _new_item_read(self, loaded: tuple[EvidenceDetail, EvidenceLock],
                       mapping_reads: int) -> None:
        """A new item, shown at once from what was written, has been read back: take its
        reference, question rows and lock; what is being typed into it stays. Criteria ticked
        while it was being read (`mapping_reads` was the count when it started) are read again:
        this older snapshot must not leave them off the screen."""
        detail, lock = loaded
        if self.detail is None or self.detail.item.id != detail.item.id:
            return
        self.detail = detail  # (the editor's fields keep what was typed since the read)
        self._preloaded_lock = (detail.item.id, lock)
        in_editor = self.editor.isAncestorOf(QApplication.focusWidget())
        self.editor.show_read_back(detail)
        if in_editor and detail.item.kind == "questioning":
            self.editor.focus_main_field()  # the first question's cell, now that it is here
        self._show_mapping()
        self._apply_lock()
        if self._mapping_reads != mapping_reads:
            self._reload_mapping()
