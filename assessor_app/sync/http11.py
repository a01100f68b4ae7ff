"""A lean HTTP/1.1 keep-alive connection for the upload hot path (PUT to the temporary name, MOVE
into place), straight on a socket: each request goes out in one write, and its answer is parsed
by `httptools` (MagicStack's bindings to llhttp, Node.js's HTTP parser, as used by uvicorn), a
fraction of the CPU of httpx, `http.client` or h11 per request. Nothing here parses HTTP by hand:
llhttp reads the status line, headers, Content-Length and chunked framing and rejects what is
not HTTP/1.x; this module only bounds the reading and decides what an answer means.

One `KeepAlive` per worker thread (it is not thread-safe). It sends the Basic auth header it
computed once, speaks TLS with the run's shared context (the server's name is checked whenever the
context checks names, i.e. unless the user turned verification off), connects within the connect
timeout and gives up on a server that stops answering after the same read timeout as httpx does
(each read, and the whole answer), and reads at most `MAX_ANSWER` bytes of any answer's body
(framed by Content-Length, chunked, or the connection's end) and `MAX_HEAD` more for heads
and framing: a bigger answer is refused and its connection closed unread. Interim answers (100 Continue) are
skipped; an answer with "Connection: close", or from an HTTP/1.0 server, closes the connection.
Every failure becomes the `SyncError` the engine already knows (`error_for_transport` / the
caller's `error_for_status`).

A server may close a kept-alive connection while it is idle. Such a connection is not reused
(checked before each request), and when the close races with a request (no answer at all on a
reused connection), a request that is safe to repeat is sent once more on a fresh connection;
any other raises `ConnectionDropped`, so the caller checks what happened before acting again.
"""

from __future__ import annotations

import base64
import re
import select
import socket
import ssl
import time
from dataclasses import dataclass
from urllib.parse import urlsplit
from urllib.request import getproxies_environment, proxy_bypass_environment

import httptools
import httpx

from assessor_app.sync.errors import ErrorScope, SyncError, error_for_transport

MAX_ANSWER = 256 * 1024  # a PUT or MOVE answer is a few hundred bytes; a bigger one is hostile
MAX_HEAD = 64 * 1024  # allowance for heads (interim ones too), chunk framing and trailers
READ_BLOCK = 64 * 1024
ONE_WRITE = 256 * 1024  # a body up to this size goes out with the head in a single write
OVERSIZED_MESSAGE = (
    "The centre's server sent an answer far larger than expected, so it was not read. Files "
    "stay in the outbox and will be sent automatically later; if this keeps happening, tell "
    "the centre."
)
_DROPS = (ConnectionResetError, ConnectionAbortedError, BrokenPipeError, ssl.SSLEOFError,
          ssl.SSLZeroReturnError)
# What may not appear in a request line's target, a header's name or a header's value (RFC 9110
# 5.1, 5.5): anything that would end the line early or smuggle another header in.
_BAD_TARGET = re.compile(r"[^\x21-\x7e]")
_BAD_NAME = re.compile(r"[^!#$%&'*+\-.^_`|~0-9A-Za-z]")
_BAD_VALUE = re.compile(r"[\x00-\x08\x0a-\x1f\x7f]")
_FIXED = ("host", "user-agent", "authorization", "accept-encoding", "content-length")


def _failure(exc: BaseException, on_timeout: type[httpx.TransportError],
             otherwise: type[httpx.TransportError]) -> SyncError:
    """The `SyncError` for a failed step of a request, as the httpx client would report it: a
    timeout as `on_timeout`, anything else as `otherwise`."""
    if isinstance(exc, TimeoutError):
        return error_for_transport(on_timeout(str(exc)))
    return error_for_transport(otherwise(f"{exc.__class__.__name__}: {exc}"))


class ConnectionDropped(SyncError):
    """A reused connection closed before any answer came to a request not safe to repeat: the
    request may or may not have been carried out."""


class Headers(dict[str, str]):
    """An answer's headers: names stored in lower case and looked up in any case; the values of
    a repeated header joined with ", " (RFC 9110 5.3)."""

    def get(self, name: str, default: str | None = None) -> str | None:  # type: ignore[override]
        return dict.get(self, name.lower(), default)

    def __getitem__(self, name: str) -> str:
        return dict.__getitem__(self, name.lower())

    def __contains__(self, name: object) -> bool:
        return isinstance(name, str) and dict.__contains__(self, name.lower())


@dataclass(frozen=True)
class Answer:
    status: int
    headers: Headers
    body: bytes


class _NoAnswer(Exception):
    """The connection closed with no answer (the server dropped a kept-alive connection)."""


class _Garbled(Exception):
    """The answer is not HTTP/1.x as expected, or it ended part-way."""


class _Oversized(Exception):
    """The answer's body is longer than MAX_ANSWER, or the whole answer than that + MAX_HEAD."""


class _Reader:
    """The answers on one connection as llhttp reports them (httptools calls the `on_*` methods
    while parsing what it is fed), one at a time (`start` before each request): interim (1xx)
    answers are skipped, and anything after the final answer is only noted, so the connection
    is not used again."""

    __slots__ = ("parser", "raw", "fields", "parts", "body_size", "declared", "status",
                 "final", "done", "keep", "eof_ends", "extra", "fault")

    def __init__(self) -> None:
        self.parser = httptools.HttpResponseParser(self)
        # RFC 9112 2.2: a recipient MAY take a bare LF as a line's end (some servers send them).
        self.parser.set_dangerous_leniencies(lenient_optional_cr_before_lf=True)
        self.start()

    def start(self) -> None:
        self.raw: list[tuple[bytes, bytes]] = []  # the current head's header lines
        self.fields: dict[str, str] = {}  # the final answer's headers, names in lower case
        self.parts: list[bytes] = []
        self.body_size = 0
        self.declared = 0  # the final answer's Content-Length, if any
        self.status = 0
        self.final = False  # the final answer's head has been read
        self.done = False  # ... and its body
        self.keep = False  # the connection may carry the next request
        self.eof_ends = False  # the body is delimited by the connection's end
        self.extra = False  # the server sent more than the answer
        self.fault = ""

    def feed(self, data: bytes) -> None:
        try:
            self.parser.feed_data(data)
        except httptools.HttpParserUpgrade as exc:
            raise _Garbled("the server switched protocols") from exc
        except httptools.HttpParserError as exc:
            if not self.done:
                raise _Garbled(self.fault or str(exc) or exc.__class__.__name__) from exc
            self.extra = True  # bytes after a complete answer (e.g. after "Connection: close")
        if self.fault:
            raise _Garbled(self.fault)

    def on_message_begin(self) -> None:
        if self.done:
            self.extra = True

    def on_header(self, name: bytes, value: bytes) -> None:
        self.raw.append((name, value))

    def on_headers_complete(self) -> None:
        if self.done or self.fault:
            return
        parser = self.parser
        status = parser.get_status_code()
        if parser.get_http_version() not in ("1.0", "1.1"):
            self.fault = f"HTTP/{parser.get_http_version()} answer on an HTTP/1.1 connection"
        elif status == 101:
            self.fault = "the server switched protocols"
        elif status < 200:  # interim: the final answer follows
            self.raw = []
            return
        self.final, self.status, self.keep = True, status, parser.should_keep_alive()
        fields = self.fields
        for name, value in self.raw:
            key = name.decode("latin-1").lower()
            text = value.decode("latin-1").strip()
            old = fields.get(key)
            fields[key] = text if old is None else f"{old}, {text}"
        length = fields.get("content-length")
        coding = fields.get("transfer-encoding", "")
        chunked = coding.rsplit(",", 1)[-1].strip().lower() == "chunked"
        # What llhttp reads up to the connection's end (RFC 9112 6.3): neither framing given.
        self.eof_ends = length is None and not chunked
        if length is not None and not chunked:
            try:
                self.declared = int(length)
            except ValueError:
                self.fault = f"bad Content-Length {length[:40]!r}"

    def on_body(self, data: bytes) -> None:
        if self.final and not self.done:
            self.parts.append(data)
            self.body_size += len(data)

    def on_message_complete(self) -> None:
        if self.final and not self.done:
            self.done = True
            self.keep = self.keep and self.parser.should_keep_alive()

    def answer(self) -> Answer:
        return Answer(self.status, Headers(self.fields), b"".join(self.parts))


def usable_for(base_url: str) -> bool:
    """False when the environment routes `base_url` through a proxy (httpx honours those
    variables; this connection does not speak to proxies, so the caller keeps httpx)."""
    parts = urlsplit(base_url)
    proxies = getproxies_environment()
    if not (proxies.get(parts.scheme) or proxies.get("all")):
        return True
    return bool(parts.hostname) and bool(proxy_bypass_environment(parts.hostname or ""))


def basic_auth(username: str, password: str) -> str:
    token = base64.b64encode(f"{username}:{password}".encode()).decode("ascii")
    return f"Basic {token}"


class KeepAlive:
    """One persistent HTTP/1.1 connection to the server of `base_url`. Thread-confined."""

    def __init__(self, base_url: str, username: str, password: str, *,
                 context: ssl.SSLContext, timeout: float, connect_timeout: float,
                 user_agent: str) -> None:
        parts = urlsplit(base_url)
        self._https = parts.scheme == "https"
        self._host = parts.hostname or ""
        self._port = parts.port or (443 if self._https else 80)
        self._context = context
        self._timeout = timeout
        self._connect_timeout = connect_timeout
        host = f"[{self._host}]" if ":" in self._host else self._host
        if parts.port is not None and parts.port != (443 if self._https else 80):
            host = f"{host}:{parts.port}"
        fixed = {"Host": host, "User-Agent": user_agent, "Accept-Encoding": "identity",
                 "Authorization": basic_auth(username, password)}
        self._fixed = _header_lines(fixed)  # computed once, sent with every request
        self._sock: socket.socket | None = None
        self._reader: _Reader | None = None  # the current connection's parser
        self._served = 0  # answers read on the current connection

    def close(self) -> None:
        if self._sock is not None:
            self._sock.close()
            self._sock = None
        self._reader = None

    def request(self, method: str, target: str, *, body: bytes = b"",
                headers: dict[str, str] | None = None, retry: bool) -> Answer:
        """Send `method target` and read its answer. `retry`: the request is safe to send
        again (e.g. a PUT to a temporary name), so a dropped kept-alive connection is retried
        once on a fresh one; otherwise that raises `ConnectionDropped`. `headers` add to the
        fixed ones (Host, User-Agent, Accept-Encoding, Authorization); Content-Length is always
        the body's. A method, target or header that could break a line raises ValueError."""
        head = self._head(method, target, body, headers or {})
        reused = self._ready()
        try:
            return self._exchange(method, head, body)
        except _NoAnswer as exc:
            self.close()
            text = f"{method}: {exc}"
            if not reused:
                raise error_for_transport(httpx.RemoteProtocolError(text)) from exc
            if not retry:
                err = error_for_transport(httpx.RemoteProtocolError(text))
                raise ConnectionDropped(err.user_message, err.detail, permanent=False,
                                        scope=ErrorScope.RUN) from exc
        self._ready()
        try:
            return self._exchange(method, head, body)
        except _NoAnswer as exc:
            self.close()
            raise error_for_transport(httpx.RemoteProtocolError(f"{method}: {exc}")) from exc

    def _head(self, method: str, target: str, body: bytes, headers: dict[str, str]) -> bytes:
        """The request line and headers, checked so that nothing can end a line early."""
        if method == "HEAD" or not _good_name(method):
            # (an answer to HEAD has no body whatever it declares: not this parser's case)
            raise ValueError(f"unsupported method {method!r}")
        if not target or _BAD_TARGET.search(target):
            raise ValueError(f"invalid request target {target!r}")
        extra: dict[str, str] = {}
        for name, value in headers.items():
            key = name.lower()
            if key == "content-length":
                continue  # framing is the body's own length, whatever the caller counted
            if key in _FIXED:
                raise ValueError(f"the {name} header is set by the connection")
            extra[name] = value
        if body or method in ("PUT", "POST"):
            extra["Content-Length"] = str(len(body))
        line = f"{method} {target} HTTP/1.1\r\n".encode("ascii")
        return line + self._fixed + _header_lines(extra) + b"\r\n"

    def _ready(self) -> bool:
        """Make sure a connection is open; True when it is a reused one."""
        sock = self._sock
        if sock is not None and self._served and _idle_ok(sock):
            return True
        self.close()
        self._sock = self._open()
        self._reader = _Reader()
        self._served = 0
        return False

    def _open(self) -> socket.socket:
        sock: socket.socket | None = None
        try:
            sock = socket.create_connection((self._host, self._port), self._connect_timeout)
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            if self._https:  # the handshake (name checked by the context), within the timeout
                sock = self._context.wrap_socket(sock, server_hostname=self._host)
        except (OSError, ValueError) as exc:
            if sock is not None:
                sock.close()
            raise _failure(exc, httpx.ConnectTimeout, httpx.ConnectError) from exc
        sock.settimeout(self._timeout)
        return sock

    def _exchange(self, method: str, head: bytes, body: bytes) -> Answer:
        sock = self._sock
        assert sock is not None
        try:
            if len(body) <= ONE_WRITE:
                sock.sendall(head + body if body else head)
            else:
                sock.sendall(head)
                sock.sendall(body)
        except _DROPS as exc:
            raise _NoAnswer(f"{exc.__class__.__name__} while sending: {exc}") from exc
        except OSError as exc:
            self.close()
            raise _failure(exc, httpx.WriteTimeout, httpx.WriteError) from exc
        reader = self._reader
        assert reader is not None
        if self._served:
            reader.start()
        try:
            self._read_answer(reader)
        except _NoAnswer:
            raise
        except _Oversized as exc:
            self.close()  # never read the rest of an oversized answer
            raise SyncError(OVERSIZED_MESSAGE, f"{method} answered HTTP {reader.status} with "
                            f"more than {MAX_ANSWER} bytes ({exc})", permanent=False,
                            scope=ErrorScope.RUN, status=reader.status or None) from exc
        except _Garbled as exc:
            self.close()
            raise error_for_transport(httpx.RemoteProtocolError(
                f"garbled answer to {method}: {exc}")) from exc
        except OSError as exc:
            self.close()
            raise _failure(exc, httpx.ReadTimeout, httpx.RemoteProtocolError) from exc
        self._served += 1
        if not reader.keep or reader.extra:  # the server closes it, or sent more than asked
            self.close()
        return reader.answer()

    def _read_answer(self, reader: _Reader) -> None:
        """Feed the answer to `reader` until it is complete, within the read timeout overall
        (a server dribbling bytes is cut off too) and within the size bounds."""
        sock = self._sock
        assert sock is not None
        deadline = time.monotonic() + self._timeout
        received = 0
        while not reader.done:
            if time.monotonic() > deadline:
                raise TimeoutError("the answer did not end in time")
            try:
                data = sock.recv(READ_BLOCK)
            except _DROPS as exc:
                if not received:
                    raise _NoAnswer(f"{exc.__class__.__name__}: {exc}") from exc
                raise
            if not data:
                if not received:
                    raise _NoAnswer("the server closed the connection without an answer")
                if reader.final and reader.eof_ends:  # a body delimited by the close
                    reader.done, reader.keep = True, False
                    break
                raise _Garbled("the connection closed in the middle of the answer")
            received += len(data)
            reader.feed(data)
            if reader.declared > MAX_ANSWER or reader.body_size > MAX_ANSWER:
                raise _Oversized("body")
            if received > MAX_HEAD + MAX_ANSWER:  # heads, chunk framing or trailers without end
                raise _Oversized("framing")


_GOOD_NAMES: set[str] = set()  # header names and methods already checked (the few in use)


def _good_name(name: str) -> bool:
    if name in _GOOD_NAMES:
        return True
    if not name or _BAD_NAME.search(name):
        return False
    if len(_GOOD_NAMES) < 100:
        _GOOD_NAMES.add(name)
    return True


def _header_lines(headers: dict[str, str]) -> bytes:
    for name in headers:
        if not _good_name(name):
            raise ValueError(f"invalid header name {name!r}")
    if _BAD_VALUE.search("".join(headers.values())):
        raise ValueError("a line break or control character in a header value")
    return "".join([f"{k}: {v}\r\n" for k, v in headers.items()]).encode("latin-1")


def _idle_ok(sock: socket.socket) -> bool:
    """An idle kept-alive connection is reusable only if nothing arrived on it: readable means
    the server closed it (or sent something unasked), so it is not used again."""
    try:
        if isinstance(sock, ssl.SSLSocket) and sock.pending():
            return False
        if hasattr(select, "poll"):
            poller = select.poll()
            poller.register(sock, select.POLLIN | select.POLLERR | select.POLLHUP)
            return not poller.poll(0)
        readable, _, errored = select.select([sock], [], [sock], 0)
        return not readable and not errored
    except (OSError, ValueError):
        return False
