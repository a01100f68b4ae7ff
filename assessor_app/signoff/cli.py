"""`assessor-app audit verify` and `assessor-app signoff list`."""

from __future__ import annotations

import argparse
import sys

from sqlmodel import func, select

from assessor_app.cli_common import CliError, cli_store, print_json
from assessor_app.signoff.audit import verify_audit
from assessor_app.signoff.audit_seal import recorded_heads
from assessor_app.signoff.content import ContentNotFound, find_learner_unit
from assessor_app.signoff.keys import keys_dir
from assessor_app.signoff.service import list_signoffs
from assessor_app.signoff.trust_cli import register_keys
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
    register_keys(sub, common)


def _audit_verify(args: argparse.Namespace) -> int:
    with cli_store(args) as store, store.read_session() as session:
        heads = recorded_heads(store.files_dir)
        report = verify_audit(session, heads=heads, keys_folder=keys_dir(store))
        sealed = session.exec(select(func.count()).select_from(AuditEntry)
                              .where(AuditEntry.signature != "")).one()
    if report.ok:
        print(f"Audit trail OK: {report.entries} entries, chain intact, {sealed} signed by the "
              f"assessor's key, {len(heads)} recorded heads match; every sign-off, judgement "
              "and filed ERS agrees with it.")
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
