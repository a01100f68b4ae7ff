"""`assessor-app specs …`: import unit specs, list and show them, rebuild the bundled files."""

from __future__ import annotations

import argparse
from dataclasses import asdict
from pathlib import Path
from typing import TYPE_CHECKING

from assessor_app.cli_common import CliError, cli_store, print_json
from assessor_app.specs.errors import SpecError

if TYPE_CHECKING:
    from assessor_app.specs.importer import LoadedSpec


def register(sub: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:  # type: ignore[type-arg]
    specs = sub.add_parser("specs", parents=[common], help="unit specifications")
    ssub = specs.add_subparsers(dest="specs_command", metavar="ACTION", required=True)

    imp = ssub.add_parser("import", parents=[common],
                          help="import unit texts (.txt), unit PDFs or handbooks (.pdf) or "
                               "structured files (.yaml)")
    imp.add_argument("paths", nargs="+", type=Path, metavar="PATH")
    imp.add_argument("--dry-run", action="store_true",
                     help="parse and show the result; do not touch the database")
    imp.add_argument("--json", action="store_true", help="print JSON")
    imp.add_argument("--reference", metavar="REF",
                     help="unit reference (e.g. K/503/8194) for texts that do not state one")
    imp.add_argument("--accept-findings", action="store_true",
                     help="import texts the parser had to infer parts of (the findings are "
                          "printed; check them first with --dry-run)")
    imp.set_defaults(func=_import)

    lst = ssub.add_parser("list", parents=[common], help="list imported units")
    lst.add_argument("--json", action="store_true", help="print JSON")
    lst.set_defaults(func=_list)

    show = ssub.add_parser("show", parents=[common], help="show a unit's latest version")
    show.add_argument("reference", metavar="REF")
    show.add_argument("--json", action="store_true", help="print JSON")
    show.set_defaults(func=_show)

    build = ssub.add_parser("build-bundled", parents=[common],
                            help="regenerate specs/*.yaml and the packaged copy from specs/sources")
    build.add_argument("--check", action="store_true",
                       help="only report whether the files are up to date (exit 1 if not)")
    build.set_defaults(func=_build)


def _import(args: argparse.Namespace) -> int:
    from assessor_app.specs.importer import FindingsNeedReview, import_all, load_paths
    from assessor_app.specs.queries import render_tree

    try:
        if args.dry_run:
            loaded = load_paths(args.paths, args.reference)
            trees = [{**item.spec.summary_dict(),
                      "findings": [f.as_dict() for f in item.spec.findings]} for item in loaded]
            if args.json:
                print_json(trees[0] if len(trees) == 1 else trees)
            else:
                for item, tree in zip(loaded, trees, strict=True):
                    print(f"{item.source} (dry run, nothing imported)")
                    print(render_tree(tree))
                    _print_findings(item)
            return 0
        loaded = load_paths(args.paths, args.reference)
        for item in loaded:
            _print_findings(item)
        with cli_store(args) as store:
            results = import_all(store, loaded, accept_findings=args.accept_findings)
    except FindingsNeedReview as exc:
        raise CliError(f"{exc}") from exc
    except SpecError as exc:
        raise CliError(str(exc)) from exc
    if args.json:
        print_json([asdict(r) for r in results])
    else:
        for r in results:
            print(r.describe())
    return 0


def _print_findings(item: LoadedSpec) -> None:
    for finding in item.spec.findings:
        print(f"finding: {finding.describe(item.source)}")


def _list(args: argparse.Namespace) -> int:
    from assessor_app.specs.queries import list_units

    with cli_store(args) as store, store.read_session() as session:
        units = list_units(session)
    if args.json:
        print_json(units)
        return 0
    if not units:
        print("no units imported")
    for u in units:
        bodies = ", ".join(f"{p['awarding_body']} {p['unit_number'] or ''}".strip()
                           for p in u["publications"])
        print(f"{u['reference']}  v{u['version']}  {u['title']}  [{bodies}]")
    return 0


def _show(args: argparse.Namespace) -> int:
    from assessor_app.specs.queries import render_tree, unit_tree

    with cli_store(args) as store, store.read_session() as session:
        tree = unit_tree(session, args.reference)
    if tree is None:
        raise CliError(f"no unit {args.reference} in the database (import it with "
                       "`assessor-app specs import`)")
    if args.json:
        print_json(tree)
    else:
        print(render_tree(tree))
    return 0


def _build(args: argparse.Namespace) -> int:
    from assessor_app.specs.build import (
        PACKAGE_BUNDLED_DIR,
        REPO_SPECS_DIR,
        SOURCES_DIR,
        build_bundled,
        build_structured,
    )

    try:
        if args.check:
            files = build_structured(SOURCES_DIR)
            stale = [
                str(d / name) for d in (REPO_SPECS_DIR, PACKAGE_BUNDLED_DIR)
                for name, text in files.items()
                if not (d / name).exists() or (d / name).read_text(encoding="utf-8") != text
            ]
            for path in stale:
                print(f"out of date: {path}")
            return 1 if stale else 0
        for path in build_bundled():
            print(f"wrote {path}")
    except SpecError as exc:
        raise CliError(str(exc)) from exc
    return 0
