"""Learner rows and per-learner settings."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from examprep.store.tables import LearnerRow, SettingRow


def get_or_create_learner(session: Session, name: str, now: dt.datetime) -> LearnerRow:
    """The learner called `name`, created on first use."""
    row = session.scalars(select(LearnerRow).where(LearnerRow.name == name)).one_or_none()
    if row is not None:
        return row
    try:
        with session.begin_nested():  # another process may create the same learner right now
            row = LearnerRow(name=name, display_name=name, role="learner", created_at=now)
            session.add(row)
    except IntegrityError:
        row = session.scalars(select(LearnerRow).where(LearnerRow.name == name)).one()
    return row


def find_learner(session: Session, name: str) -> LearnerRow | None:
    return session.scalars(select(LearnerRow).where(LearnerRow.name == name)).one_or_none()


def get_setting(session: Session, learner_id: int, key: str) -> object | None:
    row = session.scalars(
        select(SettingRow).where(SettingRow.learner_id == learner_id, SettingRow.key == key)
    ).one_or_none()
    return None if row is None else row.value


def put_setting(
    session: Session, learner_id: int, key: str, value: object, now: dt.datetime
) -> None:
    row = session.scalars(
        select(SettingRow).where(SettingRow.learner_id == learner_id, SettingRow.key == key)
    ).one_or_none()
    if row is None:
        session.add(SettingRow(learner_id=learner_id, key=key, value=value, updated_at=now))
    else:
        row.value = value
        row.updated_at = now
