"""Attempts and their append-only response events."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Sequence

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from examprep.store.tables import AttemptRow, ResponseRow


def new_uid() -> str:
    return uuid.uuid4().hex


def create_attempt(
    session: Session,
    *,
    learner_id: int,
    pack_id: str,
    mode: str,
    seed: int,
    form: list[dict[str, object]],
    started_at: dt.datetime,
    deadline: dt.datetime | None,
    pass_mark: float | None,
) -> AttemptRow:
    row = AttemptRow(
        uid=new_uid(),
        learner_id=learner_id,
        pack_id=pack_id,
        mode=mode,
        seed=seed,
        form=form,
        started_at=started_at,
        deadline=deadline,
        pass_mark=pass_mark,
    )
    session.add(row)
    session.flush()
    return row


MAX_ID = 2**63 - 1  # the largest BIGINT; a larger id cannot name a row on any backend


def get_attempt(session: Session, attempt_id: int, *, lock: bool = False) -> AttemptRow | None:
    if not 1 <= attempt_id <= MAX_ID:
        return None
    query = select(AttemptRow).where(AttemptRow.id == attempt_id)
    if lock:
        query = query.with_for_update()
    return session.scalars(query).one_or_none()


def list_attempts(
    session: Session,
    learner_id: int,
    *,
    modes: Sequence[str] | None = None,
    pack_id: str | None = None,
) -> list[AttemptRow]:
    query = select(AttemptRow).where(AttemptRow.learner_id == learner_id)
    if modes:
        query = query.where(AttemptRow.mode.in_(modes))
    if pack_id:
        query = query.where(AttemptRow.pack_id == pack_id)
    return list(session.scalars(query.order_by(AttemptRow.started_at, AttemptRow.id)))


def open_attempts(session: Session, learner_id: int, mode: str, pack_id: str) -> list[AttemptRow]:
    query = select(AttemptRow).where(
        AttemptRow.learner_id == learner_id,
        AttemptRow.mode == mode,
        AttemptRow.pack_id == pack_id,
        AttemptRow.finished_at.is_(None),
    )
    return list(session.scalars(query.order_by(AttemptRow.started_at.desc(), AttemptRow.id.desc())))


def append_event(
    session: Session,
    attempt: AttemptRow,
    *,
    position: int,
    item_id: str,
    event: str,
    at: dt.datetime,
    choice: list[int] | None = None,
    correct: bool | None = None,
    elapsed_ms: int | None = None,
    revision: int | None = None,
    confidence: str | None = None,
) -> ResponseRow:
    """Record one event (answer, flag, unflag, visit). Rows are never updated or deleted."""
    row = ResponseRow(
        uid=new_uid(),
        attempt_id=attempt.id,
        learner_id=attempt.learner_id,
        position=position,
        item_id=item_id,
        event=event,
        choice=choice,
        correct=correct,
        elapsed_ms=elapsed_ms,
        answered_at=at,
        revision=revision,
        confidence=confidence,
    )
    session.add(row)
    session.flush()
    return row


def events(session: Session, attempt_id: int) -> list[ResponseRow]:
    query = select(ResponseRow).where(ResponseRow.attempt_id == attempt_id)
    return list(session.scalars(query.order_by(ResponseRow.answered_at, ResponseRow.id)))


def last_event(session: Session, attempt_id: int) -> ResponseRow | None:
    """The attempt's newest event (the order replay uses), or None."""
    query = select(ResponseRow).where(ResponseRow.attempt_id == attempt_id)
    return session.scalars(
        query.order_by(ResponseRow.answered_at.desc(), ResponseRow.id.desc()).limit(1)
    ).first()


def last_event_time(session: Session, attempt_id: int) -> dt.datetime | None:
    query = select(func.max(ResponseRow.answered_at)).where(ResponseRow.attempt_id == attempt_id)
    value = session.scalar(query)
    if value is not None and value.tzinfo is None:
        value = value.replace(tzinfo=dt.UTC)
    return value


def answer_log(
    session: Session, *, learner_id: int | None = None, pack_id: str | None = None
) -> list[tuple[ResponseRow, AttemptRow]]:
    """Every answer event (of one learner, or of all), with its attempt, in recorded order.

    This is the raw log, answer changes and open exams included: services turn it into
    evidence (`services.evidence`), never read it directly.
    """
    query = (
        select(ResponseRow, AttemptRow)
        .join(AttemptRow, AttemptRow.id == ResponseRow.attempt_id)
        .where(ResponseRow.event == "answer")
    )
    if learner_id is not None:
        query = query.where(ResponseRow.learner_id == learner_id)
    if pack_id is not None:
        query = query.where(AttemptRow.pack_id == pack_id)
    rows = session.execute(query.order_by(ResponseRow.answered_at, ResponseRow.id))
    return [(response, attempt) for response, attempt in rows]


def finish_attempt(attempt: AttemptRow, at: dt.datetime) -> None:
    attempt.finished_at = at
