"""Remove this laptop's stale temporary uploads (`.<name>.part-<token>`) from the server.

A PUT the server finished after we had given up on it (timeout, lost connection, the app killed)
leaves a hidden `.part` file in the centre's folder, holding a learner's ERS. Each run, while it
holds the run lock (so none of our uploads is in flight), lists the folders of recently active
outbox items and deletes the `.part` files that belong to those items' names. Files of other
names, and anything not ending in our token pattern, are never touched.
"""

from __future__ import annotations

import logging
import re
from collections import defaultdict
from collections.abc import Callable
from datetime import timedelta
from pathlib import PurePosixPath

from sqlmodel import and_, col, or_, select

from assessor_app.store import Store
from assessor_app.store.models import OutboxItem, OutboxState
from assessor_app.store.models._common import utcnow
from assessor_app.sync.errors import SyncError
from assessor_app.sync.webdav import WebDavClient

log = logging.getLogger(__name__)
RECENT = timedelta(days=14)
_PART = re.compile(r"^\.(?P<base>.+)\.part-[0-9a-f]{16}$")


def our_folders(store: Store) -> dict[str, set[str]]:
    """Remote folder -> names of our files in it, for the items where a stale `.part` can be:
    tried before and not sent yet, or sent recently after more than one attempt (a first
    attempt that succeeded renamed its `.part` away, so those folders are never listed)."""
    since = utcnow() - RECENT
    with store.read_session() as s:
        rows = s.exec(select(OutboxItem.remote_path).where(
            OutboxItem.remote_path != "",
            or_(and_(OutboxItem.state != OutboxState.SENT.value, col(OutboxItem.attempts) >= 1),
                and_(col(OutboxItem.attempts) > 1, col(OutboxItem.updated_at) >= since)),
        )).all()
    folders: dict[str, set[str]] = defaultdict(set)
    for remote in rows:
        p = PurePosixPath(remote)
        folders[str(p.parent)].add(p.name)
    return dict(folders)


def remove_stale_parts(store: Store, connect: Callable[[], WebDavClient]) -> int:
    """Delete our leftover `.part` uploads; returns how many. Network problems are logged and
    left for the next run: cleaning up must never stop the uploads themselves."""
    folders = our_folders(store)
    if not folders:
        return 0
    with connect() as client:
        return _remove(client, folders)


def _remove(client: WebDavClient, folders: dict[str, set[str]]) -> int:
    removed = 0
    for folder, names in folders.items():
        try:
            children = client.list_dir("" if folder == "." else folder)
            for child in children:
                m = _PART.match(child.path)
                if child.is_collection or m is None or m.group("base") not in names:
                    continue
                target = child.path if folder == "." else f"{folder}/{child.path}"
                if client.delete(target):
                    removed += 1
        except SyncError as err:
            # the detail can name remote folders (registration numbers): type only
            log.warning("could not tidy temporary uploads (%s)", err.__class__.__name__)
            break
    return removed
