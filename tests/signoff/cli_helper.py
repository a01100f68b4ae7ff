"""Run this area's subcommands in-process the way `assessor_app.cli.main` does.

Normally this is just `assessor_app.cli.main`. If the shared dispatcher cannot build its parser
(another area's package missing), only the sign-off and ERS commands are registered, through the
same `register(sub, common)` entry points and with the same error handling.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from assessor_app import cli as dispatcher
from assessor_app.cli_common import CliError, common_parser
from assessor_app.ers import cli as ers_cli
from assessor_app.signoff import cli as signoff_cli


def dispatcher_loads() -> bool:
    try:
        dispatcher.build_parser()
    except ModuleNotFoundError:
        return False
    return True


def run_cli(argv: Sequence[str]) -> int:
    if dispatcher_loads():
        return dispatcher.main(list(argv))
    common = common_parser()
    parser = argparse.ArgumentParser(prog="assessor-app", parents=[common])
    sub = parser.add_subparsers(dest="command")
    signoff_cli.register(sub, common)
    ers_cli.register(sub, common)
    args = parser.parse_args(list(argv))
    try:
        return int(args.func(args) or 0)
    except CliError as exc:
        print(f"assessor-app: error: {exc}", file=sys.stderr)
        return exc.status
