"""Bundled structured files: generated from the sources, in sync, imported once on first start."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlmodel import select

from assessor_app.specs.bootstrap import SETTING_KEY, bundled_dir, ensure_bundled_specs
from assessor_app.specs.build import PACKAGE_BUNDLED_DIR, REPO_SPECS_DIR, build_structured
from assessor_app.specs.importer import UNCHANGED, import_paths
from assessor_app.specs.parser import parse_file
from assessor_app.specs.queries import unit_tree
from assessor_app.specs.structured import load_yaml
from assessor_app.store import Store
from assessor_app.store.models import Setting
from tests.specs.helpers import SOURCES, row_counts


def test_yaml_files_match_a_fresh_build_in_both_places() -> None:
    fresh = build_structured(SOURCES)
    assert sorted(fresh) == ["H-601-1232.yaml", "J-506-2910.yaml", "K-503-8194.yaml",
                             "L-601-1239.yaml"]
    for directory in (REPO_SPECS_DIR, PACKAGE_BUNDLED_DIR):
        on_disk = {p.name: p.read_text(encoding="utf-8") for p in directory.glob("*.yaml")}
        assert on_disk == fresh, f"{directory} is stale: run `assessor-app specs build-bundled`"


def test_yaml_round_trips_to_the_parsed_tree() -> None:
    for src in sorted(SOURCES.glob("*.txt")):
        parsed = parse_file(src)
        if parsed.reference == "K/503/8194":
            continue  # merged file, covered below
        from_yaml = load_yaml(REPO_SPECS_DIR / f"{parsed.reference.replace('/', '-')}.yaml")
        assert from_yaml.content_dict() == parsed.content_dict()
    merged = load_yaml(REPO_SPECS_DIR / "K-503-8194.yaml")
    assert [p.awarding_body for p in merged.publications] == ["OCR", "City & Guilds"]
    assert [n.heading for n in merged.outcomes[0].notes] == ["Segmentation", "Factors"]


def test_first_start_imports_once_then_is_a_no_op(store: Store) -> None:
    assert bundled_dir() == REPO_SPECS_DIR
    assert ensure_bundled_specs(store) == 4
    counts = row_counts(store)
    assert (counts["unit"], counts["unit_version"], counts["publication"]) == (4, 4, 5)
    with store.session() as s:
        assert s.get(Setting, SETTING_KEY) is not None
        tree = unit_tree(s, "K/503/8194")
    assert tree is not None and len(tree["publications"]) == 2
    assert ensure_bundled_specs(store) == 0
    assert row_counts(store) == counts
    # The bundled files remember the source hashes, so importing the texts changes nothing.
    assert {r.action for r in import_paths(store, sorted(SOURCES.glob("*.txt")))} == {UNCHANGED}
    assert row_counts(store) == counts


def test_package_copy_works_without_the_repo_folder(store: Store) -> None:
    assert ensure_bundled_specs(store, PACKAGE_BUNDLED_DIR) == 4
    with store.session() as s:
        assert len(s.exec(select(Setting)).all()) == 1


def test_changed_bundle_is_imported_again(store: Store, tmp_path: Path) -> None:
    for p in REPO_SPECS_DIR.glob("*.yaml"):
        (tmp_path / p.name).write_text(p.read_text(encoding="utf-8"), encoding="utf-8")
    assert ensure_bundled_specs(store, tmp_path) == 4
    target = tmp_path / "H-601-1232.yaml"
    target.write_text(target.read_text(encoding="utf-8").replace(
        "gain the help and support of others", "gain the help of others"), encoding="utf-8")
    assert ensure_bundled_specs(store, tmp_path) == 1
    assert ensure_bundled_specs(store, tmp_path) == 0


@pytest.mark.parametrize("name", ["K-503-8194.yaml", "L-601-1239.yaml"])
def test_structured_file_dry_run_equals_text(name: str, capsys: pytest.CaptureFixture[str]) -> None:
    """`specs import FILE.yaml --dry-run --json` shows exactly the tree of its source texts
    (each awarding body's text parsed and merged in file order, as the bundle is built)."""
    from assessor_app.cli import main
    from assessor_app.specs.merge import merge_spec

    yaml_path = REPO_SPECS_DIR / name
    assert main(["specs", "import", str(yaml_path), "--dry-run", "--json"]) == 0
    dry_run = json.loads(capsys.readouterr().out)
    reference = name.removesuffix(".yaml").replace("-", "/")
    texts = [(p, parse_file(p)) for p in sorted(SOURCES.glob("*.txt"))]
    texts = [(p, spec) for p, spec in texts if spec.reference == reference]
    assert texts, f"no source text for {reference}"
    from_text = texts[0][1]
    for path, spec in texts[1:]:
        from_text = merge_spec(from_text, spec, texts[0][0].name, str(path))
    assert dry_run == {**from_text.summary_dict(), "findings": []}
    assert load_yaml(yaml_path).content_dict() == from_text.content_dict()
    assert dry_run["learning_outcomes"]  # a tree, not two empty ones


def test_build_bundled_check_reports_up_to_date(capsys: pytest.CaptureFixture[str]) -> None:
    from assessor_app.cli import main

    assert main(["specs", "build-bundled", "--check"]) == 0
    assert "out of date" not in capsys.readouterr().out
