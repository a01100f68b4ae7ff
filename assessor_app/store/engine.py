"""The database: one SQLite file in WAL mode, foreign keys on, migrated to head when opened."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, event
from sqlmodel import Session, create_engine

from assessor_app.store.paths import files_dir_for, resolve_db_path

MIGRATIONS_DIR = Path(__file__).with_name("migrations")


def _on_connect(dbapi_conn, _record) -> None:  # noqa: ANN001 - DB-API connection
    cur = dbapi_conn.cursor()
    cur.execute("PRAGMA journal_mode=WAL")
    cur.execute("PRAGMA foreign_keys=ON")
    # NORMAL is durable across application crashes in WAL mode; only power loss can drop the
    # last commits, which is the trade-off SQLite documents for WAL.
    cur.execute("PRAGMA synchronous=NORMAL")
    cur.execute("PRAGMA busy_timeout=5000")
    cur.close()


def make_engine(db_path: Path) -> Engine:
    db_path.parent.mkdir(parents=True, exist_ok=True)
    engine = create_engine(
        f"sqlite:///{db_path}", connect_args={"check_same_thread": False}
    )
    event.listen(engine, "connect", _on_connect)
    return engine


def alembic_config(engine: Engine) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    cfg.attributes["engine"] = engine
    return cfg


def _current_and_head(engine: Engine, cfg: Config) -> tuple[str | None, str | None]:
    with engine.connect() as conn:
        current = MigrationContext.configure(conn).get_current_revision()
    head = ScriptDirectory.from_config(cfg).get_current_head()
    return current, head


def migrate(engine: Engine, db_path: Path) -> None:
    """Bring the schema to head, keeping a copy of the file first if it already held data."""
    cfg = alembic_config(engine)
    current, head = _current_and_head(engine, cfg)
    if current == head:
        return
    if current is not None and db_path.exists():
        engine.dispose()
        shutil.copy2(db_path, db_path.with_name(f"{db_path.name}.before-{head}.bak"))
    command.upgrade(cfg, "head")


class Store:
    """Owns the engine for one database file and hands out transactional sessions."""

    def __init__(self, db_path: Path, engine: Engine) -> None:
        self.db_path = db_path
        self.engine = engine

    @property
    def files_dir(self) -> Path:
        return files_dir_for(self.db_path)

    @contextmanager
    def session(self) -> Iterator[Session]:
        """One transaction: committed when the block ends, rolled back if it raises."""
        with Session(self.engine, expire_on_commit=False) as session:
            try:
                yield session
                session.commit()
            except BaseException:
                session.rollback()
                raise

    def close(self) -> None:
        self.engine.dispose()


def open_store(db: str | Path | None = None, *, migrate_schema: bool = True) -> Store:
    path = resolve_db_path(db)
    engine = make_engine(path)
    if migrate_schema:
        migrate(engine, path)
    return Store(path, engine)
