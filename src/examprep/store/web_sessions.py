"""Server-side records of signed-in browsers (team mode), keyed by a hash of the cookie token."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from examprep.store.tables import LearnerRow, WebSessionRow


def add_session(
    session: Session, key: str, learner_id: int, now: dt.datetime, expires_at: dt.datetime
) -> None:
    session.add(WebSessionRow(id=key, learner_id=learner_id, created_at=now, expires_at=expires_at))


def session_learner(session: Session, key: str, now: dt.datetime) -> LearnerRow | None:
    """The learner of an unexpired session, or None."""
    query = (
        select(LearnerRow)
        .join(WebSessionRow, WebSessionRow.learner_id == LearnerRow.id)
        .where(WebSessionRow.id == key, WebSessionRow.expires_at > now)
    )
    return session.scalars(query).one_or_none()


def delete_session(session: Session, key: str) -> None:
    session.execute(delete(WebSessionRow).where(WebSessionRow.id == key))


def delete_sessions(session: Session, learner_id: int) -> int:
    """End every session of a learner; how many there were."""
    result = session.execute(delete(WebSessionRow).where(WebSessionRow.learner_id == learner_id))
    return int(result.rowcount)  # type: ignore[attr-defined]


def delete_expired_sessions(session: Session, now: dt.datetime) -> None:
    session.execute(delete(WebSessionRow).where(WebSessionRow.expires_at <= now))
