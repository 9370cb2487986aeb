"""How well the learner knows what they know: accuracy by the confidence they gave."""

from __future__ import annotations

from examprep.engine.metacognition import Metacognition, summarise
from examprep.services.context import Context
from examprep.services.evidence import final_answers
from examprep.services.learners import learner_id


def metacognition(ctx: Context) -> Metacognition:
    """Accuracy when sure, unsure and guessing, overall and by week (final answers only)."""
    now = ctx.now()
    with ctx.transaction() as session:
        lid = learner_id(ctx, session)
        answers = final_answers(session, ctx.pack, now, learner_id=lid)
    return summarise(answers)
