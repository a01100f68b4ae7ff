"""`assessor-app`: the GUI by default, headless subcommands for scripting and tests.

Each area (specs, evidence, ers, sync, …) contributes its subcommands from its own `cli.py`
through `register(subparsers, common)`, so this module stays a thin dispatcher.
"""

from __future__ import annotations

import argparse
import importlib
import importlib.util
import os
import sys
from collections.abc import Sequence

from assessor_app import __version__
from assessor_app.cli_common import CliError, common_parser
from assessor_app.secrets import SecretStoreUnavailable
from assessor_app.store import StoreError
from assessor_app.store.failures import crash_message, describe_failure, write_crash_report

AREAS = ("setup", "specs", "evidence", "signoff", "ers", "sync", "demo", "backup")


def build_parser() -> argparse.ArgumentParser:
    common = common_parser()
    parser = argparse.ArgumentParser(
        prog="assessor-app",
        description="Assessor companion. With no command, opens the desktop app.",
        parents=[common],
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    gui = sub.add_parser("gui", parents=[common], help="open the desktop app (the default)")
    gui.set_defaults(func=_run_gui)
    for area in AREAS:
        if _has_module(f"assessor_app.{area}.cli"):
            importlib.import_module(f"assessor_app.{area}.cli").register(sub, common)
    return parser


def _has_module(name: str) -> bool:
    try:
        return importlib.util.find_spec(name) is not None
    except ModuleNotFoundError:  # the area's package itself is absent
        return False


def _run_gui(args: argparse.Namespace) -> int:
    from assessor_app.gui.app import run_gui  # Qt is imported only when the GUI is wanted

    return run_gui(getattr(args, "db", None))


def _gui_args(argv: Sequence[str]) -> argparse.Namespace | None:
    """The arguments when they only ask for the desktop app (nothing, `gui`, `--db PATH`), so
    start-up builds no subcommand parsers: those import every area (PDF signing, ReportLab…)."""
    args, rest = common_parser().parse_known_args(list(argv))
    if rest not in ([], ["gui"]):
        return None
    args.func = _run_gui
    return args


def main(argv: Sequence[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    args = _gui_args(argv)
    if args is None:
        # The core's listeners import most of the core; the desktop app wires them in the
        # background once its window is up (`gui.support.store_opening`).
        from assessor_app.workflow.wiring import install

        install()
        args = build_parser().parse_args(argv)
    func = getattr(args, "func", _run_gui)
    try:
        return int(func(args) or 0)
    except CliError as exc:
        return _fail(str(exc), exc.status)
    except KeyboardInterrupt:
        print("assessor-app: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:  # e.g. `assessor-app specs list | head`: quiet, like other tools
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
    except (StoreError, SecretStoreUnavailable) as exc:
        return _fail(str(exc), 2)
    except Exception as exc:  # the error boundary: never a traceback on the terminal
        message = describe_failure(exc)
        if message is not None:
            return _fail(message, 1)
        return _fail(crash_message(write_crash_report(exc, context=_context(args))), 70)


def _context(args: argparse.Namespace) -> str:
    """The subcommand words only (e.g. "sync run"): arguments can hold personal data."""
    keys = sorted((k for k in vars(args) if k.endswith("_command")), key=len)
    words = [str(v) for k in ("command", *keys) if isinstance(v := getattr(args, k, None), str)]
    return "cli " + " ".join(words) if words else "cli"


def _fail(message: str, status: int) -> int:
    """One line on stderr, never a traceback, for problems the user can act on."""
    print(f"assessor-app: error: {message}", file=sys.stderr)
    return status
