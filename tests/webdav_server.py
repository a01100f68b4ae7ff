"""A real WebDAV server for tests: WsgiDAV on cheroot, loopback only, basic auth, a temp folder.

`DavServer` can be stopped and restarted on the same port and folder, and `FaultInjector` (a WSGI
middleware in front of WsgiDAV) can answer chosen requests with a status code, or "kill" the
server at a chosen point of a chosen request: before it runs, in the middle of reading a PUT body,
or after the operation was done but before the client hears about it.
"""

from __future__ import annotations

import errno
import logging
import socket
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from cheroot import wsgi
from wsgidav.wsgidav_app import WsgiDAVApp

USER = "assessor"
PASSWORD = "correct horse battery staple"

Environ = dict[str, Any]
StartResponse = Callable[..., Any]


class _Dropped(ConnectionResetError):
    """Raised into cheroot so it closes the connection without an answer, like a dead server."""

    def __init__(self) -> None:
        super().__init__(errno.ECONNRESET, "connection dropped by the test fault injector")


@dataclass
class Fault:
    method: str  # e.g. "PUT"; "*" for any
    nth: int = 1  # the nth matching request (1-based) triggers it
    status: int | None = None  # answer this status instead of running WsgiDAV
    kill: str | None = None  # "before" | "mid_body" | "after": drop and stop the server
    times: int = 1  # how many consecutive matches from the nth on it applies to
    path_contains: str = ""
    mid_body_bytes: int = 4096
    seen: int = 0
    fired: int = 0

    def matches(self, method: str, path: str) -> bool:
        return (self.method in ("*", method)) and self.path_contains in path


class _CuttingInput:
    """wsgi.input that delivers `limit` bytes of the body, then the connection 'dies'."""

    def __init__(self, inner: Any, limit: int, on_cut: Callable[[], None]) -> None:
        self._inner = inner
        self._left = limit
        self._on_cut = on_cut

    def read(self, size: int = -1) -> bytes:
        if self._left <= 0:
            self._on_cut()
            raise _Dropped()
        n = self._left if size is None or size < 0 else min(size, self._left)
        data = self._inner.read(n)
        self._left -= len(data)
        return data

    def readline(self, size: int = -1) -> bytes:  # pragma: no cover - WsgiDAV reads by blocks
        return self.read(size)


class FaultInjector:
    """WSGI middleware: records every request and applies the configured faults."""

    def __init__(self, app: Callable[..., Any], server: DavServer) -> None:
        self.app = app
        self.server = server
        self.faults: list[Fault] = []
        self.log: list[tuple[str, str, int | None]] = []
        self._lock = threading.Lock()

    def add(self, fault: Fault) -> Fault:
        with self._lock:
            self.faults.append(fault)
        return fault

    def clear(self) -> None:
        with self._lock:
            self.faults.clear()

    def count(self, method: str) -> int:
        return sum(1 for m, _p, _s in self.log if m == method)

    def __call__(self, environ: Environ, start_response: StartResponse) -> Any:
        method = environ["REQUEST_METHOD"]
        path = environ.get("PATH_INFO", "")
        if self.server.dead:
            raise _Dropped()
        fault = None
        with self._lock:
            for f in self.faults:
                if not f.matches(method, path):
                    continue
                f.seen += 1
                if f.seen >= f.nth and f.fired < f.times:
                    f.fired += 1
                    fault = f
                    break
        if fault is None:
            return self._passthrough(environ, start_response, method, path)
        if fault.status is not None:
            self.log.append((method, path, fault.status))
            body = f"injected {fault.status}".encode()
            start_response(
                f"{fault.status} Injected",
                [("Content-Type", "text/plain"), ("Content-Length", str(len(body)))],
            )
            return [body]
        self.log.append((method, path, None))
        if fault.kill == "before":
            self.server.kill()
            raise _Dropped()
        if fault.kill == "mid_body":
            environ["wsgi.input"] = _CuttingInput(
                environ["wsgi.input"], fault.mid_body_bytes, self.server.kill
            )
            try:
                result = self.app(environ, lambda *a, **k: None)
                # Make sure WsgiDAV has finished with the (partial) file before we "die".
                for _ in result:
                    pass
            except Exception:  # noqa: BLE001 - whatever WsgiDAV made of the cut body
                pass
            self.server.kill()
            raise _Dropped()
        if fault.kill == "after":
            result = self.app(environ, lambda *a, **k: None)
            for _ in result:  # the operation completes on the server …
                pass
            self.server.kill()
            raise _Dropped()  # … but the client never hears about it
        raise AssertionError(f"bad fault {fault}")

    def _passthrough(
        self, environ: Environ, start_response: StartResponse, method: str, path: str
    ) -> Any:
        status_holder: list[int] = []

        def sr(status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> Any:
            status_holder.append(int(status.split()[0]))
            return start_response(status, headers, exc_info)

        result = self.app(environ, sr)
        self.log.append((method, path, status_holder[0] if status_holder else None))
        return result


class DavServer:
    """WsgiDAV served by cheroot on 127.0.0.1; `restart()` keeps the port and the folder."""

    def __init__(self, root: Path, user: str = USER, password: str = PASSWORD) -> None:
        self.root = root
        self.user = user
        self.password = password
        self.port = 0
        self.dead = False
        self._server: wsgi.Server | None = None
        self._thread: threading.Thread | None = None
        self._killer: threading.Thread | None = None
        config = {
            "host": "127.0.0.1",
            "provider_mapping": {"/": str(root)},
            "http_authenticator": {
                "domain_controller": None,  # SimpleDomainController
                "accept_basic": True,
                "accept_digest": False,
                "default_to_digest": False,
            },
            "simple_dc": {"user_mapping": {"*": {user: {"password": password}}}},
            "verbose": 0,
            "logging": {"enable": False, "enable_loggers": []},
            "dir_browser": {"enable": False},
            "lock_storage": True,
            "property_manager": True,
        }
        self.faults = FaultInjector(WsgiDAVApp(config), self)
        logging.getLogger("wsgidav").setLevel(logging.ERROR)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/"

    @property
    def running(self) -> bool:
        return self._server is not None

    def start(self) -> None:
        if self._killer is not None:
            self._killer.join(10)
            self._killer = None
        self.dead = False
        if not self.port:
            self.port = _free_port()
        server = wsgi.Server(("127.0.0.1", self.port), self.faults, numthreads=8)
        server.prepare()
        self.port = server.bind_addr[1]
        self._server = server
        self._thread = threading.Thread(target=server.serve, name="wsgidav", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        if self._killer is not None:
            self._killer.join(10)
            self._killer = None
        if self._server is not None:
            self._server.stop()
            self._server = None
        if self._thread is not None:
            self._thread.join(10)
            self._thread = None

    def kill(self) -> None:
        """Die now, from inside a request: refuse everything, stop serving in the background."""
        if self.dead:
            return
        self.dead = True

        def _stop() -> None:
            time.sleep(0.05)
            if self._server is not None:
                self._server.stop()
                self._server = None

        self._killer = threading.Thread(target=_stop, name="wsgidav-kill", daemon=True)
        self._killer.start()

    def restart(self) -> None:
        self.stop()
        self.start()

    def files(self) -> list[Path]:
        """Every file in the served folder (including hidden temporary ones)."""
        return sorted(p for p in self.root.rglob("*") if p.is_file())


def _free_port() -> int:
    """An explicit port, so cheroot sets SO_REUSEADDR and a restart can bind it again at once."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
def dav_server(tmp_path: Path) -> Iterator[DavServer]:
    root = tmp_path / "dav-root"
    root.mkdir()
    server = DavServer(root)
    server.start()
    try:
        yield server
    finally:
        server.stop()
