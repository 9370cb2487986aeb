"""Everything one learner has done, read in bulk and written back with its original uids."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator, Sequence
from typing import Any, TypeVar

from sqlalchemy import select
from sqlalchemy.orm import Session

from examprep.store.tables import (
    AttemptRow,
    CardStateRow,
    LearnerRow,
    ResponseRow,
    ReviewLogRow,
    SettingRow,
)

CHUNK = 500  # keeps IN (...) lists well under every backend's parameter limit

T = TypeVar("T")


def _chunks(values: Sequence[T]) -> Iterator[Sequence[T]]:
    for start in range(0, len(values), CHUNK):
        yield values[start : start + CHUNK]


def create_learner(
    session: Session, name: str, display_name: str, created_at: dt.datetime
) -> LearnerRow:
    row = LearnerRow(name=name, display_name=display_name, role="learner", created_at=created_at)
    session.add(row)
    session.flush()
    return row


def learner_attempts(session: Session, learner_id: int) -> list[AttemptRow]:
    query = select(AttemptRow).where(AttemptRow.learner_id == learner_id)
    return list(session.scalars(query.order_by(AttemptRow.started_at, AttemptRow.id)))


def learner_events(session: Session, learner_id: int) -> list[ResponseRow]:
    """Every response event (answers, flags, visits) of a learner, in recorded order."""
    query = select(ResponseRow).where(ResponseRow.learner_id == learner_id)
    return list(session.scalars(query.order_by(ResponseRow.answered_at, ResponseRow.id)))


def learner_settings(session: Session, learner_id: int) -> list[SettingRow]:
    query = select(SettingRow).where(SettingRow.learner_id == learner_id)
    return list(session.scalars(query.order_by(SettingRow.key)))


def learner_card_states(session: Session, learner_id: int) -> list[CardStateRow]:
    query = select(CardStateRow).where(CardStateRow.learner_id == learner_id)
    return list(session.scalars(query.order_by(CardStateRow.card_id)))


def attempts_by_uid(session: Session, uids: Sequence[str]) -> dict[str, AttemptRow]:
    found: dict[str, AttemptRow] = {}
    for chunk in _chunks(uids):
        query = select(AttemptRow).where(AttemptRow.uid.in_(chunk))
        found |= {row.uid: row for row in session.scalars(query)}
    return found


def owners_of(session: Session, column: Any, owner: Any, uids: Sequence[str]) -> dict[str, int]:
    found: dict[str, int] = {}
    for chunk in _chunks(uids):
        for uid, lid in session.execute(select(column, owner).where(column.in_(chunk))):
            found[uid] = lid
    return found


def response_owners(session: Session, uids: Sequence[str]) -> dict[str, int]:
    """uid -> learner id of the response events that already exist."""
    return owners_of(session, ResponseRow.uid, ResponseRow.learner_id, uids)


def review_owners(session: Session, uids: Sequence[str]) -> dict[str, int]:
    """uid -> learner id of the review logs that already exist."""
    return owners_of(session, ReviewLogRow.uid, ReviewLogRow.learner_id, uids)


def add_attempt(session: Session, learner_id: int, fields: dict[str, Any]) -> AttemptRow:
    """Insert an attempt with its original uid (fields: the AttemptRow columns but ids)."""
    row = AttemptRow(learner_id=learner_id, **fields)
    session.add(row)
    session.flush()
    return row


def add_events(session: Session, attempt: AttemptRow, events: Iterable[dict[str, Any]]) -> None:
    """Insert response events with their original uids, in the given order."""
    for fields in events:
        session.add(ResponseRow(attempt_id=attempt.id, learner_id=attempt.learner_id, **fields))
        # one flush per row keeps ids in file order, which orders same-instant events
        session.flush()


def add_review_logs(session: Session, learner_id: int, logs: Iterable[dict[str, Any]]) -> None:
    """Insert review logs with their original uids, in the given order."""
    for fields in logs:
        session.add(ReviewLogRow(learner_id=learner_id, **fields))
        session.flush()


def put_setting_at(
    session: Session, learner_id: int, key: str, value: object, updated_at: dt.datetime
) -> None:
    row = session.scalars(
        select(SettingRow).where(SettingRow.learner_id == learner_id, SettingRow.key == key)
    ).one_or_none()
    if row is None:
        session.add(SettingRow(learner_id=learner_id, key=key, value=value, updated_at=updated_at))
    elif updated_at > row.updated_at:
        row.value, row.updated_at = value, updated_at
    session.flush()


def put_card_state_at(
    session: Session,
    learner_id: int,
    card_id: str,
    state: dict[str, Any],
    due: dt.datetime,
    updated_at: dt.datetime,
) -> None:
    """Store a card state unless the stored one is as new or newer."""
    row = session.scalars(
        select(CardStateRow).where(
            CardStateRow.learner_id == learner_id, CardStateRow.card_id == card_id
        )
    ).one_or_none()
    if row is None:
        session.add(
            CardStateRow(
                learner_id=learner_id, card_id=card_id, state=state, due=due, updated_at=updated_at
            )
        )
    elif updated_at > row.updated_at:
        row.state, row.due, row.updated_at = state, due, updated_at
    session.flush()


__all__ = [
    "add_attempt",
    "add_events",
    "add_review_logs",
    "attempts_by_uid",
    "create_learner",
    "learner_attempts",
    "learner_card_states",
    "learner_events",
    "learner_settings",
    "owners_of",
    "put_card_state_at",
    "put_setting_at",
    "response_owners",
    "review_owners",
]
