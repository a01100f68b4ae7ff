"""`assessor-app sync …`, `assessor-app outbox …` and `assessor-app bundle …`."""

from __future__ import annotations

import argparse
import getpass
import sys
import time
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from assessor_app.cli_common import CliError, cli_identity, cli_store, print_json
from assessor_app.secrets import SecretStoreUnavailable
from assessor_app.signoff.trust import SignerTrust
from assessor_app.store import Store
from assessor_app.sync import outbox
from assessor_app.sync.engine import SyncProgress, sync_outbox
from assessor_app.sync.errors import NotConfigured, PasswordMissing, SyncError
from assessor_app.sync.layout import DEFAULT_LAYOUT, LayoutError
from assessor_app.sync.settings import (
    PASSWORD_ENV,
    SyncSettings,
    load_settings,
    require_settings,
    resolve_password,
    save_settings,
    store_password,
)

if TYPE_CHECKING:
    from assessor_app.sync.bundle_signing import BundleSigner

EXIT_NOT_ALL_SENT = 1


def register(sub: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    sync = sub.add_parser("sync", parents=[common], help="send filed ERS PDFs to the centre")
    ssub = sync.add_subparsers(dest="sync_command", metavar="ACTION", required=True)

    conf = ssub.add_parser("configure", parents=[common],
                           help="set the centre's WebDAV server and store the password")
    conf.add_argument("--url", required=True, help="WebDAV folder URL (https://…)")
    conf.add_argument("--user", required=True, help="username on the centre's server")
    conf.add_argument("--layout", default=None,
                      help=f"remote folder layout (default {DEFAULT_LAYOUT!r})")
    conf.add_argument("--centre", default=None, help="centre name for {centre} in the layout")
    conf.add_argument("--ca-bundle", default=None, metavar="PEM",
                      help="CA bundle for a centre's own certificate authority")
    conf.add_argument("--confirm", choices=("size", "sha256"), default=None,
                      help="how uploads are confirmed: size (+ETag) or GET-and-hash")
    pw = conf.add_mutually_exclusive_group()
    pw.add_argument("--password-stdin", action="store_true",
                    help="read the password or app token from standard input")
    pw.add_argument("--no-password", action="store_true",
                    help=f"do not store a password (use ${PASSWORD_ENV} when running)")
    conf.set_defaults(func=_configure)

    run = ssub.add_parser("run", parents=[common],
                          help="send the outbox once; exit 0 only when everything is confirmed")
    run.add_argument("--quiet", action="store_true", help="no progress bar")
    run.add_argument("--no-backup", action="store_true",
                     help="do not back up to the centre after sending")
    run.set_defaults(func=_run)

    probe = ssub.add_parser("probe", parents=[common], help="check the server can be reached")
    probe.set_defaults(func=_probe)

    ob = sub.add_parser("outbox", parents=[common], help="what is waiting to be sent")
    obsub = ob.add_subparsers(dest="outbox_command", metavar="ACTION", required=True)
    lst = obsub.add_parser("list", parents=[common], help="list outbox items")
    lst.add_argument("--json", action="store_true", help="machine-readable output")
    lst.add_argument("--state", choices=("queued", "uploading", "sent", "failed"), default=None)
    lst.set_defaults(func=_outbox_list)

    bundle = sub.add_parser("bundle", parents=[common],
                            help="signed bundles carried by hand (no network, IQA)")
    bsub = bundle.add_subparsers(dest="bundle_command", metavar="ACTION", required=True)
    exp = bsub.add_parser("export", parents=[common], help="write a signed bundle zip")
    exp.add_argument("--learner", default=None, metavar="REG", help="only this learner")
    exp.add_argument("--since", default=None, metavar="YYYY-MM-DD", type=_parse_date,
                     help="only records from this date on")
    exp.add_argument("-o", "--output", required=True, type=Path, metavar="FILE.zip")
    exp.set_defaults(func=_bundle_export)
    ver = bsub.add_parser("verify", parents=[common], help="check every hash and the signature")
    ver.add_argument("file", type=Path, metavar="FILE.zip")
    ver.set_defaults(func=_bundle_verify)
    imp = bsub.add_parser("import", parents=[common],
                          help="load a colleague's bundle read-only for IQA sampling")
    imp.add_argument("file", type=Path, metavar="FILE.zip")
    imp.add_argument("--trust-signer", action="store_true",
                     help="accept a signer who is not in the centre's key list (pins the key)")
    imp.set_defaults(func=_bundle_import)


def _parse_date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError("use YYYY-MM-DD") from exc


# -- sync ------------------------------------------------------------------------------------


def _configure(args: argparse.Namespace) -> int:
    with cli_store(args) as store:
        with store.session() as s:
            old = load_settings(s)
            try:
                settings = SyncSettings(
                    base_url=args.url,
                    username=args.user,
                    layout=args.layout or (old.layout if old else DEFAULT_LAYOUT),
                    centre=args.centre if args.centre is not None else (old.centre if old else ""),
                    ca_bundle=args.ca_bundle or (old.ca_bundle if old else ""),
                    confirm=args.confirm or (old.confirm if old else "size"),
                )
            except (ValueError, LayoutError) as exc:
                raise CliError(str(exc)) from exc
            save_settings(s, settings)
        if args.no_password:
            print(f"Settings saved. No password stored: set {PASSWORD_ENV} when running.",
                  file=sys.stderr)
            return 0
        if args.password_stdin:
            password = sys.stdin.readline().rstrip("\r\n")
        else:
            password = _prompt_password(settings.username)
        if not password:
            raise CliError("no password given; settings saved, password not stored")
        try:
            store_password(settings, password)
        except SecretStoreUnavailable as exc:
            raise CliError(
                "Settings saved, but this computer has no secure password store (keyring), so "
                f"the password was NOT stored. For unattended runs set {PASSWORD_ENV} in the "
                f"environment instead. ({exc})"
            ) from exc
        print("Settings saved; password stored in the system keyring.", file=sys.stderr)
        return 0


def _prompt_password(username: str) -> str:
    """Ask at the terminal; with no terminal (a script, a pipe) say how to give it instead."""
    no_terminal = CliError(
        "Settings saved, but there is no terminal to type the password at, so it was NOT "
        f"stored. Pipe it in with --password-stdin, or use --no-password and set {PASSWORD_ENV}.")
    if sys.stdin is None or not sys.stdin.isatty():
        raise no_terminal
    try:
        return getpass.getpass(f"Password or app token for {username}: ")
    except EOFError as exc:
        raise no_terminal from exc


def _settings_and_password(store: Store) -> tuple[SyncSettings, str]:
    """What a command talking to the server needs; a missing piece is a one-line `CliError`."""
    with store.read_session() as s:
        try:
            settings = require_settings(s)
        except NotConfigured as exc:
            raise CliError(str(exc)) from exc
    return settings, _password_for(settings)


def _password_for(settings: SyncSettings) -> str:
    try:
        return resolve_password(settings)
    except PasswordMissing as exc:
        raise CliError(str(exc)) from exc
    except SecretStoreUnavailable as exc:
        raise CliError(
            "The system keyring is not available, so the sync password cannot be read. "
            f"Set {PASSWORD_ENV} in the environment for this run. ({exc})"
        ) from exc


class _ProgressBar:
    def __init__(self) -> None:
        self.stream = sys.stderr  # looked up now, so a redirected stderr is honoured
        self._last = 0.0
        self._shown = False

    def __call__(self, p: SyncProgress) -> None:
        now = time.monotonic()
        if p.phase not in ("done", "starting") and now - self._last < 0.1:
            return
        self._last = now
        frac = p.bytes_done / p.bytes_total if p.bytes_total else 1.0
        width = 30
        bar = "#" * int(frac * width)
        self.stream.write(
            f"\r[{bar:<{width}}] {p.items_done}/{p.items_total} files "
            f"{_size(p.bytes_done)}/{_size(p.bytes_total)}"
        )
        self.stream.flush()
        self._shown = True
        if p.phase == "done":
            self.stream.write("\n")
            self.stream.flush()


def _size(n: int) -> str:
    return f"{n / 1e6:.1f} MB" if n >= 1e6 else f"{n / 1e3:.0f} kB"


def _notice_signer(store: Store) -> BundleSigner | None:
    """The assessor's key when void notices are waiting to be signed (None otherwise)."""
    from assessor_app.sync.bundle_signing import IdentitySigner
    from assessor_app.sync.void_notices import pending_notice_documents

    with store.read_session() as s:
        if not pending_notice_documents(s):
            return None
    try:
        return IdentitySigner(cli_identity(store))
    except CliError as exc:
        print(f"assessor-app: void notices wait for your signing key: {exc}", file=sys.stderr)
        return None


def _run(args: argparse.Namespace) -> int:
    with cli_store(args) as store:
        settings, password = _settings_and_password(store)
        summary = sync_outbox(
            store, settings, password, progress=None if args.quiet else _ProgressBar(),
            signer=_notice_signer(store),
            wait_for_other_run=True,  # a scheduled run queues behind the GUI's, never skips
        )
        print(
            f"Sent {summary.sent}, already on the server {summary.already_there}, "
            f"to retry {summary.retry_later}, failed {summary.failed}; "
            f"{summary.remaining} not yet confirmed.",
            file=sys.stderr,
        )
        for o in summary.outcomes:
            if o.outcome in ("failed", "retry_later", "withheld"):
                print(f"  item {o.item_id} ({o.filename}): {o.message}", file=sys.stderr)
        if summary.error:
            print(f"assessor-app: {summary.error}", file=sys.stderr)
        if summary.ok and not args.no_backup:
            _backup_after_sync(store, settings, password)
        return 0 if summary.ok else EXIT_NOT_ALL_SENT


def _backup_after_sync(store: Store, settings: SyncSettings, password: str) -> None:
    """Every sync also backs the whole record up (encrypted) to the centre's store; a failed
    backup is reported but does not make the sync fail."""
    from assessor_app.backup.targets import backup_to_centre
    from assessor_app.vault.errors import VaultError

    try:
        result = backup_to_centre(store, settings, password)
    except (VaultError, SyncError) as exc:
        print(f"assessor-app: backup not made: {exc}", file=sys.stderr)
        return
    print(f"Backed up to the centre ({result.uploaded} new objects).", file=sys.stderr)


def _probe(args: argparse.Namespace) -> int:
    from assessor_app.sync.webdav import probe

    with cli_store(args) as store:
        result = probe(*_settings_and_password(store))
        print(result.message)
        return 0 if result.authorised and result.reachable else EXIT_NOT_ALL_SENT


def _outbox_list(args: argparse.Namespace) -> int:
    with cli_store(args) as store:
        with store.read_session() as s:
            items = outbox.list_items(s, state=args.state)
            status = outbox.outbox_status(s)
        if args.json:
            print_json([outbox.item_as_dict(i) for i in items])
            return 0
        for i in items:
            extra = f"  {i.failure_reason}" if i.failure_reason and i.state != "sent" else ""
            print(f"{i.id:>5}  {i.state:<9}  {i.unit_reference:<12}  {i.filename}{extra}")
        print(f"{status.pending} waiting ({status.failed} need attention), {status.sent} sent.",
              file=sys.stderr)
        return 0


# -- bundles ---------------------------------------------------------------------------------


def _bundle_export(args: argparse.Namespace) -> int:
    from assessor_app.sync.bundle_export import BundleExportError, BundleProgress, export_bundle
    from assessor_app.sync.bundle_signing import IdentitySigner

    with cli_store(args) as store:
        signer = IdentitySigner(cli_identity(store))

        def progress(p: BundleProgress) -> None:
            if p.phase in ("writing", "done") and p.files_total:
                sys.stderr.write(f"\r{p.files_done}/{p.files_total} files")
                if p.phase == "done":
                    sys.stderr.write("\n")

        try:
            result = export_bundle(store, args.output, signer, learner_registration=args.learner,
                                   since=args.since, progress=progress)
        except BundleExportError as exc:
            raise CliError(str(exc)) from exc
        print(f"Wrote {result.path} ({result.file_count} files); manifest SHA-256 "
              f"{result.manifest_sha256}; key fingerprint {result.public_key_fingerprint}")
        return 0


def _bundle_verify(args: argparse.Namespace) -> int:
    from assessor_app.sync.bundle_verify import verify_bundle

    report = verify_bundle(args.file)
    if not report.ok:
        for p in report.problems:
            print(f"problem: {p}", file=sys.stderr)
        print("assessor-app: the bundle failed verification", file=sys.stderr)
        return EXIT_NOT_ALL_SENT
    trust = _signer_trust(args, report.public_key)
    files = len(report.manifest["files"]) if report.manifest else 0
    print(f"OK: {files} files, signed by {report.assessor or 'unknown'} "
          f"(key {report.fingerprint}), manifest SHA-256 {report.manifest_sha256}; "
          f"{trust.describe(report.fingerprint)}")
    return EXIT_NOT_ALL_SENT if trust.status == "revoked" else 0


def _signer_trust(args: argparse.Namespace, public_key: bytes) -> SignerTrust:
    from assessor_app.signoff.keys import keys_dir
    from assessor_app.signoff.trust import signer_trust

    with cli_store(args) as store, store.read_session() as s:
        return signer_trust(s, public_key, keys_dir(store))


def _bundle_import(args: argparse.Namespace) -> int:
    from assessor_app.sync.bundle_import import BundleRejected, import_bundle

    with cli_store(args) as store:
        try:
            result = import_bundle(store, args.file, accept_signer=args.trust_signer)
        except BundleRejected as exc:
            for p in exc.problems:
                print(f"problem: {p}", file=sys.stderr)
            print("assessor-app: bundle refused; nothing was imported", file=sys.stderr)
            return EXIT_NOT_ALL_SENT
        word = "Already imported" if result.already_imported else "Imported"
        print(f"{word}: bundle {result.bundle_id} from {result.assessor or 'unknown'} "
              f"({result.file_count} files) in {result.folder}")
        return 0
