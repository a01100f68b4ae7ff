"""The TLS context is built once per setting and shared by a run's connections, and a CA bundle
replaced on disk is read again (not served from the cache)."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from assessor_app.sync.settings import SyncSettings
from assessor_app.sync.webdav import WebDavClient, tls_context


def _ca_pem(name: str) -> bytes:
    key = ec.generate_private_key(ec.SECP256R1())
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, name)])
    now = dt.datetime.now(dt.UTC)
    cert = (x509.CertificateBuilder().subject_name(subject).issuer_name(subject)
            .public_key(key.public_key()).serial_number(x509.random_serial_number())
            .not_valid_before(now).not_valid_after(now + dt.timedelta(days=1))
            .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
            .sign(key, hashes.SHA256()))
    return cert.public_bytes(serialization.Encoding.PEM)


def _subjects(ctx) -> set[str]:  # noqa: ANN001
    return {dict(x[0] for x in c["subject"])["commonName"] for c in ctx.get_ca_certs()}


def test_one_context_per_bundle_version(tmp_path: Path) -> None:
    bundle = tmp_path / "centre-ca.pem"
    bundle.write_bytes(_ca_pem("Centre CA one"))
    first = tls_context(str(bundle))
    assert tls_context(str(bundle)) is first  # the run's four connections share it
    assert _subjects(first) == {"Centre CA one"}
    bundle.write_bytes(_ca_pem("Centre CA two"))
    st = bundle.stat()
    os.utime(bundle, ns=(st.st_atime_ns, st.st_mtime_ns + 2_000_000_000))
    second = tls_context(str(bundle))
    assert second is not first and _subjects(second) == {"Centre CA two"}


def test_clients_of_one_setting_share_the_context(tmp_path: Path) -> None:
    bundle = tmp_path / "ca.pem"
    bundle.write_bytes(_ca_pem("Centre CA"))
    settings = SyncSettings(base_url="https://dav.example.invalid/", username="u",
                            ca_bundle=str(bundle))
    with WebDavClient(settings, "pw") as a, WebDavClient(settings, "pw") as b:
        assert a._client._transport._pool._ssl_context is tls_context(settings.verify)
        assert b._client._transport._pool._ssl_context is tls_context(settings.verify)
    off = SyncSettings(base_url="https://dav.example.invalid/", username="u", verify_tls=False)
    assert tls_context(off.verify).verify_mode.name == "CERT_NONE"
