"""ERS timings: gathering content, rendering, PAdES signing, verifying and filing, for the seed unit
(17 criteria, 3 evidence items) and a large unit. A plain script, not a test:

    .venv/bin/python benchmarks/bench_ers.py [REPEATS]
"""

from __future__ import annotations

import io
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from pypdf import PdfReader  # noqa: E402

from assessor_app.ers.filing import file_ers  # noqa: E402
from assessor_app.ers.layout import render_ers  # noqa: E402
from assessor_app.ers.pdf_signing import sign_ers_pdf, verify_pdf  # noqa: E402
from assessor_app.ers.view import view_for_signoff  # noqa: E402
from assessor_app.signoff.content import build_ers_content  # noqa: E402
from assessor_app.signoff.keys import AssessorIdentity, load_or_create_identity  # noqa: E402
from assessor_app.signoff.service import start_signoff  # noqa: E402
from assessor_app.store import Store, open_store  # noqa: E402
from assessor_app.store.models import SignOff  # noqa: E402
from tests.signoff.factory import (  # noqa: E402
    add_evidence,
    add_learner,
    add_unit,
    big_unit_spec,
    judge,
    seed_scenario,
    sign_all,
)


def _time(fn: Callable[[], object], repeats: int) -> float:
    samples = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        fn()
        samples.append(time.perf_counter() - t0)
    return statistics.median(samples) * 1000


def _big(store: Store) -> tuple[int, int, int]:
    with store.session() as s:
        unit = add_unit(s, big_unit_spec(10, 10))
        learner = add_learner(s, unit, registration="R9000")
        crits = list(unit.criteria.values())
        for i in range(30):
            add_evidence(s, learner, "observation", date(2025, 10, 1 + i % 28), f"Visit {i}",
                         "A long narrative of what the learner did. " * 25,
                         crits[i * 3:(i * 3) + 6], start_time="09:00", end_time="10:00")
        judge(s, learner, crits)
        so = start_signoff(s, learner.id, unit.version.id)  # type: ignore[arg-type]
        sign_all(s, so.id)  # type: ignore[arg-type]
        return learner.id, unit.version.id, so.id  # type: ignore[return-value]


def _measure(name: str, store: Store, identity: AssessorIdentity, learner_id: int, uv_id: int,
             so_id: int, *, repeats: int) -> str:
    with store.session() as s:
        t_content = _time(lambda: build_ers_content(s, learner_id, uv_id), repeats)
        view = view_for_signoff(s, so_id)
        row = s.get(SignOff, so_id)
        assert row is not None
    pdf = render_ers(view)

    def sign() -> bytes:
        return sign_ers_pdf(pdf, identity, content_hash=row.content_hash,
                            content_json=row.content_json)

    signed = sign()
    t_render = _time(lambda: render_ers(view), repeats)
    t_sign = _time(sign, repeats)
    t_verify = _time(lambda: verify_pdf(signed), repeats)
    t_file = _time(lambda: file_ers(store, so_id, identity, refile=True), repeats)
    pages = len(PdfReader(io.BytesIO(signed)).pages)
    return (f"{name:24} {t_content:8.1f} {t_render:8.1f} {t_sign:8.1f} {t_verify:8.1f} "
            f"{t_file:8.1f} {pages:6d} {len(signed) / 1024:6.0f}")


def main() -> None:
    repeats = int(sys.argv[1]) if len(sys.argv) > 1 else 5
    with tempfile.TemporaryDirectory() as tmp:
        store = open_store(Path(tmp) / "bench.sqlite3")
        identity = load_or_create_identity(Path(tmp) / "keys", "Bench Assessor",
                                           passphrase="bench")
        with store.session() as s:
            sc = seed_scenario(s)
            so = start_signoff(s, sc.learner_id, sc.unit_version_id)
            sign_all(s, so.id)  # type: ignore[arg-type]
        cases = {"seed unit": (sc.learner_id, sc.unit_version_id, so.id),
                 "100 criteria, 30 obs.": _big(store)}
        print(f"{'case':24} {'content':>8} {'render':>8} {'sign':>8} {'verify':>8} "
              f"{'file':>8} {'pages':>6} {'KB':>6}  (ms, median of {repeats})")
        for name, ids in cases.items():
            print(_measure(name, store, identity, *ids, repeats=repeats))
        store.close()


if __name__ == "__main__":
    main()
