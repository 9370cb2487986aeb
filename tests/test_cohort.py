"""The cohort view on SQLite and PostgreSQL: learners' readiness and question statistics."""

from __future__ import annotations

import pytest

from examprep import services
from examprep.errors import Forbidden
from examprep.services import Context

REVERSED = "q-001"  # weak learners get it right, strong ones wrong: a suspected wrong key


def learner(ctx: Context, name: str) -> Context:
    """`name`'s context on the same engine."""
    return Context(
        settings=ctx.settings.model_copy(update={"learner": name}),
        clock=ctx.clock,
        _engine=ctx.engine,
        _pack=ctx.pack,
    )


def answer_all(ctx: Context, right: set[str]) -> None:
    """Answer every question of the bank: right for the ids in `right`, else the first wrong option."""
    view = services.start_practice(ctx, services.PracticeFilter(count=12), seed=1)
    for question in view.questions:
        item = ctx.pack.question(question.id)
        texts = {o.text: i for i, o in enumerate(item.options)}
        if question.id in right:
            wanted = set(item.key)
        else:
            wanted = {i for i, o in enumerate(item.options) if not o.correct}
            wanted = set(sorted(wanted)[: question.choose])
        letters = [o.key for o in question.options if texts[o.text] in wanted]
        services.answer(ctx, view.attempt, question.position, ",".join(letters))


@pytest.fixture
def class_of_ten(ctx: Context) -> list[str]:
    items = sorted(q.id for q in ctx.pack.questions if q.id != REVERSED)
    names = [f"l{i}" for i in range(10)]
    for i, name in enumerate(names):
        right = set(items[:i])  # learner i gets i of the other 11 right: strength rises with i
        if i < 5:
            right.add(REVERSED)
        answer_all(learner(ctx, name), right)
    services.add_user(ctx, "ivy", "a long enough password", role="instructor")
    return names


def test_learners_see_no_cohort(ctx: Context) -> None:
    with pytest.raises(Forbidden, match="for instructors"):
        services.cohort(ctx)
    services.add_user(ctx, "ada", "a long enough password")
    with pytest.raises(Forbidden):
        services.cohort(learner(ctx, "ada"))


def test_an_empty_cohort(ctx: Context) -> None:
    services.add_user(ctx, "ivy", "a long enough password", role="instructor")
    result = services.cohort(learner(ctx, "ivy"))
    assert result.learners == [] and result.items == []
    assert result.pass_mark == 0.7 and result.section_titles == {"S1": "Storage", "S2": "Compute"}


def test_readiness_per_learner(ctx: Context, class_of_ten: list[str]) -> None:
    result = services.cohort(learner(ctx, "ivy"))
    assert [s.name for s in result.learners] == class_of_ten  # ivy answered nothing
    assert all(s.answers == 12 for s in result.learners)
    theta = [sum(s.sections.values()) for s in result.learners]
    assert theta[-1] > theta[0]  # more right answers, higher ability
    # 12 answers each: a figure only where the pass/fail picture is already clear.
    shown = [s for s in result.learners if s.p_pass is not None]
    assert all(s.low <= s.p_pass <= s.high for s in shown if s.p_pass is not None)
    assert all(s.p_pass < 0.1 or s.p_pass > 0.9 for s in shown if s.p_pass is not None)
    assert any(s.p_pass is None and s.withheld for s in result.learners)
    assert set(result.learners[0].sections) == {"S1", "S2"}


def test_question_statistics_and_a_suspected_key(ctx: Context, class_of_ten: list[str]) -> None:
    items = {i.id: i for i in services.cohort(learner(ctx, "ivy")).items}
    assert len(items) == 12 and all(i.answers == 10 for i in items.values())
    reversed_item = items[REVERSED]
    assert reversed_item.facility == 0.5
    assert reversed_item.discrimination is not None and reversed_item.discrimination < -0.5
    assert reversed_item.suspect
    key = ctx.pack.question(REVERSED).key[0]
    shares = {letter: share for letter, share, _ in reversed_item.shares}
    assert shares["ABCD"[key]] == 0.5 and sum(shares.values()) == 1.0
    assert [right for _, _, right in reversed_item.shares].count(True) == 1
    normal = [i for i in items.values() if i.id != REVERSED and i.discrimination is not None]
    assert normal and all(i.discrimination > 0 and not i.suspect for i in normal)
    first = sorted(i for i in items if i != REVERSED)[0]
    assert items[first].facility == 0.9  # learners 1-9 get the first item right
