"""An evidence requirement that introduces lettered items ("4. … with:" above 4a–4d) is a group
heading: marked `group: true` in the structured YAML and `is_group` in the store."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from sqlmodel import col, select

from assessor_app.specs.build import REPO_SPECS_DIR
from assessor_app.specs.errors import SpecError
from assessor_app.specs.importer import import_paths
from assessor_app.specs.merge import _unique_keys
from assessor_app.specs.model import RequirementSpec
from assessor_app.specs.parser import parse_file
from assessor_app.specs.requirements import group_keys
from assessor_app.specs.structured import dump_yaml, load_yaml
from assessor_app.store import Store
from assessor_app.store.models import EvidenceRequirement
from tests.specs.helpers import FIXTURES, seed


def test_parser_marks_items_with_lettered_items_as_groups() -> None:
    reqs = parse_file(seed("001")).requirements
    assert [r.key for r in reqs if r.is_group] == ["4", "6"]
    other = parse_file(FIXTURES / "ocr_teaching_content.txt").requirements
    assert [r.key for r in other if r.is_group] == ["2", "3"]
    assert group_keys((r.key, r.is_group) for r in other) == [None, None, "2", "2", None, "3", "3"]


def test_bundled_yaml_flags_the_groups_for_review() -> None:
    data = yaml.safe_load((REPO_SPECS_DIR / "L-601-1239.yaml").read_text(encoding="utf-8"))
    flagged = [r["key"] for r in data["evidence_requirements"] if r.get("group")]
    assert flagged == ["4", "6"]
    assert all("group" not in r for r in data["evidence_requirements"] if r["key"] not in flagged)
    spec = load_yaml(REPO_SPECS_DIR / "L-601-1239.yaml")
    assert [r.key for r in spec.requirements if r.is_group] == ["4", "6"]


def test_import_stores_the_flag(store: Store) -> None:
    import_paths(store, [REPO_SPECS_DIR / "L-601-1239.yaml"])
    with store.session() as s:
        rows = s.exec(select(EvidenceRequirement)
                      .order_by(col(EvidenceRequirement.position))).all()
    assert len(rows) == 14
    assert [r.key for r in rows if r.is_group] == ["4", "6"]


def _yaml_with(tmp_path: Path, edit) -> Path:  # noqa: ANN001
    spec = load_yaml(REPO_SPECS_DIR / "L-601-1239.yaml")
    data = yaml.safe_load(dump_yaml(spec))
    edit(data["evidence_requirements"])
    path = tmp_path / "L-601-1239.yaml"
    path.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True), encoding="utf-8")
    return path


def test_a_group_without_items_is_rejected(tmp_path: Path) -> None:
    def mark_five(reqs: list[dict]) -> None:
        next(r for r in reqs if r["key"] == "5")["group"] = True

    with pytest.raises(SpecError, match=r"requirement 5 is marked 'group: true' but no lettered"):
        load_yaml(_yaml_with(tmp_path, mark_five))


def test_group_must_be_true_or_false(tmp_path: Path) -> None:
    def text_flag(reqs: list[dict]) -> None:
        reqs[3]["group"] = "yes"

    with pytest.raises(SpecError, match=r"requirement 4: 'group' must be true or false"):
        load_yaml(_yaml_with(tmp_path, text_flag))


def test_removing_the_flag_makes_the_heading_a_plain_item(tmp_path: Path) -> None:
    def unflag(reqs: list[dict]) -> None:
        reqs[3].pop("group")

    spec = load_yaml(_yaml_with(tmp_path, unflag))
    assert [r.key for r in spec.requirements if r.is_group] == ["6"]


def test_merged_keys_keep_a_groups_items_with_it() -> None:
    """A second body's "1" clashes and gets a prefix; its items 1a, 1b (no clash of their own)
    take the same prefix so they still sit under their heading."""
    reqs = [RequirementSpec("1", "Observed at work", "OCR"),
            RequirementSpec("2", "Over time", "OCR"),
            RequirementSpec("1", "Feedback that is:", "City & Guilds", is_group=True),
            RequirementSpec("1a", "formal", "City & Guilds"),
            RequirementSpec("1b", "informal", "City & Guilds"),
            RequirementSpec("2", "Signed by the manager", "City & Guilds")]
    merged = _unique_keys(reqs)
    assert [r.key for r in merged] == ["1", "2", "CG-1", "CG-1a", "CG-1b", "CG-2"]
    assert group_keys((r.key, r.is_group) for r in merged) == \
        [None, None, None, "CG-1", "CG-1", None]
