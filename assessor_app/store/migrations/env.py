"""Alembic environment. The engine comes from `Config.attributes` (set by store.engine)."""

from __future__ import annotations

from alembic import context
from sqlmodel import SQLModel

import assessor_app.store.models  # noqa: F401 - registers the tables
from assessor_app.store.migrations_filter import include_object

target_metadata = SQLModel.metadata


def run_migrations_online() -> None:
    engine = context.config.attributes["engine"]
    with engine.connect() as connection:
        context.configure(
            connection=connection,
            target_metadata=target_metadata,
            render_as_batch=True,
            include_object=include_object,
        )
        with context.begin_transaction():
            context.run_migrations()
        connection.commit()


run_migrations_online()
