"""`assessor-app ers render | export | verify | file`.

The assessor's key passphrase comes from the keyring; where there is none (headless machines),
set ASSESSOR_APP_KEY_PASSPHRASE.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from assessor_app.cli_common import CliError, cli_identity, cli_store, store_from_args
from assessor_app.ers.filing import (
    attachment_images,
    existing_document,
    file_ers,
    read_ers_document,
    render_signed_pdf,
)
from assessor_app.ers.layout import render_ers
from assessor_app.ers.pdf_signing import verify_pdf
from assessor_app.ers.view import draft_view
from assessor_app.signoff.content import ContentNotFound, find_learner_unit
from assessor_app.signoff.errors import SignOffError
from assessor_app.signoff.keys import keys_dir
from assessor_app.signoff.service import latest_signed
from assessor_app.signoff.trust import certificate_trust
from assessor_app.store import Store
from assessor_app.store.files import atomic_write_bytes
from assessor_app.store.models import SignOff, UnitVersion


def register(sub: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    ers = sub.add_parser("ers", parents=[common], help="Evidence Record Sheet PDFs")
    ers_sub = ers.add_subparsers(dest="ers_command", metavar="ACTION", required=True)

    render = ers_sub.add_parser("render", parents=[common],
                                help="render a unit's ERS (latest signed sign-off by default)")
    render.add_argument("learner", metavar="LEARNER_REG")
    render.add_argument("unit", metavar="UNIT_REF")
    render.add_argument("-o", "--output", required=True, metavar="FILE.pdf")
    which = render.add_mutually_exclusive_group()
    which.add_argument("--draft", action="store_true",
                       help="a draft of the current record (unsigned)")
    which.add_argument("--signoff", type=int, metavar="ID",
                       help="a specific sign-off, e.g. a superseded one")
    render.set_defaults(func=_render)

    export = ers_sub.add_parser(
        "export", parents=[common],
        help="write the signed ERS PDF exactly as it was filed (latest signed sign-off by "
             "default)")
    export.add_argument("learner", metavar="LEARNER_REG")
    export.add_argument("unit", metavar="UNIT_REF")
    export.add_argument("-o", "--output", required=True, metavar="FILE.pdf")
    export.add_argument("--signoff", type=int, metavar="ID",
                        help="a specific sign-off, e.g. a superseded one")
    export.set_defaults(func=_export)

    verify = ers_sub.add_parser("verify", parents=[common],
                                help="check a signed ERS PDF has not been altered")
    verify.add_argument("pdf", metavar="FILE.pdf", type=Path)
    verify.set_defaults(func=_verify)

    file_ = ers_sub.add_parser("file", parents=[common],
                               help="render, sign and file the latest signed ERS of a unit")
    file_.add_argument("learner", metavar="LEARNER_REG")
    file_.add_argument("unit", metavar="UNIT_REF")
    file_.set_defaults(func=_file)


def _target(store: Store, args: argparse.Namespace) -> tuple[int, int, int | None]:
    """(learner id, unit version id, sign-off id or None for a draft)."""
    with store.session() as session:
        try:
            learner, uv = find_learner_unit(session, args.learner, args.unit)
        except ContentNotFound as exc:
            raise CliError(str(exc)) from exc
        assert learner.id is not None and uv.id is not None
        if getattr(args, "draft", False):
            return learner.id, uv.id, None
        if getattr(args, "signoff", None) is not None:
            so = session.get(SignOff, args.signoff)
            uv_of = session.get(UnitVersion, so.unit_version_id) if so else None
            if so is None or so.learner_id != learner.id or uv_of is None \
                    or uv_of.unit_id != uv.unit_id:
                raise CliError(f"Sign-off {args.signoff} is not a sign-off of this learner's "
                               "unit.")
            return learner.id, so.unit_version_id, so.id
        latest = latest_signed(session, learner.id, uv.unit_id)
        if latest is None:
            raise CliError("This unit has no completed sign-off yet. Use --draft for a preview "
                           "or `signoff list` to see unfinished and void sign-offs.")
        return learner.id, latest.unit_version_id, latest.id


def _output(args: argparse.Namespace) -> Path:
    out = Path(args.output)
    if out.is_dir():
        raise CliError(f"{out} is a folder; give the PDF's file name, e.g. {out / 'ers.pdf'}.")
    return out


def _render(args: argparse.Namespace) -> int:
    out = _output(args)
    store = store_from_args(args)
    try:
        learner_id, uv_id, signoff_id = _target(store, args)
        if signoff_id is None:
            with store.read_session() as session:
                pdf = render_ers(draft_view(session, learner_id, uv_id),
                                 attachment_images(store))
        else:
            pdf = render_signed_pdf(store, signoff_id, cli_identity(store))
    except SignOffError as exc:
        raise CliError(str(exc)) from exc
    finally:
        store.close()
    atomic_write_bytes(out, pdf)  # an interrupted run never leaves half a PDF under that name
    kind = "draft" if signoff_id is None else f"sign-off {signoff_id}"
    print(f"Wrote {out} ({kind}, {len(pdf):,} bytes).")
    return 0


def _export(args: argparse.Namespace) -> int:
    """The filed bytes themselves (decrypted and hash-checked): what the centre received, where
    `render` signs a fresh copy."""
    out = _output(args)
    store = store_from_args(args)
    try:
        _, _, signoff_id = _target(store, args)
        assert signoff_id is not None
        doc = existing_document(store, signoff_id)
        if doc is None:
            raise CliError(f"Sign-off {signoff_id} has no filed ERS yet: `ers file` files it, "
                           "`ers render` writes a freshly signed copy.")
        try:
            pdf = read_ers_document(store, doc)
        except (OSError, ValueError) as exc:
            raise CliError(f"The filed ERS of sign-off {signoff_id} cannot be read: {exc}") \
                from exc
    finally:
        store.close()
    atomic_write_bytes(out, pdf)
    print(f"Wrote {out} (filed ERS of sign-off {signoff_id}, {len(pdf):,} bytes, sha256 "
          f"{doc.sha256[:16]}).")
    return 0


def _verify(args: argparse.Namespace) -> int:
    if not args.pdf.is_file():
        raise CliError(f"{args.pdf} does not exist.")
    result = verify_pdf(args.pdf)
    if not result.ok:
        print(result.summary, file=sys.stderr)
        return 1
    with cli_store(args) as store, store.read_session() as session:
        trust = certificate_trust(session, result.certificate_sha256, keys_dir(store))
    print(f"{result.summary}; {trust.describe(result.certificate_sha256[:16])}")
    return 1 if trust.status == "revoked" else 0


def _file(args: argparse.Namespace) -> int:
    store = store_from_args(args)
    try:
        _, _, signoff_id = _target(store, args)
        assert signoff_id is not None
        doc = file_ers(store, signoff_id, cli_identity(store))
    except SignOffError as exc:
        raise CliError(str(exc)) from exc
    finally:
        store.close()
    print(f"Filed ERS document {doc.id}: {doc.filename} ({doc.size:,} bytes, sha256 "
          f"{doc.sha256[:16]}).")
    return 0
