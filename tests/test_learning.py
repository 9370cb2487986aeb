"""The learner model end to end: API, readiness, calibration, imports, cards, adaptive sessions."""

from __future__ import annotations

import datetime as dt
import json
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

import examprep
from examprep import services
from examprep.cli.app import app
from examprep.config import Settings
from examprep.errors import Conflict, InvalidInput, NotFound
from examprep.services.context import Context

from .conftest import MINI_PACK, T0, Clock
from .test_exams import key_letters, wrong_letters

runner = CliRunner()


def practise(ctx: Context, clock: Clock, right: int, wrong: int) -> int:
    view = services.start_practice(ctx, services.PracticeFilter(count=right + wrong), seed=5)
    for q in view.questions:
        clock.advance(seconds=40)
        letters = key_letters if q.position <= right else wrong_letters
        services.answer(ctx, view.attempt, q.position, letters(ctx, view.attempt, q.position))
    services.submit(ctx, view.attempt)
    return view.attempt


def test_public_api_on_a_minimal_pack() -> None:
    pack = examprep.load_pack(MINI_PACK)
    q = pack.questions[0]
    assert (q.id, q.section, q.covers, q.kind) == ("q-001", "S1", ["S1.1.a"], "single")
    assert q.difficulty in range(1, 6)
    log = [("ann", q.id, True), ("bob", q.id, False, "2026-11-01T10:00:00+00:00")] * 3
    params = examprep.calibrate(pack, log)
    assert set(params) == {x.id for x in pack.questions}
    assert params.counts == {q.id: 6}
    r = examprep.estimate_readiness(
        pack, [(x.id, True) for x in pack.questions], item_params=params
    )
    assert 0 <= r.low <= r.p_pass <= r.high <= 1
    assert r.p_pass > 0.5 and r.theta > 0 and r.se > 0
    assert set(r.by_section) == {"S1", "S2"}
    theta, se, n = r.by_section["S1"]
    assert n == 6 and se > 0 and theta == r.by_section["S1"].theta
    worse = examprep.estimate_readiness(pack, [(x.id, False) for x in pack.questions])
    assert worse.p_pass < r.p_pass
    twice = examprep.estimate_readiness(pack, [(x.id, True) for x in pack.questions] * 2)
    assert twice.by_section["S1"].n == 12 and twice.responses == 24
    assert twice.p_pass > r.p_pass


def test_api_down_weights_old_answers() -> None:
    pack = examprep.load_pack(MINI_PACK)
    now = dt.datetime(2026, 11, 27, tzinfo=dt.UTC)
    fresh = [(q.id, True, now) for q in pack.questions]
    old = [(q.id, True, now - dt.timedelta(days=120)) for q in pack.questions]
    assert (
        examprep.estimate_readiness(pack, old, now=now).p_pass
        < examprep.estimate_readiness(pack, fresh, now=now).p_pass
    )


def test_api_rejects_malformed_rows() -> None:
    pack = examprep.load_pack(MINI_PACK)
    with pytest.raises(InvalidInput, match="response 2: correct must be"):
        examprep.estimate_readiness(pack, [("q-001", True), ("q-002", "maybe")])
    with pytest.raises(InvalidInput, match="response 1: expected"):
        examprep.calibrate(pack, [("only-two", "fields")])


def test_readiness_report_moves_with_answers(ctx: Context, clock: Clock) -> None:
    before = services.readiness_report(ctx)
    assert before.now.responses == 0 and before.history == []
    practise(ctx, clock, right=8, wrong=0)
    clock.advance(days=1)
    practise(ctx, clock, right=2, wrong=2)
    after = services.readiness_report(ctx)
    assert after.now.responses == 12
    assert after.now.p_pass > before.now.p_pass
    # Twelve answers on this small pack leave ability uncertain: no figure, no trend yet.
    assert after.withheld is not None and after.history == []
    assert after.at_marks[0.6] >= after.at_marks[0.7] >= after.at_marks[0.8]
    assert after.study_next and all(t.score_gain_per_minute > 0 for t in after.study_next)
    for _ in range(2):
        clock.advance(days=1)
        practise(ctx, clock, right=0, wrong=12)
    low = services.readiness_report(ctx)
    assert low.withheld is None and low.now.p_pass < 0.1
    assert low.history[-1][0] == (T0 + dt.timedelta(days=3)).date() and low.history[-1][1] < 0.1


def test_elo_and_batch_calibration(ctx: Context, clock: Clock, settings: Settings) -> None:
    practise(ctx, clock, right=3, wrong=3)
    other = services.open_context(
        Settings(**{**settings.model_dump(), "learner": "bob"}), clock=clock
    )
    try:
        practise(other, clock, right=6, wrong=0)
    finally:
        other.close()
    report = services.calibrate_bank(ctx)
    assert report.responses == 12 and report.learners == 2 and report.calibrated >= 6
    # Answers after calibration leave calibrated items alone (Elo only moves uncalibrated ones).
    practise(ctx, clock, right=1, wrong=0)
    assert services.calibrate_bank(ctx).responses == 13


def test_missed_questions_become_reviews(ctx: Context, clock: Clock) -> None:
    assert services.due_reviews(ctx) == []  # the mini pack has no flashcards
    practise(ctx, clock, right=1, wrong=2)
    due = services.due_reviews(ctx)
    assert len(due) == 2 and all(c.kind == "question" for c in due)
    nxt = services.grade(ctx, due[0].id, "good")
    assert nxt > clock.now
    assert len(services.due_reviews(ctx)) == 1
    with pytest.raises(InvalidInput, match="rating must be one of"):
        services.grade(ctx, due[1].id, "superb")
    with pytest.raises(NotFound):
        services.grade(ctx, "card:nope", "good")


def pack_with_cards(tmp_path: Path, n: int = 4) -> Path:
    pack = tmp_path / "pack"
    shutil.copytree(MINI_PACK, pack)
    (pack / "cards").mkdir()
    (pack / "cards" / "c.yaml").write_text(
        "cards:\n"
        + "".join(
            f"  - id: c-{i}\n    covers: [S{1 + i % 2}.1.a]\n    front: Front {i}?\n"
            f"    back: Back {i}.\n    source: https://docs.example.org/c{i}\n"
            for i in range(n)
        )
    )
    return pack


def test_missed_questions_leave_room_for_new_flashcards(
    settings: Settings, clock: Clock, tmp_path: Path
) -> None:
    # After a weak mock exam the missed questions alone would fill a session; new material must
    # keep coming before the exam, so a third of the room stays for new flashcards.
    ctx = services.open_context(
        Settings(**{**settings.model_dump(), "pack_path": pack_with_cards(tmp_path)}),
        clock=clock,
    )
    try:
        practise(ctx, clock, right=0, wrong=6)
        due = services.due_reviews(ctx, limit=6, new_cards=3)
        assert [c.kind for c in due] == ["question"] * 4 + ["card"] * 2
        assert all(c.new for c in due[4:])
        # With few reviews due, new cards fill up to their own limit as before.
        assert sum(c.new for c in services.due_reviews(ctx, limit=30, new_cards=3)) == 3
    finally:
        ctx.close()


def test_flashcards_are_offered_new_then_scheduled(
    settings: Settings, clock: Clock, tmp_path: Path
) -> None:
    ctx = services.open_context(
        Settings(**{**settings.model_dump(), "pack_path": pack_with_cards(tmp_path)}),
        clock=clock,
    )
    try:
        due = services.due_reviews(ctx, new_cards=3)
        assert [c.new for c in due] == [True, True, True]
        assert due[0].bullet == "S1.1.a"  # the heavier section first
        for card in due:
            services.grade(ctx, card.id, "good")
        assert [c.id for c in services.due_reviews(ctx, new_cards=3)] == ["card:c-3"]
        services.set_config(ctx, "exam-date", "2026-12-03")
        report = services.readiness_report(ctx)
        assert report.exam_date == dt.date(2026, 12, 3)
        assert report.recall_on_exam_day is not None and 0 < report.recall_on_exam_day < 1
    finally:
        ctx.close()


def test_diagnostic_adapts_and_stops(ctx: Context, clock: Clock) -> None:
    attempt = services.start_adaptive(ctx, "diagnostic")
    asked = 0
    while True:
        step = services.next_question(ctx, attempt)
        if step.question is None:
            break
        asked += 1
        assert step.asked == asked
        with pytest.raises(Conflict, match="answer question"):
            services.next_question(ctx, attempt)
        clock.advance(seconds=30)
        services.answer(
            ctx, attempt, step.question.position, key_letters(ctx, attempt, step.question.position)
        )
    assert 8 <= asked <= 12  # the mini bank runs out at 12
    readiness = services.finish_adaptive(ctx, attempt)
    assert readiness.responses == asked
    with pytest.raises(Conflict, match="already finished"):
        services.next_question(ctx, attempt)
    with pytest.raises(InvalidInput, match="unknown adaptive mode"):
        services.start_adaptive(ctx, "exam")


def test_study_summary_remembers_the_last_figure(ctx: Context, clock: Clock) -> None:
    first = services.study_summary(ctx)
    assert first.previous is None and len(first.next_three) == 3
    assert first.p_pass is None and first.withheld is not None  # a new learner: no figure
    for _ in range(2):
        practise(ctx, clock, right=0, wrong=12)
    second = services.study_summary(ctx)
    assert second.previous is None  # a withheld figure is not remembered
    assert second.p_pass is not None and second.p_pass < 0.1
    practise(ctx, clock, right=12, wrong=0)
    third = services.study_summary(ctx)
    assert third.previous == pytest.approx(second.p_pass, abs=1e-6)
    assert third.p_pass is None or third.p_pass > second.p_pass


def test_import_responses(ctx: Context, tmp_path: Path) -> None:
    good = tmp_path / "log.csv"
    good.write_text(
        "learner,item,correct,answered_at\nann,q-001,1,2026-11-20T10:00:00\n"
        "ann,q-002,false,2026-11-20T10:01:00+00:00\nbob,q-003,true,2026-11-21T09:00:00\n"
    )
    report = services.import_responses(ctx, good)
    assert (report.imported, report.learners, report.skipped) == (3, 2, [])
    bad = tmp_path / "bad.jsonl"
    bad.write_text(
        '{"learner": "ann", "item": "q-004", "correct": true, "answered_at": "2026-11-22T08:00:00"}\n'
        '{"learner": "ann", "item": "q-999", "correct": true, "answered_at": "2026-11-22T08:00:00"}\n'
        "not json\n"
        '{"learner": "ann", "item": "q-005", "correct": "perhaps", "answered_at": "2026-11-22"}\n'
    )
    with pytest.raises(InvalidInput) as caught:
        services.import_responses(ctx, bad)
    message = str(caught.value)
    assert "3 invalid row(s); nothing was imported" in message
    assert f"{bad}:2: unknown item 'q-999'" in message and f"{bad}:3: not JSON" in message
    assert services.calibrate_bank(ctx).responses == 3
    partial = services.import_responses(ctx, bad, skip_invalid=True)
    assert partial.imported == 1 and len(partial.skipped) == 3
    with pytest.raises(InvalidInput, match=r"expected a \.csv or \.jsonl"):
        services.import_responses(ctx, tmp_path / "x.txt")


@pytest.fixture
def cli_env(settings: Settings, monkeypatch: pytest.MonkeyPatch) -> Settings:
    assert settings.database_url is not None
    monkeypatch.setenv("EXAMPREP_DATABASE_URL", settings.database_url)
    monkeypatch.setenv("EXAMPREP_PACK_PATH", str(MINI_PACK))
    return settings


def test_cli_readiness_json_and_plot(cli_env: Settings, tmp_path: Path) -> None:
    result = runner.invoke(app, ["readiness", "--json", "--plot", str(tmp_path / "r.png")])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert set(data) >= {"p_pass", "interval_80", "pass_mark", "sections", "history", "study_next"}
    assert data["pass_mark_is_assumption"] is True
    assert (tmp_path / "r.png").read_bytes()[:4] == b"\x89PNG"
    bad = runner.invoke(app, ["readiness", "--plot", str(tmp_path / "r.gif")])
    assert bad.exit_code == 2 and "png or .svg" in bad.output


def test_cli_calibrate_and_import(cli_env: Settings, tmp_path: Path) -> None:
    log = tmp_path / "log.csv"
    log.write_text("learner,item,correct,answered_at\nann,q-001,1,2026-11-20T10:00:00\n")
    result = runner.invoke(app, ["import", "responses", str(log)])
    assert result.exit_code == 0 and "Imported 1 answers for 1 learners" in result.output
    result = runner.invoke(app, ["calibrate", "--json"])
    assert result.exit_code == 0 and json.loads(result.output)["responses"] == 1
    missing = runner.invoke(app, ["import", "responses", str(tmp_path / "none.csv")])
    assert missing.exit_code == 2 and "cannot read" in missing.output
