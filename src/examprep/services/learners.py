"""Per-learner settings: exam date, pass-mark override, and when to ask for confidence."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING

from examprep.errors import InvalidInput
from examprep.services.context import Context
from examprep.store.learners import get_or_create_learner, get_setting, put_setting

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

KEYS = ("exam-date", "pass-mark", "confidence")
# When to ask how sure an answer is: in practice, study and placement sessions (the default),
# in mock exams too, or never.
CONFIDENCE_ASKED = ("practice", "always", "off")


def confidence_asked(setting: object, mode: str) -> bool:
    """Whether the stored confidence setting asks "how sure?" in a session of `mode`."""
    when = setting if setting in CONFIDENCE_ASKED else "practice"
    return when == "always" or (when == "practice" and mode != "exam")


def learner_id(ctx: Context, session: Session) -> int:
    """The id of the context's learner, created on first use."""
    return get_or_create_learner(session, ctx.learner, ctx.now()).id


@dataclass(frozen=True)
class LearnerConfig:
    learner: str
    exam_date: dt.date | None
    pass_mark: float
    pass_mark_is_default: bool
    pass_mark_note: str
    confidence: str = "practice"  # one of CONFIDENCE_ASKED

    def asks_confidence(self, mode: str) -> bool:
        """Whether an answer in a session of `mode` comes with a "how sure?" question."""
        return confidence_asked(self.confidence, mode)

    def days_to_exam(self, today: dt.date) -> int | None:
        return None if self.exam_date is None else (self.exam_date - today).days


def parse_pass_mark(text: str) -> float:
    """ "0.75", "75" or "75%" -> 0.75; refuse anything outside 10-99 %."""
    cleaned = text.strip().rstrip("%").strip()
    try:
        value = float(cleaned)
    except ValueError:
        raise InvalidInput(f"pass mark {text!r} is not a number (try 0.7 or 70%)") from None
    if value >= 1 or text.strip().endswith("%"):
        value /= 100
    if not 0.1 <= value <= 0.99:
        raise InvalidInput(f"pass mark {text!r} must be between 10 % and 99 % (e.g. 0.7 or 70%)")
    return round(value, 4)


def parse_exam_date(text: str, today: dt.date) -> dt.date:
    try:
        day = dt.date.fromisoformat(text.strip())
    except ValueError:
        raise InvalidInput(f"exam date {text!r} is not a date in the form YYYY-MM-DD") from None
    if day < today:
        raise InvalidInput(f"exam date {day} is in the past")
    return day


def get_config(ctx: Context) -> LearnerConfig:
    """The learner's settings with the pack's defaults filled in."""
    with ctx.transaction() as session:
        lid = learner_id(ctx, session)
        exam_date = get_setting(session, lid, "exam_date")
        pass_mark = get_setting(session, lid, "pass_mark")
        confidence = get_setting(session, lid, "confidence")
    return LearnerConfig(
        learner=ctx.learner,
        exam_date=dt.date.fromisoformat(exam_date) if isinstance(exam_date, str) else None,
        pass_mark=float(pass_mark)
        if isinstance(pass_mark, int | float)
        else ctx.pack.meta.pass_mark,
        pass_mark_is_default=not isinstance(pass_mark, int | float),
        pass_mark_note=ctx.pack.meta.pass_mark_note,
        confidence=confidence if confidence in CONFIDENCE_ASKED else "practice",
    )


def set_config(ctx: Context, key: str, value: str | None) -> LearnerConfig:
    """Set (or with value None, clear) one setting: exam-date, pass-mark or confidence."""
    if key not in KEYS:
        raise InvalidInput(f"unknown setting {key!r} (settings: {', '.join(KEYS)})")
    now = ctx.now()
    stored: object = None
    if value is not None:
        if key == "exam-date":
            stored = parse_exam_date(value, now.date()).isoformat()
        elif key == "pass-mark":
            stored = parse_pass_mark(value)
        elif value.strip().lower() in CONFIDENCE_ASKED:
            stored = value.strip().lower()
        else:
            raise InvalidInput(
                f"confidence {value!r} must be one of {', '.join(CONFIDENCE_ASKED)} "
                "(when to ask how sure you are of an answer)"
            )
    with ctx.transaction() as session:
        lid = learner_id(ctx, session)
        put_setting(session, lid, key.replace("-", "_"), stored, now)
    return get_config(ctx)
