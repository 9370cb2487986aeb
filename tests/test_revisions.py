"""Item revisions and families: what an upgraded pack does with stored evidence."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from sqlalchemy import select

import examprep
from examprep import services
from examprep.config import Settings
from examprep.services.context import Context
from examprep.store.tables import ItemParamRow, ResponseRow

from .conftest import MINI_PACK, Clock
from .test_exams import key_letters, wrong_letters

BUMPED = "q-003"


def pack_copy(tmp_path: Path, name: str, edit: dict[str, str]) -> Path:
    """The mini pack with text replacements in its question file."""
    root = tmp_path / name
    shutil.copytree(MINI_PACK, root)
    bank = root / "questions" / "bank.yaml"
    text = bank.read_text(encoding="utf-8")
    for old, new in edit.items():
        assert old in text
        text = text.replace(old, new)
    bank.write_text(text, encoding="utf-8")
    return root


@pytest.fixture
def upgraded(tmp_path: Path) -> Path:
    """The same pack after an author rewrote q-003 (revision 2)."""
    return pack_copy(
        tmp_path, "upgraded", {f"- id: {BUMPED}\n": f"- id: {BUMPED}\n  revision: 2\n"}
    )


def answer_everything(ctx: Context, right: bool, seed: int) -> None:
    view = services.start_practice(ctx, services.PracticeFilter(count=12), seed=seed)
    for q in view.questions:
        letters = key_letters if right else wrong_letters
        services.answer(ctx, view.attempt, q.position, letters(ctx, view.attempt, q.position))


def item_param(ctx: Context, item: str) -> tuple[str, int, int | None, float] | None:
    """(method, n, revision, b) of the stored parameters of an item."""
    with ctx.transaction() as session:
        query = select(ItemParamRow).where(ItemParamRow.item_id == item)
        row = session.scalars(query).one_or_none()
        return None if row is None else (row.method, row.n, row.revision, row.b)


def test_an_upgraded_item_leaves_old_answers_out_of_readiness_and_calibration(
    ctx: Context, settings: Settings, clock: Clock, upgraded: Path
) -> None:
    answer_everything(ctx, right=True, seed=1)
    answer_everything(ctx, right=False, seed=2)
    assert services.readiness_report(ctx).now.responses == 24
    assert services.calibrate_bank(ctx).responses == 24
    old_param = item_param(ctx, BUMPED)
    assert old_param is not None and old_param[:3] == ("mml", 2, 1)

    new = services.open_context(settings.model_copy(update={"pack_path": upgraded}), clock=clock)
    try:
        assert new.pack.question(BUMPED).revision == 2
        report = services.readiness_report(new)
        assert report.now.responses == 22  # both answers to the old text are left out
        assert report.now.by_section["S1"].n == 10
        calibrated = services.calibrate_bank(new)
        assert calibrated.responses == 22 and calibrated.calibrated == 11
        assert item_param(new, BUMPED) == old_param  # untouched, and ignored from now on
        from examprep.services.readiness import stored_params

        with new.transaction() as session:
            assert BUMPED not in stored_params(session, new.pack)
            assert "q-001" in stored_params(session, new.pack)
        # a new answer is stored with revision 2 and starts the item's Elo afresh
        view = services.start_practice(new, services.PracticeFilter(bullet="S1.1.a"), seed=3)
        position = next(q.position for q in view.questions if q.id == BUMPED)
        services.answer(new, view.attempt, position, key_letters(new, view.attempt, position))
        with new.transaction() as session:
            rows = session.scalars(
                select(ResponseRow.revision).where(ResponseRow.item_id == BUMPED)
            ).all()
        assert sorted(rows) == [1, 1, 2]
        fresh = item_param(new, BUMPED)
        assert fresh is not None and fresh[:3] == ("elo", 1, 2)
        assert services.readiness_report(new).now.responses == 23
    finally:
        new.close()


def test_the_python_api_ignores_answers_to_another_revision(upgraded: Path) -> None:
    pack = examprep.load_pack(upgraded)
    rows = [(BUMPED, True, None, 1), ("q-001", True, None, 1), ("q-002", False)]
    assert examprep.estimate_readiness(pack, rows).responses == 2
    log = [("ann", BUMPED, True, None, 1), ("ann", BUMPED, True, None, 2), ("ann", "q-001", 1)]
    assert examprep.calibrate(pack, log).counts == {BUMPED: 1, "q-001": 1}


def test_old_rows_read_as_revision_1_after_the_migration(tmp_path: Path) -> None:
    import datetime as dt

    from alembic import command
    from sqlalchemy import text

    from examprep.store.database import _alembic_config, head_revision, make_engine, upgrade

    engine = make_engine(f"sqlite:///{tmp_path / 'old.sqlite3'}")
    command.upgrade(_alembic_config(engine), "0001")
    at = dt.datetime(2026, 11, 27, 9, 0)
    with engine.begin() as conn:
        conn.execute(
            text("INSERT INTO learners VALUES (1, 'me', 'me', 'learner', NULL, 0, :at)"), {"at": at}
        )
        conn.execute(
            text(
                "INSERT INTO attempts (id, uid, learner_id, pack_id, mode, seed, form, started_at)"
                " VALUES (1, 'a', 1, 'mini', 'practice', 0, '[]', :at)"
            ),
            {"at": at},
        )
        conn.execute(
            text(
                "INSERT INTO responses (uid, attempt_id, learner_id, position, item_id, event,"
                " correct, answered_at) VALUES ('r', 1, 1, 1, 'q-001', 'answer', 1, :at)"
            ),
            {"at": at},
        )
    assert upgrade(engine) == ("0001", head_revision())
    from sqlalchemy.orm import Session

    from examprep.services.evidence import final_answers

    pack = examprep.load_pack(MINI_PACK)
    with Session(engine) as session:
        [answer] = final_answers(session, pack, dt.datetime(2026, 12, 1, tzinfo=dt.UTC))
    assert (answer.item_id, answer.revision, answer.correct) == ("q-001", 1, True)
    engine.dispose()


FAMILY = {"q-001", "q-002"}  # tests/fixtures/mini: one family, f-object-store


def test_a_form_never_holds_two_items_of_a_family(ctx: Context) -> None:
    for seed in range(40):
        view = services.start_exam(ctx, questions=8, seed=seed)
        assert len(FAMILY & {q.id for q in view.questions}) <= 1
        services.submit(ctx, view.attempt)


def test_adaptive_sessions_never_ask_two_items_of_a_family(ctx: Context, clock: Clock) -> None:
    for mode in ("diagnostic", "study"):
        attempt = services.start_adaptive(ctx, mode)
        asked = []
        while (step := services.next_question(ctx, attempt)).question is not None:
            asked.append(step.question.id)
            clock.advance(seconds=30)
            services.answer(ctx, attempt, step.question.position, "ABC"[: step.question.choose])
        services.finish_adaptive(ctx, attempt)
        assert len(asked) >= 8 and len(FAMILY & set(asked)) == 1
        clock.advance(days=8)  # past the 7-day "not again so soon" window


def test_a_family_counts_once_in_readiness(tmp_path: Path) -> None:
    families = examprep.load_pack(MINI_PACK)
    unrelated = examprep.load_pack(
        pack_copy(tmp_path, "nofamily", {"  family: f-object-store\n": ""})
    )
    rows = [("q-001", True), ("q-002", True)]
    one = examprep.estimate_readiness(families, rows)
    two = examprep.estimate_readiness(unrelated, rows)
    assert one.responses == two.responses == 2
    assert one.theta < two.theta and one.se > two.se  # half the evidence of two separate items
    alone = examprep.estimate_readiness(unrelated, [("q-001", True)])
    assert alone.theta < one.theta < two.theta


RETIRE = f"- id: {BUMPED}\n  retired:\n    date: 2026-12-06\n    reason: The documentation now contradicts the key.\n"


def test_a_retired_item_is_never_asked_again_but_past_attempts_still_show_it(
    ctx: Context, settings: Settings, clock: Clock, tmp_path: Path
) -> None:
    views = (services.start_exam(ctx, questions=9, seed=seed) for seed in range(50))
    exam = next(v for v in views if BUMPED in {q.id for q in v.questions})
    for q in exam.questions:
        services.answer(ctx, exam.attempt, q.position, key_letters(ctx, exam.attempt, q.position))
    services.submit(ctx, exam.attempt)
    before = services.readiness_report(ctx).now.responses

    retired = pack_copy(tmp_path, "retired", {f"- id: {BUMPED}\n": RETIRE})
    new = services.open_context(settings.model_copy(update={"pack_path": retired}), clock=clock)
    try:
        assert BUMPED not in {q.id for q in new.pack.questions}
        assert new.pack.question(BUMPED).retired is not None  # still found for old attempts
        # the finished exam still shows the item, scored as it was
        shown = services.result(new, exam.attempt)
        assert BUMPED in {q.id for q in shown.questions} and shown.correct == shown.total == 9
        page = services.question_page(new, BUMPED)
        assert page.retired is not None and "contradicts" in page.retired.reason
        # new forms never include it; readiness no longer counts its answer
        for seed in range(5):
            fresh = services.start_practice(new, services.PracticeFilter(count=11), seed=seed)
            assert BUMPED not in {q.id for q in fresh.questions}
        assert services.readiness_report(new).now.responses == before - 1
        assert services.pack_stats(retired)["totals"]["questions_retired"] == 1
    finally:
        new.close()
