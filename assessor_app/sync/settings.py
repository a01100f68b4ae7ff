"""WebDAV sync settings (JSON in the `setting` table) and the password (keyring or environment).

The password or app token is never stored in the database, in files or in logs.
"""

from __future__ import annotations

import json
import os
from dataclasses import asdict, dataclass, replace
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from assessor_app import secrets
from assessor_app.sync.errors import NotConfigured, PasswordMissing
from assessor_app.sync.layout import DEFAULT_LAYOUT, validate_layout

if TYPE_CHECKING:  # the status bar reads the settings without the ORM (`sync.queries`)
    from sqlmodel import Session

SETTING_KEY = "sync.webdav"
PASSWORD_ENV = "ASSESSOR_APP_SYNC_PASSWORD"
STALL_SECONDS = 12.0


@dataclass(frozen=True)
class SyncSettings:
    base_url: str
    username: str
    layout: str = DEFAULT_LAYOUT
    centre: str = ""
    verify_tls: bool = True
    ca_bundle: str = ""  # path to a PEM bundle for a centre's own certificate authority
    # A stalled server (connection open, no answer) is reported after this long; long uploads
    # are fine, as it bounds each wait for the next bytes, not the whole transfer.
    timeout_seconds: float = STALL_SECONDS
    # "size": after our own MOVE, PROPFIND size (+ETag) confirms; "sha256": also GET and hash.
    confirm: str = "size"

    def __post_init__(self) -> None:
        parts = urlsplit(self.base_url)
        if parts.scheme not in ("https", "http") or not parts.netloc:
            raise ValueError("the server address must be a full http(s):// URL")
        if not self.username:
            raise ValueError("a username is required")
        if self.confirm not in ("size", "sha256"):
            raise ValueError("confirm must be 'size' or 'sha256'")
        validate_layout(self.layout)
        if not 0 < self.timeout_seconds <= STALL_SECONDS:  # older settings saved 60 s
            object.__setattr__(self, "timeout_seconds", STALL_SECONDS)
        if not self.base_url.endswith("/"):
            object.__setattr__(self, "base_url", self.base_url + "/")

    @property
    def secret_name(self) -> str:
        """Keyring entry name: per server and user, so a new server never reuses an old password."""
        host = urlsplit(self.base_url).netloc.lower()
        return f"sync:{self.username}@{host}"

    @property
    def verify(self) -> bool | str:
        if not self.verify_tls:
            return False
        return self.ca_bundle or True

    def to_json(self) -> str:
        return json.dumps(asdict(self), sort_keys=True)

    @classmethod
    def from_json(cls, text: str) -> SyncSettings:
        data = json.loads(text)
        known = {f for f in cls.__dataclass_fields__}
        return cls(**{k: v for k, v in data.items() if k in known})

    def with_changes(self, **changes: object) -> SyncSettings:
        return replace(self, **changes)  # type: ignore[arg-type]


def load_settings(session: Session) -> SyncSettings | None:
    from assessor_app.store.models import Setting

    row = session.get(Setting, SETTING_KEY)
    return SyncSettings.from_json(row.value) if row else None


def require_settings(session: Session) -> SyncSettings:
    s = load_settings(session)
    if s is None:
        raise NotConfigured(
            "Sync is not set up yet: run `assessor-app sync configure --url URL --user USER` "
            "or open the sync settings."
        )
    return s


def save_settings(session: Session, settings: SyncSettings) -> None:
    from assessor_app.store.models import Setting

    row = session.get(Setting, SETTING_KEY)
    if row is None:
        session.add(Setting(key=SETTING_KEY, value=settings.to_json()))
    else:
        row.value = settings.to_json()
        session.add(row)


def store_password(settings: SyncSettings, password: str) -> None:
    """Into the OS keyring only; raises `secrets.SecretStoreUnavailable` when there is none."""
    secrets.set_secret(settings.secret_name, password)


def forget_password(settings: SyncSettings) -> None:
    secrets.delete_secret(settings.secret_name)


def resolve_password(settings: SyncSettings) -> str:
    """$ASSESSOR_APP_SYNC_PASSWORD (unattended runs) wins, then the keyring.

    Raises PasswordMissing, or secrets.SecretStoreUnavailable if the keyring is broken.
    """
    env = os.environ.get(PASSWORD_ENV)
    if env:
        return env
    pw = secrets.get_secret(settings.secret_name)
    if pw:
        return pw
    raise PasswordMissing(
        "No sync password is stored for this server: run `assessor-app sync configure` again, "
        f"or set {PASSWORD_ENV} for unattended runs."
    )
