"""Alembic environment: runs migrations on the engine examprep passes in (never from a .ini)."""

from __future__ import annotations

from alembic import context

from examprep.store.tables import Base

config = context.config
engine = config.attributes.get("engine")
if engine is None:  # pragma: no cover - only when someone runs the alembic CLI by hand
    raise RuntimeError("run migrations with `examprep db upgrade`")

MIGRATION_LOCK = 7_270_001  # pg_advisory_xact_lock key: one migrating process at a time

with engine.begin() as connection:
    if connection.dialect.name == "postgresql":
        connection.exec_driver_sql(f"SELECT pg_advisory_xact_lock({MIGRATION_LOCK})")
    context.configure(
        connection=connection,
        target_metadata=Base.metadata,
        render_as_batch=connection.dialect.name == "sqlite",
    )
    with context.begin_transaction():
        context.run_migrations()
