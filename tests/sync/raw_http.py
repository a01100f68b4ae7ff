"""A scripted HTTP server on 127.0.0.1 for the upload connection's tests: it reads each request
(head and Content-Length body) like a server would and lets the test answer it with any bytes,
for what WsgiDAV would never send."""

from __future__ import annotations

import socket
import threading
from collections.abc import Callable, Iterator

Handler = Callable[[socket.socket, int, bytes], bool]  # (conn, n-th request on it, head) -> keep?


class RawServer:
    """Reads each request (head and Content-Length body) and lets `handler` answer it; the
    handler returns False to end the connection. `log` holds every request line received."""

    def __init__(self, handler: Handler) -> None:
        self.handler = handler
        self.log: list[str] = []
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(8)
        self.sock.settimeout(0.2)
        self.stop = threading.Event()
        self.threads: list[threading.Thread] = []
        self.url = f"http://127.0.0.1:{self.sock.getsockname()[1]}/dav/"
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        while not self.stop.is_set():
            try:
                conn, _ = self.sock.accept()
            except TimeoutError:
                continue
            except OSError:
                return  # closed
            t = threading.Thread(target=self._serve, args=(conn,), daemon=True)
            self.threads.append(t)
            t.start()

    def _serve(self, conn: socket.socket) -> None:
        conn.settimeout(30)
        buf = b""
        n = 0
        try:
            while not self.stop.is_set():
                while b"\r\n\r\n" not in buf:
                    data = conn.recv(65536)
                    if not data:
                        return
                    buf += data
                head, _, buf = buf.partition(b"\r\n\r\n")
                length = 0
                for line in head.split(b"\r\n")[1:]:
                    name, _, value = line.partition(b":")
                    if name.strip().lower() == b"content-length":
                        length = int(value)
                while len(buf) < length:
                    buf += conn.recv(65536)
                buf = buf[length:]
                n += 1
                self.log.append(head.split(b"\r\n")[0].decode())
                if not self.handler(conn, n, head):
                    return
        except OSError:
            return
        finally:
            conn.close()

    def close(self) -> None:
        self.stop.set()
        self.sock.close()
        for t in self.threads:
            t.join(5)


def serving() -> Iterator[Callable[[Handler], RawServer]]:
    """The body of a test's `raw_server` fixture: makes servers, closes them all after."""
    made: list[RawServer] = []

    def make(handler: Handler) -> RawServer:
        made.append(RawServer(handler))
        return made[-1]

    yield make
    for s in made:
        s.close()
