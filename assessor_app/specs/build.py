"""Regenerating the structured unit files from the awarding-body texts in `specs/sources/`.

The generator is the single source of truth: it writes the reviewed copy (`specs/*.yaml`, at the
repository root) and the copy shipped as package data (`assessor_app/specs/bundled/*.yaml`) from
the same bytes; a test keeps both equal to a fresh build.
"""

from __future__ import annotations

from pathlib import Path

from assessor_app.specs.locations import (  # noqa: F401 - re-exported
    PACKAGE_BUNDLED_DIR,
    REPO_ROOT,
    REPO_SPECS_DIR,
    SOURCES_DIR,
)
from assessor_app.specs.merge import merge_spec
from assessor_app.specs.model import UnitSpec, reference_slug
from assessor_app.specs.parser import parse_file
from assessor_app.specs.structured import dump_yaml
from assessor_app.store.files import atomic_write_bytes


def build_structured(sources_dir: Path = SOURCES_DIR) -> dict[str, str]:
    """file name → YAML text, one file per unit reference, merging every body's publication."""
    units: dict[str, tuple[UnitSpec, list[str]]] = {}
    for path in sorted(sources_dir.glob("*.txt")):
        spec = parse_file(path)
        if not spec.reference:
            from assessor_app.specs.errors import SpecError

            raise SpecError(str(path), "bundled sources must state their unit reference number")
        spec.publications[0].source = path.name
        previous = units.get(spec.reference)
        if previous is None:
            units[spec.reference] = (spec, [path.name])
        else:
            merged = merge_spec(previous[0], spec, ", ".join(previous[1]), str(path))
            units[spec.reference] = (merged, previous[1] + [path.name])
    return {f"{reference_slug(ref)}.yaml": dump_yaml(spec) for ref, (spec, _) in sorted(units.items())}


def write_structured(files: dict[str, str], out_dirs: list[Path]) -> list[Path]:
    """Write the files into each directory, removing stale unit files there."""
    written = []
    for out in out_dirs:
        out.mkdir(parents=True, exist_ok=True)
        for stale in out.glob("*.yaml"):
            if stale.name not in files:
                stale.unlink()
        for name, text in files.items():
            target = out / name
            if not target.exists() or target.read_text(encoding="utf-8") != text:
                atomic_write_bytes(target, text.encode("utf-8"))
            written.append(target)
    return written


def build_bundled(sources_dir: Path = SOURCES_DIR,
                  out_dirs: list[Path] | None = None) -> list[Path]:
    dirs = out_dirs if out_dirs is not None else [REPO_SPECS_DIR, PACKAGE_BUNDLED_DIR]
    return write_structured(build_structured(sources_dir), dirs)
