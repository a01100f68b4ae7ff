"""A WsgiDAV server on 127.0.0.1 in its own process, for the sync benchmark (a real centre server
is another process, usually another machine). Prints its port, then serves until killed.

    .venv/bin/python benchmarks/dav_server.py FOLDER USER PASSWORD
"""

from __future__ import annotations

import logging
import sys

from cheroot import wsgi
from wsgidav.wsgidav_app import WsgiDAVApp


def main() -> None:
    folder, user, password = sys.argv[1:4]
    config = {
        "host": "127.0.0.1",
        "provider_mapping": {"/": folder},
        "http_authenticator": {"domain_controller": None, "accept_basic": True,
                               "accept_digest": False, "default_to_digest": False},
        "simple_dc": {"user_mapping": {"*": {user: {"password": password}}}},
        "verbose": 0,
        "logging": {"enable": False, "enable_loggers": []},
        "dir_browser": {"enable": False},
        "lock_storage": True,
        "property_manager": True,
    }
    logging.getLogger("wsgidav").setLevel(logging.ERROR)
    server = wsgi.Server(("127.0.0.1", 0), WsgiDAVApp(config), numthreads=8)
    server.prepare()
    print(server.bind_addr[1], flush=True)
    server.serve()


if __name__ == "__main__":
    main()
