"""Where the unit specs live: the reviewed YAML at the repository root when running from a
clone, the copy packaged with the app otherwise, and the awarding bodies' texts they came from.
Kept apart from the builders so that finding them loads no parser or YAML library."""

from __future__ import annotations

from pathlib import Path

PACKAGE_BUNDLED_DIR = Path(__file__).with_name("bundled")
REPO_ROOT = Path(__file__).resolve().parents[2]
REPO_SPECS_DIR = REPO_ROOT / "specs"
SOURCES_DIR = REPO_SPECS_DIR / "sources"
