"""`assessor-app backup run [--to DIR]`, `backup list [DIR]`, `backup verify [DIR]`,
`backup restore [DIR]`: a folder when DIR is given, else the centre's WebDAV store (the sync
settings; for a restore on a new laptop, `--url` and `--user`)."""

from __future__ import annotations

import argparse
import getpass
import os
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from assessor_app.cli_common import CliError, cli_store
from assessor_app.store.paths import resolve_db_path


def register(sub: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    b = sub.add_parser("backup", parents=[common], help="encrypted backups of the whole record")
    bsub = b.add_subparsers(dest="backup_command", metavar="ACTION", required=True)
    p = bsub.add_parser("run", parents=[common], help="back up now (only what is new)")
    p.add_argument("--to", metavar="DIR", help="a folder (USB stick); default: the centre store")
    p.set_defaults(func=_guard(_run))
    for name, func, text in (("list", _list, "list the backup runs"),
                             ("verify", _verify, "fetch and check the latest backup run"),
                             ("restore", _restore, "restore into an empty data folder (--db)")):
        p = bsub.add_parser(name, parents=[common], help=text)
        p.add_argument("dir", nargs="?", metavar="DIR", help="default: the centre store")
        if name == "restore":
            p.add_argument("--url", help="the centre's WebDAV address (new laptop)")
            p.add_argument("--user", help="your user name on the centre's server")
        p.set_defaults(func=_guard(func))


def _guard(handler: Callable[[argparse.Namespace], int]) -> Callable[[argparse.Namespace], int]:
    def run(args: argparse.Namespace) -> int:
        from assessor_app.sync.errors import NotConfigured, PasswordMissing, SyncError
        from assessor_app.vault.errors import VaultError

        try:
            return handler(args)
        except (VaultError, NotConfigured, PasswordMissing) as exc:
            raise CliError(str(exc)) from None
        except SyncError as exc:
            raise CliError(f"The centre's store: {exc}") from None

    return run


def _dav_folder(username: str) -> str:
    from assessor_app.backup.targets import centre_folder

    return centre_folder(username)


@contextmanager
def _target(store, folder: str | None) -> Iterator[object]:  # noqa: ANN001
    from assessor_app.backup.targets import DavTarget, FolderTarget

    if folder:
        yield FolderTarget(Path(folder))
        return
    from assessor_app.sync.settings import require_settings, resolve_password
    from assessor_app.sync.webdav import WebDavClient

    with store.read_session() as session:
        settings = require_settings(session)
    with WebDavClient(settings, resolve_password(settings)) as client:
        yield DavTarget(client, _dav_folder(settings.username))


def _run(args: argparse.Namespace) -> int:
    from assessor_app.backup.run import backup_run
    from assessor_app.backup.status import readable_time

    with cli_store(args) as store, _target(store, args.to) as target:
        r = backup_run(store, target)  # type: ignore[arg-type]
    print(f"Backed up {r.files} files ({r.uploaded} objects, {r.uploaded_bytes} bytes sent) "
          f"at {readable_time(r.created_at)}.")
    return 0


def _list(args: argparse.Namespace) -> int:
    from assessor_app.backup.run import manifests
    from assessor_app.backup.status import readable_time

    with cli_store(args) as store, _target(store, args.dir) as target:
        runs = manifests(target, store.key)  # type: ignore[arg-type]
    if not runs:
        print("No backups yet.")
    for name, m in runs:
        print(f"{readable_time(m['created_at'], seconds=True)}  {len(m['files']):>5} files  "
              f"{name}")
    return 0


def _verify(args: argparse.Namespace) -> int:
    from assessor_app.backup.restore import verify_backup
    from assessor_app.backup.status import readable_time

    with cli_store(args) as store, _target(store, args.dir) as target:
        check = verify_backup(target, store.key, live=store)  # type: ignore[arg-type]
    print(f"OK: the backup of {readable_time(check.created_at)} is complete and intact "
          f"({check.files} files, {check.bytes} bytes).")
    return 0


def _passphrase() -> str:
    from assessor_app.vault.unlock import PASSPHRASE_ENV, known_passphrase

    if pw := known_passphrase():
        return pw
    if sys.stdin.isatty():
        return getpass.getpass("Passphrase that protects the backup: ")
    raise CliError(f"The backup's passphrase is needed: type it at a terminal or set "
                   f"{PASSPHRASE_ENV}.")


def _restore(args: argparse.Namespace) -> int:
    from assessor_app.backup.restore import restore_backup
    from assessor_app.backup.status import readable_time
    from assessor_app.backup.targets import DavTarget, FolderTarget

    db_path = resolve_db_path(getattr(args, "db", None))
    passphrase = _passphrase()
    if args.dir:
        check = restore_backup(FolderTarget(Path(args.dir)), db_path, passphrase)
    else:
        if not (args.url and args.user):
            raise CliError("To restore from the centre's store give --url and --user (or a "
                           "folder).")
        from assessor_app.sync.settings import PASSWORD_ENV, SyncSettings
        from assessor_app.sync.webdav import WebDavClient

        settings = SyncSettings(base_url=args.url, username=args.user)
        password = os.environ.get(PASSWORD_ENV) or (
            getpass.getpass("Password for the centre's server: ") if sys.stdin.isatty() else "")
        if not password:
            raise CliError(f"The centre's server password is needed (set {PASSWORD_ENV}).")
        with WebDavClient(settings, password) as client:
            check = restore_backup(DavTarget(client, _dav_folder(args.user)), db_path,
                                   passphrase)
    print(f"Restored the backup of {readable_time(check.created_at)}: {check.files} files "
          f"into {db_path}.")
    if check.signing_key:
        print("Your signing key came back with it: new sheets are signed with the same key.")
    if check.keyring:
        print("This computer's keyring now keeps your passphrase, so the app will not ask for it.")
    else:
        print("This computer has no keyring: the app will ask for your passphrase at each start "
              "(for scripts, set ASSESSOR_APP_KEY_PASSPHRASE).")
    return 0
