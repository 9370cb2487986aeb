"""The one reader of stored answers: final answers to current item revisions (engine.evidence).

Readiness, adaptive selection, Elo, calibration, cohort statistics and "seen/missed" history
all read answers through `final_answers`; nothing else reads answer events for the model.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import TYPE_CHECKING

from examprep.engine.evidence import Answer, Sitting
from examprep.engine.evidence import final_answers as select_final
from examprep.store.attempts import answer_log

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from examprep.content.pack import Pack


def revision_lookup(pack: Pack) -> Callable[[str], int | None]:
    """An item's current revision in the pack (drills included), None for unknown items."""
    revisions = {q.id: q.revision for q in pack.questions}
    drills: dict[str, int] = {}

    def revision_of(item_id: str) -> int | None:
        if item_id.startswith("drill:"):
            if not drills:
                drills.update({d.id: d.revision for d in pack.drills})
            return drills.get(item_id)
        return revisions.get(item_id)

    return revision_of


def final_answers(
    session: Session, pack: Pack, now: dt.datetime, *, learner_id: int | None = None
) -> list[Answer]:
    """The evidence of one learner (or of everyone): see `engine.evidence.final_answers`."""
    log = [
        (
            Answer(
                learner=row.learner_id,
                attempt=row.attempt_id,
                position=row.position,
                item_id=row.item_id,
                correct=bool(row.correct),
                at=row.answered_at,
                revision=row.revision or 1,
                choice=tuple(int(i) for i in row.choice or ()),
                confidence=row.confidence,
            ),
            Sitting(attempt.id, attempt.mode, attempt.finished_at, attempt.deadline),
        )
        for row, attempt in answer_log(session, learner_id=learner_id, pack_id=pack.id)
    ]
    return select_final(log, revision_lookup(pack), now)
