"""Exam and practice use cases on SQLite and PostgreSQL: the protocol and every error path."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import func, select

from examprep import services
from examprep.config import Settings
from examprep.errors import Conflict, Forbidden, InvalidInput, NotFound
from examprep.services.context import Context
from examprep.store.tables import ResponseRow

from .conftest import T0, Clock


def key_letters(ctx: Context, attempt: int, position: int) -> str:
    view = services.get_attempt(ctx, attempt)
    question = view.questions[position - 1]
    item = ctx.pack.question(question.id)
    shown = [
        o.key
        for o in question.options
        if any(opt.text == o.text and opt.correct for opt in item.options)
    ]
    return ",".join(shown)


def wrong_letters(ctx: Context, attempt: int, position: int) -> str:
    view = services.get_attempt(ctx, attempt)
    question = view.questions[position - 1]
    key = set(key_letters(ctx, attempt, position).split(","))
    others = [o.key for o in question.options if o.key not in key]
    return ",".join(others[: question.choose])


def response_rows(ctx: Context) -> int:
    with ctx.transaction() as session:
        return int(session.scalar(select(func.count()).select_from(ResponseRow)) or 0)


def test_full_exam_protocol(ctx: Context, clock: Clock) -> None:
    view = services.start_exam(ctx, seed=11)
    assert len(view.questions) == 6 and view.status == "open"
    assert view.deadline == T0 + dt.timedelta(minutes=12)
    assert [q.section for q in view.questions].count("S1") == 4  # 60/40 of 6
    for q in view.questions:
        clock.advance(seconds=30)
        letters = (
            key_letters(ctx, view.attempt, q.position)
            if q.position <= 4
            else wrong_letters(ctx, view.attempt, q.position)
        )
        assert services.answer(ctx, view.attempt, q.position, letters) == (q.position <= 4)
    services.flag(ctx, view.attempt, 2)
    clock.advance(seconds=60)
    result = services.submit(ctx, view.attempt)
    assert (result.correct, result.total) == (4, 6)
    data = result.to_json()
    assert data["score"] == round(4 / 6, 4)
    assert sum(s["total"] for s in data["sections"].values()) == 6  # type: ignore[union-attr]
    assert [q["correct"] for q in data["questions"]] == [True] * 4 + [False] * 2  # type: ignore[index]
    assert result.questions[1].flagged
    assert result.questions[0].seconds == pytest.approx(30)
    assert result.questions[-1].seconds == pytest.approx(30)
    assert result.questions[1].seconds == pytest.approx(30 + 60)  # flagged last, then submitted
    assert data["pass_mark_assumption"]["pass_mark"] == 0.7  # type: ignore[index]
    assert all(len(q.options) == 4 and all(o.why for o in q.options) for q in result.questions)


def test_changing_an_answer_keeps_both_events(ctx: Context) -> None:
    view = services.start_exam(ctx, seed=3)
    services.answer(ctx, view.attempt, 1, wrong_letters(ctx, view.attempt, 1))
    services.answer(ctx, view.attempt, 1, key_letters(ctx, view.attempt, 1))
    assert response_rows(ctx) == 2
    assert services.get_attempt(ctx, view.attempt).answers[1] == key_letters(ctx, view.attempt, 1)
    result = services.submit(ctx, view.attempt)
    assert result.questions[0].correct


def test_partial_multi_select_is_wrong(ctx: Context) -> None:
    view = services.start_exam(ctx, seed=5, questions=6)
    multis = [q for q in view.questions if q.kind == "multi"]
    if not multis:
        pytest.skip("seed drew no multi-select item")  # pragma: no cover
    position = multis[0].position
    key = key_letters(ctx, view.attempt, position).split(",")
    with pytest.raises(InvalidInput, match="exactly 2 answers"):
        services.answer(ctx, view.attempt, position, key[0])
    other = next(o.key for o in multis[0].options if o.key not in key)
    assert services.answer(ctx, view.attempt, position, f"{key[0]},{other}") is False


def test_error_paths_change_nothing(ctx: Context, clock: Clock) -> None:
    view = services.start_exam(ctx, seed=1)
    attempt = view.attempt
    single = next(q.position for q in view.questions if q.kind == "single")
    before = response_rows(ctx)
    cases: list[tuple[type[Exception], str, object]] = [
        (NotFound, "no attempt 999", lambda: services.answer(ctx, 999, 1, "A")),
        (InvalidInput, "out of range 1-6", lambda: services.answer(ctx, attempt, 7, "A")),
        (InvalidInput, "out of range", lambda: services.answer(ctx, attempt, 0, "A")),
        (InvalidInput, "'E' is not an option", lambda: services.answer(ctx, attempt, 1, "E")),
        (InvalidInput, "takes one answer", lambda: services.answer(ctx, attempt, single, "A,B")),
        (InvalidInput, "out of range", lambda: services.flag(ctx, attempt, 9)),
    ]
    for error, message, call in cases:
        with pytest.raises(error, match=message):
            call()  # type: ignore[operator]
    assert response_rows(ctx) == before
    clock.advance(minutes=13)
    with pytest.raises(Conflict, match="time is up"):
        services.answer(ctx, attempt, 1, "A")
    assert response_rows(ctx) == before
    result = services.submit(ctx, attempt)
    assert result.finished_at == view.deadline
    with pytest.raises(Conflict, match="already submitted"):
        services.answer(ctx, attempt, 1, "A")
    with pytest.raises(Conflict, match="already submitted"):
        services.submit(ctx, attempt)
    assert response_rows(ctx) == before


def test_answers_after_the_deadline_do_not_count(ctx: Context, clock: Clock) -> None:
    view = services.start_exam(ctx, seed=2, minutes=1)
    services.answer(ctx, view.attempt, 1, key_letters(ctx, view.attempt, 1))
    clock.advance(minutes=5)
    assert services.resumable_exam(ctx) is None
    assert services.expired_exams(ctx) == [view.attempt]
    result = services.result(ctx, view.attempt)  # auto-submitted at the deadline
    assert result.finished_at == T0 + dt.timedelta(minutes=1)
    assert result.correct == 1


def test_another_learners_attempt_is_forbidden(
    ctx: Context, settings: Settings, clock: Clock
) -> None:
    view = services.start_exam(ctx, seed=4)
    intruder = services.open_context(replace_learner(settings, "eve"), clock=clock)
    try:
        with pytest.raises(Forbidden):
            services.get_attempt(intruder, view.attempt)
        with pytest.raises(Forbidden):
            services.answer(intruder, view.attempt, 1, "A")
        with pytest.raises(Forbidden):
            services.submit(intruder, view.attempt)
    finally:
        intruder.close()


def replace_learner(settings: Settings, name: str) -> Settings:
    return Settings(**{**settings.model_dump(), "learner": name})


def test_resume_restores_answers_flags_and_time(
    ctx: Context, settings: Settings, clock: Clock
) -> None:
    view = services.start_exam(ctx, seed=8)
    key = key_letters(ctx, view.attempt, 1)
    services.answer(ctx, view.attempt, 1, key)
    services.flag(ctx, view.attempt, 4)
    clock.advance(minutes=5)
    again = services.open_context(settings, clock=clock)  # a new process
    try:
        resumed = services.resumable_exam(again)
        assert resumed is not None and resumed.attempt == view.attempt
        assert resumed.answers == {1: key}
        assert resumed.flags == frozenset({4})
        assert resumed.remaining_seconds == pytest.approx(7 * 60)
    finally:
        again.close()


def test_bank_too_small_offers_a_shorter_form(ctx: Context) -> None:
    with pytest.raises(InvalidInput) as caught:
        services.start_exam(ctx, questions=30)
    message = str(caught.value)
    assert "too small for 30 questions" in message
    # S1's six questions hold one family of two: a form can take five of them.
    assert "S1 5/18" in message and "S2 6/12" in message
    assert "a form of 9 questions fits this bank (use --questions 9)" in message


def test_unknown_section_and_bad_sizes(ctx: Context) -> None:
    with pytest.raises(InvalidInput, match="unknown section 'S9'"):
        services.start_exam(ctx, sections=["S9"])
    with pytest.raises(InvalidInput, match="at least 1"):
        services.start_exam(ctx, questions=0)
    view = services.start_exam(ctx, sections=["S2"], questions=3, seed=1)
    assert {q.section for q in view.questions} == {"S2"}


def test_repeat_exams_prefer_unseen_items(ctx: Context) -> None:
    first = services.start_exam(ctx, questions=5, seed=1)
    for q in first.questions:
        services.answer(ctx, first.attempt, q.position, key_letters(ctx, first.attempt, q.position))
    services.submit(ctx, first.attempt)
    second = services.start_exam(ctx, questions=5, seed=1)
    assert not {q.id for q in first.questions} & {q.id for q in second.questions}
    result = services.submit(ctx, second.attempt)
    assert [p.score for p in result.previous] == [1.0]


def test_practice_gives_feedback_and_refuses_a_second_answer(ctx: Context) -> None:
    view = services.start_practice(ctx, services.PracticeFilter(section="S2", count=3), seed=9)
    assert len(view.questions) == 3 and view.deadline is None
    assert {q.section for q in view.questions} == {"S2"}
    key = key_letters(ctx, view.attempt, 1)
    assert services.answer(ctx, view.attempt, 1, key) is True
    fb = services.feedback(ctx, view.attempt, 1)
    assert fb.correct and fb.chosen == key and fb.key == key
    assert all(o.why for o in fb.options) and fb.sources
    with pytest.raises(Conflict, match="already answered"):
        services.answer(ctx, view.attempt, 1, key)


def test_practice_filters(ctx: Context) -> None:
    tagged = services.start_practice(ctx, services.PracticeFilter(tag="genai", count=50), seed=7)
    assert {q.id for q in tagged.questions} == {"q-004", "q-008", "q-012"}
    by_bullet = services.start_practice(
        ctx, services.PracticeFilter(bullet="S2.1.b", count=50), seed=7
    )
    assert {q.bullet for q in by_bullet.questions} == {"S2.1.b"}
    services.answer(ctx, by_bullet.attempt, 1, wrong_letters(ctx, by_bullet.attempt, 1))
    missed = services.start_practice(ctx, services.PracticeFilter(missed=True), seed=7)
    assert [q.id for q in missed.questions] == [by_bullet.questions[0].id]
    unseen = services.start_practice(ctx, services.PracticeFilter(unseen=True, count=50), seed=7)
    assert by_bullet.questions[0].id not in {q.id for q in unseen.questions}
    with pytest.raises(InvalidInput, match="no questions match"):
        services.start_practice(ctx, services.PracticeFilter(tag="nonexistent"), seed=7)
    with pytest.raises(InvalidInput, match="unknown bullet"):
        services.start_practice(ctx, services.PracticeFilter(bullet="S9.9.z"), seed=7)


def test_history_lists_attempts_with_sections(ctx: Context) -> None:
    view = services.start_exam(ctx, seed=12)
    services.answer(ctx, view.attempt, 1, key_letters(ctx, view.attempt, 1))
    services.submit(ctx, view.attempt)
    open_one = services.start_exam(ctx, seed=13)
    lines = services.history(ctx)
    assert [(h.attempt, h.status) for h in lines] == [
        (view.attempt, "finished"),
        (open_one.attempt, "open"),
    ]
    assert lines[0].correct == 1 and lines[0].total == 6
    assert sum(t for _, t in lines[0].sections.values()) == 6
    assert services.latest_finished(ctx) == view.attempt


def test_config_exam_date_and_pass_mark(ctx: Context) -> None:
    cfg = services.get_config(ctx)
    assert cfg.exam_date is None and cfg.pass_mark == 0.7 and cfg.pass_mark_is_default
    cfg = services.set_config(ctx, "exam-date", "2027-01-15")
    assert cfg.exam_date == dt.date(2027, 1, 15) and cfg.days_to_exam(T0.date()) == 49
    for text, value in (("75%", 0.75), ("0.65", 0.65), ("80", 0.8)):
        assert services.set_config(ctx, "pass-mark", text).pass_mark == value
    for bad, message in (
        ("1.5", "between 10 % and 99 %"),
        ("abc", "not a number"),
        ("100%", "between"),
    ):
        with pytest.raises(InvalidInput, match=message):
            services.set_config(ctx, "pass-mark", bad)
    with pytest.raises(InvalidInput, match="in the past"):
        services.set_config(ctx, "exam-date", "2026-01-01")
    with pytest.raises(InvalidInput, match="YYYY-MM-DD"):
        services.set_config(ctx, "exam-date", "15/01/2027")
    with pytest.raises(InvalidInput, match="unknown setting"):
        services.set_config(ctx, "colour", "red")
    assert services.get_config(ctx).pass_mark == 0.8
    view = services.start_exam(ctx, seed=1)
    assert services.submit(ctx, view.attempt).pass_mark == 0.8
    assert services.set_config(ctx, "pass-mark", None).pass_mark_is_default


def test_practice_by_ids(ctx: Context) -> None:
    view = services.start_practice(
        ctx, services.PracticeFilter(ids=("q-003", "q-010"), count=5), seed=7
    )
    assert sorted(q.id for q in view.questions) == ["q-003", "q-010"]


def statements_at_submit(ctx: Context, questions: int, seed: int) -> int:
    """SQL statements one submission runs, with every question answered wrong."""
    from sqlalchemy import event

    view = services.start_exam(ctx, questions=questions, seed=seed)
    for q in view.questions:
        services.answer(ctx, view.attempt, q.position, ",".join("ABCD"[: q.choose]))
    count = [0]

    def counted(*_: object) -> None:
        count[0] += 1

    event.listen(ctx.engine, "before_cursor_execute", counted)
    try:
        services.submit(ctx, view.attempt)
    finally:
        event.remove(ctx.engine, "before_cursor_execute", counted)
    return count[0]


def test_submit_runs_no_statement_per_question(ctx: Context) -> None:
    short = statements_at_submit(ctx, 3, seed=1)
    long = statements_at_submit(ctx, 9, seed=2)
    # Elo steps and review cards are read and written in batches: six more questions may add
    # a batch (new parameters, new review cards, updated parameters), not statements each.
    assert long <= short + 3, (short, long)
