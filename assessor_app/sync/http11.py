"""A lean HTTP/1.1 keep-alive connection for the upload hot path (PUT to the temporary name, MOVE
into place), straight on a socket: each request is written in one piece and its answer is read
with a few socket reads and a minimal parser, a fraction of httpx's (or `http.client`'s) CPU.

One `KeepAlive` per worker thread (it is not thread-safe). It sends the Basic auth header it
computed once, speaks TLS with the run's shared context (the server's name is checked whenever the
context checks names, i.e. unless the user turned verification off), connects within the connect
timeout and gives up on a server that stops answering after the same read timeout as httpx does
(each read, and the whole answer), and reads at most `MAX_ANSWER` bytes of any answer (body
framed by Content-Length, chunked, or the connection's end). Every failure becomes the
`SyncError` the engine already knows (`error_for_transport` / the caller's `error_for_status`).

A server may close a kept-alive connection while it is idle. Such a connection is not reused
(checked before each request), and when the close races with a request (no answer at all on a
reused connection), a request that is safe to repeat is sent once more on a fresh connection;
any other raises `ConnectionDropped`, so the caller checks what happened before acting again.
"""

from __future__ import annotations

import base64
import select
import socket
import ssl
import time
from dataclasses import dataclass
from urllib.parse import urlsplit
from urllib.request import getproxies_environment, proxy_bypass_environment

import httpx

from assessor_app.sync.errors import ErrorScope, SyncError, error_for_transport

MAX_ANSWER = 256 * 1024  # a PUT or MOVE answer is a few hundred bytes; a bigger one is hostile
MAX_HEAD = 64 * 1024  # status line and headers
READ_BLOCK = 64 * 1024
OVERSIZED_MESSAGE = (
    "The centre's server sent an answer far larger than expected, so it was not read. Files "
    "stay in the outbox and will be sent automatically later; if this keeps happening, tell "
    "the centre."
)
_DROPS = (ConnectionResetError, ConnectionAbortedError, BrokenPipeError, ssl.SSLEOFError,
          ssl.SSLZeroReturnError)
_NO_BODY = (204, 304)


class ConnectionDropped(SyncError):
    """A reused connection closed before any answer came to a request not safe to repeat: the
    request may or may not have been carried out."""


@dataclass(frozen=True)
class Answer:
    status: int
    headers: dict[str, str]  # names in lower case; repeated headers joined with ", "
    body: bytes


class _NoAnswer(Exception):
    """The connection closed with no answer (the server dropped a kept-alive connection)."""


class _Garbled(Exception):
    """The answer is not HTTP/1.x as expected (or ended part-way)."""


class _Oversized(Exception):
    """The answer is longer than MAX_ANSWER (or its head longer than MAX_HEAD)."""


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
        self._fixed = _header_lines({"Host": host, "User-Agent": user_agent,
                                     "Authorization": basic_auth(username, password)})
        self._sock: socket.socket | None = None
        self._buf = b""  # received and not yet consumed
        self._served = 0  # answers read on the current connection

    def close(self) -> None:
        if self._sock is not None:
            self._sock.close()
            self._sock = None
        self._buf = b""

    def request(self, method: str, target: str, *, body: bytes = b"",
                headers: dict[str, str] | None = None, retry: bool) -> Answer:
        """Send `method target` and read its answer. `retry`: the request is safe to send
        again (e.g. a PUT to a temporary name), so a dropped kept-alive connection is retried
        once on a fresh one; otherwise that raises `ConnectionDropped`."""
        extra = dict(headers or {})
        if body or method in ("PUT", "POST"):
            extra["Content-Length"] = str(len(body))
        line = f"{method} {target} HTTP/1.1\r\n"
        _check(line[:-2])
        head = line.encode("ascii") + self._fixed + _header_lines(extra) + b"\r\n"
        message = head + body if body else head  # one write: no Nagle / delayed-ACK stall
        reused = self._ready()
        try:
            return self._exchange(method, message)
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
            return self._exchange(method, message)
        except _NoAnswer as exc:
            self.close()
            raise error_for_transport(httpx.RemoteProtocolError(f"{method}: {exc}")) from exc

    def _ready(self) -> bool:
        """Make sure a connection is open; True when it is a reused one."""
        sock = self._sock
        if sock is not None and self._served and not self._buf and _idle_ok(sock):
            return True
        self.close()
        self._sock = self._open()
        self._served = 0
        return False

    def _open(self) -> socket.socket:
        sock: socket.socket | None = None
        try:
            sock = socket.create_connection((self._host, self._port), self._connect_timeout)
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            if self._https:  # the handshake (name checked by the context), within the timeout
                sock = self._context.wrap_socket(sock, server_hostname=self._host)
        except TimeoutError as exc:
            if sock is not None:
                sock.close()
            raise error_for_transport(httpx.ConnectTimeout(str(exc))) from exc
        except (OSError, ValueError) as exc:
            if sock is not None:
                sock.close()
            raise error_for_transport(
                httpx.ConnectError(f"{exc.__class__.__name__}: {exc}")) from exc
        sock.settimeout(self._timeout)
        return sock

    def _exchange(self, method: str, message: bytes) -> Answer:
        sock = self._sock
        assert sock is not None
        try:
            sock.sendall(message)
        except TimeoutError as exc:
            self.close()
            raise error_for_transport(httpx.WriteTimeout(str(exc))) from exc
        except _DROPS as exc:
            raise _NoAnswer(f"{exc.__class__.__name__} while sending: {exc}") from exc
        except OSError as exc:
            self.close()
            raise error_for_transport(httpx.WriteError(f"{exc.__class__.__name__}: {exc}")) from exc
        status = 0
        try:
            status, headers, version = self._read_head(time.monotonic() + self._timeout, True)
            while 100 <= status < 200:  # "100 Continue" and the like: the answer follows
                if status == 101:
                    raise _Garbled("101 Switching Protocols")
                status, headers, version = self._read_head(time.monotonic() + self._timeout,
                                                           False)
            deadline = time.monotonic() + self._timeout
            body, keep = self._read_body(method, status, headers, version, deadline)
        except _NoAnswer:
            raise
        except TimeoutError as exc:
            self.close()
            raise error_for_transport(httpx.ReadTimeout(str(exc))) from exc
        except _Oversized as exc:
            self.close()  # never read the rest of an oversized answer
            raise SyncError(OVERSIZED_MESSAGE, f"{method} answered HTTP {status} with more than "
                            f"{MAX_ANSWER} bytes ({exc})", permanent=False,
                            scope=ErrorScope.RUN, status=status or None) from exc
        except (_Garbled, OSError, ValueError) as exc:
            self.close()
            raise error_for_transport(
                httpx.RemoteProtocolError(f"{exc.__class__.__name__}: {exc}")) from exc
        self._served += 1
        if not keep or self._buf:  # the server closes it, or sent more than it was asked
            self.close()
        return Answer(status, headers, body)

    def _recv(self, deadline: float) -> bytes:
        assert self._sock is not None
        if time.monotonic() > deadline:
            raise TimeoutError("the answer did not end in time")
        return self._sock.recv(READ_BLOCK)

    def _read_head(self, deadline: float, first: bool) -> tuple[int, dict[str, str], str]:
        """Status line and headers (the answer's start: a close before it is `_NoAnswer`)."""
        buf = self._buf
        while True:
            end = buf.find(b"\r\n\r\n")
            if end >= 0:
                head, self._buf = buf[:end], buf[end + 4:]
                break
            end = buf.find(b"\n\n")  # a server ending its lines with a bare LF
            if end >= 0:
                head, self._buf = buf[:end], buf[end + 2:]
                break
            if len(buf) > MAX_HEAD:
                raise _Oversized("head")
            try:
                chunk = self._recv(deadline)
            except _DROPS as exc:
                if first and not buf:
                    raise _NoAnswer(f"{exc.__class__.__name__}: {exc}") from exc
                raise
            if not chunk:
                if first and not buf:
                    raise _NoAnswer("the server closed the connection without an answer")
                raise _Garbled("the connection closed in the middle of the answer")
            buf += chunk
        lines = head.decode("latin-1").split("\n")
        version, _, rest = lines[0].rstrip("\r").partition(" ")
        code = rest[:3]
        if not version.startswith("HTTP/1.") or len(code) != 3 or not code.isdigit():
            raise _Garbled(f"bad status line {lines[0][:80]!r}")
        headers: dict[str, str] = {}
        for line in lines[1:]:
            name, sep, value = line.partition(":")
            if not sep:
                raise _Garbled(f"bad header line {line[:80]!r}")
            key, value = name.strip().lower(), value.strip()
            headers[key] = f"{headers[key]}, {value}" if key in headers else value
        return int(code), headers, version

    def _read_body(self, method: str, status: int, headers: dict[str, str], version: str,
                   deadline: float) -> tuple[bytes, bool]:
        """The body, and whether the connection may carry the next request."""
        connection = headers.get("connection", "").lower()
        keep = "close" not in connection and (version == "HTTP/1.1" or "keep-alive" in connection)
        if method == "HEAD" or status in _NO_BODY:
            return b"", keep
        if "chunked" in headers.get("transfer-encoding", "").lower():
            return self._read_chunked(deadline), keep
        length = headers.get("content-length")
        if length is None:  # delimited by the connection's end
            while len(self._buf) <= MAX_ANSWER:
                chunk = self._recv(deadline)
                if not chunk:
                    body, self._buf = self._buf, b""
                    return body, False
                self._buf += chunk
            raise _Oversized("unframed body")
        if not length.isdigit():
            raise _Garbled(f"bad Content-Length {length[:40]!r}")
        if int(length) > MAX_ANSWER:
            raise _Oversized(f"Content-Length {length}")
        return self._take(int(length), deadline), keep

    def _take(self, n: int, deadline: float) -> bytes:
        while len(self._buf) < n:
            chunk = self._recv(deadline)
            if not chunk:
                raise _Garbled("the connection closed in the middle of the answer")
            self._buf += chunk
        out, self._buf = self._buf[:n], self._buf[n:]
        return out

    def _line(self, deadline: float) -> bytes:
        while (end := self._buf.find(b"\n")) < 0:
            if len(self._buf) > 4096:
                raise _Garbled("chunk header too long")
            chunk = self._recv(deadline)
            if not chunk:
                raise _Garbled("the connection closed in the middle of the answer")
            self._buf += chunk
        out, self._buf = self._buf[:end], self._buf[end + 1:]
        return out.rstrip(b"\r")

    def _read_chunked(self, deadline: float) -> bytes:
        parts: list[bytes] = []
        total = 0
        while True:
            size_text = self._line(deadline).split(b";", 1)[0].strip()
            try:
                size = int(size_text, 16)
            except ValueError as exc:
                raise _Garbled(f"bad chunk size {size_text[:20]!r}") from exc
            if size == 0:
                while self._line(deadline):  # trailers, up to the empty line
                    pass
                return b"".join(parts)
            total += size
            if total > MAX_ANSWER:
                raise _Oversized("chunked body")
            parts.append(self._take(size, deadline))
            if self._line(deadline):
                raise _Garbled("chunk not followed by CRLF")


def _check(text: str) -> None:
    if "\r" in text or "\n" in text:
        raise ValueError("line breaks are not allowed in an HTTP request line or header")


def _header_lines(headers: dict[str, str]) -> bytes:
    for name, value in headers.items():
        _check(name)
        _check(value)
    return "".join(f"{k}: {v}\r\n" for k, v in headers.items()).encode("latin-1")


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
