"""The database tables. Responses and review logs are append-only event records."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    UniqueConstraint,
)
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column
from sqlalchemy.types import TypeDecorator

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

BigId = BigInteger().with_variant(Integer(), "sqlite")


class UTCDateTime(TypeDecorator[dt.datetime]):
    """Timezone-aware UTC datetimes on every backend (SQLite stores them naive)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: dt.datetime | None, dialect: Dialect) -> dt.datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime: examprep stores timezone-aware UTC times")
        value = value.astimezone(dt.UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(
        self, value: dt.datetime | None, dialect: Dialect
    ) -> dt.datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=dt.UTC) if value.tzinfo is None else value.astimezone(dt.UTC)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


class LearnerRow(Base):
    __tablename__ = "learners"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(80), unique=True)
    display_name: Mapped[str] = mapped_column(String(200), default="")
    role: Mapped[str] = mapped_column(String(20), default="learner")
    password_hash: Mapped[str | None] = mapped_column(String(300), nullable=True)
    disabled: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())


class AttemptRow(Base):
    __tablename__ = "attempts"

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    uid: Mapped[str] = mapped_column(String(40), unique=True)
    learner_id: Mapped[int] = mapped_column(ForeignKey("learners.id"), index=True)
    pack_id: Mapped[str] = mapped_column(String(80))
    mode: Mapped[str] = mapped_column(String(20))  # exam | practice | diagnostic | study
    seed: Mapped[int] = mapped_column(BigInteger)
    form: Mapped[list[dict[str, object]]] = mapped_column(JSON)  # items and option order shown
    started_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    deadline: Mapped[dt.datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    finished_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    pass_mark: Mapped[float | None] = mapped_column(Float, nullable=True)


class ResponseRow(Base):
    """One event in an attempt: an answer, a flag change or a visit. Never updated or deleted."""

    __tablename__ = "responses"
    __table_args__ = (Index("ix_responses_attempt_position", "attempt_id", "position"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    uid: Mapped[str] = mapped_column(String(40), unique=True)
    attempt_id: Mapped[int] = mapped_column(ForeignKey("attempts.id"))
    learner_id: Mapped[int] = mapped_column(ForeignKey("learners.id"), index=True)
    position: Mapped[int] = mapped_column(Integer)
    item_id: Mapped[str] = mapped_column(String(80), index=True)
    event: Mapped[str] = mapped_column(String(12))  # answer | flag | unflag | visit
    choice: Mapped[list[int] | None] = mapped_column(JSON, nullable=True)  # authored indexes
    correct: Mapped[bool | None] = mapped_column(Boolean, nullable=True)
    elapsed_ms: Mapped[int | None] = mapped_column(Integer, nullable=True)
    answered_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    # The item's revision when answered; rows written before revisions existed hold NULL = 1.
    revision: Mapped[int | None] = mapped_column(Integer, nullable=True)
    # sure | unsure | guess, when the learner said how sure they were (answers only)
    confidence: Mapped[str | None] = mapped_column(String(8), nullable=True)


class CardStateRow(Base):
    """The current FSRS state of one card for one learner (rebuildable from review logs)."""

    __tablename__ = "card_states"
    __table_args__ = (UniqueConstraint("learner_id", "card_id"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    learner_id: Mapped[int] = mapped_column(ForeignKey("learners.id"))
    card_id: Mapped[str] = mapped_column(String(100))  # card:<id> or question:<id>
    state: Mapped[dict[str, object]] = mapped_column(JSON)
    due: Mapped[dt.datetime] = mapped_column(UTCDateTime(), index=True)
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())


class ReviewLogRow(Base):
    """One flashcard review. Never updated or deleted."""

    __tablename__ = "review_logs"

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    uid: Mapped[str] = mapped_column(String(40), unique=True)
    learner_id: Mapped[int] = mapped_column(ForeignKey("learners.id"), index=True)
    card_id: Mapped[str] = mapped_column(String(100))
    rating: Mapped[int] = mapped_column(Integer)
    reviewed_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    duration_ms: Mapped[int | None] = mapped_column(Integer, nullable=True)


class ItemParamRow(Base):
    """Calibrated item parameters for one pack item (3PL: a, b, c)."""

    __tablename__ = "item_params"
    __table_args__ = (UniqueConstraint("pack_id", "item_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    pack_id: Mapped[str] = mapped_column(String(80))
    item_id: Mapped[str] = mapped_column(String(80))
    a: Mapped[float] = mapped_column(Float)
    b: Mapped[float] = mapped_column(Float)
    c: Mapped[float] = mapped_column(Float)
    n: Mapped[int] = mapped_column(Integer, default=0)
    method: Mapped[str] = mapped_column(String(20))  # prior | elo | mml
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    # The item revision these parameters describe (NULL = 1); older ones are ignored.
    revision: Mapped[int | None] = mapped_column(Integer, nullable=True)


class SettingRow(Base):
    """A learner setting (exam date, pass-mark override, ...), stored as JSON."""

    __tablename__ = "settings"
    __table_args__ = (UniqueConstraint("learner_id", "key"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    learner_id: Mapped[int] = mapped_column(ForeignKey("learners.id"))
    key: Mapped[str] = mapped_column(String(80))
    value: Mapped[object] = mapped_column(JSON)
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())


class OutcomeRow(Base):
    """A real exam result a learner reported. Never updated or deleted: a correction is a new
    row for the same exam date, and the latest recorded one counts."""

    __tablename__ = "outcomes"

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    uid: Mapped[str] = mapped_column(String(40), unique=True)
    learner_id: Mapped[int] = mapped_column(ForeignKey("learners.id"), index=True)
    pack_id: Mapped[str] = mapped_column(String(80))
    passed: Mapped[bool] = mapped_column(Boolean)
    exam_date: Mapped[dt.date] = mapped_column(Date)
    # The score report's feedback per section (section id -> its words), when there is one.
    section_feedback: Mapped[dict[str, str] | None] = mapped_column(JSON, nullable=True)
    recorded_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())


class ExamOffsetRow(Base):
    """The bank-to-exam offset fitted from reported results (`calibrate --outcomes`), per pack."""

    __tablename__ = "exam_offsets"

    pack_id: Mapped[str] = mapped_column(String(80), primary_key=True)
    mean: Mapped[float] = mapped_column(Float)
    se: Mapped[float] = mapped_column(Float)
    outcomes: Mapped[int] = mapped_column(Integer)
    passed: Mapped[int] = mapped_column(Integer)
    fitted_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())


class SignInLimitRow(Base):
    """Sign-in attempts counted in the current window for one account name or client address."""

    __tablename__ = "sign_in_limits"

    key: Mapped[str] = mapped_column(String(100), primary_key=True)  # account:... | address:...
    attempts: Mapped[int] = mapped_column(Integer)
    window_start: Mapped[dt.datetime] = mapped_column(UTCDateTime(), index=True)


class WebSessionRow(Base):
    """A signed-in browser in team mode; signing out deletes it, so its cookie stops working."""

    __tablename__ = "web_sessions"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)  # SHA-256 of the cookie's token
    learner_id: Mapped[int] = mapped_column(ForeignKey("learners.id"), index=True)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    expires_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), index=True)


__all__ = [
    "AttemptRow",
    "Base",
    "CardStateRow",
    "ExamOffsetRow",
    "ItemParamRow",
    "LearnerRow",
    "OutcomeRow",
    "ResponseRow",
    "ReviewLogRow",
    "SettingRow",
    "SignInLimitRow",
    "WebSessionRow",
]
