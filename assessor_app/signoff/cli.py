"""`assessor-app audit verify`, `assessor-app signoff list`, `assessor-app keys …` and
`assessor-app passphrase change`.

The passphrase command takes the current passphrase from $ASSESSOR_APP_KEY_PASSPHRASE, else it
is typed (before the assessor has chosen one, the random one the keyring holds is used); the new
one from $ASSESSOR_APP_NEW_PASSPHRASE, else typed twice. With no terminal and no environment it
refuses in one line. `assessor-app setup` uses the same helpers for the first choice.
"""

from __future__ import annotations

import argparse
import base64
import getpass
import json
import os
import sys
from pathlib import Path

from sqlmodel import func, select

from assessor_app.cli_common import PASSPHRASE_ENV, CliError, cli_store, print_json
from assessor_app.signoff.audit_check import verify_audit
from assessor_app.signoff.audit_seal import recorded_heads
from assessor_app.signoff.content import ContentNotFound, find_learner_unit
from assessor_app.signoff.keys import KeyStoreError, keys_dir, public_fingerprint
from assessor_app.signoff.passphrase import (
    NEW_PASSPHRASE_ENV,
    change_passphrase,
    current_passphrase,
    passphrase_chosen,
    passphrase_problem,
)
from assessor_app.signoff.service import list_signoffs
from assessor_app.signoff.trust import (
    LIST_FORMAT,
    TrustListError,
    import_trust_list,
    list_keys,
    own_public,
    revoke_key,
)
from assessor_app.store import Store
from assessor_app.store.audit import REDACTED
from assessor_app.store.models import AuditEntry


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
    register_keys(sub, common)


def _audit_verify(args: argparse.Namespace) -> int:
    with cli_store(args) as store, store.read_session() as session:
        read = store.key.file_cipher().read_file if store.key is not None else Path.read_bytes
        heads = recorded_heads(store.files_dir, read)
        report = verify_audit(session, heads=heads, keys_folder=keys_dir(store))
        sealed = session.exec(select(func.count()).select_from(AuditEntry)
                              .where(AuditEntry.signature != "")).one()
        redacted = session.exec(select(func.count()).select_from(AuditEntry)
                                .where(AuditEntry.details_json == REDACTED)).one()
    if report.ok:
        erased = (f" ({redacted} redacted by learner erasures, each vouched for by its "
                  "erasure entry)" if redacted else "")
        print(f"Audit trail OK: {report.entries} entries{erased}, chain intact, {sealed} "
              f"signed by the assessor's key, {len(heads)} recorded heads match; every "
              "sign-off, judgement and filed ERS agrees with it.")
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


# -- keys: the centre's list of assessors' public keys --------------------------------------


def register_keys(sub: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    keys = sub.add_parser("keys", parents=[common],
                          help="the centre's list of assessors' public keys (who is trusted)")
    ksub = keys.add_subparsers(dest="keys_command", metavar="ACTION", required=True)
    imp = ksub.add_parser("import", parents=[common], help="merge the list the centre publishes")
    imp.add_argument("file", type=Path, metavar="KEYS.json")
    imp.set_defaults(func=_keys_import)
    ls = ksub.add_parser("list", parents=[common], help="trusted, pinned and revoked keys")
    ls.add_argument("--json", action="store_true", help="machine-readable output")
    ls.set_defaults(func=_keys_list)
    rev = ksub.add_parser("revoke", parents=[common], help="stop trusting a key")
    rev.add_argument("fingerprint", metavar="FINGERPRINT")
    rev.set_defaults(func=_keys_revoke)
    own = ksub.add_parser("own", parents=[common],
                          help="your own public keys, as an entry for the centre's list")
    own.set_defaults(func=_keys_own)


def _keys_import(args: argparse.Namespace) -> int:
    if not args.file.is_file():
        raise CliError(f"{args.file} does not exist.")
    data = args.file.read_bytes()
    with cli_store(args) as store, store.session() as s:
        try:
            result = import_trust_list(s, data)
        except TrustListError as exc:
            raise CliError(f"{args.file}: {exc} Nothing was changed.") from exc
    print(f"Key list imported: {result.added} added, {result.updated} updated, "
          f"{result.revoked} newly revoked.")
    return 0


def _keys_list(args: argparse.Namespace) -> int:
    with cli_store(args) as store, store.read_session() as s:
        rows = list_keys(s)
    if args.json:
        print_json([{"name": r.name, "public_key": r.public_key, "status": r.status,
                     "source": r.source, "certificate_sha256": r.certificate_sha256}
                    for r in rows])
        return 0
    for r in rows:
        fp = public_fingerprint(base64.b64decode(r.public_key))
        print(f"{r.status:<8} {r.source:<7} {fp}  {r.name}")
    return 0


def _keys_revoke(args: argparse.Namespace) -> int:
    with cli_store(args) as store, store.session() as s:
        try:
            row = revoke_key(s, args.fingerprint)
        except TrustListError as exc:
            raise CliError(str(exc)) from exc
        name = row.name
    print(f"Revoked the key of {name}: bundles and ERS signed with it are refused from now on.")
    return 0


def _keys_own(args: argparse.Namespace) -> int:
    with cli_store(args) as store:
        own = own_public(keys_dir(store))
    if not own:
        raise CliError("No signing key yet: it is made the first time you file an ERS or "
                       "export a bundle.")
    print(json.dumps({"format": LIST_FORMAT, "keys": [{**own, "status": "trusted"}]}, indent=2))
    return 0
