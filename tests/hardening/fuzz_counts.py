"""Tallies for the fuzz tests: every input tried ends as a clear error, an acceptance (checked to
be a correct one) or a traceback; the totals are printed at the end of each fuzz test and kept
in `fuzz-counts.json` under the pytest temp dir for the closing report."""

from __future__ import annotations

import json
import os
from collections import Counter
from pathlib import Path


class FuzzTally:
    def __init__(self, name: str) -> None:
        self.name = name
        self.counts: Counter[str] = Counter()
        self.tracebacks: list[str] = []

    def clear_error(self) -> None:
        self.counts["clear errors"] += 1

    def accepted(self) -> None:
        self.counts["accepted"] += 1

    def wrongly_accepted(self, what: str) -> None:
        self.counts["wrongly accepted"] += 1
        self.tracebacks.append(f"wrongly accepted: {what}")

    def traceback(self, exc: BaseException) -> None:
        self.counts["tracebacks"] += 1
        self.tracebacks.append(f"{exc.__class__.__name__}: {str(exc)[:800]}")

    def summary(self) -> str:
        tried = sum(self.counts.values())
        parts = ", ".join(f"{k} {self.counts.get(k, 0)}" for k in
                          ("clear errors", "accepted", "wrongly accepted", "tracebacks"))
        return f"{self.name}: inputs tried {tried}, {parts}"

    def save(self) -> None:
        folder = Path(os.environ.get("ASSESSOR_FUZZ_REPORT_DIR", "/tmp"))
        path = folder / "assessor-fuzz-counts.json"
        try:
            data = json.loads(path.read_text()) if path.exists() else {}
        except ValueError:
            data = {}
        data[self.name] = dict(self.counts)
        path.write_text(json.dumps(data, indent=2, sort_keys=True))
