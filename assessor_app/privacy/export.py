"""A subject access request: everything held about one learner as a readable zip.

``learner.json`` (every row, by table), ``attachments/`` (the files as attached), ``ers/`` (the
filed, signed ERS PDFs) and a short ``README.txt``. The zip is plaintext on purpose: it is for
the learner to read. It is written crash-safely and private (0600) to the path the user named.
"""

from __future__ import annotations

import json
import re
import zipfile
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from assessor_app.ers.filing import read_ers_bytes
from assessor_app.evidence.blobstore import blob_store
from assessor_app.evidence.learners import find_learner
from assessor_app.privacy.records import gather
from assessor_app.privacy.retention import retention_for
from assessor_app.store import Store
from assessor_app.store.files import atomic_writer

README = """Everything this assessor's app holds about one learner.

learner.json   every record, grouped by kind (visits, evidence, questions, judgements,
               sign-offs, signatures, filed documents ...), dates in ISO 8601 (UTC)
attachments/   photos and documents attached to the evidence, as they were attached
ers/           the signed Evidence Record Sheets (PDF) filed for this learner
"""


@dataclass(frozen=True)
class ExportSummary:
    path: Path
    rows: int
    attachments: int
    documents: int


def _safe(name: str) -> str:
    return re.sub(r"[^A-Za-z0-9._ -]+", "_", name).strip() or "file"


def export_learner(store: Store, registration: str, out: Path) -> ExportSummary:
    """Write the learner's zip to `out`; `NotFound` if no learner has that registration."""
    blobs = blob_store(store)
    with store.read_session() as session:
        learner = find_learner(session, registration)
        assert learner.id is not None
        records = gather(session, learner)
        retention = retention_for(session, learner.id)
    data = records.as_json()
    data["exported_at"] = datetime.now(UTC).isoformat()
    data["retention"] = {"years": retention.years, "explanation": retention.explain()}
    out = Path(out)
    attachments = records.rows.get("attachment", [])
    documents = records.rows.get("ers_document", [])
    with atomic_writer(out, mode=0o600) as fh, zipfile.ZipFile(fh, "w",
                                                               zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("README.txt", README)
        zf.writestr("learner.json", json.dumps(data, indent=2, ensure_ascii=False))
        for a in attachments:
            zf.writestr(f"attachments/{a.id}-{_safe(a.filename)}",  # type: ignore[attr-defined]
                        blobs.read_bytes(a.sha256))  # type: ignore[attr-defined]
        for d in documents:
            zf.writestr(f"ers/{_safe(d.filename)}",  # type: ignore[attr-defined]
                        read_ers_bytes(store, d.sha256))  # type: ignore[attr-defined]
    rows = 1 + sum(len(r) for r in records.rows.values())
    return ExportSummary(out, rows, len(attachments), len(documents))
