"""Open a database (SQLite file or PostgreSQL), bring its schema up to date, or refuse clearly."""

from __future__ import annotations

import contextlib
import os
import re
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


_ASSIGNMENT = re.compile(
    r"^(down_revision|revision)\s*(?::[^=]+)?=\s*(?:([\"'])(.*?)\2|None)\s*$", re.MULTILINE
)


def _revision_chain() -> dict[str, str | None]:
    """revision -> down_revision of every migration, read from the files without Alembic.

    Importing Alembic (and with it Mako and every SQLAlchemy dialect) costs more than the rest
    of a command; the two assignments at the top of each migration are all that is needed.
    """
    chain: dict[str, str | None] = {}
    for file in sorted((MIGRATIONS / "versions").glob("*.py")):
        found = {m.group(1): m.group(3) for m in _ASSIGNMENT.finditer(file.read_text("utf-8"))}
        if "revision" not in found or "down_revision" not in found:
            raise RuntimeError(f"{file.name}: no plain revision/down_revision assignments")
        revision = found["revision"]
        assert revision is not None
        chain[revision] = found["down_revision"]
    return chain


def head_revision() -> str:
    """The newest schema revision this version of examprep knows."""
    chain = _revision_chain()
    heads = set(chain) - set(chain.values())
    if len(heads) != 1:
        raise RuntimeError(f"the migrations have {len(heads)} heads: {sorted(heads)}")
    return heads.pop()


def known_revisions() -> set[str]:
    return set(_revision_chain())


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
    lock = f"{database}.migrate-lock"
    while True:
        handle = open(lock, "a+")  # noqa: SIM115 - held across the yield
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            current = os.stat(lock).st_ino
        except FileNotFoundError:
            current = None
        if current == os.fstat(handle.fileno()).st_ino:
            break
        handle.close()  # the holder removed it while we waited: lock the new file
    try:
        yield
    finally:
        # Removed while still locked: a waiter then finds another inode and tries again, so no
        # empty lock file is left beside the database.
        with contextlib.suppress(FileNotFoundError):
            os.unlink(lock)
        fcntl.flock(handle, fcntl.LOCK_UN)
        handle.close()


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
