"""PAdES-sign a rendered ERS with the assessor's key, and verify a signed ERS.

Signing attaches the canonical content as `ers-content.json` (so an IQA can recompute its hash)
and adds one PAdES signature whose reason names the content hash.

Verification (`verify_pdf`) passes only when:
- exactly one signature is present and the PDF parses;
- the signature is cryptographically valid and the signed bytes are intact (`status.intact`);
- it covers the entire file (`SignatureCoverageLevel.ENTIRE_FILE`): appended bytes or a later
  incremental update fail;
- the only bytes outside the signed range (the /Contents hex string) hold exactly the CMS
  signature and zero padding, so no single byte anywhere can change unnoticed;
- the attached content's SHA-256 equals the hash in the signed metadata and the signature reason.

The certificate is usually the assessor's self-signed one, which no one's trust store knows, so
trust is reported (with the certificate fingerprint to compare) rather than required, unless
`trusted_fingerprints` is given.
"""

from __future__ import annotations

import hashlib
import io
import re
from collections.abc import Collection
from dataclasses import dataclass
from pathlib import Path

from pyhanko.pdf_utils import embed
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign import fields, signers
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko.sign.validation.status import SignatureCoverageLevel
from pyhanko_certvalidator import ValidationContext

from assessor_app.signoff.keys import AssessorIdentity

CONTENT_ATTACHMENT = "ers-content.json"
FIELD_NAME = "AssessorSignature"
_HASH_RE = re.compile(r"content-sha256:([0-9a-f]{64})")


def sign_ers_pdf(pdf: bytes, identity: AssessorIdentity, *, content_hash: str,
                 content_json: str | None = None, location: str | None = None,
                 attachments: dict[str, bytes] | None = None) -> bytes:
    """Return the PDF with the canonical content (and any other `attachments`, e.g. the audit
    trail's head) attached and a PAdES signature added over all of it."""
    writer = IncrementalPdfFileWriter(io.BytesIO(pdf), strict=False)
    for name, data in (attachments or {}).items():
        extra = embed.EmbeddedFileObject.from_file_data(writer, data,
                                                        mime_type="application/json")
        embed.embed_file(writer, embed.FileSpec(file_spec_string=name, file_name=name,
                                                embedded_data=extra))
    if content_json is not None:
        data = content_json.encode("utf-8")
        if hashlib.sha256(data).hexdigest() != content_hash:
            raise ValueError("content_json does not match content_hash")
        ef = embed.EmbeddedFileObject.from_file_data(writer, data, mime_type="application/json")
        embed.embed_file(writer, embed.FileSpec(
            file_spec_string=CONTENT_ATTACHMENT, file_name=CONTENT_ATTACHMENT, embedded_data=ef,
            description="Canonical ERS content; its SHA-256 is the content hash signed below"))
    meta = signers.PdfSignatureMetadata(
        field_name=FIELD_NAME, subfilter=fields.SigSeedSubFilter.PADES, md_algorithm="sha256",
        reason=f"Evidence Record Sheet content-sha256:{content_hash}", name=identity.name,
        location=location)
    out = io.BytesIO()
    signers.sign_pdf(writer, meta, signer=identity.pades_signer(), output=out)
    return out.getvalue()


@dataclass(frozen=True)
class VerifyResult:
    ok: bool
    summary: str
    problem: str = ""
    content_hash: str = ""
    signer: str = ""
    certificate_sha256: str = ""


def _fail(problem: str, **kw: str) -> VerifyResult:
    return VerifyResult(False, f"NOT VALID: {problem}", problem, **kw)


def _attached_content(reader: PdfFileReader) -> bytes | None:
    try:
        names = reader.root["/Names"]["/EmbeddedFiles"]["/Names"]
    except KeyError:
        return None
    for i in range(0, len(names) - 1, 2):
        if str(names[i]) == CONTENT_ATTACHMENT:
            spec = names[i + 1].get_object()
            return spec["/EF"]["/F"].get_object().data
    return None


def _gap_untouched(data: bytes, byte_range: list[int]) -> bool:
    """The one unsigned region is the /Contents hex string. A valid signature pins the CMS bytes
    inside it; this pins the rest: only hex digits, and zero padding after the DER structure."""
    _, len1, start2, _ = (int(x) for x in byte_range)
    gap = data[len1:start2]
    if len(gap) < 2 or gap[:1] != b"<" or gap[-1:] != b">":
        return False
    hexpart = gap[1:-1]
    # pyHanko writes upper-case hex; a case flip decodes the same but is still a changed byte
    if not re.fullmatch(rb"[0-9A-F]*", hexpart) or len(hexpart) % 2:
        return False
    der = bytes.fromhex(hexpart.decode())
    used = _der_length(der)
    return used is not None and set(hexpart[2 * used:]) <= {ord("0")}


def _der_length(der: bytes) -> int | None:
    """Total length of the DER value at the start of `der` (tag, length, contents)."""
    if len(der) < 2:
        return None
    first = der[1]
    if first < 0x80:
        return 2 + first
    n = first & 0x7F
    if n == 0 or len(der) < 2 + n:
        return None
    return 2 + n + int.from_bytes(der[2:2 + n], "big")


def verify_pdf(source: str | Path | bytes,
               trusted_fingerprints: Collection[str] | None = None) -> VerifyResult:
    """Check a signed ERS; never raises for a bad or damaged file (the problem is reported)."""
    data = source if isinstance(source, bytes) else Path(source).read_bytes()
    try:
        reader = PdfFileReader(io.BytesIO(data), strict=False)
        sigs = reader.embedded_regular_signatures
    except Exception:  # noqa: BLE001 - any parse failure means a damaged file
        return _fail("the file is not a readable PDF: it is damaged or not a PDF at all. "
                     "Ask for the ERS again from the copy that was sent.")
    if not sigs:
        return _fail("the PDF carries no digital signature.")
    if len(sigs) != 1:
        return _fail(f"expected one signature, found {len(sigs)}.")
    sig = sigs[0]
    try:
        cert = sig.signer_cert
        vc = ValidationContext(trust_roots=[cert], allow_fetching=False)
        status = validate_pdf_signature(sig, signer_validation_context=vc)
    except Exception as exc:  # noqa: BLE001 - malformed signature data
        return _fail(f"the signature could not be checked ({exc.__class__.__name__}).")
    fingerprint = hashlib.sha256(cert.dump()).hexdigest()
    signer = str(cert.subject.native.get("common_name", ""))
    who = {"signer": signer, "certificate_sha256": fingerprint}
    if not status.intact:
        return _fail("the document was changed after it was signed (signed bytes altered).",
                     **who)
    if not status.valid:
        return _fail("the signature does not match the signer's certificate.", **who)
    if status.coverage != SignatureCoverageLevel.ENTIRE_FILE:
        return _fail("bytes were added to the file after it was signed.", **who)
    if not _gap_untouched(data, list(sig.byte_range)):
        return _fail("the signature field was changed after signing.", **who)
    if not status.bottom_line:
        return _fail("the signature failed validation (" + status.summary() + ").", **who)
    if trusted_fingerprints is not None and fingerprint not in set(trusted_fingerprints):
        return _fail("the signing certificate is not one of the trusted assessors'.", **who)

    info = reader.trailer["/Info"].get_object() if "/Info" in reader.trailer else {}
    subject_hash = _HASH_RE.search(str(info.get("/Subject", "")))
    reason_hash = _HASH_RE.search(str(sig.sig_object.get("/Reason", "")))
    if not subject_hash or not reason_hash or subject_hash.group(1) != reason_hash.group(1):
        return _fail("the signed content hash is missing or inconsistent.", **who)
    stated = reason_hash.group(1)
    attached = _attached_content(reader)
    if attached is None:
        return _fail("the canonical content attachment is missing.", **who)
    if hashlib.sha256(attached).hexdigest() != stated:
        return _fail("the attached content does not match the signed content hash.", **who)
    trust = "trusted certificate" if trusted_fingerprints is not None else \
        "self-signed certificate"
    summary = (f"OK: signed by {signer} ({trust} {fingerprint[:16]}), intact, whole file "
               f"covered; content hash {stated[:16]}")
    return VerifyResult(True, summary, "", stated, signer, fingerprint)
