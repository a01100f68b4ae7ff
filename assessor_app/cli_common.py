"""Pieces every CLI subcommand shares: the `--db` option, opening the store, printing JSON."""

from __future__ import annotations

import argparse
import getpass
import json
import os
import sys
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager, suppress
from pathlib import Path
from typing import TYPE_CHECKING, Any

from assessor_app.store.errors import StoreLocked
from assessor_app.store.locks import process_lock, wait_while_held
from assessor_app.store.paths import files_dir_path, resolve_db_path

if TYPE_CHECKING:
    from assessor_app.signoff.keys import AssessorIdentity
    from assessor_app.store import Store

PASSPHRASE_ENV = "ASSESSOR_APP_KEY_PASSPHRASE"


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
    """The store named by `--db`, else $ASSESSOR_APP_DB, else the per-user default. When the
    keyring cannot unlock it and no passphrase is set, the passphrase is asked at a terminal.
    A database this call creates starts with the units bundled with the app, as the GUI's does.

    Creating and seeding a new database holds a lock next to it, and opening an existing one
    first waits while that lock is held: a second command started at the same moment as the
    first ever (two terminals, a script) finds the bundled units in place, not half imported."""
    path = resolve_db_path(getattr(args, "db", None))
    first_start = files_dir_path(path) / "locks" / "first-start.lock"
    if _is_new(path):
        with ExitStack() as held:
            with suppress(OSError):  # no folder for the lock: opening the file says why
                held.enter_context(process_lock(first_start))
            if _is_new(path):  # (not made by another first start while this one waited)
                return _created(path)
    wait_while_held(first_start)
    store = _open_unlocking(path)
    store.wait_hooks.on_wait = _say_waiting
    return store


def _is_new(path: Path) -> bool:
    return not path.exists() or (path.is_file() and path.stat().st_size == 0)


def _created(path: Path) -> Store:
    from assessor_app.specs.bootstrap import ensure_bundled_specs

    store = _open_unlocking(path)
    store.wait_hooks.on_wait = _say_waiting
    try:
        ensure_bundled_specs(store)
    except BaseException:
        store.close()
        raise
    return store


def _open_unlocking(path: Path) -> Store:
    from assessor_app.store import open_store  # the ORM loads only when a command opens it

    try:
        return open_store(path)
    except StoreLocked:
        if not sys.stdin.isatty():
            raise
    typed = getpass.getpass("Passphrase for your data and signing key (not stored): ")
    store = open_store(path, passphrase=typed)
    store.typed_passphrase = typed  # reused for the signing key in this run; never saved
    return store


def _say_waiting(message: str) -> None:
    """Writers wait for another program's write lock; say so on the terminal once."""
    if message:
        print(f"assessor-app: {message}", file=sys.stderr, flush=True)


@contextmanager
def cli_store(args: argparse.Namespace) -> Iterator[Store]:
    """`store_from_args` for the length of one command; the engine is disposed afterwards."""
    store = store_from_args(args)
    try:
        yield store
    finally:
        store.close()


def db_hint(args: argparse.Namespace) -> str:
    """` --db PATH` when one was given, for commands we suggest the user runs next."""
    db = getattr(args, "db", None)
    return f" --db {db}" if db else ""


def cli_identity(store: Store) -> AssessorIdentity:
    """The assessor's keys for a CLI run (ERS signing, bundle signing): the passphrase from the
    keyring, else ${PASSPHRASE_ENV}, else typed at a terminal. Problems become `CliError`."""
    from assessor_app.signoff.keys import (  # cryptography only when a command needs keys
        KeyStoreError,
        PassphraseUnavailable,
        load_or_create_identity,
    )

    passphrase = os.environ.get(PASSPHRASE_ENV) or getattr(store, "typed_passphrase", None)
    try:
        return load_or_create_identity(store, passphrase=passphrase)
    except PassphraseUnavailable as exc:
        if passphrase is None and sys.stdin.isatty():
            try:
                typed = getpass.getpass("Passphrase for your signing key (not stored): ")
            except EOFError as eof:
                raise CliError(f"{exc} (For scripts, set {PASSPHRASE_ENV}.)") from eof
            try:
                return load_or_create_identity(store, passphrase=typed)
            except KeyStoreError as again:
                raise CliError(str(again)) from again
        raise CliError(f"{exc} (For scripts, set {PASSPHRASE_ENV}.)") from exc
    except KeyStoreError as exc:
        raise CliError(f"{exc} (For scripts, set {PASSPHRASE_ENV}.)") from exc


def print_json(data: Any) -> None:
    json.dump(data, sys.stdout, indent=2, ensure_ascii=False, default=str)
    sys.stdout.write("\n")
