"""The database: one SQLCipher-encrypted SQLite file in WAL mode, foreign keys on, migrated to
head when opened. The data key comes from `assessor_app.vault` (keyring or passphrase); a
plaintext database from an older version is encrypted the first time it is opened.

A file already at head opens without the ORM (its revision is read through `store.raw`), and
`Store.engine` is built on first use: the desktop app lists its learners before SQLAlchemy,
SQLModel and pydantic load."""

from __future__ import annotations

import functools
import re
import sys
import threading
from collections.abc import Callable, Iterator
from contextlib import closing, contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

import sqlcipher3.dbapi2 as sqlcipher

from assessor_app.store import raw
from assessor_app.store.errors import DamagedDatabase, StoreError, StoreLocked
from assessor_app.store.guard import check_database_file, check_revision, safe_reason
from assessor_app.store.locks import process_lock
from assessor_app.store.maintenance import Maintenance
from assessor_app.store.paths import files_dir_for, resolve_db_path
from assessor_app.store.waiting import BUSY_TIMEOUT_MS, WaitHooks, begin_waiting
from assessor_app.vault.dbfile import connect, secure_data_folder
from assessor_app.vault.errors import VaultError, VaultLocked
from assessor_app.vault.keys import DataKey, key_file_path

if TYPE_CHECKING:
    from alembic.config import Config
    from sqlalchemy import Connection, Engine
    from sqlmodel import Session

MIGRATIONS_DIR = Path(__file__).with_name("migrations")
BEGIN_OPTION = "assessor_sqlite_begin"
WAIT_OPTION = "assessor_wait_hooks"


def _on_connect(dbapi_conn, _record) -> None:  # noqa: ANN001 - DB-API connection
    # Let SQLAlchemy's "begin" event (below) emit BEGIN itself: the sqlite3 module would only
    # start a transaction at the first INSERT/UPDATE, leaving the reads before it outside, so two
    # threads could both read "the last audit entry" and then both append after it.
    dbapi_conn.isolation_level = None
    cur = dbapi_conn.cursor()
    cur.execute("PRAGMA journal_mode=WAL")
    cur.execute("PRAGMA foreign_keys=ON")
    # NORMAL is durable across application crashes in WAL mode; only power loss can drop the
    # last commits, which is the trade-off SQLite documents for WAL.
    cur.execute("PRAGMA synchronous=NORMAL")
    cur.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
    # Deleted rows are overwritten, not left readable in free pages (learner erasure).
    cur.execute("PRAGMA secure_delete=ON")
    cur.close()


def _on_begin(conn: Connection) -> None:
    options = conn.get_execution_options()
    begin_waiting(conn, options.get(BEGIN_OPTION, "DEFERRED"), options.get(WAIT_OPTION))


def make_engine(db_path: Path, key: DataKey | None = None) -> Engine:
    """An engine on `db_path`, keyed with `key` (SQLCipher); `key=None` is a plaintext file
    (older databases before they are encrypted, and the benchmarks' baseline)."""
    from sqlalchemy import event
    from sqlmodel import create_engine

    db_path.parent.mkdir(parents=True, exist_ok=True)
    engine = create_engine(
        f"sqlite:///{db_path}",
        creator=lambda: connect(db_path, key),
        module=sqlcipher,  # so SQLAlchemy maps SQLCipher's own DB-API exceptions
        # Error messages and logs would otherwise quote the bound values: learners' names.
        hide_parameters=True,
    )
    event.listen(engine, "connect", _on_connect)
    event.listen(engine, "begin", _on_begin)
    return engine


def alembic_config(engine: Engine) -> Config:
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    cfg.attributes["engine"] = engine
    return cfg


_REVISION = re.compile(r'^(down_revision|revision)\s*=\s*["\']?([\w]+)["\']?', re.MULTILINE)


def head_revision() -> str | None:
    """The newest revision id, read from the revision files' `revision` / `down_revision`
    lines without importing Alembic (start-up only needs to know whether the file is current)."""
    revisions, parents = set(), set()
    for path in (MIGRATIONS_DIR / "versions").glob("*.py"):
        found = dict((k, v) for k, v in _REVISION.findall(path.read_text(encoding="utf-8")))
        if "revision" in found:
            revisions.add(found["revision"])
            parents.add(found.get("down_revision", "None"))
    heads = revisions - parents
    return heads.pop() if len(heads) == 1 else None


def stored_revision(engine: Engine) -> str | None:
    """The revision the file says it is at (None for a new or foreign file)."""
    with engine.connect() as conn:
        exists = conn.exec_driver_sql(
            "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'alembic_version'"
        ).first()
        if not exists:
            return None
        row = conn.exec_driver_sql("SELECT version_num FROM alembic_version").first()
    return row[0] if row else None


def _current_and_head(engine: Engine, cfg: Config) -> tuple[str | None, str | None]:
    from alembic.runtime.migration import MigrationContext
    from alembic.script import ScriptDirectory

    with engine.connect() as conn:
        current = MigrationContext.configure(conn).get_current_revision()
    head = ScriptDirectory.from_config(cfg).get_current_head()
    return current, head


@functools.cache
def _revisions() -> frozenset[str]:
    """Read like `head_revision`: from the revision files, without importing Alembic."""
    found = set()
    for path in (MIGRATIONS_DIR / "versions").glob("*.py"):
        ids = dict(_REVISION.findall(path.read_text(encoding="utf-8")))
        if "revision" in ids:
            found.add(ids["revision"])
    return frozenset(found)


def known_revisions() -> set[str]:
    """Every schema revision this version of the app can open."""
    return set(_revisions())


def migrate(engine: Engine, db_path: Path, key: DataKey | None = None) -> None:
    """Bring the schema to head, keeping a copy of the file first if it already held data.
    A file already at head is recognised without loading Alembic."""
    head = head_revision()
    if head is not None and stored_revision(engine) == head:
        return
    from alembic import command

    cfg = alembic_config(engine)
    current, head = _current_and_head(engine, cfg)
    if current == head:
        return
    if current is not None and db_path.exists():
        engine.dispose()
        _backup(db_path, db_path.with_name(f"{db_path.name}.before-{head}.bak"), key)
    command.upgrade(cfg, "head")


def _backup(source: Path, target: Path, key: DataKey | None) -> None:
    """A consistent copy through SQLite's backup API: copying the file alone would miss commits
    still in the -wal file while another window has the database open. Encrypted like the
    original (same key), and private."""
    target.unlink(missing_ok=True)
    target.touch(mode=0o600)
    with closing(connect(source, key)) as src, closing(connect(target, key)) as dst:
        src.backup(dst)


class Store:
    """Owns the engine for one database file and hands out transactional sessions. The engine
    (and SQLAlchemy with it) is made on first use; `store.raw.read_only` reads without it."""

    def __init__(self, db_path: Path, engine: Engine | None = None,
                 key: DataKey | None = None) -> None:
        self.db_path = db_path
        self._engine = engine
        self._engine_lock = threading.Lock()
        self.wait_hooks = WaitHooks()  # writers report "waiting…" here (see store.waiting)
        self._presence_fd: int | None = None  # "this database is open here" (store.recovery)
        self.key = key  # None: a plaintext database (benchmarks' baseline only)
        self.typed_passphrase: str | None = None  # typed this run (CLI prompt); never saved
        self._writer: Engine | None = None
        # Checkpoints and deferred indexing once the saving pauses (see store.maintenance).
        self.maintenance = Maintenance(self)
        self.plain_reads = raw.PlainReads()  # `store.raw.read_only` snapshots in flight

    @property
    def engine(self) -> Engine:
        """The SQLAlchemy engine, made (importing the ORM) the first time it is asked for."""
        if self._engine is None:
            with self._engine_lock:
                if self._engine is None:
                    self._engine = make_engine(self.db_path, self.key)
        return self._engine

    @property
    def writer(self) -> Engine:
        """The engine with BEGIN IMMEDIATE and the waiting hooks: same pool and events, only
        the BEGIN differs (see `session` and `read_session`)."""
        if self._writer is None:
            self._writer = self.engine.execution_options(
                **{BEGIN_OPTION: "IMMEDIATE", WAIT_OPTION: self.wait_hooks})
        return self._writer

    @property
    def files_dir(self) -> Path:
        return files_dir_for(self.db_path)

    @property
    def encrypted(self) -> bool:
        return self.key is not None

    @contextmanager
    def session(self) -> Iterator[Session]:
        """One transaction: committed when the block ends, rolled back if it raises.

        It starts with BEGIN IMMEDIATE, so it holds the write lock from its first statement and
        what it reads cannot change under it before it writes (the GUI thread and a sync worker
        write to the same file). Another writer waits (busy_timeout) instead of failing. Keep
        these blocks short, and do not open a second one inside in the same thread."""
        from sqlmodel import Session

        with Session(self.writer, expire_on_commit=False) as session:
            try:
                yield session
                session.commit()
            except BaseException:
                session.rollback()
                raise

    @contextmanager
    def read_session(self) -> Iterator[Session]:
        """A consistent read-only snapshot that never waits for writers (WAL): a plain deferred
        BEGIN that takes no write lock, with `PRAGMA query_only` on its connection so a write
        through it fails at once. Nothing is committed: the transaction is rolled back when the
        block ends (loaded objects stay usable). Background reads use this; writes use
        `session`, which serialises them on the write lock."""
        from sqlmodel import Session

        with self.engine.connect() as conn:
            conn.exec_driver_sql("PRAGMA query_only=ON")  # also begins the deferred transaction
            try:
                with Session(bind=conn, expire_on_commit=False) as session:
                    yield session
            finally:
                conn.rollback()
                conn.exec_driver_sql("PRAGMA query_only=OFF")  # the pool hands it to writers too
                conn.rollback()

    def close(self) -> None:
        from assessor_app.store.recovery import close_presence

        self.maintenance.close()
        self.plain_reads.close()  # the plain snapshots in flight end first
        close_presence(self)
        if self._engine is not None:
            self._engine.dispose()


Progress = Callable[[str, int, int], None]


def open_store(db: str | Path | None = None, *, migrate_schema: bool = True,
               passphrase: str | None = None, encrypt: bool = True,
               progress: Progress | None = None, key: DataKey | None = None) -> Store:
    """Open (creating and migrating as needed) the database: `db`, else $ASSESSOR_APP_DB, else
    the per-user data dir. Unlocked by the keyring or the passphrase (`passphrase`, else
    $ASSESSOR_APP_KEY_PASSPHRASE); a plaintext database of an older version is encrypted first
    (`progress(stage, done, total)` follows that). Raises `StoreLocked` when the passphrase is
    needed, `StoreError` when the file cannot be created or is not a database of this app.
    `key`: the data key, already unwrapped by the caller from this database's key file (the GUI
    does that before it loads the ORM, so the key derivation's memory is not added on top)."""
    path = resolve_db_path(db)
    try:
        check_before_opening(path)
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        # Two first starts at once: one makes the key and the schema, the other waits for it.
        with process_lock(files_dir_for(path) / "locks" / "migrate.lock"):
            if key is None and encrypt:
                key = _unlock_and_encrypt(path, passphrase, progress)
            secure_data_folder(path)
            engine = _checked_and_migrated(path, key) if migrate_schema else None
    except VaultLocked as exc:
        raise StoreLocked(str(exc)) from exc
    except VaultError as exc:
        raise StoreError(f"Cannot open the database {path}: {exc}") from exc
    except OSError as exc:
        raise StoreError(f"Cannot create the database {path}: {exc.strerror or exc}.") from exc
    except Exception as exc:
        orig = _driver_error(exc)
        if orig is None:
            raise
        raise DamagedDatabase(f"Cannot open the database {path}: {safe_reason(orig)}. Check the "
                              "path given with --db or ASSESSOR_APP_DB.") from exc
    store = Store(path, engine, key)
    if migrate_schema:
        from assessor_app.store.recovery import open_with_recovery  # leftovers of a killed run

        open_with_recovery(store)
    return store


def _checked_and_migrated(path: Path, key: DataKey | None) -> Engine | None:
    """Refuse a newer schema; migrate an older one (with the engine, which is returned). A file
    already at head is recognised through a plain SQLCipher connection: no engine, no ORM."""
    revision = raw.stored_revision(path, key)
    check_revision(path, revision, known_revisions())
    if revision is not None and revision == head_revision():
        return None
    engine = make_engine(path, key)
    migrate(engine, path, key)
    return engine


def _driver_error(exc: BaseException) -> BaseException | None:
    """The SQLite error behind `exc` (raised by the driver, or wrapped by SQLAlchemy), if any."""
    if isinstance(exc, sqlcipher.DatabaseError):
        return exc
    sa_exc = sys.modules.get("sqlalchemy.exc")  # not loaded: nothing can have raised it
    if sa_exc is not None and isinstance(exc, sa_exc.DatabaseError):
        return exc.orig if exc.orig is not None else exc
    return None


def check_before_opening(db: str | Path | None) -> None:
    """Refuse a plaintext file that is not this app's database, or is from a newer version,
    before anything (encrypting it included) writes to it. An encrypted one is checked through
    the engine when opened."""
    path = resolve_db_path(db)
    if not key_file_path(path).exists():
        check_database_file(path, known_revisions())


def _unlock_and_encrypt(path: Path, passphrase: str | None,
                        progress: Progress | None) -> DataKey:
    from assessor_app.vault.dbfile import is_plaintext_sqlite
    from assessor_app.vault.encrypt_existing import encrypt_existing, needs_encryption
    from assessor_app.vault.keys import key_file_path
    from assessor_app.vault.unlock import unlock

    if (path.exists() and path.stat().st_size > 0 and not key_file_path(path).exists()
            and not is_plaintext_sqlite(path)):
        raise VaultError("it is not a database of this app (or its key file is missing)")
    key = unlock(path, passphrase)
    if needs_encryption(path):
        encrypt_existing(path, key, progress=progress)
    return key
