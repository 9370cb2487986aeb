"""Accounts: the learner rows' password hash, role and disabled flag."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from examprep.store.tables import LearnerRow


def all_learners(session: Session) -> list[LearnerRow]:
    """Every learner row, by name."""
    return list(session.scalars(select(LearnerRow).order_by(LearnerRow.name)))


def set_account(
    row: LearnerRow,
    *,
    password_hash: str | None = None,
    role: str | None = None,
    disabled: bool | None = None,
) -> None:
    """Change the given account fields of a learner row (None leaves a field as it is)."""
    if password_hash is not None:
        row.password_hash = password_hash
    if role is not None:
        row.role = role
    if disabled is not None:
        row.disabled = disabled
