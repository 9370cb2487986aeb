"""Exam and practice use cases: start, answer, flag, navigate. Each call is one transaction."""

from __future__ import annotations

import datetime as dt
import random
import secrets
from collections.abc import Sequence
from typing import TYPE_CHECKING

from examprep.engine.attempt import AttemptState, Event, replay
from examprep.engine.blueprint import scaled_minutes
from examprep.engine.exam import (
    BankTooSmall,
    FormItem,
    Item,
    Seen,
    assemble_form,
    is_correct,
    largest_form,
    letters,
    parse_choice,
    to_authored,
    to_shown,
)
from examprep.engine.metacognition import parse_confidence
from examprep.errors import Conflict, Forbidden, InvalidInput, NotFound
from examprep.services.cards import add_missed_questions
from examprep.services.context import Context
from examprep.services.elo import record_elo_steps
from examprep.services.evidence import final_answers
from examprep.services.learners import confidence_asked, learner_id
from examprep.services.views import AttemptView, OptionView, QuestionView
from examprep.store.attempts import (
    append_event,
    create_attempt,
    events,
    last_event,
    last_event_time,
    open_attempts,
)
from examprep.store.attempts import (
    get_attempt as find_attempt,
)
from examprep.store.learners import find_learner, get_setting

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from examprep.content.pack import Pack
    from examprep.content.schema import Question
    from examprep.store.tables import AttemptRow

MODES = ("exam", "practice", "diagnostic", "study")


def item_of(question: Question) -> Item:
    """The engine's view of a pack question."""
    return Item(
        id=question.id,
        section=question.section,
        bullet=question.covers[0],
        n_options=len(question.options),
        key=question.key,
        family=question.family,
    )


def form_json(form: Sequence[FormItem]) -> list[dict[str, object]]:
    """A form as stored on the attempt: item ids and the option order shown."""
    return [{"item": f.item_id, "order": list(f.order)} for f in form]


def form_of(attempt: AttemptRow) -> list[FormItem]:
    return [FormItem(item_id=str(f["item"]), order=tuple(f["order"])) for f in attempt.form]  # type: ignore[arg-type]


def status_of(attempt: AttemptRow, now: dt.datetime) -> str:
    if attempt.finished_at is not None:
        return "finished"
    if attempt.deadline is not None and now >= attempt.deadline:
        return "expired"
    return "open"


def history_of(session: Session, pack: Pack, learner_id: int, now: dt.datetime) -> dict[str, Seen]:
    """Each item's last counted answer (for preferring unseen and missed items).

    Read through the evidence rule, so an open exam's answers reveal nothing (a "missed"
    practice filter would otherwise show which of them are wrong).
    """
    seen: dict[str, Seen] = {}
    for a in final_answers(session, pack, now, learner_id=learner_id):
        seen[a.item_id] = Seen(last_answered=a.at, last_correct=a.correct)
    return seen


def _question_view(pack: Pack, position: int, form_item: FormItem) -> QuestionView:
    question = pack.question(form_item.item_id)
    options = [
        OptionView(key="ABCDEFGH"[shown], text=question.options[authored].text)
        for shown, authored in enumerate(form_item.order)
    ]
    return QuestionView(
        position=position,
        id=question.id,
        section=question.section,
        bullet=question.covers[0],
        kind=question.kind,
        choose=question.choose,
        stem=question.stem,
        options=options,
    )


def state_of(session: Session, attempt: AttemptRow, now: dt.datetime) -> AttemptState:
    end = attempt.finished_at or (
        min(now, attempt.deadline) if attempt.deadline is not None else now
    )
    log = [
        Event(
            position=r.position,
            kind=r.event,
            at=r.answered_at,
            choice=tuple(r.choice) if r.choice is not None else None,
        )
        for r in events(session, attempt.id)
    ]
    return replay(log, attempt.started_at, end)


def view_of(pack: Pack, session: Session, attempt: AttemptRow, now: dt.datetime) -> AttemptView:
    form = form_of(attempt)
    state = state_of(session, attempt, now)
    answers = {
        p: letters(to_shown(form[p - 1], choice)) for p, choice in state.answers.items() if choice
    }
    status = status_of(attempt, now)
    remaining = None
    if attempt.deadline is not None and status == "open":
        remaining = max(0.0, (attempt.deadline - now).total_seconds())
    return AttemptView(
        attempt=attempt.id,
        mode=attempt.mode,
        pack_id=attempt.pack_id,
        status=status,
        started_at=attempt.started_at,
        deadline=attempt.deadline,
        finished_at=attempt.finished_at,
        questions=[_question_view(pack, i + 1, f) for i, f in enumerate(form)],
        answers=answers,
        flags=state.flags,
        remaining_seconds=remaining,
        asks_confidence=confidence_asked(
            get_setting(session, attempt.learner_id, "confidence"), attempt.mode
        ),
    )


def owned_attempt(
    ctx: Context, session: Session, attempt_id: int, *, lock: bool = False
) -> AttemptRow:
    """The attempt if it exists, belongs to this learner and to the loaded pack."""
    attempt = find_attempt(session, attempt_id, lock=lock)
    if attempt is None:
        raise NotFound(f"no attempt {attempt_id}")
    learner = find_learner(session, ctx.learner)
    if learner is None or attempt.learner_id != learner.id:
        raise Forbidden(f"attempt {attempt_id} belongs to another learner")
    if attempt.pack_id != ctx.pack.id:
        raise Conflict(
            f"attempt {attempt_id} was taken on pack {attempt.pack_id!r}, not {ctx.pack.id!r}"
        )
    return attempt


def _shortfall_message(exc: BankTooSmall, pack: Pack, weights: dict[str, float], upper: int) -> str:
    fits = largest_form(weights, exc.shortfall.available, upper)
    parts = ", ".join(
        f"{s} {exc.shortfall.available.get(s, 0)}/{n}" for s, n in exc.shortfall.wanted.items()
    )
    advice = (
        f"a form of {fits} questions fits this bank (use --questions {fits})"
        if fits
        else "the bank has no questions for these sections"
    )
    wanted = sum(exc.shortfall.wanted.values())
    return (
        f"the bank is too small for {wanted} questions "
        f"(available/needed per section: {parts}); {advice}"
    )


def start_exam(
    ctx: Context,
    *,
    questions: int | None = None,
    seed: int | None = None,
    minutes: int | None = None,
    sections: Sequence[str] | None = None,
) -> AttemptView:
    """Assemble a blueprint-weighted timed form and open an attempt with an absolute deadline."""
    pack = ctx.pack
    n = questions if questions is not None else pack.meta.questions.default
    if n < 1:
        raise InvalidInput("--questions must be at least 1")
    if minutes is not None and minutes < 1:
        raise InvalidInput("--minutes must be at least 1")
    weights = _weights(pack, sections)
    seed = secrets.randbits(48) if seed is None else seed
    now = ctx.now()
    with ctx.transaction() as session:
        lid = learner_id(ctx, session)
        bank = [item_of(q) for q in pack.questions if not q.generated]
        try:
            form = assemble_form(
                bank, weights, n, history_of(session, pack, lid, now), random.Random(seed)
            )
        except BankTooSmall as exc:
            raise InvalidInput(_shortfall_message(exc, pack, weights, n)) from None
        limit = minutes or scaled_minutes(pack.meta.minutes, pack.meta.questions.default, n)
        attempt = create_attempt(
            session,
            learner_id=lid,
            pack_id=pack.id,
            mode="exam",
            seed=seed,
            form=form_json(form),
            started_at=now,
            deadline=now + dt.timedelta(minutes=limit),
            pass_mark=_pass_mark(ctx, session, lid),
        )
        return view_of(pack, session, attempt, now)


def _weights(pack: Pack, sections: Sequence[str] | None) -> dict[str, float]:
    weights = {s.id: s.weight for s in pack.sections}
    if not sections:
        return weights
    unknown = [s for s in sections if s not in weights]
    if unknown:
        raise InvalidInput(f"unknown section {unknown[0]!r} (sections: {', '.join(weights)})")
    return {s: w for s, w in weights.items() if s in sections}


def _pass_mark(ctx: Context, session: Session, lid: int) -> float:
    value = get_setting(session, lid, "pass_mark")
    return float(value) if isinstance(value, int | float) else ctx.pack.meta.pass_mark


def _position(attempt: AttemptRow, position: int) -> FormItem:
    form = form_of(attempt)
    if not 1 <= position <= len(form):
        raise InvalidInput(f"position {position} is out of range 1-{len(form)}")
    return form[position - 1]


def _writable(attempt: AttemptRow, now: dt.datetime) -> None:
    status = status_of(attempt, now)
    if status == "finished":
        raise Conflict(f"attempt {attempt.id} was already submitted")
    if status == "expired":
        raise Conflict(
            f"time is up for attempt {attempt.id} "
            f"(deadline {attempt.deadline:%Y-%m-%d %H:%M} UTC); submit it to see the results"
        )


def _elapsed_ms(session: Session, attempt: AttemptRow, now: dt.datetime) -> int:
    since = last_event_time(session, attempt.id) or attempt.started_at
    return max(0, int((now - since).total_seconds() * 1000))


def answer(
    ctx: Context, attempt_id: int, position: int, choices: str, confidence: str | None = None
) -> bool:
    """Record an answer (shown letters, e.g. "B" or "A,C"); return whether it is correct.

    `confidence` is how sure the learner said they were (sure, unsure, guess, or s/u/g); it is
    kept with the answer and never changes the score. The answer is written in its own
    transaction before this returns. Exams do not reveal the result to the learner until
    submission; the return value is for practice and tests.
    """
    now = ctx.now()
    with ctx.transaction() as session:
        attempt = owned_attempt(ctx, session, attempt_id, lock=True)
        return _answer(ctx, session, attempt, position, choices, now, confidence)


def answer_and_show(
    ctx: Context,
    attempt_id: int,
    position: int,
    choices: str,
    mode: str = "exam",
    confidence: str | None = None,
) -> AttemptView:
    """Record an answer to an attempt of `mode` and return the attempt after it, in one
    transaction (the web's answer path: one lock, one write, no second read of the attempt).
    """
    now = ctx.now()
    with ctx.transaction() as session:
        attempt = owned_attempt(ctx, session, attempt_id, lock=True)
        _expect_mode(attempt, mode)
        _answer(ctx, session, attempt, position, choices, now, confidence)
        return view_of(ctx.pack, session, attempt, now)


def show_question(ctx: Context, attempt_id: int, position: int, mode: str = "exam") -> AttemptView:
    """The attempt of `mode` as shown at `position`, recording the visit, in one transaction.

    Visits give the time spent per question in the result. A visit is written only when the
    learner arrives from another question: a reload of the question already on screen adds no
    time boundary (replay credits the gap to that question either way), so it writes nothing.
    """
    now = ctx.now()
    with ctx.transaction() as session:
        attempt = owned_attempt(ctx, session, attempt_id, lock=True)
        _expect_mode(attempt, mode)
        if status_of(attempt, now) == "open":
            form = form_of(attempt)
            if not 1 <= position <= len(form):
                raise NotFound(
                    f"attempt {attempt_id} has no question {position} (it has 1-{len(form)})"
                )
            form_item = form[position - 1]
            last = last_event(session, attempt.id)
            if last is None or last.position != position:
                since = last.answered_at if last is not None else attempt.started_at
                append_event(
                    session,
                    attempt,
                    position=position,
                    item_id=form_item.item_id,
                    event="visit",
                    at=now,
                    elapsed_ms=max(0, int((now - since).total_seconds() * 1000)),
                )
        return view_of(ctx.pack, session, attempt, now)


def _expect_mode(attempt: AttemptRow, mode: str) -> None:
    if attempt.mode != mode:
        raise NotFound(f"attempt {attempt.id} is not an exam (it is {attempt.mode})")


def _answer(
    ctx: Context,
    session: Session,
    attempt: AttemptRow,
    position: int,
    choices: str,
    now: dt.datetime,
    confidence: str | None = None,
) -> bool:
    _writable(attempt, now)
    form_item = _position(attempt, position)
    question = ctx.pack.question(form_item.item_id)
    try:
        shown = parse_choice(choices, len(question.options))
        sureness = parse_confidence(confidence)
    except ValueError as exc:
        raise InvalidInput(f"question {position}: {exc}") from None
    if len(shown) != question.choose:
        want = "one answer" if question.choose == 1 else f"exactly {question.choose} answers"
        raise InvalidInput(f"question {position} takes {want}; got {letters(shown)}")
    if attempt.mode != "exam" and position in state_of(session, attempt, now).answers:
        raise Conflict(f"question {position} of this {attempt.mode} session is already answered")
    authored = to_authored(form_item, shown)
    right = is_correct(item_of(question), authored)
    append_event(
        session,
        attempt,
        position=position,
        item_id=question.id,
        event="answer",
        at=now,
        choice=list(authored),
        correct=right,
        elapsed_ms=_elapsed_ms(session, attempt, now),
        revision=question.revision,
        confidence=sureness,
    )
    if attempt.mode != "exam":  # exams update the model once, with the final answers
        learn_from(session, ctx, attempt.learner_id, [(question.id, right)], now)
    return right


def learn_from(
    session: Session, ctx: Context, lid: int, outcomes: list[tuple[str, bool]], now: dt.datetime
) -> None:
    """Elo steps for answered items; missed questions join the review schedule."""
    steps = [(ctx.pack.question(item_id), right) for item_id, right in outcomes]
    record_elo_steps(session, ctx.pack.id, lid, steps, now)
    add_missed_questions(session, lid, [i for i, right in outcomes if not right], now)


def flag(ctx: Context, attempt_id: int, position: int, on: bool = True) -> None:
    """Flag (or unflag) a question for review."""
    _record_event(ctx, attempt_id, position, "flag" if on else "unflag")


def visit(ctx: Context, attempt_id: int, position: int) -> None:
    """Record that the learner moved to a question (time per question comes from these)."""
    _record_event(ctx, attempt_id, position, "visit")


def _record_event(ctx: Context, attempt_id: int, position: int, event: str) -> None:
    now = ctx.now()
    with ctx.transaction() as session:
        attempt = owned_attempt(ctx, session, attempt_id, lock=True)
        _writable(attempt, now)
        form_item = _position(attempt, position)
        append_event(
            session,
            attempt,
            position=position,
            item_id=form_item.item_id,
            event=event,
            at=now,
            elapsed_ms=_elapsed_ms(session, attempt, now),
        )


def get_attempt(ctx: Context, attempt_id: int) -> AttemptView:
    """The attempt as the learner sees it (answers as shown letters, flags, time left)."""
    now = ctx.now()
    with ctx.transaction() as session:
        attempt = owned_attempt(ctx, session, attempt_id)
        return view_of(ctx.pack, session, attempt, now)


def resumable_exam(ctx: Context) -> AttemptView | None:
    """The learner's newest unfinished exam whose deadline has not passed, if any."""
    now = ctx.now()
    with ctx.transaction() as session:
        lid = learner_id(ctx, session)
        for attempt in open_attempts(session, lid, "exam", ctx.pack.id):
            if status_of(attempt, now) == "open":
                return view_of(ctx.pack, session, attempt, now)
    return None


def expired_exams(ctx: Context) -> list[int]:
    """Unsubmitted exams whose time ran out (they are submitted at their deadline)."""
    now = ctx.now()
    with ctx.transaction() as session:
        lid = learner_id(ctx, session)
        return [
            a.id
            for a in open_attempts(session, lid, "exam", ctx.pack.id)
            if status_of(a, now) == "expired"
        ]
