"""`assessor-app passphrase change`, and choosing the passphrase during `assessor-app setup`.

The current passphrase comes from $ASSESSOR_APP_KEY_PASSPHRASE, else is typed (before the
assessor has chosen one, the random one the keyring holds is used); the new one comes from
$ASSESSOR_APP_NEW_PASSPHRASE, else is typed twice. With no terminal and no environment, the
command refuses in one line.
"""

from __future__ import annotations

import argparse
import getpass
import os
import sys
from typing import Any

from assessor_app.cli_common import PASSPHRASE_ENV, CliError, cli_store
from assessor_app.signoff.keys import KeyStoreError
from assessor_app.signoff.passphrase import (
    NEW_PASSPHRASE_ENV,
    change_passphrase,
    current_passphrase,
    passphrase_chosen,
    passphrase_problem,
)
from assessor_app.store import Store

_NO_TERMINAL = (f"No terminal to type the passphrases: set {PASSPHRASE_ENV} (current) and "
                f"{NEW_PASSPHRASE_ENV} (new).")


def register(sub: Any, common: argparse.ArgumentParser) -> None:
    p = sub.add_parser("passphrase", parents=[common],
                       help="the passphrase that protects your data, signing key and backups")
    p_sub = p.add_subparsers(dest="passphrase_command", metavar="ACTION", required=True)
    change = p_sub.add_parser("change", parents=[common],
                              help="choose a new passphrase (backups made from now on need it)")
    change.set_defaults(func=_change)


def new_passphrase(*, required: bool) -> str | None:
    """The new passphrase from the environment, else typed twice; None (or `CliError` when
    `required`) with neither."""
    if env := os.environ.get(NEW_PASSPHRASE_ENV):
        return env
    if not sys.stdin.isatty():
        if required:
            raise CliError(_NO_TERMINAL)
        return None
    new = getpass.getpass("New passphrase (at least 10 characters): ")
    if problem := passphrase_problem(new, getpass.getpass("Type the new passphrase again: ")):
        raise CliError(problem)
    return new


def _old_passphrase(store: Store) -> str:
    if env := os.environ.get(PASSPHRASE_ENV) or getattr(store, "typed_passphrase", None):
        return env
    if not passphrase_chosen(store) and (known := current_passphrase()):
        return known  # the random one the keyring made before the assessor chose one
    if not sys.stdin.isatty():
        raise CliError(_NO_TERMINAL)
    return getpass.getpass("Current passphrase: ")


def apply_new_passphrase(store: Store, new: str) -> None:
    """Change to `new`; problems become `CliError`."""
    try:
        change_passphrase(store, _old_passphrase(store), new)
    except KeyStoreError as exc:
        raise CliError(str(exc)) from exc


def _change(args: argparse.Namespace) -> int:
    with cli_store(args) as store:
        if not os.environ.get(NEW_PASSPHRASE_ENV) and not sys.stdin.isatty():
            raise CliError(_NO_TERMINAL)
        old = _old_passphrase(store)
        new = new_passphrase(required=True)
        assert new is not None
        try:
            change_passphrase(store, old, new)
        except KeyStoreError as exc:
            raise CliError(str(exc)) from exc
    print("Passphrase changed. Backups made from now on open with the new passphrase only; "
          "keep it somewhere safe (without it a backup cannot be restored).")
    return 0
