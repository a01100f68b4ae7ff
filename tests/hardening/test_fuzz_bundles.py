"""Fuzzing bundle verify and import (hypothesis, bounded): bit flips (many inside deflated
members), the encryption flag, unknown compression methods, truncation, overwritten runs and
deeply nested but validly signed manifests. Every input must end as a clear refusal (problems
named, nothing written) or a correct acceptance — never an exception."""

from __future__ import annotations

import base64
import io
import json
import os
import struct
import zipfile
from pathlib import Path

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlmodel import select

from assessor_app.store import Store
from assessor_app.store.models import ImportedBundle
from assessor_app.sync.bundle_export import export_bundle
from assessor_app.sync.bundle_format import FORMAT, MANIFEST, PUBLIC_KEY, SIGNATURE
from assessor_app.sync.bundle_import import BundleRejected, import_bundle
from assessor_app.sync.bundle_signing import signer_for_store
from assessor_app.sync.bundle_verify import verify_bundle
from tests.hardening.fuzz_counts import FuzzTally
from tests.sync.helpers import file_ers

EXAMPLES = int(os.environ.get("ASSESSOR_FUZZ_EXAMPLES", "250"))


def _base_bundle(store: Store, tmp_path: Path) -> bytes:
    file_ers(store, "fuzz one", registration="REG-F1")
    file_ers(store, "fuzz two", registration="REG-F2")
    out = tmp_path / "base.zip"
    export_bundle(store, out, signer_for_store(store))
    return out.read_bytes()


def _headers(data: bytes) -> tuple[list[int], list[int], list[tuple[int, int]]]:
    """Offsets of local headers, central headers, and (start, end) of deflated data."""
    zf = zipfile.ZipFile(io.BytesIO(data))
    local, deflated = [], []
    for info in zf.infolist():
        local.append(info.header_offset)
        name_len, extra_len = struct.unpack("<HH", data[info.header_offset + 26:
                                                       info.header_offset + 30])
        start = info.header_offset + 30 + name_len + extra_len
        if info.compress_type == zipfile.ZIP_DEFLATED:
            deflated.append((start, start + info.compress_size))
    central, at = [], 0
    while (at := data.find(b"PK\x01\x02", at)) >= 0:
        central.append(at)
        at += 4
    return local, central, deflated


def _mutations(data: bytes) -> st.SearchStrategy:
    local, central, deflated = _headers(data)
    n = len(data)
    in_deflated = st.sampled_from(deflated).flatmap(
        lambda r: st.integers(r[0], max(r[0], r[1] - 1)))
    flip = st.tuples(st.just("flip"), st.one_of(in_deflated, st.integers(0, n - 1)),
                     st.integers(0, 7))
    return st.one_of(
        flip,
        st.tuples(st.just("flips"), st.lists(st.tuples(in_deflated, st.integers(0, 7)),
                                             min_size=2, max_size=8)),
        st.tuples(st.just("encrypt"), st.sampled_from(local + central)),
        st.tuples(st.just("method"), st.sampled_from(local + central),
                  st.sampled_from([1, 2, 6, 9, 12, 14, 93, 95, 98, 99, 0xFFFF])),
        st.tuples(st.just("truncate"), st.integers(0, n - 1)),
        st.tuples(st.just("overwrite"), st.integers(0, n - 1), st.binary(min_size=1,
                                                                          max_size=64)),
        st.tuples(st.just("nested"), st.integers(50, 200_000), st.sampled_from(
            ["files", "assessor", "format"])),
    )


def _apply(data: bytes, m: tuple) -> bytes:
    buf = bytearray(data)
    kind = m[0]
    if kind == "flip":
        buf[m[1]] ^= 1 << m[2]
    elif kind == "flips":
        for off, bit in m[1]:
            buf[off] ^= 1 << bit
    elif kind == "encrypt":
        flag_at = m[1] + (6 if buf[m[1] + 3] == 4 else 8)
        buf[flag_at] |= 1
    elif kind == "method":
        method_at = m[1] + (8 if buf[m[1] + 3] == 4 else 10)
        buf[method_at:method_at + 2] = struct.pack("<H", m[2])
    elif kind == "truncate":
        del buf[m[1]:]
    elif kind == "overwrite":
        buf[m[1]:m[1] + len(m[2])] = m[2]
    elif kind == "nested":
        return _nested_bundle(m[1], m[2])
    return bytes(buf)


def _nested_bundle(depth: int, where: str) -> bytes:
    """A manifest nested `depth` levels deep, properly signed by a (new) key."""
    key = Ed25519PrivateKey.generate()
    raw = key.public_key().public_bytes_raw()
    nest = "[" * depth + "]" * depth
    body = {"format": FORMAT, "assessor": {"name": "x", "public_key":
                                           base64.b64encode(raw).decode()}, "files": []}
    text = json.dumps(body)
    text = text.replace('"files": []', f'"files": {nest}') if where == "files" else \
        text.replace('"name": "x"', f'"name": {nest}') if where == "assessor" else \
        text.replace(f'"format": "{FORMAT}"', f'"format": {nest}')
    manifest = text.encode()
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr(MANIFEST, manifest)
        zf.writestr(SIGNATURE, base64.b64encode(key.sign(manifest)))
        zf.writestr(PUBLIC_KEY, b"ed25519 " + base64.b64encode(raw))
    return out.getvalue()


def _same_content(original: bytes, mutated: Path) -> bool:
    """An accepted bundle must carry exactly the signed manifest and the listed bytes."""
    with zipfile.ZipFile(io.BytesIO(original)) as a, zipfile.ZipFile(mutated) as b:
        names = [MANIFEST, *[f["path"] for f in json.loads(a.read(MANIFEST))["files"]]]
        return all(a.read(n) == b.read(n) for n in names)


def _imported_state(store: Store) -> tuple[int, list[str]]:
    with store.read_session() as s:
        rows = len(s.exec(select(ImportedBundle)).all())
    folder = store.files_dir / "imported"
    return rows, sorted(p.name for p in folder.iterdir()) if folder.exists() else []


def test_fuzz_bundle_verify_and_import(store: Store, tmp_path: Path) -> None:
    original = _base_bundle(store, tmp_path)
    verify_tally, import_tally = FuzzTally("bundle verify"), FuzzTally("bundle import")
    target = tmp_path / "mutated.zip"

    @settings(max_examples=EXAMPLES, deadline=None, database=None,
              suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
    @given(m=_mutations(original))
    def check(m: tuple) -> None:
        target.write_bytes(_apply(original, m))
        try:
            report = verify_bundle(target)
        except Exception as exc:  # noqa: BLE001 - counted: the goal is zero
            verify_tally.traceback(exc)
            return
        if report.ok:
            if m[0] != "nested" and _same_content(original, target):
                verify_tally.accepted()
            else:
                verify_tally.wrongly_accepted(repr(m)[:80])
        else:
            assert report.problems and all(isinstance(p, str) and p for p in report.problems)
            verify_tally.clear_error()
        before = _imported_state(store)
        try:
            import_bundle(store, target, accept_signer=True)
            import_tally.accepted()
        except BundleRejected as exc:
            assert exc.problems
            assert _imported_state(store) == before  # refused: nothing written
            import_tally.clear_error()
        except Exception as exc:  # noqa: BLE001
            import_tally.traceback(exc)

    check()
    for tally in (verify_tally, import_tally):
        print(tally.summary())
        tally.save()
    assert verify_tally.counts["tracebacks"] == 0, verify_tally.tracebacks[:5]
    assert verify_tally.counts["wrongly accepted"] == 0, verify_tally.tracebacks[:5]
    assert import_tally.counts["tracebacks"] == 0, import_tally.tracebacks[:5]
    assert verify_tally.counts["clear errors"] > EXAMPLES // 2
