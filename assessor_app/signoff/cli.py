"""`assessor-app audit verify`, `assessor-app signoff list` and `assessor-app passphrase change`.

The passphrase command takes the current passphrase from $ASSESSOR_APP_KEY_PASSPHRASE, else it
is typed (before the assessor has chosen one, the random one the keyring holds is used); the new
one from $ASSESSOR_APP_NEW_PASSPHRASE, else typed twice. With no terminal and no environment it
refuses in one line. `assessor-app setup` uses the same helpers for the first choice.
"""

from __future__ import annotations

import argparse
import getpass
import os
import sys

from assessor_app.cli_common import PASSPHRASE_ENV, CliError, cli_store, print_json
from assessor_app.signoff.content import ContentNotFound, find_learner_unit
from assessor_app.signoff.keys import KeyStoreError
from assessor_app.signoff.passphrase import (
    NEW_PASSPHRASE_ENV,
    change_passphrase,
    current_passphrase,
    passphrase_chosen,
    passphrase_problem,
)
from assessor_app.signoff.service import list_signoffs
from assessor_app.store import Store
from assessor_app.store.audit import verify_audit


def register(sub: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    audit = sub.add_parser("audit", parents=[common], help="the hash-chained audit trail")
    audit_sub = audit.add_subparsers(dest="audit_command", metavar="ACTION", required=True)
    verify = audit_sub.add_parser("verify", parents=[common],
                                  help="check the audit trail end to end")
    verify.set_defaults(func=_audit_verify)

    so = sub.add_parser("signoff", parents=[common], help="unit sign-offs")
    so_sub = so.add_subparsers(dest="signoff_command", metavar="ACTION", required=True)
    ls = so_sub.add_parser("list", parents=[common],
                           help="list a learner's sign-offs (void ones included)")
    ls.add_argument("learner", metavar="LEARNER_REG")
    ls.add_argument("unit", metavar="UNIT_REF", nargs="?")
    ls.set_defaults(func=_signoff_list)
    _register_passphrase(sub, common)


def _audit_verify(args: argparse.Namespace) -> int:
    with cli_store(args) as store, store.read_session() as session:
        report = verify_audit(session)
    if report.ok:
        print(f"Audit trail OK: {report.entries} entries, chain intact.")
        return 0
    print(f"Audit trail BROKEN: {report.problem} ({report.entries} entries read).",
          file=sys.stderr)
    return 1


def _signoff_list(args: argparse.Namespace) -> int:
    with cli_store(args) as store, store.read_session() as session:
        try:
            if args.unit:
                learner, uv = find_learner_unit(session, args.learner, args.unit)
                rows = list_signoffs(session, learner.id, uv.unit_id)
            else:
                from sqlmodel import select

                from assessor_app.store.models import Learner

                learner = session.exec(select(Learner).where(
                    Learner.registration == args.learner)).first()
                if learner is None:
                    raise ContentNotFound(
                        f"No learner with registration number {args.learner!r}.")
                rows = list_signoffs(session, learner.id)
        except ContentNotFound as exc:
            raise CliError(str(exc)) from exc
    print_json([{"id": r.id, "unit": r.unit_reference, "status": r.status, "partial": r.partial,
                 "content_hash": r.content_hash, "created_at": r.created_at,
                 "completed_at": r.completed_at, "void_reason": r.void_reason,
                 "signatures": [{"role": s.role, "name": s.printed_name,
                                 "date": s.signed_on} for s in r.signatures]} for r in rows])
    return 0


_NO_TERMINAL = (f"No terminal to type the passphrases: set {PASSPHRASE_ENV} (current) and "
                f"{NEW_PASSPHRASE_ENV} (new).")


def _register_passphrase(sub: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
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
    if given := os.environ.get(PASSPHRASE_ENV) or getattr(store, "typed_passphrase", None):
        return given
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
