"""The overview shown by `examprep` without a command: the pack, progress and what to do next."""

from __future__ import annotations

from dataclasses import dataclass

from examprep.config import Settings, load_settings
from examprep.services.cards import due_reviews
from examprep.services.context import open_context
from examprep.services.database import describe_database
from examprep.services.learners import get_config
from examprep.services.readiness import StudyTip, readiness_report
from examprep.services.results import history


@dataclass(frozen=True)
class Overview:
    pack_title: str
    guide_date: str
    questions: int
    notes: int
    cards: int
    exam_questions: int
    exam_minutes: int
    database: str
    attempts: int
    answers: int
    p_pass: float | None  # None while there is too little evidence (see `withheld`)
    low: float
    high: float
    pass_mark: float
    due_reviews: int
    days_to_exam: int | None
    study_next: list[StudyTip]
    withheld: str | None = None
    assumes: str = ""  # what P(pass) assumes about the real exam, in one line


def overview(settings: Settings | None = None) -> Overview:
    """Summarise the configured pack, the learner's progress and the next things to study."""
    ctx = open_context(settings or load_settings())
    try:
        pack = ctx.pack
        report = readiness_report(ctx, history_points=0)
        config = get_config(ctx)
        return Overview(
            pack_title=pack.meta.title,
            guide_date=pack.meta.guide_date.isoformat() if pack.meta.guide_date else "unknown",
            questions=len(pack.questions),
            notes=len(pack.notes),
            cards=len(pack.cards),
            exam_questions=pack.meta.questions.default,
            exam_minutes=pack.meta.minutes,
            database=describe_database(ctx.settings),
            attempts=len(history(ctx)),
            answers=report.now.responses,
            p_pass=report.now.shown_p_pass,
            low=report.now.low,
            high=report.now.high,
            pass_mark=report.now.pass_mark,
            due_reviews=len(due_reviews(ctx, new_cards=0)),
            days_to_exam=config.days_to_exam(ctx.now().date()),
            study_next=report.study_next[:3],
            withheld=report.withheld,
            assumes=report.now.assumes,
        )
    finally:
        ctx.close()
