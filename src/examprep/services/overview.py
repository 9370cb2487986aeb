"""The overview shown by `examprep` without a command."""

from __future__ import annotations

from dataclasses import dataclass

from examprep.config import Settings, load_settings
from examprep.services.context import open_context
from examprep.services.database import describe_database


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


def overview(settings: Settings | None = None) -> Overview:
    """Summarise the configured pack and the learner's stored attempts."""
    from sqlalchemy import func, select

    from examprep.store.tables import AttemptRow

    ctx = open_context(settings or load_settings())
    try:
        pack = ctx.pack
        with ctx.transaction() as session:
            attempts = session.scalar(select(func.count()).select_from(AttemptRow)) or 0
        return Overview(
            pack_title=pack.meta.title,
            guide_date=pack.meta.guide_date.isoformat() if pack.meta.guide_date else "unknown",
            questions=len(pack.questions),
            notes=len(pack.notes),
            cards=len(pack.cards),
            exam_questions=pack.meta.questions.default,
            exam_minutes=pack.meta.minutes,
            database=describe_database(ctx.settings),
            attempts=attempts,
        )
    finally:
        ctx.close()
