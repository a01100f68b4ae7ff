"""`assessor-app keys import | list | revoke | own`: the centre's list of assessors' keys."""

from __future__ import annotations

import argparse
import base64
import json
from pathlib import Path

from assessor_app.cli_common import CliError, cli_store, print_json
from assessor_app.signoff.keys import keys_dir, public_fingerprint
from assessor_app.signoff.trust import (
    LIST_FORMAT,
    TrustListError,
    import_trust_list,
    list_keys,
    own_public,
    revoke_key,
)


def register_keys(sub: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    keys = sub.add_parser("keys", parents=[common],
                          help="the centre's list of assessors' public keys (who is trusted)")
    ksub = keys.add_subparsers(dest="keys_command", metavar="ACTION", required=True)
    imp = ksub.add_parser("import", parents=[common], help="merge the list the centre publishes")
    imp.add_argument("file", type=Path, metavar="KEYS.json")
    imp.set_defaults(func=_import)
    ls = ksub.add_parser("list", parents=[common], help="trusted, pinned and revoked keys")
    ls.add_argument("--json", action="store_true", help="machine-readable output")
    ls.set_defaults(func=_list)
    rev = ksub.add_parser("revoke", parents=[common], help="stop trusting a key")
    rev.add_argument("fingerprint", metavar="FINGERPRINT")
    rev.set_defaults(func=_revoke)
    own = ksub.add_parser("own", parents=[common],
                          help="your own public keys, as an entry for the centre's list")
    own.set_defaults(func=_own)


def _import(args: argparse.Namespace) -> int:
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


def _list(args: argparse.Namespace) -> int:
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


def _revoke(args: argparse.Namespace) -> int:
    with cli_store(args) as store, store.session() as s:
        try:
            row = revoke_key(s, args.fingerprint)
        except TrustListError as exc:
            raise CliError(str(exc)) from exc
        name = row.name
    print(f"Revoked the key of {name}: bundles and ERS signed with it are refused from now on.")
    return 0


def _own(args: argparse.Namespace) -> int:
    with cli_store(args) as store:
        own = own_public(keys_dir(store))
    if not own:
        raise CliError("No signing key yet: it is made the first time you file an ERS or "
                       "export a bundle.")
    print(json.dumps({"format": LIST_FORMAT, "keys": [{**own, "status": "trusted"}]}, indent=2))
    return 0
