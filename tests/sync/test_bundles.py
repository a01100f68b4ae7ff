"""Sync bundles: export → verify → import round trip, and every kind of bad bundle refused."""

from __future__ import annotations

import base64
import json
import stat
import zipfile
from datetime import date
from pathlib import Path

import pytest
from sqlmodel import select

from assessor_app.evidence.blobstore import blob_store
from assessor_app.store.engine import head_revision
from assessor_app.store.models import (
    Attachment,
    Criterion,
    EvidenceCriterion,
    EvidenceItem,
    ImportedBundle,
    Judgement,
    Learner,
    QuestionAnswer,
    Unit,
    UnitVersion,
)
from assessor_app.store.models._common import utcnow
from assessor_app.sync.bundle_export import BundleProgress, export_bundle
from assessor_app.sync.bundle_import import (
    BundleRejected,
    import_bundle,
    imported_folder,
    read_imported_file,
)
from assessor_app.sync.bundle_signing import signer_for_store
from assessor_app.sync.bundle_verify import verify_bundle
from tests.sync.helpers import file_ers

LEARNER_NAME = "Priya Wojcik-Example"


def _seed(store, tmp_path: Path) -> dict[str, int]:  # noqa: ANN001
    """Two learners, ERS PDFs, evidence with mapping, Q&A, a photo, and judgements."""
    f1 = file_ers(store, "bundle one", registration="REG-A1", unit_ref="K/503/8194")
    f2 = file_ers(store, "bundle two", registration="REG-B2", unit_ref="K/503/8194")
    photo = tmp_path / f"{LEARNER_NAME} photo.jpg"
    photo.write_bytes(b"\xff\xd8\xff" + bytes(range(256)) * 40)
    blob = blob_store(store).put_file(photo)
    with store.session() as s:
        a1 = s.exec(select(Learner).where(Learner.registration == "REG-A1")).one()
        a1.name = LEARNER_NAME
        s.add(a1)
        unit = s.exec(select(Unit).where(Unit.reference == "K/503/8194")).one()
        version = s.exec(select(UnitVersion).where(UnitVersion.unit_id == unit.id)).one()
        # the unit's one criterion, made by file_ers (its ERS items are unmapped or filed)
        crit = s.exec(select(Criterion).where(Criterion.version_id == version.id)).one()
        item = EvidenceItem(learner_id=a1.id, kind="observation", date=date(2025, 3, 4),
                            title=f"Observed {LEARNER_NAME}", text="Did the job well")
        s.add(item)
        s.flush()
        s.add(EvidenceCriterion(evidence_id=item.id, criterion_id=crit.id))
        s.add(QuestionAnswer(evidence_id=item.id, position=1, question="Why?", answer="Safety",
                             satisfied=True))
        s.add(Attachment(evidence_id=item.id, sha256=blob.sha256, filename=photo.name,
                         mime="image/jpeg", size=blob.size))
        s.add(Judgement(learner_id=a1.id, criterion_id=crit.id, state="met", reason="seen",
                        evidence_ids_json=json.dumps([item.id])))
        b2 = s.exec(select(Learner).where(Learner.registration == "REG-B2")).one()
        return {"learner_a": a1.id, "learner_b": b2.id, "evidence": item.id, "ers_a": f1.ers_document_id,
                "ers_b": f2.ers_document_id}


@pytest.fixture
def bundle(store, tmp_path: Path) -> tuple[Path, dict[str, int]]:  # noqa: ANN001
    ids = _seed(store, tmp_path)
    out = tmp_path / "out" / "bundle.zip"
    events: list[BundleProgress] = []
    result = export_bundle(store, out, signer_for_store(store), progress=events.append)
    assert result.path == out and out.is_file()
    assert events[-1].phase == "done" and events[-1].files_done == result.file_count
    return out, ids


def _rewrite(src: Path, dst: Path, change) -> None:  # noqa: ANN001
    """Copy a zip member by member through `change(name, data) -> list[(ZipInfo|name, data)]`."""
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w") as zout:
        for info in zin.infolist():
            for name_or_info, data in change(info.filename, zin.read(info.filename)):
                zout.writestr(name_or_info, data)


def _files_written(store) -> list[Path]:  # noqa: ANN001
    root = store.files_dir / "imported"
    return sorted(root.rglob("*")) if root.exists() else []


def test_round_trip(store, bundle, tmp_path: Path) -> None:
    out, ids = bundle
    with zipfile.ZipFile(out) as zf:
        names = zf.namelist()
        manifest = json.loads(zf.read("manifest.json"))
        evidence = json.loads(zf.read(f"evidence/{ids['learner_a']}/{ids['evidence']}.json"))
    assert not any("Priya" in n or "Wojcik" in n for n in names)  # no learner names in paths
    kinds = sorted(f["kind"] for f in manifest["files"])
    # per learner: the evidence and judgement behind their filed ERS; learner A also the
    # observation with a photo
    assert kinds == ["attachment", "ers", "ers", "evidence", "evidence", "evidence",
                     "judgements", "judgements"]
    assert manifest["schema_version"] == head_revision()  # the revision the database is at
    assert {m["registration"] for m in manifest["learners"]} == {"REG-A1", "REG-B2"}
    assert all(m["units"] == ["K/503/8194"] for m in manifest["learners"])
    assert evidence["criteria"][0]["number"] == "1.1"
    assert evidence["questions"][0]["answer"] == "Safety"
    assert evidence["attachments"][0]["path"] in names
    report = verify_bundle(out)
    assert report.ok, report.problems
    result = import_bundle(store, out)
    assert not result.already_imported and result.file_count == 8
    folder = imported_folder(store, report.manifest_sha256)
    assert read_imported_file(store, report.manifest_sha256, "manifest.json") \
        == report.manifest_bytes
    assert report.manifest_bytes not in (folder / "manifest.json").read_bytes()  # encrypted
    for f in manifest["files"]:
        assert (folder / f["path"]).is_file()
        assert len(read_imported_file(store, report.manifest_sha256, f["path"])) == f["size"]
    again = import_bundle(store, out)
    assert again.already_imported and again.bundle_id == result.bundle_id
    with store.session() as s:
        assert len(s.exec(select(ImportedBundle)).all()) == 1


def test_export_one_learner_since(store, bundle, tmp_path: Path) -> None:
    _out, ids = bundle
    one = tmp_path / "one.zip"
    export_bundle(store, one, signer_for_store(store), learner_registration="REG-B2")
    with zipfile.ZipFile(one) as zf:
        manifest = json.loads(zf.read("manifest.json"))
    assert [m["registration"] for m in manifest["learners"]] == ["REG-B2"]
    assert [f["ers_document_id"] for f in manifest["files"] if f["kind"] == "ers"] == [
        ids["ers_b"]]
    assert {f["learner_id"] for f in manifest["files"]} == {ids["learner_b"]}
    future = tmp_path / "future.zip"
    export_bundle(store, future, signer_for_store(store), since=date(utcnow().year + 1, 1, 1))
    with zipfile.ZipFile(future) as zf:
        assert json.loads(zf.read("manifest.json"))["files"] == []


def _tamper_byte(src: Path, dst: Path) -> None:
    def change(name: str, data: bytes):  # noqa: ANN202
        if name.startswith("ers/"):
            data = bytearray(data)
            data[100] ^= 0x01
            data = bytes(data)
        return [(name, data)]

    _rewrite(src, dst, change)


def _raw_byte_flip(src: Path, dst: Path) -> None:
    """One byte changed in the zip file itself (CRC no longer matches)."""
    data = bytearray(src.read_bytes())
    with zipfile.ZipFile(src) as zf:
        info = next(i for i in zf.infolist() if i.filename.startswith("ers/"))
    offset = info.header_offset + 30 + len(info.filename.encode()) + len(info.extra) + 200
    data[offset] ^= 0x01
    dst.write_bytes(bytes(data))


def _remove_file(src: Path, dst: Path) -> None:
    _rewrite(src, dst, lambda n, d: [] if n.startswith("attachments/") else [(n, d)])


def _slip(src: Path, dst: Path) -> None:
    _rewrite(src, dst, lambda n, d: [(n, d)] + ([("../../x", b"evil")] if n == "manifest.json"
                                                else []))


def _absolute(src: Path, dst: Path) -> None:
    _rewrite(src, dst, lambda n, d: [(n, d)] + ([("/etc/x", b"evil")] if n == "manifest.json"
                                                else []))


def _symlink(src: Path, dst: Path) -> None:
    def change(name: str, data: bytes):  # noqa: ANN202
        if not name.startswith("attachments/"):
            return [(name, data)]
        info = zipfile.ZipInfo(name)
        info.external_attr = (stat.S_IFLNK | 0o777) << 16
        return [(info, b"/etc/passwd")]

    _rewrite(src, dst, change)


def _extra_file(src: Path, dst: Path) -> None:
    _rewrite(src, dst, lambda n, d: [(n, d)] + ([("ers/extra.pdf", b"%PDF")]
                                                if n == "manifest.json" else []))


def _duplicate(src: Path, dst: Path) -> None:
    import warnings

    warnings.simplefilter("ignore", UserWarning)  # zipfile warns about the duplicate name
    _rewrite(src, dst, lambda n, d: [(n, d), (n, d)] if n.startswith("ers/") else [(n, d)])


def _truncate(src: Path, dst: Path) -> None:
    data = src.read_bytes()
    dst.write_bytes(data[: len(data) * 2 // 3])


def _bad_signature(src: Path, dst: Path) -> None:
    def change(name: str, data: bytes):  # noqa: ANN202
        if name == "manifest.sig":
            sig = bytearray(base64.b64decode(data))
            sig[0] ^= 0x01
            return [(name, base64.b64encode(bytes(sig)))]
        return [(name, data)]

    _rewrite(src, dst, change)


def _edited_manifest(src: Path, dst: Path) -> None:
    """Tamper a file AND update its hash in the manifest: only the signature catches it."""
    def change(name: str, data: bytes):  # noqa: ANN202
        if name == "manifest.json":
            m = json.loads(data)
            m["learners"][0]["registration"] = "REG-FORGED"
            return [(name, json.dumps(m).encode())]
        return [(name, data)]

    _rewrite(src, dst, change)


def _oversized(src: Path, dst: Path) -> None:
    big = b"\0" * (1024 * 1024)

    def change(name: str, data: bytes):  # noqa: ANN202
        out = [(name, data)]
        if name == "manifest.json":
            info = zipfile.ZipInfo("attachments/" + "b" * 64)
            info.compress_type = zipfile.ZIP_DEFLATED
            out.append((info, big))
        return out

    _rewrite(src, dst, change)


@pytest.mark.parametrize(
    ("damage", "expected"),
    [
        (_tamper_byte, "SHA-256 does not match"),
        (_raw_byte_flip, "damaged"),
        (_remove_file, "missing from the zip"),
        (_slip, "'..'"),
        (_absolute, "absolute path"),
        (_symlink, "symbolic link"),
        (_extra_file, "not in the manifest"),
        (_duplicate, "twice"),
        (_truncate, "truncated"),
        (_bad_signature, "bad signature"),
        (_edited_manifest, "bad signature"),
        (_oversized, "zip bomb"),
    ],
    ids=lambda v: getattr(v, "__name__", v)[:20] if callable(v) else "",
)
def test_bad_bundles_refused_with_reason_and_nothing_written(
    store, bundle, tmp_path: Path, damage, expected: str  # noqa: ANN001
) -> None:
    good, _ids = bundle
    bad = tmp_path / "bad.zip"
    damage(good, bad)
    report = verify_bundle(bad)
    assert not report.ok
    assert any(expected in p for p in report.problems), report.problems
    with pytest.raises(BundleRejected) as exc:
        import_bundle(store, bad)
    assert any(expected in p for p in exc.value.problems)
    assert _files_written(store) == []
    with store.session() as s:
        assert s.exec(select(ImportedBundle)).all() == []


def test_untrusted_key_refused(store, bundle) -> None:
    out, _ = bundle
    report = verify_bundle(out, trusted_keys={b"\x01" * 32})
    assert not report.ok and "not trusted" in report.problems[0]
    assert verify_bundle(out, trusted_keys={signer_for_store(store).public_key}).ok


def test_export_refuses_when_a_blob_is_missing(store, tmp_path: Path) -> None:
    f = file_ers(store, "missing")
    (store.files_dir / "ers" / f"{f.sha256}.pdf").unlink()
    out = tmp_path / "x.zip"
    from assessor_app.sync.bundle_export import BundleExportError

    with pytest.raises(BundleExportError, match="missing"):
        export_bundle(store, out, signer_for_store(store))
    assert not out.exists() and list(tmp_path.glob(".x.zip.tmp-*")) == []


def test_missing_file_and_oversized_entry_named(store, bundle, tmp_path: Path) -> None:
    out, _ = bundle
    assert verify_bundle(tmp_path / "nope.zip").problems == ["the bundle file does not exist"]
    report = verify_bundle(out, max_entry_bytes=1000)  # the PDFs are a few KB
    assert not report.ok and any("oversized entry" in p for p in report.problems)


def test_self_signed_malformed_manifest_is_refused_not_crashed(store, bundle,  # noqa: ANN001
                                                                tmp_path: Path) -> None:
    """Anyone can sign a manifest with their own key; its shape must still be checked before
    use, so a crafted one is refused with a reason rather than raising."""
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    key = Ed25519PrivateKey.generate()
    pub = key.public_key().public_bytes(serialization.Encoding.Raw,
                                        serialization.PublicFormat.Raw)
    good, _ids = bundle
    with zipfile.ZipFile(good) as zf:
        manifest = json.loads(zf.read("manifest.json"))
    manifest["assessor"] = "Mallory"  # a string where an object belongs
    data = json.dumps(manifest).encode()
    bad = tmp_path / "crafted.zip"
    with zipfile.ZipFile(bad, "w") as zf:
        zf.writestr("manifest.json", data)
        zf.writestr("manifest.sig", base64.b64encode(key.sign(data)))
        zf.writestr("public_key.txt", b"ed25519 " + base64.b64encode(pub))
    report = verify_bundle(bad)
    assert not report.ok and report.assessor == ""
    assert any("public key does not match" in p for p in report.problems), report.problems
    with pytest.raises(BundleRejected):
        import_bundle(store, bad)
    assert _files_written(store) == []
