"""Submitting attempts, results with every option explained, review and history."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from examprep.engine.exam import letters, score_form, to_shown
from examprep.errors import Conflict
from examprep.services.context import Context
from examprep.services.exams import (
    MODES,
    form_of,
    item_of,
    learn_from,
    owned_attempt,
    state_of,
    status_of,
)
from examprep.services.learners import learner_id
from examprep.services.views import (
    ExamResult,
    ExplainedOption,
    Feedback,
    HistoryLine,
    PastScore,
    ScoreLine,
)
from examprep.store.attempts import finish_attempt, list_attempts

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from examprep.content.pack import Pack
    from examprep.engine.attempt import AttemptState
    from examprep.engine.exam import FormItem
    from examprep.store.tables import AttemptRow


def explain(
    pack: Pack,
    position: int,
    form_item: FormItem,
    chosen: tuple[int, ...] | None,
    seconds: float = 0.0,
    flagged: bool = False,
) -> Feedback:
    """A question with the learner's choice, the key and every option's explanation, as shown."""
    question = pack.question(form_item.item_id)
    picked = set(chosen or ())
    options = [
        ExplainedOption(
            key="ABCDEFGH"[shown],
            text=question.options[authored].text,
            correct=question.options[authored].correct,
            chosen=authored in picked,
            why=question.options[authored].why,
        )
        for shown, authored in enumerate(form_item.order)
    ]
    return Feedback(
        position=position,
        id=question.id,
        stem=question.stem,
        kind=question.kind,
        chosen=letters(to_shown(form_item, sorted(picked))) if picked else "",
        key=letters(to_shown(form_item, question.key)),
        correct=bool(picked) and picked == set(question.key),
        options=options,
        sources=list(question.sources),
        bullet=question.covers[0],
        section=question.section,
        seconds=seconds,
        flagged=flagged,
        note=question.note,
    )


def scored_items(mode: str, form: list[FormItem], state: AttemptState) -> list[FormItem]:
    """What a score is out of: an exam's every question (unanswered = wrong, as on the real
    exam); a practice, study or diagnostic session's answered questions only."""
    if mode == "exam":
        return form
    return [f for position, f in enumerate(form, 1) if state.answers.get(position)]


def completion(mode: str, status: str, answered: int, asked: int) -> str:
    """in progress | not finished | finished, as the learner should read the attempt.

    An open exam is "in progress" (and shows no score); a session with no answer, or a
    practice or placement test closed before its questions were answered, is "not finished".
    A study session ends whenever the learner likes, so it is finished once it has answers.
    """
    if mode == "exam":
        return "in progress" if status == "open" else "finished"
    if answered == 0:
        return "not finished"
    if status == "open":
        return "in progress"
    return "not finished" if answered < asked and mode != "study" else "finished"


def _result(ctx: Context, session: Session, attempt: AttemptRow) -> ExamResult:
    pack = ctx.pack
    form = form_of(attempt)
    assert attempt.finished_at is not None
    state = state_of(session, attempt, attempt.finished_at)
    scored = scored_items(attempt.mode, form, state)
    items = [item_of(pack.question(f.item_id)) for f in scored]
    answers = {form[p - 1].item_id: choice for p, choice in state.answers.items() if choice}
    score = score_form(items, answers, [s.id for s in pack.sections])
    titles = {s.id: s.title for s in pack.sections}
    sections = [
        ScoreLine(s, titles.get(s, s), t.correct, t.total)
        for s, t in score.sections.items()
        if t.total
    ]
    bullet_text = {b: pack.bullets[b].text if b in pack.bullets else b for b in score.bullets}
    bullets = [
        ScoreLine(b, bullet_text[b], t.correct, t.total) for b, t in sorted(score.bullets.items())
    ]
    weakest = [
        ScoreLine(b, bullet_text[b], score.bullets[b].correct, score.bullets[b].total)
        for b in score.weakest_bullets()
    ]
    questions = [
        explain(
            pack,
            i + 1,
            f,
            state.answers.get(i + 1),
            state.seconds.get(i + 1, 0.0),
            (i + 1) in state.flags,
        )
        for i, f in enumerate(form)
    ]
    return ExamResult(
        attempt=attempt.id,
        mode=attempt.mode,
        started_at=attempt.started_at,
        finished_at=attempt.finished_at,
        correct=score.overall.correct,
        total=score.overall.total,
        pass_mark=attempt.pass_mark or pack.meta.pass_mark,
        pass_mark_note=pack.meta.pass_mark_note,
        sections=sections,
        bullets=bullets,
        weakest=weakest,
        questions=questions,
        previous=_previous(ctx, session, attempt),
        completion=completion(
            attempt.mode, "finished", sum(1 for c in state.answers.values() if c), len(form)
        ),
    )


def _previous(ctx: Context, session: Session, attempt: AttemptRow) -> list[PastScore]:
    past = []
    for other in list_attempts(
        session, attempt.learner_id, modes=[attempt.mode], pack_id=ctx.pack.id
    ):
        if (
            other.id == attempt.id
            or other.finished_at is None
            or other.started_at > attempt.started_at
        ):
            continue
        state = state_of(session, other, other.finished_at)
        form = form_of(other)
        items = {
            f.item_id: item_of(ctx.pack.question(f.item_id))
            for f in form
            if _known(ctx.pack, f.item_id)
        }
        right = sum(
            1
            for p, choice in state.answers.items()
            if form[p - 1].item_id in items and set(choice) == set(items[form[p - 1].item_id].key)
        )
        out_of = len(scored_items(other.mode, form, state))
        if out_of:  # a session without answers has no score to compare with
            past.append(PastScore(other.id, other.finished_at, right, out_of))
    return past


def _known(pack: Pack, item_id: str) -> bool:
    try:
        pack.question(item_id)
    except KeyError:
        return False
    return True


def _close(ctx: Context, session: Session, attempt: AttemptRow, now: dt.datetime) -> ExamResult:
    """Close an attempt: at `now`, or at its deadline if that has passed (auto-submit).

    An exam's final answers reach the learner model here, once (Elo steps, missed questions
    to review), whether the learner submitted or the deadline did.
    """
    end = now if attempt.deadline is None else min(now, attempt.deadline)
    finish_attempt(attempt, end)
    session.flush()
    done = _result(ctx, session, attempt)
    if attempt.mode == "exam":
        outcomes = [(q.id, q.correct) for q in done.questions if q.chosen]
        learn_from(session, ctx, attempt.learner_id, outcomes, now)
    return done


def submit(ctx: Context, attempt_id: int) -> ExamResult:
    """Submit an attempt (an expired one is submitted as of its deadline) and score it."""
    now = ctx.now()
    with ctx.transaction() as session:
        attempt = owned_attempt(ctx, session, attempt_id, lock=True)
        if attempt.finished_at is not None:
            raise Conflict(
                f"attempt {attempt_id} was already submitted; see `examprep review {attempt_id}`"
            )
        return _close(ctx, session, attempt, now)


def result(ctx: Context, attempt_id: int) -> ExamResult:
    """The result of a finished attempt; an expired exam is submitted at its deadline first."""
    now = ctx.now()
    with ctx.transaction() as session:
        attempt = owned_attempt(ctx, session, attempt_id, lock=True)
        status = status_of(attempt, now)
        if status == "open":
            raise Conflict(f"attempt {attempt_id} is still in progress; submit it first")
        if status == "expired":
            return _close(ctx, session, attempt, now)
        return _result(ctx, session, attempt)


def read_result(ctx: Context, session: Session, attempt: AttemptRow) -> ExamResult:
    """The result of a closed attempt, read without changing anything."""
    return _result(ctx, session, attempt)


def latest_finished(ctx: Context) -> int | None:
    """The id of the learner's most recently finished attempt."""
    with ctx.transaction() as session:
        lid = learner_id(ctx, session)
        done = [
            a
            for a in list_attempts(session, lid, modes=MODES, pack_id=ctx.pack.id)
            if a.finished_at
        ]
        return max(done, key=lambda a: (a.finished_at, a.id)).id if done else None


def _history_line(
    pack: Pack, session: Session, attempt: AttemptRow, now: dt.datetime
) -> HistoryLine:
    """An attempt's line: no score for an exam in progress or a session without answers."""
    status = status_of(attempt, now)
    full = form_of(attempt)
    state = state_of(session, attempt, attempt.finished_at or now)
    answered = sum(1 for choice in state.answers.values() if choice)
    done = completion(attempt.mode, status, answered, len(full))
    scored = [f for f in scored_items(attempt.mode, full, state) if _known(pack, f.item_id)]
    hidden = (attempt.mode == "exam" and status == "open") or not scored
    items = [item_of(pack.question(f.item_id)) for f in scored]
    answers = {full[p - 1].item_id: c for p, c in state.answers.items() if c}
    score = score_form(items, answers, [s.id for s in pack.sections])
    return HistoryLine(
        attempt=attempt.id,
        mode=attempt.mode,
        started_at=attempt.started_at,
        finished_at=attempt.finished_at,
        status=status,
        correct=None if hidden else score.overall.correct,
        total=len(full) if attempt.mode == "exam" else len(scored),
        sections={}
        if hidden
        else {s: (t.correct, t.total) for s, t in score.sections.items() if t.total},
        completion=done,
        asked=len(full),
        answered=answered,
    )


def history(ctx: Context) -> list[HistoryLine]:
    """Every attempt of the learner on this pack, oldest first, with per-section scores."""
    now = ctx.now()
    pack = ctx.pack
    lines = []
    with ctx.transaction() as session:
        lid = learner_id(ctx, session)
        for attempt in list_attempts(session, lid, modes=MODES, pack_id=pack.id):
            lines.append(_history_line(pack, session, attempt, now))
    return lines
