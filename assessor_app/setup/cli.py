"""`assessor-app setup`: the first-run set-up without a screen.

    assessor-app setup --assessor-name … --assessor-id … --centre-name … --centre-number …
                       [--create-key | --import-p12 FILE]
    assessor-app setup            (no options: show what is set)

Only the options given change; the key's passphrase comes from the keyring, else
$ASSESSOR_APP_KEY_PASSPHRASE, else is asked for at a terminal. Until the assessor has chosen a
passphrase, setup asks for one (twice) or takes $ASSESSOR_APP_NEW_PASSPHRASE. A .p12's own password comes from
$ASSESSOR_APP_P12_PASSWORD or is asked for.
"""

from __future__ import annotations

import argparse
import dataclasses
import getpass
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from assessor_app.cli_common import PASSPHRASE_ENV, CliError, cli_identity, cli_store
from assessor_app.setup.profile import AssessorProfile, ProfileError, load_profile, save_profile
from assessor_app.store import Store

if TYPE_CHECKING:
    from assessor_app.signoff.keys import AssessorIdentity

P12_PASSWORD_ENV = "ASSESSOR_APP_P12_PASSWORD"
_FIELDS = ("assessor_name", "assessor_id", "centre_name", "centre_number")
CHOSEN = "Passphrase chosen"


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


def _import_p12(store: Store, path: str) -> AssessorIdentity:
    from assessor_app.signoff.keys import KeyStoreError, import_p12

    data = Path(path).read_bytes()
    try:
        return import_p12(store, data, _p12_password(),
                          passphrase=os.environ.get(PASSPHRASE_ENV)
                          or getattr(store, "typed_passphrase", None))
    except KeyStoreError as exc:
        raise CliError(f"{exc} (For scripts, set {P12_PASSWORD_ENV} and {PASSPHRASE_ENV}.)") \
            from exc


def _key(store: Store, args: argparse.Namespace, chose_passphrase: bool) -> str:
    """Create or import the signing key as asked; record it (no personal data) in the audit
    trail; the sentence to print ('' when no key option was given)."""
    from assessor_app.setup.trail import record_key_setup
    from assessor_app.signoff.keys import P12_NAME, keys_dir

    if args.import_p12:
        how, identity = "imported", _import_p12(store, args.import_p12)
        note = f"Signing key imported (certificate for {identity.name})."
    elif args.create_key:
        how = "kept" if (keys_dir(store) / P12_NAME).exists() else "created"
        identity = cli_identity(store)
        note = f"Signing key ready (certificate for {identity.name})."
    else:
        return ""
    record_key_setup(store, how=how, certificate_sha256=identity.certificate_sha256,
                     passphrase_chosen=chose_passphrase)
    return note


def _setup(args: argparse.Namespace) -> int:
    with cli_store(args) as store:
        current = load_profile(store)
        given = {f: getattr(args, f) for f in _FIELDS if getattr(args, f) is not None}
        if given:
            try:
                current = save_profile(store, dataclasses.replace(current, **given))
            except ProfileError as exc:
                raise CliError(str(exc)) from None
        passphrase_note = _choose_passphrase(store)
        key_note = _key(store, args, passphrase_note.startswith(CHOSEN))
        _print_profile(current)
        if key_note:
            print(key_note)
        if passphrase_note:
            print(passphrase_note)
        if current.missing:
            print("Still to set: " + ", ".join(current.missing) + ".")
    return 0


def _choose_passphrase(store: Store) -> str:
    """At first set-up the assessor chooses the passphrase (typed twice, or from
    $ASSESSOR_APP_NEW_PASSPHRASE); it opens the data, the signing key and every backup."""
    from assessor_app.signoff.cli import apply_new_passphrase, new_passphrase
    from assessor_app.signoff.passphrase import passphrase_chosen

    if passphrase_chosen(store):
        return ""
    new = new_passphrase(required=False)
    if new is None:
        return ("Passphrase: not chosen yet. Choose it with `assessor-app passphrase change` "
                "(backups open only with it).")
    apply_new_passphrase(store, new)
    return f"{CHOSEN}: it opens your data, your signing key and your backups."


def _print_profile(profile: AssessorProfile) -> None:
    rows = [("Assessor", profile.assessor_name), ("Assessor ID", profile.assessor_id),
            ("Centre", profile.centre_name), ("Centre number", profile.centre_number)]
    for label, value in rows:
        print(f"{label + ':':<15}{value or '(not set)'}")
