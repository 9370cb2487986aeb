"""Reported exam results (append-only) and the bank-to-exam offset fitted from them."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session

from examprep.store.attempts import new_uid
from examprep.store.progress import owners_of
from examprep.store.tables import ExamOffsetRow, OutcomeRow


def add_outcome(
    session: Session,
    learner_id: int,
    pack_id: str,
    passed: bool,
    exam_date: dt.date,
    section_feedback: dict[str, str] | None,
    recorded_at: dt.datetime,
    uid: str | None = None,
) -> OutcomeRow:
    """Append one reported result (a new uid unless it comes from a progress file)."""
    row = OutcomeRow(
        uid=uid or new_uid(),
        learner_id=learner_id,
        pack_id=pack_id,
        passed=passed,
        exam_date=exam_date,
        section_feedback=section_feedback,
        recorded_at=recorded_at,
    )
    session.add(row)
    session.flush()
    return row


def outcome_rows(
    session: Session, *, pack_id: str | None = None, learner_id: int | None = None
) -> list[OutcomeRow]:
    """Reported results, oldest exam first, in the order they were recorded."""
    query = select(OutcomeRow)
    if pack_id is not None:
        query = query.where(OutcomeRow.pack_id == pack_id)
    if learner_id is not None:
        query = query.where(OutcomeRow.learner_id == learner_id)
    order = (OutcomeRow.exam_date, OutcomeRow.recorded_at, OutcomeRow.id)
    return list(session.scalars(query.order_by(*order)))


def outcome_owners(session: Session, uids: Sequence[str]) -> dict[str, int]:
    """uid -> learner id of the reported results that already exist."""
    return owners_of(session, OutcomeRow.uid, OutcomeRow.learner_id, uids)


def exam_offset_of(session: Session, pack_id: str) -> ExamOffsetRow | None:
    return session.get(ExamOffsetRow, pack_id)


def save_exam_offset(
    session: Session,
    pack_id: str,
    *,
    mean: float,
    se: float,
    outcomes: int,
    passed: int,
    now: dt.datetime,
) -> None:
    """Store (or replace) the pack's fitted offset."""
    row = session.get(ExamOffsetRow, pack_id, with_for_update=True)
    if row is None:
        row = ExamOffsetRow(pack_id=pack_id)
        session.add(row)
    row.mean, row.se, row.outcomes, row.passed, row.fitted_at = mean, se, outcomes, passed, now
    session.flush()
