from __future__ import annotations

import hashlib
import io
import json

import pytest
from pypdf import PdfReader

from assessor_app.ers.layout import render_ers
from assessor_app.ers.pdf_signing import CONTENT_ATTACHMENT, sign_ers_pdf, verify_pdf
from assessor_app.ers.view import view_for_signoff
from assessor_app.signoff.keys import AssessorIdentity, load_or_create_identity
from assessor_app.store import Store
from assessor_app.store.models import SignOff
from tests.ers.conftest import Signed


@pytest.fixture
def signed_pdf(store: Store, signed: Signed, identity: AssessorIdentity) -> bytes:
    with store.session() as s:
        so = s.get(SignOff, signed.signoff_id)
        pdf = render_ers(view_for_signoff(s, signed.signoff_id))
    return sign_ers_pdf(pdf, identity, content_hash=so.content_hash, content_json=so.content_json)


def test_signed_pdf_verifies_and_carries_the_content(store: Store, signed: Signed,
                                                     signed_pdf: bytes,
                                                     identity: AssessorIdentity) -> None:
    result = verify_pdf(signed_pdf)
    assert result.ok, result.problem
    with store.session() as s:
        so = s.get(SignOff, signed.signoff_id)
    assert result.content_hash == so.content_hash
    assert result.signer == "Alex Morgan"
    assert result.certificate_sha256 == identity.certificate_sha256
    reader = PdfReader(io.BytesIO(signed_pdf))
    attached = reader.attachments[CONTENT_ATTACHMENT][0]
    assert hashlib.sha256(attached).hexdigest() == so.content_hash
    assert json.loads(attached)["unit"]["reference"] == "H/601/1232"
    assert verify_pdf(signed_pdf, trusted_fingerprints={identity.certificate_sha256}).ok


def test_one_changed_byte_in_the_info_dictionary_fails(signed_pdf: bytes) -> None:
    at = signed_pdf.index(b"/Creator")
    tampered = bytearray(signed_pdf)
    # change a letter inside the creator string: the file still parses, the digest differs
    end = signed_pdf.index(b")", at)
    tampered[end - 1] ^= 0x01
    result = verify_pdf(bytes(tampered))
    assert not result.ok and "changed after it was signed" in result.problem


def test_appended_bytes_fail(signed_pdf: bytes) -> None:
    result = verify_pdf(signed_pdf + b"\n% appended\n")
    assert not result.ok and "added" in result.problem


def test_every_single_byte_flip_in_the_signed_range_is_caught(signed_pdf: bytes) -> None:
    """Flip bytes spread over the whole file; none may leave a verifying document."""
    step = max(1, len(signed_pdf) // 60)
    for pos in range(0, len(signed_pdf), step):
        tampered = bytearray(signed_pdf)
        tampered[pos] ^= 0x20
        if bytes(tampered) == signed_pdf:
            continue
        assert not verify_pdf(bytes(tampered)).ok, pos


def test_unsigned_pdf_fails(store: Store, signed: Signed) -> None:
    with store.session() as s:
        pdf = render_ers(view_for_signoff(s, signed.signoff_id))
    result = verify_pdf(pdf)
    assert not result.ok and "no digital signature" in result.problem
    assert not verify_pdf(b"not a pdf at all").ok


def test_untrusted_certificate_is_reported_when_trust_is_required(
        store: Store, signed_pdf: bytes, tmp_path) -> None:  # noqa: ANN001
    other = load_or_create_identity(tmp_path / "other-keys", "Mallory",
                                    passphrase="another passphrase")
    result = verify_pdf(signed_pdf, trusted_fingerprints={other.certificate_sha256})
    assert not result.ok and "trusted" in result.problem


def test_content_hash_mismatch_is_refused(store: Store, signed: Signed,
                                          identity: AssessorIdentity) -> None:
    with store.session() as s:
        so = s.get(SignOff, signed.signoff_id)
        pdf = render_ers(view_for_signoff(s, signed.signoff_id))
    with pytest.raises(ValueError):
        sign_ers_pdf(pdf, identity, content_hash="0" * 64, content_json=so.content_json)


def test_changed_padding_in_the_unsigned_contents_field_fails(signed_pdf: bytes) -> None:
    start = signed_pdf.index(b"/Contents <") + len(b"/Contents <")
    end = signed_pdf.index(b">", start)
    assert signed_pdf[end - 10:end] == b"0" * 10  # pyHanko reserves room and pads with zeros
    tampered = bytearray(signed_pdf)
    tampered[end - 5] = ord("1")
    result = verify_pdf(bytes(tampered))
    assert not result.ok and "signature field" in result.problem
