"""Where a backup goes: a folder (USB stick) or the centre's WebDAV store. Both write each file
whole under a temporary name and then move it into place, so an interrupted backup never leaves
half a file under a real name."""

from __future__ import annotations

import os
import re
import uuid
from pathlib import Path
from typing import Protocol

from assessor_app.store.files import atomic_write_bytes
from assessor_app.sync.webdav import WebDavClient

BACKUP_FOLDER = "assessor-backups"


class BackupTarget(Protocol):
    label: str

    def has(self, name: str) -> bool: ...
    def get(self, name: str) -> bytes | None: ...
    def put(self, name: str, data: bytes) -> None: ...
    def list(self, folder: str) -> list[str]: ...
    def delete(self, name: str) -> None: ...
    def objects(self) -> list[str]: ...


class FolderTarget:
    def __init__(self, root: Path) -> None:
        self.root = Path(root)
        self.label = str(self.root)

    def _path(self, name: str) -> Path:
        return self.root / name

    def has(self, name: str) -> bool:
        return self._path(name).is_file()

    def get(self, name: str) -> bytes | None:
        try:
            return self._path(name).read_bytes()
        except FileNotFoundError:
            return None

    def put(self, name: str, data: bytes) -> None:
        path = self._path(name)
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        atomic_write_bytes(path, data, mode=0o600)

    def list(self, folder: str) -> list[str]:
        d = self._path(folder)
        if not d.is_dir():
            return []
        return sorted(p.name for p in d.iterdir() if p.is_file() and not p.name.startswith("."))

    def delete(self, name: str) -> None:
        self._path(name).unlink(missing_ok=True)

    def objects(self) -> list[str]:
        root = self._path("objects")
        return sorted(p.relative_to(self.root).as_posix() for p in root.glob("??/*")
                      if p.is_file() and not p.name.startswith("."))


class DavTarget:
    """A folder on the centre's WebDAV store (`<base>/assessor-backups/<id>/`)."""

    def __init__(self, client: WebDavClient, folder: str) -> None:
        self.client = client
        self.folder = folder.strip("/")
        self.label = f"{client.settings.base_url}{self.folder}/"

    def _path(self, name: str) -> str:
        return f"{self.folder}/{name}"

    def has(self, name: str) -> bool:
        remote = self.client.stat(self._path(name))
        return remote is not None and not remote.is_collection

    def get(self, name: str) -> bytes | None:
        return self.client.get_bytes(self._path(name))

    def put(self, name: str, data: bytes) -> None:
        path = self._path(name)
        parent = os.path.dirname(path)
        if parent:
            self.client.ensure_folder(parent)
        part = f"{path}.part-{uuid.uuid4().hex[:12]}"
        self.client.put_file(part, data, len(data))
        self.client.move(part, path, overwrite=True)

    def list(self, folder: str) -> list[str]:
        return sorted(f.path for f in self.client.list_dir(self._path(folder))
                      if not f.is_collection and ".part-" not in f.path)

    def delete(self, name: str) -> None:
        self.client.delete(self._path(name))

    def objects(self) -> list[str]:
        fans = [f.path for f in self.client.list_dir(self._path("objects")) if f.is_collection]
        return sorted(f"objects/{fan}/{name}" for fan in fans
                      for name in self.list(f"objects/{fan}"))


def centre_folder(username: str) -> str:
    """The assessor's backup folder on the centre's store (one per user name)."""
    return f"{BACKUP_FOLDER}/{re.sub(r'[^A-Za-z0-9._-]+', '_', username)}"


def backup_to_centre(store: object, settings: object, password: str) -> object:
    """One backup run to the centre's WebDAV store (after a sync, or on demand)."""
    from assessor_app.backup.run import backup_run
    from assessor_app.sync.settings import SyncSettings

    assert isinstance(settings, SyncSettings)
    with WebDavClient(settings, password) as client:
        return backup_run(store, DavTarget(client, centre_folder(settings.username)))  # type: ignore[arg-type]


def backup_to_configured_centre(store: object) -> object:
    """A backup run to the centre store named in this data folder's sync settings."""
    from assessor_app.sync.settings import require_settings, resolve_password

    with store.read_session() as session:  # type: ignore[attr-defined]
        settings = require_settings(session)
    return backup_to_centre(store, settings, resolve_password(settings))
