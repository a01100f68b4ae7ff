"""Whatever a server sends back, the upload connection ends with an `Answer` or a `SyncError`
(never another exception, never an unbounded read, never a connection left open after a failed
answer); and a well-formed answer reads the same however the network splits it."""

from __future__ import annotations

import socket
from collections.abc import Iterator

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from assessor_app.sync.errors import SyncError
from assessor_app.sync.http11 import MAX_ANSWER, Answer, KeepAlive, _Reader
from tests.sync.raw_http import RawServer, serving

STARTS = [
    b"",
    b"HTTP/1.1 201 Created\r\n",
    b"HTTP/1.1 100 Continue\r\n\r\n",
    b"HTTP/1.0 200 OK\r\n",
    b"HTTP/1.1 201 Created\r\nTransfer-Encoding: chunked\r\n\r\n",
    b"HTTP/1.1 201 Created\r\nContent-Length: 5\r\n\r\n",
]
PIECES = [
    b"\r\n", b"\n", b"\r", b":", b" ", b"\t", b"HTTP/1.1 ", b"201 Created", b"100 Continue",
    b"Content-Length: 3\r\n", b"Content-Length: 999999999999999999999\r\n",
    b"Transfer-Encoding: chunked\r\n", b"Transfer-Encoding: gzip\r\n", b"Connection: close\r\n",
    b"Connection: keep-alive\r\n", b"ETag: \"x\"\r\n", b"0\r\n\r\n", b"5\r\nhello\r\n",
    b"ffffffffffffffff\r\n", b"5;ext=1\r\n", b"Trailer: t\r\n",
]
answers = st.one_of(
    st.binary(max_size=300),
    st.builds(lambda start, pieces, tail: start + b"".join(pieces) + tail,
              st.sampled_from(STARTS),
              st.lists(st.one_of(st.sampled_from(PIECES), st.binary(max_size=12)), max_size=16),
              st.binary(max_size=64)),
)


@pytest.fixture(scope="module")
def fuzz_server() -> Iterator[tuple[RawServer, list[bytes]]]:
    """One server for all the examples: each puts its answer in the list, which the server
    sends to the next request before closing the connection."""
    box = [b""]

    def handler(conn: socket.socket, _n: int, _head: bytes) -> bool:
        conn.sendall(box[0])
        return False

    for make in serving():
        yield make(handler), box


@settings(max_examples=150, deadline=None)
@given(answer=answers)
def test_any_answer_is_an_answer_or_a_sync_error(
        fuzz_server: tuple[RawServer, list[bytes]], answer: bytes) -> None:
    server, box = fuzz_server
    box[0] = answer
    conn = KeepAlive(server.url, "assessor", "pw", context=None,  # type: ignore[arg-type]
                     timeout=5.0, connect_timeout=5.0, user_agent="fuzz")
    try:
        result = conn.request("PUT", "/dav/x", body=b"%PDF-1.7 fuzz", retry=True)
    except SyncError as err:
        assert conn._sock is None, "a failed answer must not leave its connection for reuse"
        assert err.detail
    else:
        assert isinstance(result, Answer)
        assert 100 <= result.status <= 999 and len(result.body) <= MAX_ANSWER
        assert b"HTTP/1." in answer  # only an HTTP/1.x answer is ever taken as one
    finally:
        conn.close()


# -- a well-formed answer, split anywhere -----------------------------------------------------

@st.composite
def well_formed(draw: st.DrawFn) -> tuple[bytes, int, bytes, str]:
    status = draw(st.sampled_from([200, 201, 207, 401, 403, 404, 409, 412, 500, 507]))
    body = draw(st.binary(max_size=400))
    etag = draw(st.text("abcdef0123456789-", min_size=1, max_size=20))
    end = draw(st.sampled_from([b"\r\n", b"\n"]))
    head = [b"HTTP/1.1 %d Whatever" % status, b'ETag: "' + etag.encode() + b'"',
            b"Server: test"]
    if draw(st.booleans()):
        cuts = sorted(draw(st.lists(st.integers(0, len(body)), max_size=5)))
        pieces = [body[a:b] for a, b in zip([0, *cuts], [*cuts, len(body)], strict=True)]
        framed = b"".join(b"%x\r\n%s\r\n" % (len(p), p) for p in pieces if p) + b"0\r\n\r\n"
        head.append(b"Transfer-Encoding: chunked")
    else:
        framed = body
        head.append(b"Content-Length: %d" % len(body))
    interim = b"HTTP/1.1 100 Continue\r\n\r\n" if draw(st.booleans()) else b""
    data = interim + end.join(head) + end + end + framed
    return data, status, body, f'"{etag}"'


@settings(max_examples=300, deadline=None)
@given(case=well_formed(), splits=st.lists(st.integers(0, 2000), max_size=8))
def test_a_well_formed_answer_reads_the_same_however_split(
        case: tuple[bytes, int, bytes, str], splits: list[int]) -> None:
    data, status, body, etag = case
    cuts = sorted({min(s, len(data)) for s in splits})
    reader = _Reader()
    for a, b in zip([0, *cuts], [*cuts, len(data)], strict=True):
        if a < b:
            reader.feed(data[a:b])
    assert reader.done and reader.keep and not reader.extra
    answer = reader.answer()
    assert (answer.status, answer.body, answer.headers.get("ETag")) == (status, body, etag)
