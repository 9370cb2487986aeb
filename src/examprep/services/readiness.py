"""Readiness for the current learner: P(pass) now and over time, per section, what to study next."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from examprep.engine.blueprint import allocate
from examprep.engine.irt import ItemParams, p_correct
from examprep.services.cards import exam_day_forecast
from examprep.services.context import Context
from examprep.services.evidence import final_answers
from examprep.services.learners import get_config, learner_id
from examprep.services.model import Readiness, estimate_readiness, prior_table
from examprep.services.outcomes import exam_link
from examprep.store.params import item_params

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from examprep.content.pack import Pack

ELO_MIN_ANSWERS = 30  # an Elo-updated difficulty is used once this many answers moved it
MINUTES_PER_QUESTION = 1.5
LEARNING_PER_QUESTION = 0.02  # assumed ability gained per practised question (heuristic)


@dataclass(frozen=True)
class StudyTip:
    bullet: str
    text: str
    section: str
    # Expected gain in exam score (share of the form's questions) per minute of practice on
    # this bullet: its items on the form x mean d P(right) / d theta x ability per minute.
    score_gain_per_minute: float
    p_correct: float


@dataclass(frozen=True)
class ReadinessReport:
    now: Readiness
    at_marks: dict[float, float]  # pass mark -> P(pass)
    history: list[tuple[dt.date, float]]  # days with enough evidence for a P(pass)
    study_next: list[StudyTip]
    exam_date: dt.date | None
    recall_on_exam_day: float | None
    section_titles: dict[str, str]

    @property
    def withheld(self) -> str | None:
        """Why no P(pass) is shown yet (what the estimate needs), or None."""
        return self.now.withheld


def stored_params(session: Session, pack: Pack) -> dict[str, ItemParams]:
    """Calibrated parameters, and Elo difficulties that enough answers have moved.

    Parameters fitted to an older revision of an item are ignored: they describe another text.
    """
    revisions = {q.id: q.revision for q in pack.questions}
    out = {}
    for row in item_params(session, pack.id):
        if (row.revision or 1) != revisions.get(row.item_id):
            continue
        if row.method == "mml" or (row.method == "elo" and row.n >= ELO_MIN_ANSWERS):
            out[row.item_id] = ItemParams(row.a, row.b, row.c)
    return out


def learner_responses(
    session: Session, pack: Pack, lid: int, now: dt.datetime
) -> list[tuple[str, bool, dt.datetime]]:
    """The learner's evidence (final answers to current revisions) as (item, correct, at)."""
    return [(a.item_id, a.correct, a.at) for a in final_answers(session, pack, now, learner_id=lid)]


def _study_next(
    pack: Pack, result: Readiness, params: dict[str, ItemParams], limit: int
) -> list[StudyTip]:
    """Bullets ranked by the expected gain in exam score from practising them.

    Unlike a gain in P(pass), which vanishes when P(pass) is near 0 or 1, the score gain
    keeps ranking topics: it is large where the learner's ability sits on the steep part of
    the bullet's items and where the form asks many questions of the bullet.
    """
    table = {**prior_table(pack), **params}
    by_bullet: dict[str, list[ItemParams]] = defaultdict(list)
    section_size: dict[str, int] = defaultdict(int)
    for q in pack.questions:
        by_bullet[q.covers[0]].append(table[q.id])
        section_size[q.section] += 1
    weights = {s.id: s.weight for s in pack.sections if section_size[s.id]}
    on_form = allocate(result.questions, weights) if weights else {}
    tips = []
    for section in pack.sections:
        theta = result.by_section.get(section.id)
        if theta is None or not on_form.get(section.id):
            continue
        for bullet in section.bullets:
            items = by_bullet.get(bullet.id, [])
            if not items:
                continue
            a, b, c = (np.array(v) for v in zip(*((i.a, i.b, i.c) for i in items), strict=True))
            p = p_correct(theta.theta, a, b, c)
            slope = float(np.mean(a * (p - c) * (1 - p) / (1 - c)))  # d P(right) / d theta
            items_on_form = on_form[section.id] * len(items) / section_size[section.id]
            per_question = items_on_form * slope * LEARNING_PER_QUESTION / result.questions
            tips.append(
                StudyTip(
                    bullet.id,
                    bullet.text,
                    section.id,
                    per_question / MINUTES_PER_QUESTION,
                    float(np.mean(p)),
                )
            )
    return sorted(tips, key=lambda t: (-t.score_gain_per_minute, t.bullet))[:limit]


def readiness_report(ctx: Context, history_points: int = 30) -> ReadinessReport:
    """P(pass) today with its interval and section abilities, at 60/70/80 %, over time, and tips.

    The history re-estimates P(pass) for each of the last `history_points` days with answers;
    a caller that does not show it passes 0.
    """
    pack = ctx.pack
    now = ctx.now()
    config = get_config(ctx)
    with ctx.transaction() as session:
        lid = learner_id(ctx, session)
        params = stored_params(session, pack)
        responses = learner_responses(session, pack, lid, now)
        link = exam_link(session, pack)
    result = estimate_readiness(
        pack,
        responses,
        params,
        now=now,
        pass_mark=config.pass_mark,
        other_marks=(0.6, 0.7, 0.8),
        exam_offset=link,
    )
    marks = result.at_marks
    days = sorted({at.date() for _, _, at in responses})[-history_points:] if history_points else []
    history = []
    for day in days:
        end = dt.datetime.combine(day, dt.time(23, 59, 59), tzinfo=dt.UTC)
        upto = [r for r in responses if r[2] <= end]
        then = estimate_readiness(
            pack, upto, params, now=end, pass_mark=config.pass_mark, exam_offset=link
        )
        if then.shown_p_pass is not None:
            history.append((day, then.shown_p_pass))
    return ReadinessReport(
        now=result,
        at_marks=marks,
        history=history,
        study_next=_study_next(pack, result, params, 5),
        exam_date=config.exam_date,
        recall_on_exam_day=exam_day_forecast(ctx, config.exam_date),
        section_titles={s.id: s.title for s in pack.sections},
    )
