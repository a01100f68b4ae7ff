"""`assessor-app learner export REG -o FILE.zip` and `assessor-app learner erase REG [--yes]`
(added to the `learner` command of the evidence area)."""

from __future__ import annotations

import argparse
import sys
from typing import TYPE_CHECKING, Any

from assessor_app.cli_common import CliError, cli_store
from assessor_app.privacy.sealing import unlocked_identity

if TYPE_CHECKING:
    pass


def register_learner_rights(lsub: Any, common: argparse.ArgumentParser) -> None:
    p = lsub.add_parser("export", parents=[common],
                        help="everything held about one learner as a readable zip")
    p.add_argument("reg", metavar="REG", help="registration number")
    p.add_argument("-o", "--output", required=True, metavar="FILE.zip")
    p.set_defaults(func=_export)
    p = lsub.add_parser("erase", parents=[common],
                        help="erase one learner for good (shows the retention rule first)")
    p.add_argument("reg", metavar="REG", help="registration number")
    p.add_argument("--yes", action="store_true", help="do not ask for confirmation")
    p.set_defaults(func=_erase)


def _export(args: argparse.Namespace) -> int:
    from assessor_app.evidence.errors import EvidenceError
    from assessor_app.privacy.export import export_learner

    with cli_store(args) as store:
        try:
            summary = export_learner(store, args.reg, args.output)
        except EvidenceError as exc:
            raise CliError(str(exc)) from None
    print(f"Exported {summary.rows} records, {summary.attachments} attachments and "
          f"{summary.documents} ERS documents to {summary.path}")
    return 0


def _confirm(reg: str) -> bool:
    if not sys.stdin.isatty():
        raise CliError("Erasing cannot be undone: run it at a terminal to confirm, or add --yes.")
    typed = input(f"Type the registration number ({reg}) to erase this learner for good: ")
    return typed.strip() == reg


def _erase(args: argparse.Namespace) -> int:
    from assessor_app.evidence.errors import EvidenceError
    from assessor_app.privacy.erase import erase_learner, retention_of

    with cli_store(args) as store:
        try:
            retention = retention_of(store, args.reg)
        except EvidenceError as exc:
            raise CliError(str(exc)) from None
        print(retention.explain())
        if not args.yes and not _confirm(args.reg):
            print("Not erased.")
            return 1
        report = erase_learner(store, args.reg, identity=unlocked_identity(store))
    total = sum(report.rows.values()) + 1
    sealed = ("and is sealed" if report.sealed else
              "(sealed at the next ERS filing or bundle export)")
    print(f"Erased {total} records, {report.files_removed} attachment files and "
          f"{report.documents_removed} ERS documents. The audit trail records the erasure "
          f"{sealed}; {report.audit_entries_redacted} entries about the learner were redacted.")
    return 0
