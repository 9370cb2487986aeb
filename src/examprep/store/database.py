"""Open a database (SQLite file or PostgreSQL), bring its schema up to date, or refuse clearly."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event, inspect
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, DBAPIError, NoSuchModuleError, OperationalError

from examprep.errors import DatabaseError

MIGRATIONS = Path(__file__).resolve().parent / "migrations"


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=5000")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def make_engine(url: str) -> Engine:
    """An Engine for `url`; SQLite files get WAL, foreign keys and a busy timeout."""
    try:
        parsed = make_url(url)
    except ArgumentError as exc:
        raise DatabaseError(f"invalid database URL {url!r}: {exc}") from None
    if parsed.get_backend_name() == "sqlite":
        database = parsed.database
        if database and database != ":memory:":
            Path(database).expanduser().parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(parsed, connect_args={"timeout": 30})
        event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    try:
        return create_engine(parsed, pool_pre_ping=True)
    except (NoSuchModuleError, ImportError) as exc:
        raise DatabaseError(f"unsupported database URL {url!r}: {exc}") from None


def _alembic_config(engine: Engine) -> Any:
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.attributes["engine"] = engine
    return config


def head_revision() -> str:
    """The newest schema revision this version of examprep knows."""
    from alembic.script import ScriptDirectory

    script = ScriptDirectory(str(MIGRATIONS))
    head = script.get_current_head()
    assert head is not None
    return head


def known_revisions() -> set[str]:
    from alembic.script import ScriptDirectory

    return {rev.revision for rev in ScriptDirectory(str(MIGRATIONS)).walk_revisions()}


def current_revision(engine: Engine) -> str | None:
    """The schema revision stored in the database, None for an empty database."""
    try:
        with engine.connect() as conn:
            tables = set(inspect(conn).get_table_names())
            if "alembic_version" not in tables:
                if tables & {"learners", "attempts", "responses"} or (
                    tables and engine.dialect.name == "sqlite"
                ):
                    raise DatabaseError(
                        f"{_where(engine)} has tables but no examprep schema version; "
                        "it is not an examprep database (point EXAMPREP_DATABASE_URL elsewhere)"
                    )
                return None
            rows = conn.exec_driver_sql("SELECT version_num FROM alembic_version").fetchall()
    except DBAPIError as exc:
        raise DatabaseError(_explain(engine, exc)) from None
    return str(rows[0][0]) if rows else None


@contextlib.contextmanager
def _migration_lock(engine: Engine) -> Iterator[None]:
    """Serialise first-use migrations between processes sharing one SQLite file.

    (PostgreSQL takes an advisory lock inside the migration transaction, in env.py.)
    """
    database = engine.url.database
    if engine.dialect.name != "sqlite" or not database or database == ":memory:":
        yield
        return
    try:
        import fcntl
    except ImportError:  # pragma: no cover - Windows: SQLite's own locking has to do
        yield
        return
    with open(f"{database}.migrate-lock", "a+") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def upgrade(engine: Engine) -> tuple[str | None, str]:
    """Bring the schema to the newest revision; return (before, after). Refuse newer schemas."""
    head = head_revision()
    try:
        if current_revision(engine) == head:
            return head, head
    except DatabaseError:
        pass  # decide under the lock: another process may be creating the schema right now
    with _migration_lock(engine):
        return _upgrade_locked(engine, head)


def _upgrade_locked(engine: Engine, head: str) -> tuple[str | None, str]:
    before = current_revision(engine)
    if before is not None and before not in known_revisions():
        raise DatabaseError(
            f"{_where(engine)} uses schema revision {before}, which is newer than this "
            f"examprep supports (newest known: {head}); upgrade examprep "
            "(pip install -U examprep) to use it. Nothing was changed."
        )
    if before != head:
        from alembic import command

        try:
            command.upgrade(_alembic_config(engine), "head")
        except DBAPIError as exc:
            raise DatabaseError(_explain(engine, exc)) from None
    return before, head


def _where(engine: Engine) -> str:
    url = engine.url
    if url.get_backend_name() == "sqlite":
        return f"the database file {url.database}"
    return f"the database {url.render_as_string(hide_password=True)}"


def _explain(engine: Engine, exc: DBAPIError) -> str:
    text = str(exc.orig) if exc.orig is not None else str(exc)
    if engine.dialect.name == "sqlite" and (
        "not a database" in text or "malformed" in text or "corrupt" in text
    ):
        return (
            f"{_where(engine)} is corrupt or not an SQLite database ({text}). "
            "It was left untouched; restore it from a backup or move it aside to start afresh."
        )
    if isinstance(exc, OperationalError):
        return f"cannot use {_where(engine)}: {text.strip()}"
    return f"database error on {_where(engine)}: {text.strip()}"


def explain(engine: Engine, exc: DBAPIError) -> str:
    """A learner-facing sentence for a driver error."""
    return _explain(engine, exc)
