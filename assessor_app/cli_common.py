"""Pieces every CLI subcommand shares: the `--db` option, opening the store, printing JSON."""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from assessor_app.store import Store, open_store


class CliError(Exception):
    """A problem the user can fix; printed as one line on stderr, exit status 2 by default."""

    def __init__(self, message: str, status: int = 2) -> None:
        super().__init__(message)
        self.status = status


def common_parser() -> argparse.ArgumentParser:
    """Parent parser so `--db` works after any subcommand as well as before it."""
    p = argparse.ArgumentParser(add_help=False)
    p.add_argument(
        "--db",
        default=argparse.SUPPRESS,
        metavar="PATH",
        help="SQLite database file (default: $ASSESSOR_APP_DB, else the per-user data dir)",
    )
    return p


def store_from_args(args: argparse.Namespace) -> Store:
    return open_store(getattr(args, "db", None))


def print_json(data: Any) -> None:
    json.dump(data, sys.stdout, indent=2, ensure_ascii=False, default=str)
    sys.stdout.write("\n")
