"""The lean keep-alive connection that carries the uploads (PUT to the temporary name, MOVE into
place): a kept-alive connection the server closes is survived without sending anything twice that
must not be, an endless or huge answer is refused after a bounded read, a wrong password and a
stalled server read as before, TLS checks the server's name, answers framed any way HTTP/1.1
allows are read whole, and garbled or cut ones are errors."""

from __future__ import annotations

import contextlib
import datetime as dt
import ipaddress
import socket
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from cheroot.ssl.builtin import BuiltinSSLAdapter
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID
from sqlmodel import select

from assessor_app.store.models import OutboxItem
from assessor_app.sync.engine import sync_outbox
from assessor_app.sync.errors import AUTH_MESSAGE, STALLED_MESSAGE, TLS_MESSAGE, SyncError
from assessor_app.sync.http11 import MAX_ANSWER, OVERSIZED_MESSAGE, ConnectionDropped
from assessor_app.sync.settings import SyncSettings
from assessor_app.sync.webdav import WebDavClient
from tests.sync.helpers import file_ers, remote_pdfs, sha256_file
from tests.sync.raw_http import Handler, RawServer, serving
from tests.webdav_server import PASSWORD, DavServer, _Dropped

PDF = b"%PDF-1.7\n" + b"x" * 5000 + b"\n%%EOF\n"


def _settings(url: str, **kw: object) -> SyncSettings:
    return SyncSettings(base_url=url, username="assessor", centre="Centre 12", **kw)


def _upload(client: WebDavClient, name: str) -> int:
    client.put_file(f".{name}.part-1", PDF, len(PDF))
    return client.move_status(f".{name}.part-1", name, overwrite=False)


@pytest.fixture
def raw_server() -> Iterator[Callable[[Handler], RawServer]]:
    yield from serving()


CREATED = b"HTTP/1.1 201 Created\r\nContent-Length: 0\r\n\r\n"


# -- a kept-alive connection closed by the server ----------------------------------------------

def test_idle_connection_closed_by_the_server_between_files(dav_server: DavServer) -> None:
    assert dav_server._server is not None
    dav_server._server.timeout = 0.3  # cheroot closes connections idle for longer than this
    with WebDavClient(_settings(dav_server.url), PASSWORD) as client:
        assert _upload(client, "one.pdf") == 201
        time.sleep(1.5)  # the server drops the idle connection meanwhile
        assert _upload(client, "two.pdf") == 201
    assert dav_server.faults.count("PUT") == 2 and dav_server.faults.count("MOVE") == 2
    assert [p.name for p in dav_server.files()] == ["one.pdf", "two.pdf"]
    assert all(p.read_bytes() == PDF for p in dav_server.files())


def test_a_close_racing_a_request_repeats_only_what_is_safe(raw_server) -> None:  # noqa: ANN001
    # Each connection answers its first request, then reads the next one and closes unanswered
    # (the server timed the connection out just as the request arrived).
    server = raw_server(lambda conn, n, _head: n == 1 and conn.sendall(CREATED) is None)
    with WebDavClient(_settings(server.url), PASSWORD) as client:
        client.put_file(".a.pdf.part-1", PDF, len(PDF))
        client.put_file(".b.pdf.part-1", PDF, len(PDF))  # dropped once, sent again: delivered
        assert [line.split()[0] for line in server.log] == ["PUT", "PUT", "PUT"]
        with pytest.raises(ConnectionDropped) as caught:  # a MOVE is never repeated blindly
            client.move_status(".b.pdf.part-1", "b.pdf", overwrite=False)
    assert [line.split()[0] for line in server.log] == ["PUT", "PUT", "PUT", "MOVE"]
    assert not caught.value.permanent


def _drop_moves(server: DavServer, *, after_doing_it: bool) -> list[str]:
    """The server drops the connection of the first MOVE without an answer, having done the
    MOVE or not; later MOVEs pass."""
    inner = server.faults.app
    seen: list[str] = []

    def app(environ, start_response):  # noqa: ANN001, ANN202
        if environ["REQUEST_METHOD"] == "MOVE":
            seen.append(environ["PATH_INFO"])
            if len(seen) == 1:
                if after_doing_it:
                    for _ in inner(environ, lambda *a, **k: None):
                        pass
                raise _Dropped()  # cheroot closes the connection without an answer
        return inner(environ, start_response)

    server.faults.app = app
    return seen


@pytest.mark.parametrize("after_doing_it", [True, False])
def test_a_move_lost_with_its_connection_is_checked_not_repeated(
        store, dav_server: DavServer, after_doing_it: bool) -> None:  # noqa: ANN001
    f = file_ers(store, "dropped move")
    moves = _drop_moves(dav_server, after_doing_it=after_doing_it)
    summary = sync_outbox(store, _settings(dav_server.url), PASSWORD)
    assert summary.ok and summary.sent == 1, summary
    with store.session() as s:
        item = s.exec(select(OutboxItem)).one()
    assert [sha256_file(p) for p in remote_pdfs(dav_server.root)] == [f.sha256]
    assert [p for p in dav_server.files() if ".part-" in p.name] == []
    assert dav_server.faults.count("PROPFIND") == 1  # looked before acting again
    if after_doing_it:  # it was done: confirmed by reading it back, no second MOVE
        assert len(moves) == 1 and item.confirmed_by == "sha256"
    else:  # it was not: moved again, and that MOVE's 201 confirms
        assert len(moves) == 2 and item.confirmed_by == "put+move"


# -- hostile or broken answers -----------------------------------------------------------------

def _endless_chunks(conn: socket.socket, _n: int, _head: bytes) -> bool:
    conn.sendall(b"HTTP/1.1 201 Created\r\nTransfer-Encoding: chunked\r\n\r\n")
    block = b"%x\r\n%s\r\n" % (65536, b"z" * 65536)
    try:
        for _ in range(10_000):
            conn.sendall(block)
    except OSError:
        pass  # the client stopped reading and closed: expected
    return False


def _huge_length(conn: socket.socket, _n: int, _head: bytes) -> bool:
    conn.sendall(b"HTTP/1.1 201 Created\r\nContent-Length: 1000000000000\r\n\r\n" + b"z" * 4096)
    return False


@pytest.mark.parametrize("handler", [_endless_chunks, _huge_length])
def test_an_endless_or_huge_answer_is_refused(raw_server, handler: Handler) -> None:  # noqa: ANN001
    server = raw_server(handler)
    with WebDavClient(_settings(server.url), PASSWORD) as client, \
            pytest.raises(SyncError) as caught:
        client.put_file(".a.pdf.part-1", PDF, len(PDF))
    err = caught.value
    assert err.user_message == OVERSIZED_MESSAGE and not err.permanent
    assert str(MAX_ANSWER) in err.detail and "PUT" in err.detail


def test_a_stalled_server_is_reported_on_the_upload_path(raw_server) -> None:  # noqa: ANN001
    server = raw_server(lambda _conn, _n, _head: time.sleep(5) or False)  # reads, never answers
    with WebDavClient(_settings(server.url), PASSWORD, timeout=1.0) as client, \
            pytest.raises(SyncError) as caught:
        client.put_file(".a.pdf.part-1", PDF, len(PDF))
    assert caught.value.user_message == STALLED_MESSAGE and not caught.value.permanent


def _dribble(conn: socket.socket, _n: int, _head: bytes) -> bool:
    conn.sendall(b"HTTP/1.1 201 Created\r\nContent-Length: 100000\r\n\r\n")
    try:
        for _ in range(100):  # a byte at a time, never quite silent for a whole timeout
            conn.sendall(b"z")
            time.sleep(0.2)
    except OSError:
        pass
    return False


def test_an_answer_dribbled_forever_counts_as_stalled(raw_server) -> None:  # noqa: ANN001
    server = raw_server(_dribble)
    with WebDavClient(_settings(server.url), PASSWORD, timeout=1.0) as client, \
            pytest.raises(SyncError) as caught:
        client.put_file(".a.pdf.part-1", PDF, len(PDF))
    assert caught.value.user_message == STALLED_MESSAGE


def test_wrong_password_on_the_upload_path(dav_server: DavServer) -> None:
    with WebDavClient(_settings(dav_server.url), "wrong password") as client:
        for call in (lambda: client.put_file(".a.pdf.part-1", PDF, len(PDF)),
                     lambda: client.move_status(".a.pdf.part-1", "a.pdf", overwrite=False)):
            with pytest.raises(SyncError) as caught:
                call()
            assert caught.value.user_message == AUTH_MESSAGE and caught.value.permanent
            assert caught.value.status == 401
    assert dav_server.files() == []


# -- TLS ----------------------------------------------------------------------------------------

def _cert(subject: str, key: ec.EllipticCurvePrivateKey, issuer: x509.Certificate | None,
          issuer_key: ec.EllipticCurvePrivateKey, san: x509.GeneralName | None) -> x509.Certificate:
    now = dt.datetime.now(dt.UTC)
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, subject)])
    b = (x509.CertificateBuilder().subject_name(name)
         .issuer_name(issuer.subject if issuer else name).public_key(key.public_key())
         .serial_number(x509.random_serial_number()).not_valid_before(now - dt.timedelta(hours=1))
         .not_valid_after(now + dt.timedelta(days=1))
         .add_extension(x509.BasicConstraints(ca=san is None, path_length=None), critical=True))
    if san is not None:
        b = b.add_extension(x509.SubjectAlternativeName([san]), critical=False)
    return b.sign(issuer_key, hashes.SHA256())


@pytest.fixture
def tls_dav(tmp_path: Path) -> Iterator[tuple[DavServer, Path]]:
    """WsgiDAV over TLS with a certificate for 127.0.0.1 only, from a test CA."""
    ca_key, key = ec.generate_private_key(ec.SECP256R1()), ec.generate_private_key(ec.SECP256R1())
    ca = _cert("Test centre CA", ca_key, None, ca_key, None)
    leaf = _cert("127.0.0.1", key, ca, ca_key,
                 x509.IPAddress(ipaddress.ip_address("127.0.0.1")))
    pem = serialization.Encoding.PEM
    (tmp_path / "ca.pem").write_bytes(ca.public_bytes(pem))
    (tmp_path / "cert.pem").write_bytes(leaf.public_bytes(pem))
    (tmp_path / "key.pem").write_bytes(key.private_bytes(
        pem, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()))
    root = tmp_path / "dav-root"
    root.mkdir()
    server = DavServer(root)
    server.start()
    assert server._server is not None
    server._server.ssl_adapter = BuiltinSSLAdapter(str(tmp_path / "cert.pem"),
                                                   str(tmp_path / "key.pem"))
    try:
        yield server, tmp_path / "ca.pem"
    finally:
        server.stop()


def test_tls_with_the_centre_ca_and_a_name_mismatch(tls_dav) -> None:  # noqa: ANN001
    server, ca = tls_dav
    good = _settings(f"https://127.0.0.1:{server.port}/", ca_bundle=str(ca))
    with WebDavClient(good, PASSWORD) as client:
        assert _upload(client, "tls.pdf") == 201
    assert (server.root / "tls.pdf").read_bytes() == PDF
    wrong_name = _settings(f"https://localhost:{server.port}/", ca_bundle=str(ca))
    with WebDavClient(wrong_name, PASSWORD) as client, pytest.raises(SyncError) as caught:
        client.put_file(".x.pdf.part-1", PDF, len(PDF))
    assert caught.value.user_message == TLS_MESSAGE and caught.value.permanent
    assert "mismatch" in caught.value.detail.lower() or "match" in caught.value.detail.lower()
    assert not (server.root / ".x.pdf.part-1").exists()


# -- answers framed every way HTTP/1.1 allows ---------------------------------------------------

def _framed(answer: bytes) -> Handler:
    def handler(conn: socket.socket, _n: int, _head: bytes) -> bool:
        conn.sendall(answer)
        return b"Connection: close" not in answer and b"HTTP/1.0" not in answer
    return handler


@pytest.mark.parametrize(("answer", "reused"), [
    (b"HTTP/1.1 201 Created\r\nETag: \"e1\"\r\nTransfer-Encoding: chunked\r\n\r\n"
     b"5;x=y\r\nhello\r\n6\r\n world\r\n0\r\nTrailer: t\r\n\r\n", True),
    (b"HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 201 Created\r\nETag: \"e1\"\r\n"
     b"Content-Length: 11\r\n\r\nhello world", True),
    (b"HTTP/1.1 201 Created\nETag: \"e1\"\nContent-Length: 11\n\nhello world", True),
    (b"HTTP/1.1 201 Created\r\nETag: \"e1\"\r\nConnection: close\r\n\r\nhello world", False),
    (b"HTTP/1.0 201 Created\r\nETag: \"e1\"\r\nContent-Length: 11\r\n\r\nhello world", False),
])
def test_answers_framed_any_way_are_read_whole(raw_server, answer: bytes,  # noqa: ANN001
                                               reused: bool) -> None:
    server = raw_server(_framed(answer))
    with WebDavClient(_settings(server.url), PASSWORD) as client:
        assert client.put_file(".a.pdf.part-1", PDF, len(PDF)) == '"e1"'
        assert client.put_file(".b.pdf.part-1", PDF, len(PDF)) == '"e1"'
        assert client._fast is not None
        answer_read = client._fast.request("PUT", "/dav/x", body=b"x", retry=True)
    assert answer_read.status == 201 and answer_read.body == b"hello world"
    assert [line.split()[0] for line in server.log] == ["PUT", "PUT", "PUT"]
    # A connection the server keeps open carries all three; otherwise each has its own.
    assert len(server.threads) == (1 if reused else 3)


@pytest.mark.parametrize("answer", [
    b"HTTP/1.1 204 No Content\r\nETag: \"e1\"\r\n\r\n",  # no body, no length: still kept
    b"HTTP/1.0 201 Created\r\nConnection: keep-alive\r\nETag: \"e1\"\r\n"
    b"Content-Length: 0\r\n\r\n",
    b"HTTP/1.1 100 Continue\r\nX-Interim: 1\r\n\r\nHTTP/1.1 102 Processing\r\n\r\n"
    b"HTTP/1.1 201 Created\r\nETag: \"e1\"\r\nContent-Length: 0\r\n\r\n",
])
def test_bodiless_answers_keep_the_connection(raw_server, answer: bytes) -> None:  # noqa: ANN001
    server = raw_server(lambda conn, _n, _head: conn.sendall(answer) is None)  # keeps it open
    with WebDavClient(_settings(server.url), PASSWORD) as client:
        for name in ("a", "b"):
            assert client.put_file(f".{name}.pdf.part-1", PDF, len(PDF)) == '"e1"'
        assert client._fast is not None
        last = client._fast.request("PUT", "/dav/c", body=b"x", retry=True)
    assert last.body == b"" and "X-Interim" not in last.headers  # the final answer's own
    assert len(server.log) == 3 and len(server.threads) == 1


def test_headers_are_read_in_any_case_and_repeats_joined(raw_server) -> None:  # noqa: ANN001
    server = raw_server(_framed(b"HTTP/1.1 201 Created\r\nETAG: \"e1\"\r\nX-Part: a\r\n"
                                b"x-part: b\r\nContent-Length: 2\r\n\r\nok"))
    with WebDavClient(_settings(server.url), PASSWORD) as client:
        assert client.put_file(".a.pdf.part-1", PDF, len(PDF)) == '"e1"'  # reads "etag"
        assert client._fast is not None
        answer = client._fast.request("MOVE", "/dav/x", headers={"Destination": "/dav/y"},
                                      retry=False)
    assert answer.status == 201 and answer.body == b"ok"
    assert answer.headers.get("ETag") == answer.headers["etag"] == '"e1"'
    assert answer.headers.get("X-PART") == "a, b" and "x-part" in answer.headers
    assert answer.headers.get("Location") is None and answer.headers.get("location", "-") == "-"


@pytest.mark.parametrize("answer", [
    b"SPDY/3 201 Created\r\nContent-Length: 0\r\n\r\n",
    b"HTTP/2.0 201 Created\r\nContent-Length: 0\r\n\r\n",
    b"HTTP/1.1 2x1 Created\r\nContent-Length: 0\r\n\r\n",
    b"HTTP/1.1 201 Created\r\nno colon here\r\nContent-Length: 0\r\n\r\n",
    b"HTTP/1.1 201 Created\r\nContent-Length: twelve\r\n\r\n",
    b"HTTP/1.1 201 Created\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\nxy",
    b"HTTP/1.1 201 Created\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n"
    b"5\r\nhello\r\n0\r\n\r\n",
    b"HTTP/1.1 101 Switching Protocols\r\nUpgrade: h2c\r\nConnection: Upgrade\r\n\r\n",
    b"HTTP/1.1 201 Created\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n",
    # cut: the server closes part-way through the head, a sized body or a chunked one
    b"HTTP/1.1 201 Cre",
    b"HTTP/1.1 201 Created\r\nContent-Length: 50\r\n\r\nshort",
    b"HTTP/1.1 201 Created\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n",
])
def test_a_garbled_or_cut_answer_is_an_error_not_a_success(raw_server,  # noqa: ANN001
                                                           answer: bytes) -> None:
    server = raw_server(lambda conn, _n, _head: conn.sendall(answer) and False)
    with WebDavClient(_settings(server.url), PASSWORD) as client, \
            pytest.raises(SyncError) as caught:
        client.put_file(".a.pdf.part-1", PDF, len(PDF))
    assert not caught.value.permanent and "RemoteProtocolError" in caught.value.detail
    assert len(server.log) == 1  # not sent again: part of an answer came, so it was no drop


def test_an_answer_cut_on_a_reused_connection_is_not_repeated(raw_server) -> None:  # noqa: ANN001
    def handler(conn: socket.socket, n: int, _head: bytes) -> bool:
        conn.sendall(CREATED if n == 1 else b"HTTP/1.1 201 Created\r\nContent-Le")
        return n == 1

    server = raw_server(handler)
    with WebDavClient(_settings(server.url), PASSWORD) as client:
        client.put_file(".a.pdf.part-1", PDF, len(PDF))
        with pytest.raises(SyncError) as caught:
            client.put_file(".b.pdf.part-1", PDF, len(PDF))
    assert not isinstance(caught.value, ConnectionDropped)
    assert "RemoteProtocolError" in caught.value.detail and len(server.log) == 2


def test_bytes_after_the_answer_end_the_connection(raw_server) -> None:  # noqa: ANN001
    # Garbage after a complete answer: the answer stands, the connection is not used again
    # (what follows could be read as the next request's answer).
    server = raw_server(_framed(CREATED + b"HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n"))
    with WebDavClient(_settings(server.url), PASSWORD) as client:
        for name in ("a", "b"):
            assert client.put_file(f".{name}.pdf.part-1", PDF, len(PDF)) == ""
    assert len(server.log) == 2 and len(server.threads) == 2


def _endless_head(conn: socket.socket, _n: int, _head: bytes) -> bool:
    conn.sendall(b"HTTP/1.1 201 Created\r\nX-Long: ")
    try:
        for _ in range(1000):
            conn.sendall(b"z" * 65536)
    except OSError:
        pass
    return False


def _endless_interim(conn: socket.socket, _n: int, _head: bytes) -> bool:
    try:
        for _ in range(100_000):
            conn.sendall(b"HTTP/1.1 100 Continue\r\n\r\n" * 100)
    except OSError:
        pass
    return False


def _huge_unframed(conn: socket.socket, _n: int, _head: bytes) -> bool:
    conn.sendall(b"HTTP/1.1 201 Created\r\nConnection: close\r\n\r\n")
    with contextlib.suppress(OSError):
        conn.sendall(b"z" * (MAX_ANSWER + 1))
    return False


@pytest.mark.parametrize("handler", [_endless_head, _endless_interim, _huge_unframed])
def test_an_endless_head_or_unframed_answer_is_refused(raw_server,  # noqa: ANN001
                                                       handler: Handler) -> None:
    server = raw_server(handler)
    with WebDavClient(_settings(server.url), PASSWORD) as client:
        with pytest.raises(SyncError) as caught:
            client.put_file(".a.pdf.part-1", PDF, len(PDF))
        assert client._fast is not None and client._fast._sock is None  # closed, not read on
    assert caught.value.user_message == OVERSIZED_MESSAGE and not caught.value.permanent


@pytest.mark.parametrize(("target", "headers"), [
    ("/dav/a b", {}),
    ("/dav/a\r\nX-Evil: 1", {}),
    ("/dav/a", {"Destination": "/dav/b\r\nX-Evil: 1"}),
    ("/dav/a", {"X Evil": "1"}),
    ("/dav/a", {"Authorization": "Basic b3RoZXI6b3RoZXI="}),
])
def test_a_request_that_would_break_its_lines_is_not_sent(raw_server, target: str,  # noqa: ANN001
                                                          headers: dict[str, str]) -> None:
    server = raw_server(_framed(CREATED))
    with WebDavClient(_settings(server.url), PASSWORD) as client:
        assert client._fast is not None
        with pytest.raises(ValueError):
            client._fast.request("MOVE", target, headers=headers, retry=False)
        assert client._fast.request("MOVE", "/dav/a", retry=False).status == 201
    assert server.log == ["MOVE /dav/a HTTP/1.1"]
