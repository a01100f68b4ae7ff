"""`assessor-app demo`: a demo learner with one unit signed off and its ERS filed."""

from __future__ import annotations

import argparse

from assessor_app.cli_common import CliError, cli_identity, cli_store, db_hint
from assessor_app.demo.builder import SIGNED_UNIT, build_demo
from assessor_app.signoff.errors import SignOffRuleError
from assessor_app.store.models import ErsDocument


def register(sub: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    p = sub.add_parser(
        "demo", parents=[common],
        help="create a demo learner with evidence and one unit signed off (safe to run twice)",
    )
    p.set_defaults(func=_demo)


def _demo(args: argparse.Namespace) -> int:
    with cli_store(args) as store:
        try:
            result = build_demo(store, cli_identity)
        except SignOffRuleError as exc:  # the demo record itself is not complete
            raise CliError(
                "The demo learner DEMO-0001 in this database is incomplete (an earlier demo run "
                f"was interrupted), so its unit cannot be signed off: {exc} Run the demo on a "
                "new database with --db.") from exc
        if result is None:
            print("No units in the library to build a demo on.")
            return 1
        if result.created:
            print(f"Demo learner DEMO-0001 created, enrolled on {', '.join(result.units)}.")
        else:
            print(f"The demo learner already exists (registration DEMO-0001, id {result.learner_id}).")
        if result.ers_document_id is not None:
            with store.session() as session:
                doc = session.get(ErsDocument, result.ers_document_id)
            assert doc is not None
            print(f"Unit {SIGNED_UNIT} signed off by learner, line manager and assessor "
                  f"(sign-off {result.signoff_id}); ERS filed ("
                  f"{doc.size:,} bytes) and queued for the centre.")
            print(f"Save a copy with: assessor-app ers export{db_hint(args)} DEMO-0001 "
                  f"{SIGNED_UNIT} -o demo-ers.pdf")
        return 0
