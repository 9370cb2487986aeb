"""Sign-in limits: attempts per key (account name, client address), counted atomically."""

from __future__ import annotations

import datetime as dt
import importlib
from typing import Any, cast

from sqlalchemy import Table, case, delete, literal, or_, update
from sqlalchemy.orm import Session

from examprep.store.tables import SignInLimitRow, UTCDateTime

LIMITS = cast(Table, SignInLimitRow.__table__)


def _upsert_insert(dialect: str) -> Any:
    """The INSERT with ON CONFLICT of the database's own dialect (postgresql or sqlite).

    Looked up by name: SQLAlchemy has already loaded the dialect in use, and naming both here
    would import PostgreSQL's dialect (about 20 ms) for every SQLite database.
    """
    return importlib.import_module(f"sqlalchemy.dialects.{dialect}").insert


def take_attempt(
    session: Session, key: str, now: dt.datetime, window: dt.timedelta, limit: int
) -> bool:
    """Count one attempt for `key`; False (nothing counted) when `limit` are already counted.

    One INSERT ... ON CONFLICT DO UPDATE ... WHERE: the database decides under the row's lock,
    so parallel attempts, in one process or many, can never count past the limit.
    """
    expired = LIMITS.c.window_start <= now - window
    insert = _upsert_insert(session.get_bind().dialect.name)(LIMITS)
    statement = (
        insert.values(key=key, attempts=1, window_start=now)
        .on_conflict_do_update(
            index_elements=[LIMITS.c.key],
            set_={
                "attempts": case((expired, 1), else_=LIMITS.c.attempts + 1),
                "window_start": case(
                    (expired, literal(now, UTCDateTime())), else_=LIMITS.c.window_start
                ),
            },
            where=or_(expired, LIMITS.c.attempts < limit),
        )
        .returning(LIMITS.c.attempts)
    )
    return session.execute(statement).first() is not None


def give_back(session: Session, key: str) -> None:
    """Uncount one attempt of `key` (a sign-in that succeeded)."""
    session.execute(
        update(LIMITS)
        .where(LIMITS.c.key == key, LIMITS.c.attempts > 0)
        .values(attempts=LIMITS.c.attempts - 1)
    )


def forget(session: Session, key: str) -> None:
    """Start `key` afresh (a right password, a new password)."""
    session.execute(delete(LIMITS).where(LIMITS.c.key == key))


def forget_expired(session: Session, now: dt.datetime, window: dt.timedelta) -> None:
    """Drop the counts whose window has passed, so the table stays small."""
    session.execute(delete(LIMITS).where(LIMITS.c.window_start <= now - window))
