"""Real exam results learners report, and the bank-to-exam link readiness assumes."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from examprep.engine.linking import ExamOffset
from examprep.errors import InvalidInput
from examprep.services.context import Context
from examprep.services.learners import learner_id
from examprep.services.model import as_exam_date, as_result, prior_offset
from examprep.store.outcomes import add_outcome, exam_offset_of, outcome_rows

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from examprep.content.pack import Pack
    from examprep.store.tables import OutcomeRow

FEEDBACK_WORD = re.compile(r"^[A-Za-z][A-Za-z0-9 '-]{0,39}$")


@dataclass(frozen=True)
class ReportedOutcome:
    """One reported exam result."""

    passed: bool
    exam_date: dt.date
    recorded_at: dt.datetime
    section_feedback: dict[str, str] = field(default_factory=dict)
    learner: str = ""

    @property
    def result(self) -> str:
        return "pass" if self.passed else "fail"


def view_of(row: OutcomeRow, learner: str = "") -> ReportedOutcome:
    return ReportedOutcome(
        row.passed, row.exam_date, row.recorded_at, dict(row.section_feedback or {}), learner
    )


def latest_per_exam(rows: Iterable[OutcomeRow]) -> list[OutcomeRow]:
    """One result per learner and exam date: the latest recorded (a correction wins)."""
    latest: dict[tuple[int, dt.date], OutcomeRow] = {}
    for row in sorted(rows, key=lambda r: (r.recorded_at, r.id)):
        latest[(row.learner_id, row.exam_date)] = row
    return sorted(latest.values(), key=lambda r: (r.exam_date, r.learner_id))


def parse_section_feedback(pack: Pack, entries: Sequence[str], where: str) -> dict[str, str]:
    """`S1=below` entries (or one comma-separated line) -> {section id: feedback words}."""
    sections = {s.id for s in pack.sections}
    out: dict[str, str] = {}
    for entry in (part.strip() for text in entries for part in text.split(",")):
        if not entry:
            continue
        section, sep, words = (x.strip() for x in entry.partition("="))
        if not sep or not words:
            raise InvalidInput(f"{where}: section feedback must be SECTION=words, got {entry!r}")
        if section not in sections:
            known = ", ".join(sorted(sections))
            raise InvalidInput(f"{where}: unknown section {section!r} (the pack has {known})")
        if not FEEDBACK_WORD.match(words):
            raise InvalidInput(
                f"{where}: feedback for {section} must be a few words (letters, digits, "
                f"spaces; at most 40 characters), got {words!r}"
            )
        out[section] = words
    return out


def record_outcome(
    ctx: Context,
    result: str | bool,
    exam_date: str | dt.date,
    section_feedback: Sequence[str] = (),
) -> list[ReportedOutcome]:
    """Append the learner's real exam result; return all their results on this pack."""
    now = ctx.now()
    passed = as_result(result, "result")
    day = as_exam_date(exam_date, "--date", now.date())
    feedback = parse_section_feedback(ctx.pack, section_feedback, "--section-feedback")
    with ctx.transaction() as session:
        lid = learner_id(ctx, session)
        add_outcome(session, lid, ctx.pack.id, passed, day, feedback or None, now)
        rows = outcome_rows(session, pack_id=ctx.pack.id, learner_id=lid)
        return [view_of(row, ctx.learner) for row in latest_per_exam(rows)]


def my_outcomes(ctx: Context) -> list[ReportedOutcome]:
    """The learner's reported results on this pack, oldest exam first (corrections applied)."""
    with ctx.transaction() as session:
        rows = outcome_rows(session, pack_id=ctx.pack.id, learner_id=learner_id(ctx, session))
        return [view_of(row, ctx.learner) for row in latest_per_exam(rows)]


def exam_link(session: Session, pack: Pack) -> ExamOffset:
    """The offset readiness assumes: the fitted one once it exists, else the pack's prior."""
    row = exam_offset_of(session, pack.id)
    if row is None:
        return prior_offset(pack)
    return ExamOffset(row.mean, row.se, row.outcomes)
