"""The sync run's thread machinery on its own: every claimed file is sent and settled exactly
once, never more in flight than allowed, never two for one name at once; claiming runs ahead of
the workers; a stop leaves nothing claimed and unstarted; a worker's crash reaches the caller."""

from __future__ import annotations

import random
import threading
import time
from collections import Counter, deque

import pytest

from assessor_app.sync.claims import Claimed
from assessor_app.sync.upload_pool import Result, UploadPool


class _Pool(UploadPool):
    def __init__(self, workers: int, *, warmup: int = 0, names: int = 0, batch: int = 5,
                 fail_at: int = -1, crash_at: int = -1) -> None:
        super().__init__(workers, record_every=0.05)
        self.warmup, self.names, self.batch = warmup, names, batch
        self.fail_at, self.crash_at = fail_at, crash_at
        self.rng = random.Random(7)
        self.sent: Counter[int] = Counter()
        self.settled: list[int] = []
        self.recorded: list[int] = []
        self.unrecorded: list[int] = []
        self.claimed_ids: list[int] = []
        self.put_back: list[int] = []
        self.busy_names: Counter[str] = Counter()
        self.peak = 0
        self.peak_at_warmup = 0
        self.failed = False
        self.guard = threading.Lock()

    def _width(self) -> int:
        return self.workers if len(self.settled) >= self.warmup else 1

    def _batch(self) -> int:
        return self.batch

    def _stopping(self) -> bool:
        return self.failed

    def _claim_rows(self, item_ids: list[int]) -> list[tuple[Claimed, str]]:
        time.sleep(0.002)  # a transaction
        self.claimed_ids += item_ids
        name = (lambda i: f"n{i % self.names}") if self.names else (lambda i: f"n{i}")
        return [(Claimed(i, "", 1, "", "", name(i), "", 1), "") for i in item_ids]

    def _work(self, item: Claimed, stale_part: str) -> Result:
        with self.guard:
            self.busy_names[item.remote_path.casefold()] += 1
            assert self.busy_names[item.remote_path.casefold()] == 1, "two for one name"
            self.peak = max(self.peak, sum(self.busy_names.values()))
            if len(self.settled) < self.warmup:
                self.peak_at_warmup = max(self.peak_at_warmup, sum(self.busy_names.values()))
        if item.id == self.crash_at:
            raise KeyError("a bug")
        time.sleep(self.rng.random() * 0.003)
        with self.guard:
            self.busy_names[item.remote_path.casefold()] -= 1
            self.sent[item.id] += 1
        return ("error" if item.id == self.fail_at else "ok"), None, 1

    def _settle_one(self, item: Claimed, result: Result) -> None:
        self.settled.append(item.id)
        self.unrecorded.append(item.id)
        if result[0] == "error":
            self.failed = True

    def _record_due(self) -> bool:
        return len(self.unrecorded) >= 7 or bool(self.unrecorded and not self._in_flight)

    def _write_unrecorded(self) -> None:
        with self._state:
            batch, self.unrecorded = self.unrecorded, []
        self.recorded += batch

    def _unclaim(self, ready: deque[tuple[Claimed, str]]) -> None:
        self.put_back += [item.id for item, _ in ready]


def test_every_file_is_sent_and_recorded_once_within_the_width() -> None:
    pool = _Pool(4, warmup=6)
    pool.run_pool(deque(range(200)))
    assert pool.sent == Counter(range(200))
    assert sorted(pool.recorded) == list(range(200)) and sorted(pool.settled) == list(range(200))
    assert pool.peak_at_warmup == 1 and 1 < pool.peak <= 4
    assert pool.claimed_ids == list(range(200)) and pool.put_back == []


def test_files_sharing_a_name_never_overlap() -> None:
    pool = _Pool(4, names=3)  # 60 files over 3 names: at most 3 in flight, never two per name
    pool.run_pool(deque(range(60)))
    assert pool.sent == Counter(range(60)) and pool.peak <= 3


def test_a_stop_puts_back_what_never_started() -> None:
    pool = _Pool(3, batch=20, fail_at=30)
    pool.run_pool(deque(range(200)))
    started = set(pool.sent)
    assert 30 in started and len(started) < 200
    assert set(pool.settled) == started and sorted(pool.recorded) == sorted(started)
    assert set(pool.put_back) == set(pool.claimed_ids) - started  # claimed, never sent
    assert set(pool.claimed_ids) < set(range(200))  # nothing claimed once stopping


def test_a_worker_crash_reaches_the_caller_after_the_others_finish() -> None:
    pool = _Pool(4, crash_at=50)
    with pytest.raises(KeyError):
        pool.run_pool(deque(range(200)))
    assert 50 not in pool.sent and len(pool.sent) < 199
    assert sorted(pool.recorded) == sorted(pool.settled) == sorted(pool.sent)  # none lost
    assert set(pool.put_back) == set(pool.claimed_ids) - set(pool.sent) - {50}
