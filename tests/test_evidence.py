"""What counts as evidence, exam integrity and honest first screens, end to end.

Each test fails on the behaviour before evidence = final answers: answer changes counted as
answers, an open exam's score and P(pass) visible, aborted sessions shown as 0 % failures, a
P(pass) for a learner with no answers, study-next rows all +0.0 % when P(pass) is near 0.
"""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

import examprep
from examprep import services
from examprep.cli.app import app
from examprep.config import Settings
from examprep.errors import InvalidInput
from examprep.services.context import Context

from .conftest import MINI_PACK, Clock
from .test_exams import key_letters, wrong_letters

runner = CliRunner()


@pytest.fixture
def cli_env(settings: Settings, monkeypatch: pytest.MonkeyPatch) -> Settings:
    assert settings.database_url is not None
    monkeypatch.setenv("EXAMPREP_DATABASE_URL", settings.database_url)
    monkeypatch.setenv("EXAMPREP_PACK_PATH", str(MINI_PACK))
    return settings


def change_answer_four_times(ctx: Context, clock: Clock) -> int:
    """Open an exam and answer question 1 five times (right, wrong, wrong, wrong, right)."""
    view = services.start_exam(ctx, seed=3)
    for letters in (key_letters, wrong_letters, wrong_letters, wrong_letters, key_letters):
        clock.advance(seconds=20)
        services.answer(ctx, view.attempt, 1, letters(ctx, view.attempt, 1))
    return view.attempt


def test_an_answer_changed_four_times_counts_once(ctx: Context, clock: Clock) -> None:
    attempt = change_answer_four_times(ctx, clock)
    assert services.readiness_report(ctx).now.responses == 0  # the exam is still open
    before = services.readiness_report(ctx).now
    services.submit(ctx, attempt)
    after = services.readiness_report(ctx).now
    assert after.responses == 1  # not 5, and not 1 right + 4 wrong
    assert after.theta > before.theta  # the one final answer was right


def test_an_open_exam_shows_no_score_anywhere(
    ctx: Context, clock: Clock, cli_env: Settings
) -> None:
    from fastapi.testclient import TestClient

    from examprep.web.app import create_app

    change_answer_four_times(ctx, clock)
    [line] = services.history(ctx)
    assert (line.status, line.completion, line.correct, line.score) == (
        "open",
        "in progress",
        None,
        None,
    )
    assert line.sections == {} and line.answered == 1
    # Readiness moves with nothing the open exam holds: it equals a learner with no answers.
    report = services.readiness_report(ctx)
    assert report.now.responses == 0 and report.now.p_pass == pytest.approx(
        examprep.estimate_readiness(ctx.pack, [], now=clock()).p_pass
    )
    # a "missed" practice filter must not reveal which exam answers are wrong
    with pytest.raises(InvalidInput, match="no questions match"):
        services.start_practice(ctx, services.PracticeFilter(missed=True), seed=7)
    with TestClient(create_app(ctx.settings, clock=clock), base_url="http://127.0.0.1") as web:
        for path in ("/", "/history"):
            page = web.get(path).text
            assert "in progress" in page and "/6 (" not in page


def test_the_cli_shows_no_score_for_an_exam_in_progress(cli_env: Settings) -> None:
    started = json.loads(runner.invoke(app, ["exam", "start", "--json", "--seed", "3"]).output)
    for letter in "ABCDA":  # an answer changed four times
        runner.invoke(app, ["exam", "answer", str(started["attempt"]), "1", letter])
    listed = json.loads(runner.invoke(app, ["history", "--json"]).output)
    assert listed[0]["correct"] is None and listed[0]["score"] is None
    assert listed[0]["completion"] == "in progress" and listed[0]["answered"] == 1
    table = runner.invoke(app, ["history"]).output
    assert "in progress" in table and "/6 (" not in table
    readiness = json.loads(runner.invoke(app, ["readiness", "--json"]).output)
    assert readiness["responses"] == 0 and readiness["p_pass"] is None
    review = runner.invoke(app, ["review", str(started["attempt"]), "--json"])
    assert review.exit_code == 2 and "still in progress" in review.output
    runner.invoke(app, ["exam", "submit", str(started["attempt"])])
    after = json.loads(runner.invoke(app, ["readiness", "--json"]).output)
    assert after["responses"] == 1  # the final answer, once


def test_an_aborted_session_is_not_finished(ctx: Context, clock: Clock, cli_env: Settings) -> None:
    quit_at_once = services.start_practice(ctx, services.PracticeFilter(count=5), seed=1)
    done = services.submit(ctx, quit_at_once.attempt)
    assert (done.score, done.completion, done.above_assumed_pass_mark) == (
        None,
        "not finished",
        None,
    )
    placement = services.start_adaptive(ctx, "diagnostic")
    services.next_question(ctx, placement)
    services.finish_adaptive(ctx, placement)  # aborted before the first answer
    lines = services.history(ctx)
    assert [(h.completion, h.score) for h in lines] == [("not finished", None)] * 2
    review = runner.invoke(app, ["review", str(quit_at_once.attempt)])
    assert "not finished" in review.output
    assert "0 %" not in review.output and "below the assumed pass mark" not in review.output
    data = json.loads(runner.invoke(app, ["review", str(placement), "--json"]).output)
    assert data["score"] is None and data["completion"] == "not finished"
    assert data["pass_mark_assumption"]["at_or_above"] is None
    history = runner.invoke(app, ["history"]).output
    assert history.count("not finished") == 2 and "(0%)" not in history


def test_p_pass_is_withheld_for_a_new_learner(ctx: Context, cli_env: Settings) -> None:
    report = services.readiness_report(ctx)
    assert report.withheld is not None and report.now.shown_p_pass is None
    data = json.loads(runner.invoke(app, ["readiness", "--json"]).output)
    assert data["p_pass"] is None and data["interval_80"] is None
    assert data["at_pass_marks"] is None
    assert "needs at least 8 answers" in data["p_pass_withheld"]
    assert data["placement_test"] == "examprep diagnose"
    text = runner.invoke(app, ["readiness"]).output
    assert (
        "P(pass): not yet" in text
        and "examprep diagnose" in text
        and "%" not in text.split("\n")[0]
    )
    overview = runner.invoke(app, []).output
    assert "P(pass) today" not in overview and "examprep diagnose" in overview
    summary = services.study_summary(ctx)
    assert summary.p_pass is None and summary.withheld
    api = examprep.estimate_readiness(ctx.pack, [])
    assert api.withheld is not None and api.shown_p_pass is None


def test_study_next_still_ranks_topics_when_p_pass_is_near_zero(
    ctx: Context, monkeypatch: pytest.MonkeyPatch
) -> None:
    for seed in (1, 2, 3):
        view = services.start_practice(ctx, services.PracticeFilter(count=12), seed=seed)
        for q in view.questions:
            services.answer(
                ctx, view.attempt, q.position, wrong_letters(ctx, view.attempt, q.position)
            )
    report = services.readiness_report(ctx)
    assert report.withheld is None and report.now.p_pass < 0.02  # about 0.01: guessing alone
    gains = [t.score_gain_per_minute for t in report.study_next]
    assert len(gains) == 4 and all(g > 0 for g in gains)
    assert len(set(gains)) == len(gains)  # every topic gets its own, ordered, value
    assert gains == sorted(gains, reverse=True)
    text = readiness_text(ctx, monkeypatch)
    assert "+0.00%" not in text and "What to study next" in text


def readiness_text(ctx: Context, monkeypatch: pytest.MonkeyPatch) -> str:
    """What `examprep readiness` prints for this learner."""
    from rich.console import Console

    import examprep.cli.model as model

    console = Console(record=True, width=120)
    monkeypatch.setattr(model, "console", lambda: console)
    model.render_readiness(services.readiness_report(ctx))
    return console.export_text()
