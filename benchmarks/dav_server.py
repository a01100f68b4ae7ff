"""A WsgiDAV server on 127.0.0.1 in its own process(es), for the sync benchmark (a real centre
server is another process, usually another machine). Prints its port once every process
listens, then serves until terminated (SIGTERM stops the worker processes too).

    .venv/bin/python benchmarks/dav_server.py FOLDER USER PASSWORD [--procs N] [--threads T]
        [--locks memory|none] [--props memory|none]

The configuration is the lean one a centre would run for file drop-off, and the benchmark uses
the SAME server for the bare PUT loop and for the app:

- WsgiDAV 4.4 on cheroot, filesystem provider on FOLDER (symlinks not followed: the default
  "is it inside the root" check stays on), HTTP Basic auth against one user, no digest;
- no request logging (verbose 0, the wsgidav logger at ERROR), no directory browser;
- `--locks`: "memory" = WsgiDAV's in-memory lock manager (the default), "none" = no LOCK
  support (no client of this benchmark sends LOCK; MOVE's "destination exists → 412" check is
  in the request handler, not in the lock manager, so it is unchanged);
- `--props`: "none" (the default) = no dead-property store; "memory" = in-memory one;
- `--procs N`: N server processes accept on the one port (SO_REUSEPORT; the kernel spreads
  new connections over them), each with `--threads` cheroot threads. A keep-alive connection
  stays with the process that accepted it, so a single-connection client (the bare loop) is
  served by one process whatever N is.
"""

from __future__ import annotations

import argparse
import logging
import os
import signal
import socket
import subprocess
import sys

from cheroot import wsgi
from wsgidav.wsgidav_app import WsgiDAVApp


def config(folder: str, user: str, password: str, *, locks: str, props: str) -> dict:
    return {
        "host": "127.0.0.1",
        "provider_mapping": {"/": folder},
        "http_authenticator": {"domain_controller": None, "accept_basic": True,
                               "accept_digest": False, "default_to_digest": False},
        "simple_dc": {"user_mapping": {"*": {user: {"password": password}}}},
        "verbose": 0,
        "logging": {"enable": False, "enable_loggers": []},
        "dir_browser": {"enable": False},
        "lock_storage": locks == "memory",
        "property_manager": props == "memory",
    }


def _args(argv: list[str]) -> argparse.Namespace:
    p = argparse.ArgumentParser()
    p.add_argument("folder")
    p.add_argument("user")
    p.add_argument("password")
    p.add_argument("--procs", type=int, default=1)
    p.add_argument("--threads", type=int, default=8)
    p.add_argument("--locks", choices=("memory", "none"), default="memory")
    p.add_argument("--props", choices=("memory", "none"), default="none")
    p.add_argument("--port", type=int, default=0, help=argparse.SUPPRESS)  # a worker process
    return p.parse_args(argv)


def serve(args: argparse.Namespace) -> None:
    """One server process: listen (sharing the port when there are several), say so, serve."""
    logging.getLogger("wsgidav").setLevel(logging.ERROR)
    app = WsgiDAVApp(config(args.folder, args.user, args.password,
                            locks=args.locks, props=args.props))
    server = wsgi.Server(("127.0.0.1", args.port), app, numthreads=args.threads,
                         reuse_port=args.procs > 1, request_queue_size=64)
    server.prepare()
    # Terminate at once (WsgiDAV/cheroot would otherwise wait for open keep-alive connections).
    signal.signal(signal.SIGTERM, lambda *_: os._exit(0))
    print(server.bind_addr[1], flush=True)
    server.serve()


def main(argv: list[str]) -> None:
    args = _args(argv)
    if args.procs == 1 or args.port:
        serve(args)
        return
    # Hold the port (bound, not listening, so it is never handed a connection) while the
    # worker processes bind it too.
    holder = socket.socket()
    holder.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
    holder.bind(("127.0.0.1", 0))
    port = holder.getsockname()[1]
    workers = [subprocess.Popen([sys.executable, __file__, *argv, "--port", str(port)],
                                stdout=subprocess.PIPE, text=True) for _ in range(args.procs)]
    for w in workers:
        assert w.stdout is not None and int(w.stdout.readline()) == port
    holder.close()

    def stop(*_: object) -> None:
        for w in workers:
            w.terminate()  # each exits at once (see `serve`)
        os._exit(0)

    signal.signal(signal.SIGTERM, stop)
    print(port, flush=True)
    for w in workers:
        w.wait()


if __name__ == "__main__":
    main(sys.argv[1:])
