"""`assessor-app setup`: the first-run set-up without a screen.

    assessor-app setup --assessor-name … --assessor-id … --centre-name … --centre-number …
                       [--create-key | --import-p12 FILE]
    assessor-app setup            (no options: show what is set)

Only the options given change; the key's passphrase comes from the keyring, else
$ASSESSOR_APP_KEY_PASSPHRASE, else is asked for at a terminal. A .p12's own password comes from
$ASSESSOR_APP_P12_PASSWORD or is asked for.
"""

from __future__ import annotations

import argparse
import dataclasses
import getpass
import os
import sys
from pathlib import Path
from typing import Any

from assessor_app.cli_common import PASSPHRASE_ENV, CliError, cli_identity, cli_store
from assessor_app.setup.profile import AssessorProfile, ProfileError, load_profile, save_profile
from assessor_app.store import Store

P12_PASSWORD_ENV = "ASSESSOR_APP_P12_PASSWORD"
_FIELDS = ("assessor_name", "assessor_id", "centre_name", "centre_number")


def register(sub: Any, common: argparse.ArgumentParser) -> None:
    p = sub.add_parser("setup", parents=[common],
                       help="set your name, assessor ID, centre and signing key")
    p.add_argument("--assessor-name", default=None, help="your name as it appears on ERSs")
    p.add_argument("--assessor-id", default=None, help="your assessor registration number/ID")
    p.add_argument("--centre-name", default=None)
    p.add_argument("--centre-number", default=None)
    keys = p.add_mutually_exclusive_group()
    keys.add_argument("--create-key", action="store_true",
                      help="create your signing key now (if there is none yet)")
    keys.add_argument("--import-p12", default=None, metavar="FILE",
                      help=f"use the key in this .p12/.pfx (password from ${P12_PASSWORD_ENV})")
    p.set_defaults(func=_setup)


def _p12_password() -> str | None:
    value = os.environ.get(P12_PASSWORD_ENV)
    if value is not None:
        return value
    if sys.stdin.isatty():
        return getpass.getpass("Password of the .p12 file: ") or None
    return None


def _import_p12(store: Store, path: str) -> str:
    from assessor_app.signoff.keys import KeyStoreError, import_p12

    data = Path(path).read_bytes()
    try:
        identity = import_p12(store, data, _p12_password(),
                              passphrase=os.environ.get(PASSPHRASE_ENV) or None)
    except KeyStoreError as exc:
        raise CliError(f"{exc} (For scripts, set {P12_PASSWORD_ENV} and {PASSPHRASE_ENV}.)") \
            from exc
    return identity.name


def _setup(args: argparse.Namespace) -> int:
    with cli_store(args) as store:
        current = load_profile(store)
        given = {f: getattr(args, f) for f in _FIELDS if getattr(args, f) is not None}
        if given:
            try:
                current = save_profile(store, dataclasses.replace(current, **given))
            except ProfileError as exc:
                raise CliError(str(exc)) from None
        key_note = ""
        if args.import_p12:
            key_note = f"Signing key imported (certificate for {_import_p12(store, args.import_p12)})."
        elif args.create_key:
            key_note = f"Signing key ready (certificate for {cli_identity(store).name})."
        _print_profile(current)
        if key_note:
            print(key_note)
        if current.missing:
            print("Still to set: " + ", ".join(current.missing) + ".")
    return 0


def _print_profile(profile: AssessorProfile) -> None:
    rows = [("Assessor", profile.assessor_name), ("Assessor ID", profile.assessor_id),
            ("Centre", profile.centre_name), ("Centre number", profile.centre_number)]
    for label, value in rows:
        print(f"{label + ':':<15}{value or '(not set)'}")
