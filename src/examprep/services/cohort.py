"""The instructor's cohort view: every learner's readiness and per-question statistics."""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from examprep.errors import Conflict, Forbidden, NotFound
from examprep.services.context import Context
from examprep.services.evidence import final_answers
from examprep.services.model import describe_offset, estimate_readiness
from examprep.services.outcomes import ReportedOutcome, exam_link, latest_per_exam, view_of
from examprep.services.readiness import stored_params
from examprep.store.accounts import all_learners
from examprep.store.learners import find_learner
from examprep.store.outcomes import outcome_rows

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from examprep.content.pack import Pack
    from examprep.engine.evidence import Answer
    from examprep.services.views import ExamResult, HistoryLine

MIN_FOR_DISCRIMINATION = 5  # fewer learners than this: no correlation worth showing
SUSPECT_DISCRIMINATION = 0.0  # strong learners miss it more than weak ones: a wrong key?
SUSPECT_MIN_ANSWERS = 10


@dataclass(frozen=True)
class LearnerStanding:
    name: str
    answers: int
    p_pass: float | None  # None while the learner's evidence is too thin (see `withheld`)
    low: float
    high: float
    sections: dict[str, float]  # section id -> ability (theta)
    withheld: str | None = None
    outcomes: list[ReportedOutcome] = field(default_factory=list)  # real exam results reported


@dataclass(frozen=True)
class ItemStats:
    id: str
    section: str
    answers: int  # learners who answered it (their latest answer counts)
    facility: float  # share right
    discrimination: float | None  # rest-score point-biserial correlation
    shares: list[tuple[str, float, bool]]  # option letter as authored, share chosen, correct
    suspect: bool


@dataclass(frozen=True)
class Cohort:
    pass_mark: float
    section_titles: dict[str, str]
    learners: list[LearnerStanding]
    items: list[ItemStats]
    assumes: str = ""  # what every P(pass) here assumes about the real exam


def _require_instructor(ctx: Context, session: Session) -> None:
    row = find_learner(session, ctx.learner)
    if row is None or row.role != "instructor":
        raise Forbidden("the cohort view is for instructors")


def cohort(ctx: Context) -> Cohort:
    """Readiness of every learner who answered, and statistics of every answered question."""
    pack = ctx.pack
    now = ctx.now()
    known = {q.id for q in pack.questions}
    with ctx.transaction() as session:
        _require_instructor(ctx, session)
        names = {r.id: r.name for r in all_learners(session)}
        rows = [a for a in final_answers(session, pack, now) if a.item_id in known]
        params = stored_params(session, pack)
        link = exam_link(session, pack)
        reported: dict[int, list[ReportedOutcome]] = defaultdict(list)
        for outcome in latest_per_exam(outcome_rows(session, pack_id=pack.id)):
            lid = outcome.learner_id
            reported[lid].append(view_of(outcome, names.get(lid, str(lid))))
    by_learner: dict[int, list[Answer]] = {lid: [] for lid in reported}
    for row in rows:
        by_learner.setdefault(row.learner, []).append(row)
    learners = []
    for lid, answers in sorted(by_learner.items(), key=lambda kv: names.get(kv[0], "")):
        triples = [(r.item_id, r.correct, r.at) for r in answers]
        ready = estimate_readiness(
            pack, triples, params, now=now, pass_mark=pack.meta.pass_mark, exam_offset=link
        )
        sections = {s: e.theta for s, e in ready.by_section.items()}
        learners.append(
            LearnerStanding(
                names.get(lid, str(lid)),
                len(answers),
                ready.shown_p_pass,
                ready.low,
                ready.high,
                sections,
                ready.withheld,
                reported.get(lid, []),
            )
        )
    return Cohort(
        pass_mark=pack.meta.pass_mark,
        section_titles={s.id: s.title for s in pack.sections},
        learners=learners,
        items=item_statistics(pack, rows),
        assumes=describe_offset(link),
    )


def learner_history(ctx: Context, learner: str) -> list[HistoryLine]:
    """Instructors only: a learner's attempts on this pack, oldest first (read-only)."""
    from examprep.services.results import history

    return history(_as_learner(ctx, learner))


def learner_result(ctx: Context, learner: str, attempt_id: int) -> ExamResult:
    """Instructors only: a learner's finished attempt, scored. Read-only: an attempt still open
    or not yet closed at its deadline is refused rather than submitted on the learner's behalf."""
    from examprep.services.exams import owned_attempt, status_of
    from examprep.services.results import read_result

    view = _as_learner(ctx, learner)
    with view.transaction() as session:
        attempt = owned_attempt(view, session, attempt_id)
        if status_of(attempt, view.now()) != "finished":
            raise Conflict(f"attempt {attempt_id} is not finished yet; its result comes later")
        return read_result(view, session, attempt)


def _as_learner(ctx: Context, learner: str) -> Context:
    """A context reading `learner`'s data, once the caller is known to be an instructor."""
    from examprep.store.learners import find_learner

    with ctx.transaction() as session:
        _require_instructor(ctx, session)
        if find_learner(session, learner) is None:
            raise NotFound(f"no learner {learner!r}")
    return Context(
        settings=ctx.settings.model_copy(update={"learner": learner}),
        clock=ctx.clock,
        _engine=ctx.engine,
        _pack=ctx.pack,
    )


def item_statistics(pack: Pack, rows: list[Answer]) -> list[ItemStats]:
    """Facility, discrimination and option shares from each learner's latest answer per item."""
    latest: dict[tuple[int, str], Answer] = {}
    for row in rows:  # oldest first: later answers replace earlier ones
        latest[(row.learner, row.item_id)] = row
    score: dict[int, list[int]] = defaultdict(list)
    for (lid, _), row in latest.items():
        score[lid].append(int(row.correct))
    by_item: dict[str, list[Answer]] = defaultdict(list)
    for (_, item), row in latest.items():
        by_item[item].append(row)
    stats = []
    for item, answers in sorted(by_item.items()):
        question = pack.question(item)
        right = [int(r.correct) for r in answers]
        rest = [_rest_share(score[r.learner], int(r.correct)) for r in answers]
        disc = _correlation(right, rest) if len(answers) >= MIN_FOR_DISCRIMINATION else None
        chosen: dict[int, int] = defaultdict(int)
        for r in answers:
            for index in r.choice:
                chosen[int(index)] += 1
        shares = [
            ("ABCDEFGH"[i], chosen[i] / len(answers), o.correct)
            for i, o in enumerate(question.options)
        ]
        suspect = (
            disc is not None
            and len(answers) >= SUSPECT_MIN_ANSWERS
            and disc < SUSPECT_DISCRIMINATION
        )
        stats.append(
            ItemStats(
                item, question.section, len(answers), sum(right) / len(right), disc, shares, suspect
            )
        )
    return stats


def _rest_share(scores: list[int], this: int) -> float:
    """The learner's share right on the other items they answered (0.5 when there are none)."""
    others = len(scores) - 1
    return (sum(scores) - this) / others if others else 0.5


def _correlation(xs: list[int], ys: list[float]) -> float | None:
    """Pearson correlation, or None when either side does not vary."""
    n = len(xs)
    mx, my = sum(xs) / n, sum(ys) / n
    sxy = sum((x - mx) * (y - my) for x, y in zip(xs, ys, strict=True))
    sxx = sum((x - mx) ** 2 for x in xs)
    syy = sum((y - my) ** 2 for y in ys)
    if sxx == 0 or syy == 0:
        return None
    return sxy / math.sqrt(sxx * syy)
