"""A lean HTTP/1.1 keep-alive connection for the upload hot path (PUT to the temporary name, MOVE
into place), on the standard library's `http.client`: a fraction of httpx's CPU per request.

One `KeepAlive` per worker thread (it is not thread-safe). It sends the Basic auth header it
computed once, speaks TLS with the run's shared context (the server's name is checked whenever the
context checks names, i.e. unless the user turned verification off), connects within the connect
timeout and gives up on a server that stops answering after the same read timeout as httpx does,
and reads at most `MAX_ANSWER` bytes of any answer. Every failure becomes the `SyncError` the
engine already knows (`error_for_transport` / the caller's `error_for_status`).

A server may close a kept-alive connection while it is idle. Such a connection is not reused
(checked before each request), and when the close races with a request (no answer at all on a
reused connection), a request that is safe to repeat is sent once more on a fresh connection;
any other raises `ConnectionDropped`, so the caller checks what happened before acting again.
"""

from __future__ import annotations

import base64
import http.client
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
READ_BLOCK = 64 * 1024
OVERSIZED_MESSAGE = (
    "The centre's server sent an answer far larger than expected, so it was not read. Files "
    "stay in the outbox and will be sent automatically later; if this keeps happening, tell "
    "the centre."
)
_DROPS = (ConnectionResetError, ConnectionAbortedError, BrokenPipeError, ssl.SSLEOFError,
          ssl.SSLZeroReturnError)


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


@dataclass(frozen=True)
class Answer:
    status: int
    headers: http.client.HTTPMessage
    body: bytes


class _NoAnswer(Exception):
    """The connection closed with no answer (the server dropped a kept-alive connection)."""


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
        self._headers = {"User-Agent": user_agent,
                         "Authorization": basic_auth(username, password)}
        self._conn: http.client.HTTPConnection | None = None
        self._served = 0  # answers read on the current connection

    def close(self) -> None:
        if self._conn is not None:
            self._conn.close()
            self._conn = None

    def request(self, method: str, target: str, *, body: bytes = b"",
                headers: dict[str, str] | None = None, retry: bool) -> Answer:
        """Send `method target` and read its answer. `retry`: the request is safe to send
        again (e.g. a PUT to a temporary name), so a dropped kept-alive connection is retried
        once on a fresh one; otherwise that raises `ConnectionDropped`."""
        all_headers = {**self._headers, **(headers or {})}
        reused = self._ready()
        try:
            return self._exchange(method, target, body, all_headers)
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
            return self._exchange(method, target, body, all_headers)
        except _NoAnswer as exc:
            self.close()
            raise error_for_transport(httpx.RemoteProtocolError(f"{method}: {exc}")) from exc

    def _ready(self) -> bool:
        """Make sure a connection is open; True when it is a reused one."""
        conn = self._conn
        if conn is not None and conn.sock is not None and self._served and _idle_ok(conn.sock):
            return True
        self.close()
        self._conn = self._open()
        self._served = 0
        return False

    def _open(self) -> http.client.HTTPConnection:
        conn: http.client.HTTPConnection
        if self._https:
            conn = http.client.HTTPSConnection(self._host, self._port,
                                               timeout=self._connect_timeout,
                                               context=self._context)
        else:
            conn = http.client.HTTPConnection(self._host, self._port,
                                              timeout=self._connect_timeout)
        try:
            conn.connect()  # TCP and, for https, the TLS handshake (name checked by the context)
        except (OSError, http.client.HTTPException) as exc:
            conn.close()
            raise _failure(exc, httpx.ConnectTimeout, httpx.ConnectError) from exc
        assert conn.sock is not None
        conn.sock.settimeout(self._timeout)
        return conn

    def _exchange(self, method: str, target: str, body: bytes,
                  headers: dict[str, str]) -> Answer:
        conn = self._conn
        assert conn is not None
        try:
            conn.putrequest(method, target)
            for name, value in headers.items():
                conn.putheader(name, value)
            if body or method in ("PUT", "POST"):
                conn.putheader("Content-Length", str(len(body)))
            conn.endheaders(body or None)
        except _DROPS as exc:
            raise _NoAnswer(f"{exc.__class__.__name__} while sending: {exc}") from exc
        except (OSError, http.client.HTTPException) as exc:
            self.close()
            raise _failure(exc, httpx.WriteTimeout, httpx.WriteError) from exc
        try:
            resp = conn.getresponse()
        except (*_DROPS, http.client.RemoteDisconnected) as exc:
            raise _NoAnswer(f"{exc.__class__.__name__}: {exc}") from exc
        except (OSError, http.client.HTTPException) as exc:  # a garbled or oversized head
            self.close()
            raise _failure(exc, httpx.ReadTimeout, httpx.RemoteProtocolError) from exc
        body_in = self._read_answer(resp, method)
        self._served += 1
        if resp.will_close:
            self.close()
        return Answer(resp.status, resp.headers, body_in)

    def _read_answer(self, resp: http.client.HTTPResponse, method: str) -> bytes:
        """The answer's body, at most MAX_ANSWER bytes and within the read timeout overall."""
        try:
            if resp.length == 0:
                return resp.read()  # the usual PUT/MOVE answer: nothing to read, closes it
            if resp.length is None or resp.length <= MAX_ANSWER:
                # One socket read at a time, so a server dribbling bytes is cut off once the
                # whole body has taken longer than the read timeout.
                deadline = time.monotonic() + self._timeout
                parts: list[bytes] = []
                total = 0
                while total <= MAX_ANSWER:
                    block = resp.read1(READ_BLOCK)
                    if not block:
                        resp.close()  # read to its end: the connection may carry the next one
                        return b"".join(parts)
                    parts.append(block)
                    total += len(block)
                    if time.monotonic() > deadline:
                        raise TimeoutError("the answer's body did not end in time")
        except (OSError, http.client.HTTPException) as exc:
            self.close()
            raise _failure(exc, httpx.ReadTimeout, httpx.RemoteProtocolError) from exc
        self.close()  # never read the rest of an oversized answer
        raise SyncError(OVERSIZED_MESSAGE,
                        f"{method} answered HTTP {resp.status} with more than {MAX_ANSWER} bytes",
                        permanent=False, scope=ErrorScope.RUN, status=resp.status)


def _idle_ok(sock: socket.socket) -> bool:
    """An idle kept-alive connection is reusable only if nothing arrived on it: readable means
    the server closed it (or sent something unasked), so it is not used again."""
    try:
        if hasattr(select, "poll"):
            poller = select.poll()
            poller.register(sock, select.POLLIN | select.POLLERR | select.POLLHUP)
            return not poller.poll(0)
        readable, _, errored = select.select([sock], [], [sock], 0)
        return not readable and not errored
    except (OSError, ValueError):
        return False
