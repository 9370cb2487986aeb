"""Confidence per answer: kept with the answer, never in the score; the metacognition view."""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from typer.testing import CliRunner

from examprep import services
from examprep.cli.app import app
from examprep.config import Settings
from examprep.errors import InvalidInput
from examprep.services.context import Context
from examprep.store.tables import ResponseRow

from .conftest import Clock
from .test_exams import key_letters, wrong_letters
from .web.conftest import client_for

runner = CliRunner()


@pytest.fixture
def cli_env(settings: Settings, monkeypatch: pytest.MonkeyPatch) -> None:
    """The CLI on the same database and pack as `ctx`."""
    monkeypatch.setenv("EXAMPREP_DATABASE_URL", str(settings.database_url))
    monkeypatch.setenv("EXAMPREP_PACK_PATH", str(settings.pack_path))


@pytest.fixture
def client(settings: Settings, clock: Clock) -> Iterator[TestClient]:
    with client_for(settings, clock) as web:
        yield web


def stored(ctx: Context) -> list[tuple[int, str | None, bool | None]]:
    with ctx.transaction() as session:
        rows = session.scalars(select(ResponseRow).where(ResponseRow.event == "answer"))
        return [(r.position, r.confidence, r.correct) for r in rows]


def test_confidence_is_kept_with_the_answer_and_never_scores(ctx: Context) -> None:
    view = services.start_practice(ctx, services.PracticeFilter(count=3), seed=1)
    a = view.attempt
    assert services.answer(ctx, a, 1, key_letters(ctx, a, 1), "guess") is True
    assert services.answer(ctx, a, 2, wrong_letters(ctx, a, 2), "s") is False
    services.answer(ctx, a, 3, key_letters(ctx, a, 3))
    assert stored(ctx) == [(1, "guess", True), (2, "sure", False), (3, None, True)]
    assert services.submit(ctx, a).correct == 2  # a guess that is right still scores


def test_a_bad_confidence_names_the_question_and_saves_nothing(ctx: Context) -> None:
    view = services.start_practice(ctx, services.PracticeFilter(count=1), seed=1)
    with pytest.raises(InvalidInput, match="question 1: confidence must be sure, unsure or guess"):
        services.answer(ctx, view.attempt, 1, key_letters(ctx, view.attempt, 1), "certain")
    assert stored(ctx) == []


def test_only_final_answers_count_and_an_open_exam_shows_nothing(
    ctx: Context, clock: Clock
) -> None:
    exam = services.start_exam(ctx, questions=2, seed=3)
    a = exam.attempt
    services.answer(ctx, a, 1, wrong_letters(ctx, a, 1), "sure")
    assert services.metacognition(ctx).rated == 0  # the exam is still open
    clock.advance(seconds=30)
    services.answer(ctx, a, 1, key_letters(ctx, a, 1), "unsure")  # changed: only this counts
    services.submit(ctx, a)
    m = services.metacognition(ctx)
    assert (m.rated, m.level("unsure").correct, m.level("sure").answers) == (1, 1, 0)


def test_the_setting_says_when_to_ask(ctx: Context) -> None:
    config = services.get_config(ctx)
    assert config.confidence == "practice"
    assert config.asks_confidence("practice") and not config.asks_confidence("exam")
    assert services.set_config(ctx, "confidence", "always").asks_confidence("exam")
    assert not services.set_config(ctx, "confidence", "off").asks_confidence("study")
    with pytest.raises(InvalidInput, match="confidence 'sometimes' must be one of practice"):
        services.set_config(ctx, "confidence", "sometimes")
    exam = services.start_exam(ctx, questions=2, seed=3)
    assert services.get_attempt(ctx, exam.attempt).asks_confidence is False


@pytest.mark.usefixtures("cli_env")
def test_the_cli_asks_after_each_practice_answer_and_reports(ctx: Context) -> None:
    result = runner.invoke(app, ["practice", "-n", "2", "--seed", "4"], input="A\n1\n\nB\n3\n\n")
    assert result.exit_code == 0, result.output
    assert "How sure? 1 sure, 2 unsure, 3 guess" in result.output
    assert [c for _, c, _ in stored(ctx)] == ["sure", "guess"]
    report = json.loads(runner.invoke(app, ["readiness", "--json"]).output)
    levels = report["metacognition"]["levels"]
    assert (levels["sure"]["answers"], levels["guess"]["answers"]) == (1, 1)
    text = runner.invoke(app, ["readiness"]).output
    assert "How well you know what you know" in text


@pytest.mark.usefixtures("cli_env")
def test_the_exam_protocol_takes_a_confidence(ctx: Context) -> None:
    # Started through the CLI too: the CLI runs on the real clock, the test context does not.
    started = json.loads(runner.invoke(app, ["exam", "start", "--questions", "2", "--json"]).output)
    attempt = started["attempt"]
    letters = key_letters(ctx, attempt, 1)
    args = ["exam", "answer", str(attempt), "1", letters, "--confidence", "unsure"]
    done = runner.invoke(app, args)
    assert done.exit_code == 0, done.output
    assert stored(ctx) == [(1, "unsure", True)]
    bad = runner.invoke(app, [*args[:-1], "maybe"])
    assert bad.exit_code == 2 and "confidence must be sure, unsure or guess" in bad.output


def test_the_web_asks_in_practice_not_in_exams_unless_chosen(
    client: TestClient, ctx: Context
) -> None:
    start = client.post("/practice", data={"count": "2"}, follow_redirects=False)
    page = client.get(start.headers["location"], follow_redirects=True)
    assert "How sure are you?" in page.text
    attempt = int(start.headers["location"].split("/")[2])
    letters = key_letters(ctx, attempt, 1).split(",")
    saved = client.post(
        f"/practice/{attempt}/questions/1",
        data={"choice": letters, "confidence": "guess"},
        follow_redirects=False,
    )
    assert saved.status_code == 303
    assert stored(ctx) == [(1, "guess", True)]
    bad = client.post(
        f"/practice/{attempt}/questions/2",
        data={"choice": key_letters(ctx, attempt, 2).split(","), "confidence": "very"},
    )
    assert bad.status_code == 400 and "confidence must be sure" in bad.text

    exam = client.post("/exams", data={"questions": "2"}, follow_redirects=True)
    assert "How sure are you?" not in exam.text
    client.post("/config", data={"confidence": "always"})
    assert "How sure are you?" in client.get(exam.url).text
    dashboard = client.get("/").text
    assert "How well you know what you know" in dashboard
