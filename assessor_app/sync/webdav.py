"""A small WebDAV client over httpx: PROPFIND, MKCOL, streaming PUT, MOVE, DELETE, GET-and-hash.
The uploads' hot path (PUT of a file already in memory, MOVE) goes over `http11.KeepAlive`, a
leaner connection with the same credentials, TLS context and timeouts.

Works with the common servers (Nextcloud/ownCloud, SharePoint, Apache mod_dav, IIS, WsgiDAV):
only RFC 4918 basics plus the optional ownCloud checksum property when a server offers it.
"""

from __future__ import annotations

import functools
import hashlib
import os
import ssl
import threading
import xml.etree.ElementTree as ET
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from urllib.parse import quote, unquote, urljoin, urlsplit

import httpx

from assessor_app import __version__
from assessor_app.sync.errors import (
    SyncCancelled,
    SyncError,
    error_for_status,
    error_for_transport,
)
from assessor_app.sync.http11 import KeepAlive, usable_for
from assessor_app.sync.settings import SyncSettings

CHUNK = 256 * 1024
PROBE_TIMEOUT = 5.0
_PROPFIND_BODY = (
    b'<?xml version="1.0" encoding="utf-8"?>'
    b'<d:propfind xmlns:d="DAV:" xmlns:oc="http://owncloud.org/ns"><d:prop>'
    b"<d:getcontentlength/><d:getetag/><d:resourcetype/><oc:checksums/>"
    b"</d:prop></d:propfind>"
)
_NS = {"d": "DAV:", "oc": "http://owncloud.org/ns"}
_DOT_SEGMENTS = frozenset((".", ".."))


@dataclass(frozen=True)
class RemoteFile:
    path: str
    is_collection: bool
    size: int | None
    etag: str
    sha256: str = ""  # from a server-side checksum property, when the server has one


@dataclass(frozen=True)
class ProbeResult:
    reachable: bool  # we spoke HTTP to the server
    authorised: bool  # and it accepted the credentials
    status: int | None
    message: str


@functools.lru_cache(maxsize=8)
def _ssl_context(verify: bool | str, env: tuple[str, str], bundle_mtime: float | None,
                 ) -> ssl.SSLContext:
    # Loading the CA store takes ~40 ms of CPU; a sync run opens a connection per worker, so the
    # context is built once per setting (and CA bundle version) and shared: it is thread-safe.
    del env, bundle_mtime  # parts of the cache key only: a replaced CA bundle is read again
    if isinstance(verify, str):  # a CA bundle file or folder (httpx deprecates the str form)
        if os.path.isdir(verify):
            return ssl.create_default_context(capath=verify)
        return ssl.create_default_context(cafile=verify)
    return httpx.create_ssl_context(verify=verify)


def tls_context(verify: bool | str) -> ssl.SSLContext:
    """The TLS context for `SyncSettings.verify` (True, False, or a CA bundle path)."""
    mtime = None
    if isinstance(verify, str):
        try:
            mtime = os.stat(verify).st_mtime
        except OSError:
            mtime = None  # loading it reports the missing bundle
    env = (os.environ.get("SSL_CERT_FILE", ""), os.environ.get("SSL_CERT_DIR", ""))
    return _ssl_context(verify, env, mtime)


@functools.lru_cache(maxsize=4096)  # folder names come again and again in a run
def _quote_segment(seg: str) -> str:
    return quote(seg, safe="")


def _quote_path(path: str) -> str:
    return "/".join(_quote_segment(seg) for seg in path.strip("/").split("/") if seg)


class WebDavClient:
    """One authenticated connection pool to the centre's WebDAV folder. Thread-confined."""

    def __init__(
        self,
        settings: SyncSettings,
        password: str,
        *,
        timeout: float | None = None,
        transport: httpx.BaseTransport | None = None,
        known_dirs: set[str] | None = None,
    ) -> None:
        self.settings = settings
        t = timeout if timeout is not None else settings.timeout_seconds
        context = tls_context(settings.verify)
        agent = f"assessor-app/{__version__}"
        self._httpx: httpx.Client | None = None  # made when first needed (see `_client`)
        self._httpx_args = {
            "auth": httpx.BasicAuth(settings.username, password),
            "verify": context,
            "timeout": httpx.Timeout(t, connect=min(t, 15.0)),
            "headers": {"User-Agent": agent},
            "follow_redirects": False,  # a redirect would drop the body of a streamed PUT
            "transport": transport,
        }
        # The upload hot path (PUT of an in-memory file, MOVE) goes over a leaner keep-alive
        # connection with the same credentials, TLS context and timeouts; not when the caller
        # brought its own transport, nor when the environment names a proxy for the server.
        self._fast: KeepAlive | None = None
        if transport is None and usable_for(settings.base_url):
            self._fast = KeepAlive(settings.base_url, settings.username, password,
                                   context=context, timeout=t, connect_timeout=min(t, 15.0),
                                   user_agent=agent)
        # `url` joins a relative path to the base URL as urljoin does, without its cost.
        self._prefix = urljoin(settings.base_url, "x")[:-1]
        self._prefix_target = _target(self._prefix)
        # Folders known to exist; several clients of one sync run share one set (adding to a set
        # and testing membership are atomic in CPython, and a duplicate MKCOL is harmless).
        self._known_dirs: set[str] = set() if known_dirs is None else known_dirs

    def __enter__(self) -> WebDavClient:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()

    def close(self) -> None:
        if self._fast is not None:
            self._fast.close()
        if self._httpx is not None:
            self._httpx.close()

    @property
    def _client(self) -> httpx.Client:
        """The httpx client for everything but the upload hot path (a worker whose files all
        go the lean way never needs one, nor its connection)."""
        if self._httpx is None:
            self._httpx = httpx.Client(**self._httpx_args)  # type: ignore[arg-type]
        return self._httpx

    def url(self, path: str, *, collection: bool = False) -> str:
        rel = _quote_path(path)
        if collection and rel:
            rel += "/"
        if not rel or _DOT_SEGMENTS.intersection(rel.split("/")):
            return urljoin(self.settings.base_url, rel)  # dot segments: resolved as RFC 3986
        return self._prefix + rel  # = urljoin(base_url, rel) for a path without dot segments

    def _target(self, path: str, *, collection: bool = False) -> str:
        """The request target (path and query) of `url(path)`."""
        url = self.url(path, collection=collection)
        if url.startswith(self._prefix):
            return self._prefix_target + url[len(self._prefix):]
        return _target(url)

    def _request(self, method: str, url: str, **kw: object) -> httpx.Response:
        try:
            return self._client.request(method, url, **kw)  # type: ignore[arg-type]
        except httpx.TransportError as exc:
            raise error_for_transport(exc) from exc

    # -- reading -----------------------------------------------------------------------------

    def stat(self, path: str) -> RemoteFile | None:
        """PROPFIND depth 0: size, ETag and checksum of a file, or None when it is not there."""
        r = self._request(
            "PROPFIND",
            self.url(path),
            content=_PROPFIND_BODY,
            headers={"Depth": "0", "Content-Type": "application/xml; charset=utf-8"},
        )
        if r.status_code == 404:
            return None
        if r.status_code != 207:
            raise error_for_status(r.status_code, "PROPFIND")
        files = _parse_multistatus(r.content)
        if not files:
            return None
        return RemoteFile(path, files[0].is_collection, files[0].size, files[0].etag,
                          files[0].sha256)

    def list_dir(self, path: str) -> list[RemoteFile]:
        """PROPFIND depth 1 of a folder: its direct children (names are relative to `path`)."""
        r = self._request(
            "PROPFIND",
            self.url(path, collection=True),
            content=_PROPFIND_BODY,
            headers={"Depth": "1", "Content-Type": "application/xml; charset=utf-8"},
        )
        if r.status_code == 404:
            return []
        if r.status_code != 207:
            raise error_for_status(r.status_code, "PROPFIND")
        base = urlsplit(self.url(path, collection=True)).path.rstrip("/")
        out = []
        for f in _parse_multistatus(r.content):
            href_path = urlsplit(f.path).path.rstrip("/")
            if href_path == base:
                continue
            name = unquote(PurePosixPath(href_path).name)
            out.append(RemoteFile(name, f.is_collection, f.size, f.etag, f.sha256))
        return out

    def sha256_of(self, path: str, cancel: threading.Event | None = None) -> str | None:
        """GET and hash, streaming; for servers without a checksum property."""
        h = hashlib.sha256()
        try:
            with self._client.stream("GET", self.url(path)) as r:
                if r.status_code == 404:
                    return None
                if r.status_code != 200:
                    raise error_for_status(r.status_code, "GET")
                for chunk in r.iter_bytes(CHUNK):
                    if cancel is not None and cancel.is_set():
                        raise SyncCancelled()
                    h.update(chunk)
        except httpx.TransportError as exc:
            raise error_for_transport(exc) from exc
        return h.hexdigest()

    def get_bytes(self, path: str) -> bytes | None:
        """GET a (small) file whole; None when it is not there."""
        r = self._request("GET", self.url(path))
        if r.status_code == 404:
            return None
        if r.status_code != 200:
            raise error_for_status(r.status_code, "GET")
        return r.content

    # -- writing -----------------------------------------------------------------------------

    def ensure_folder(self, folder: str) -> None:
        """MKCOL each missing level; 405 means it already exists, which is fine."""
        parts = [p for p in folder.strip("/").split("/") if p]
        for i in range(1, len(parts) + 1):
            sub = "/".join(parts[:i])
            if sub in self._known_dirs:
                continue
            if self._fast is not None:  # safe to repeat: a second MKCOL answers 405
                status = self._fast.request("MKCOL", self._target(sub, collection=True),
                                            retry=True).status
            else:
                status = self._request("MKCOL", self.url(sub, collection=True)).status_code
            if status not in (200, 201, 204, 301, 405):
                raise error_for_status(status, "MKCOL")
            self._known_dirs.add(sub)

    def put_file(
        self,
        path: str,
        source: Path | bytes,
        size: int,
        *,
        on_chunk: Callable[[bytes], None] | None = None,
        cancel: threading.Event | None = None,
        sha256: str = "",
    ) -> str:
        """Stream `source` to `path` (never read whole); `on_chunk` sees each chunk as it goes.

        Returns the ETag the server gave, if any."""
        headers = {"Content-Length": str(size), "Content-Type": "application/pdf"}
        if sha256:
            # ownCloud/Nextcloud keep this and check it; other servers ignore unknown headers.
            headers["OC-Checksum"] = f"SHA256:{sha256}"
        if isinstance(source, bytes) and len(source) <= CHUNK:
            # Small and already in memory (an ERS PDF): one write, no generator round trips.
            if cancel is not None and cancel.is_set():
                raise SyncCancelled()
            if on_chunk is not None:
                on_chunk(source)
            if self._fast is not None:
                # Safe to send again if a kept-alive connection drops under it: the bytes go
                # to the temporary name and replace whatever an earlier try left there.
                a = self._fast.request("PUT", self._target(path), body=source,
                                       headers=headers, retry=True)
                if a.status not in (200, 201, 204):
                    raise error_for_status(a.status, "PUT")
                return a.headers.get("etag", "")
            body: bytes | Iterator[bytes] = source
        else:
            body = _file_chunks(source, on_chunk, cancel)
        r = self._request("PUT", self.url(path), content=body, headers=headers)
        if r.status_code not in (200, 201, 204):
            raise error_for_status(r.status_code, "PUT")
        return r.headers.get("ETag", "")

    def move(self, src: str, dst: str, *, overwrite: bool) -> bool:
        """MOVE `src` to `dst`. With overwrite=False, returns False when `dst` already exists."""
        return self.move_status(src, dst, overwrite=overwrite) != 412

    def move_status(self, src: str, dst: str, *, overwrite: bool) -> int:
        """MOVE `src` to `dst` and return the server's success status: 201 (Created: `dst` is
        new), 204 or 200; or 412 when overwrite=False and `dst` already exists.

        Raises `ConnectionDropped` when a kept-alive connection closed under it with no answer:
        the MOVE may have been carried out, so the caller checks before trying again."""
        headers = {"Destination": self.url(dst), "Overwrite": "T" if overwrite else "F"}
        if self._fast is not None:
            status = self._fast.request("MOVE", self._target(src), headers=headers,
                                        retry=False).status
        else:
            status = self._request("MOVE", self.url(src), headers=headers).status_code
        if status == 412 and not overwrite:
            return 412
        if status not in (200, 201, 204):
            raise error_for_status(status, "MOVE")
        return status

    def delete(self, path: str) -> bool:
        """True if something was deleted; a missing file is not an error."""
        r = self._request("DELETE", self.url(path))
        if r.status_code == 404:
            return False
        if r.status_code not in (200, 202, 204):
            raise error_for_status(r.status_code, "DELETE")
        return True

    # -- connectivity ------------------------------------------------------------------------

    def probe(self) -> ProbeResult:
        """PROPFIND depth 0 on the base folder: reachable? credentials accepted?"""
        try:
            r = self._client.request(
                "PROPFIND",
                self.settings.base_url,
                content=_PROPFIND_BODY,
                headers={"Depth": "0", "Content-Type": "application/xml; charset=utf-8"},
            )
        except httpx.TransportError as exc:
            err = error_for_transport(exc)
            return ProbeResult(False, False, None, err.user_message)
        if r.status_code in (200, 207):
            return ProbeResult(True, True, r.status_code, "Connected to the centre's server.")
        err = error_for_status(r.status_code, "PROPFIND")
        return ProbeResult(True, r.status_code not in (401, 403), r.status_code, err.user_message)


def probe(
    settings: SyncSettings,
    password: str,
    *,
    timeout: float = PROBE_TIMEOUT,
    transport: httpx.BaseTransport | None = None,
) -> ProbeResult:
    """Cheap connectivity check for a background worker (short timeout, one request)."""
    with WebDavClient(settings, password, timeout=timeout, transport=transport) as c:
        return c.probe()


def _target(url: str) -> str:
    """The request target (path and query) of an absolute URL."""
    parts = urlsplit(url)
    return (parts.path or "/") + (f"?{parts.query}" if parts.query else "")


def _file_chunks(
    source: Path | bytes, on_chunk: Callable[[bytes], None] | None,
    cancel: threading.Event | None
) -> Iterator[bytes]:
    import io

    with (io.BytesIO(source) if isinstance(source, bytes) else source.open("rb")) as fh:
        while chunk := fh.read(CHUNK):
            if cancel is not None and cancel.is_set():
                raise SyncCancelled()
            if on_chunk is not None:
                on_chunk(chunk)
            yield chunk


def _parse_multistatus(body: bytes) -> list[RemoteFile]:
    try:
        root = ET.fromstring(body)
    except ET.ParseError as exc:
        raise SyncError(
            "The centre's server sent an answer this app cannot read; it will be retried.",
            f"bad PROPFIND XML: {exc}",
            permanent=False,
        ) from exc
    out: list[RemoteFile] = []
    for resp in root.findall("d:response", _NS):
        href = resp.findtext("d:href", default="", namespaces=_NS)
        size: int | None = None
        etag = ""
        is_col = False
        sha = ""
        for ps in resp.findall("d:propstat", _NS):
            status = ps.findtext("d:status", default="", namespaces=_NS)
            if " 200" not in status:
                continue
            prop = ps.find("d:prop", _NS)
            if prop is None:
                continue
            length = prop.findtext("d:getcontentlength", default="", namespaces=_NS).strip()
            if length.isdigit():
                size = int(length)
            etag = prop.findtext("d:getetag", default="", namespaces=_NS).strip() or etag
            rt = prop.find("d:resourcetype", _NS)
            if rt is not None and rt.find("d:collection", _NS) is not None:
                is_col = True
            for cs in prop.iterfind("oc:checksums/oc:checksum", _NS):
                for token in (cs.text or "").split():
                    algo, _, value = token.partition(":")
                    if algo.upper() == "SHA256" and value:
                        sha = value.lower()
        out.append(RemoteFile(href, is_col, size, etag, sha))
    return out
