"""Voids reach the centre (real WsgiDAV): an ERS voided after it was sent gets a signed void
notice beside it; an ERS voided before it was sent is withheld and only its notice goes. The
centre folder never holds a valid-looking ERS of a void sign-off without its notice."""

from __future__ import annotations

from pathlib import Path

from sqlmodel import select

from assessor_app.ers.filing import file_ers
from assessor_app.evidence.items import update_evidence_text
from assessor_app.signoff.keys import AssessorIdentity, load_or_create_identity
from assessor_app.signoff.locks import unlock_evidence, unlock_unit
from assessor_app.signoff.service import start_signoff
from assessor_app.store import Store
from assessor_app.store.models import ErsDocument, OutboxItem, OutboxState, SignOff
from assessor_app.sync import outbox
from assessor_app.sync.bundle_signing import IdentitySigner
from assessor_app.sync.engine import sync_outbox
from assessor_app.sync.settings import SyncSettings
from assessor_app.sync.void_notices import SUFFIX, read_notice
from tests.signoff.factory import seed_scenario, sign_all
from tests.sync.helpers import remote_pdfs, sha256_file
from tests.webdav_server import PASSWORD, DavServer


def _sync(store: Store, server: DavServer, signer: IdentitySigner | None = None):  # noqa: ANN202
    settings = SyncSettings(base_url=server.url, username=server.user, centre="Centre 12")
    return sync_outbox(store, settings, PASSWORD, signer=signer)


def _sign_and_file(store: Store, identity: AssessorIdentity, learner_id: int,
                   unit_version_id: int) -> ErsDocument:
    with store.session() as s:
        so = start_signoff(s, learner_id, unit_version_id)
        sign_all(s, so.id)
    return file_ers(store, so.id, identity)  # type: ignore[arg-type]


def _notices(root: Path) -> dict[str, dict]:
    return {p.name: read_notice(p.read_bytes()) for p in root.rglob(f"*{SUFFIX}")}


def test_void_after_and_before_sending(store: Store, dav_server: DavServer) -> None:
    identity = load_or_create_identity(store, "Jo Carter")
    signer = IdentitySigner(identity)
    with store.session() as s:
        sc = seed_scenario(s)
    first = _sign_and_file(store, identity, sc.learner_id, sc.unit_version_id)
    assert _sync(store, dav_server).ok
    [sent_pdf] = remote_pdfs(dav_server.root)
    assert sha256_file(sent_pdf) == first.sha256

    # void after sending: the PDF stays (the centre has it), a signed notice goes beside it
    with store.session() as s:
        unlock_evidence(s, sc.observation_id, "wrong shop named in OBS-1", actor="Jo Carter")
    summary = _sync(store, dav_server, signer)
    assert summary.ok, summary
    notices = _notices(dav_server.root)
    [(name, notice)] = notices.items()
    assert (sent_pdf.parent / name).is_file() and name.startswith(sent_pdf.stem)
    assert notice["ers_sha256"] == first.sha256 and notice["ers_was_sent"] is True
    assert "wrong shop named in OBS-1" in notice["reason"] and notice["voided_by"] == "Jo Carter"
    assert notice["signoff_id"] == first.signoff_id and notice["voided_at"]

    # a second sign-off, filed and queued, then voided before any sync
    update_evidence_text(store, sc.observation_id, "Corrected narrative")
    second = _sign_and_file(store, identity, sc.learner_id, sc.unit_version_id)
    with store.session() as s:
        unlock_unit(s, sc.learner_id, sc.unit_version_id, "IQA: 2.3 needs more", "Jo Carter")
    summary = _sync(store, dav_server)  # no key this time: the ERS is still withheld
    assert summary.ok
    shas = {sha256_file(p) for p in remote_pdfs(dav_server.root)}
    assert second.sha256 not in shas
    with store.session() as s:
        row = s.exec(select(OutboxItem).where(
            OutboxItem.ers_document_id == second.id)).one()
        assert row.state == OutboxState.WITHHELD.value
        assert outbox.outbox_status(s).pending == 0
    assert _sync(store, dav_server, signer).ok  # with the key, its notice is queued and sent
    notices = _notices(dav_server.root)
    assert len(notices) == 2
    late = next(n for n in notices.values() if n["ers_sha256"] == second.sha256)
    assert late["ers_was_sent"] is False and "IQA: 2.3 needs more" in late["reason"]
    assert second.sha256 not in {sha256_file(p) for p in remote_pdfs(dav_server.root)}
    # every PDF on the server is either of a standing sign-off or has its notice beside it
    with store.session() as s:
        for pdf in remote_pdfs(dav_server.root):
            doc = s.exec(select(ErsDocument).where(
                ErsDocument.sha256 == sha256_file(pdf))).one()
            if s.get(SignOff, doc.signoff_id).status == "void":  # type: ignore[union-attr]
                assert (pdf.parent / f"{pdf.stem}{SUFFIX}").is_file()


def test_a_tampered_notice_is_refused(store: Store, dav_server: DavServer) -> None:
    import json

    import pytest

    from assessor_app.sync.void_notices import BadNotice

    identity = load_or_create_identity(store, "Jo Carter")
    with store.session() as s:
        sc = seed_scenario(s)
    _sign_and_file(store, identity, sc.learner_id, sc.unit_version_id)
    with store.session() as s:
        unlock_evidence(s, sc.observation_id, "typo", actor="Jo Carter")
    assert _sync(store, dav_server, IdentitySigner(identity)).ok
    [path] = list(dav_server.root.rglob(f"*{SUFFIX}"))
    doc = json.loads(path.read_bytes())
    doc["notice"]["reason"] = "nothing happened"
    with pytest.raises(BadNotice):
        read_notice(json.dumps(doc).encode())


def test_bundles_carry_the_notice_not_the_void_sheet(store: Store, dav_server: DavServer,
                                                     tmp_path: Path) -> None:
    import zipfile

    from assessor_app.store.models import Learner
    from assessor_app.sync.bundle_export import export_bundle
    from assessor_app.sync.bundle_verify import verify_bundle

    identity = load_or_create_identity(store, "Jo Carter")
    signer = IdentitySigner(identity)
    with store.session() as s:
        sc = seed_scenario(s)
        registration = s.get(Learner, sc.learner_id).registration  # type: ignore[union-attr]
    doc = _sign_and_file(store, identity, sc.learner_id, sc.unit_version_id)
    with store.session() as s:
        unlock_evidence(s, sc.observation_id, "date corrected", actor="Jo Carter")
    assert _sync(store, dav_server, signer).ok
    out = tmp_path / "iqa.zip"
    export_bundle(store, out, signer, learner_registration=registration)
    assert verify_bundle(out).ok
    with zipfile.ZipFile(out) as zf:
        names = zf.namelist()
        notices = [n for n in names if n.startswith("void-notices/")]
        assert len(notices) == 1
        notice = read_notice(zf.read(notices[0]))
    assert notice["ers_sha256"] == doc.sha256 and notice["reason"].startswith("date corrected")
    assert not any(doc.sha256 in n for n in names if n.endswith(".pdf"))
