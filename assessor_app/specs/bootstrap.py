"""First start: import the unit specs bundled with the app, once.

The set of bundled files is fingerprinted (SHA-256 over names and bytes) and the fingerprint kept
in the `setting` table, so later starts only hash a few small files and return. A new app release
with changed bundled specs imports them again (unchanged publications are no-ops anyway).
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import TYPE_CHECKING

from assessor_app.specs.locations import PACKAGE_BUNDLED_DIR, REPO_SPECS_DIR
from assessor_app.store.raw import setting_values

if TYPE_CHECKING:
    from assessor_app.store import Store

SETTING_KEY = "specs.bundled_fingerprint"


def bundled_dir() -> Path:
    """The reviewed copy at the repository root when running from a clone, else the package data."""
    if any(REPO_SPECS_DIR.glob("*.yaml")):
        return REPO_SPECS_DIR
    return PACKAGE_BUNDLED_DIR


def bundled_files(directory: Path | None = None) -> list[Path]:
    return sorted((directory or bundled_dir()).glob("*.yaml"))


def fingerprint(files: list[Path]) -> str:
    digest = hashlib.sha256()
    for path in files:
        digest.update(path.name.encode("utf-8") + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()


def ensure_bundled_specs(store: Store, directory: Path | None = None) -> int:
    """Import the bundled structured specs unless already done; returns units created/updated."""
    files = bundled_files(directory)
    if not files:
        return 0
    mark = fingerprint(files)
    # The usual case: nothing to do, no write lock taken and (read without it) no ORM loaded.
    if setting_values(store, [SETTING_KEY]).get(SETTING_KEY) == mark:
        return 0
    # The importer (YAML, PDF readers) and the ORM only when there is something to import.
    from assessor_app.specs.importer import CREATED, NEW_VERSION, import_loaded, load_path
    from assessor_app.store.models import Setting

    loaded = [load_path(p) for p in files]
    with store.session() as session:
        results = import_loaded(session, loaded)
        setting = session.get(Setting, SETTING_KEY)
        if setting is None:
            session.add(Setting(key=SETTING_KEY, value=mark))
        else:
            setting.value = mark
            session.add(setting)
    return sum(1 for r in results if r.action in (CREATED, NEW_VERSION))
