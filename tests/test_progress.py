"""Progress files on SQLite and PostgreSQL: lossless round trip, merging, refusals, backups."""

from __future__ import annotations

import json
import os
import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select
from typer.testing import CliRunner

from examprep import services
from examprep.cli.app import app
from examprep.config import Settings
from examprep.errors import Conflict, DatabaseError, InvalidInput, NotFound
from examprep.services.context import Context
from examprep.services.progress import checksum, progress_text
from examprep.services.views import AttemptView
from examprep.store.tables import AttemptRow, ResponseRow, ReviewLogRow

from .conftest import MINI_PACK, POSTGRES_ENV, T0, Clock, fresh_postgres_schema

runner = CliRunner()


@pytest.fixture
def other_db_url(db_url: str, tmp_path: Path) -> Iterator[str]:
    """A second fresh database on the same backend as `db_url`."""
    if db_url.startswith("sqlite"):
        yield f"sqlite:///{tmp_path / 'db2' / 'examprep.sqlite3'}"
        return
    with fresh_postgres_schema(os.environ[POSTGRES_ENV]) as url:
        yield url


def open_ctx(url: str, tmp_path: Path, clock: Clock, learner: str = "me") -> Context:
    settings = Settings(
        database_url=url, data_dir=tmp_path / "data", pack_path=MINI_PACK, learner=learner
    )
    return services.open_context(settings, clock=clock)


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def ctx(settings: Settings, clock: Clock) -> Iterator[Context]:
    context = services.open_context(settings, clock=clock)
    yield context
    context.close()


@pytest.fixture
def other(other_db_url: str, tmp_path: Path, clock: Clock) -> Iterator[Context]:
    context = open_ctx(other_db_url, tmp_path, clock)
    yield context
    context.close()


def first_letters(view: AttemptView, position: int) -> str:
    question = view.questions[position - 1]
    return ",".join(o.key for o in question.options[: question.choose])


def study_session(ctx: Context, clock: Clock, seed: int) -> None:
    """An exam with answers, flags and visits; a practice answer; two card reviews."""
    exam = services.start_exam(ctx, questions=4, seed=seed)
    services.visit(ctx, exam.attempt, 1)
    clock.advance(seconds=30)
    services.answer(ctx, exam.attempt, 1, first_letters(exam, 1))
    services.flag(ctx, exam.attempt, 2)
    services.flag(ctx, exam.attempt, 2, on=False)  # same instant as the flag: order matters
    clock.advance(seconds=45)
    services.answer(ctx, exam.attempt, 2, first_letters(exam, 2))
    services.submit(ctx, exam.attempt)
    clock.advance(minutes=5)
    practice = services.start_practice(ctx, services.PracticeFilter(count=2), seed=seed)
    services.answer(ctx, practice.attempt, 1, first_letters(practice, 1), confidence="unsure")
    services.grade(ctx, "question:q-001", "good", duration_ms=4200)
    clock.advance(days=1)
    services.grade(ctx, "question:q-001", "again")
    clock.advance(hours=2)


def counts(ctx: Context) -> tuple[int, int, int]:
    with ctx.transaction() as session:
        return (
            session.scalar(select(func.count()).select_from(AttemptRow)) or 0,
            session.scalar(select(func.count()).select_from(ResponseRow)) or 0,
            session.scalar(select(func.count()).select_from(ReviewLogRow)) or 0,
        )


def test_round_trip_is_lossless(ctx: Context, other: Context, clock: Clock, tmp_path: Path) -> None:
    services.set_config(ctx, "exam-date", "2027-02-01")
    study_session(ctx, clock, seed=1)
    out = tmp_path / "progress.json"
    report = services.export_progress(ctx, out)
    assert (report.attempts, report.reviews) == (2, 2)
    assert report.events >= 6
    body = json.loads(out.read_text(encoding="utf-8"))
    assert body["format"] == "examprep-progress" and body["version"] == 4
    answers = [e for a in body["attempts"] for e in a["events"] if e["event"] == "answer"]
    assert answers and all(e["revision"] == 1 for e in answers)  # the item revision answered
    assert [e["confidence"] for e in answers].count("unsure") == 1  # how sure, when said
    events = [e["event"] for e in body["attempts"][0]["events"]]
    assert events.index("flag") + 1 == events.index("unflag")
    assert {s["key"] for s in body["settings"]} >= {"exam_date"}

    imported = services.import_progress(other, out)
    assert (imported.attempts, imported.events, imported.reviews) == (2, report.events, 2)
    assert progress_text(other) == out.read_text(encoding="utf-8")
    # the imported history is usable: the exam result reads the same on both databases
    first = services.history(ctx)[0]
    again = services.history(other)[0]
    assert (first.score, first.correct, first.total) == (again.score, again.correct, again.total)


def test_merge_adds_only_what_is_missing(
    ctx: Context, other: Context, clock: Clock, tmp_path: Path
) -> None:
    study_session(ctx, clock, seed=1)
    early = tmp_path / "early.json"
    services.export_progress(ctx, early)
    study_session(ctx, clock, seed=2)
    late = tmp_path / "late.json"
    services.export_progress(ctx, late)

    services.import_progress(other, early)
    report = services.import_progress(other, late)
    assert report.attempts == 2 and report.reviews == 2
    assert report.already_there["attempts"] == 2
    assert progress_text(other) == late.read_text(encoding="utf-8")

    again = services.import_progress(other, late)
    assert (again.attempts, again.events, again.reviews) == (0, 0, 0)
    assert progress_text(other) == late.read_text(encoding="utf-8")


def test_merge_keeps_the_other_machines_own_work(
    ctx: Context, other: Context, clock: Clock, tmp_path: Path
) -> None:
    study_session(ctx, clock, seed=1)
    out = tmp_path / "progress.json"
    services.export_progress(ctx, out)
    study_session(other, clock, seed=3)
    before = counts(other)
    services.import_progress(other, out)
    assert counts(other) == tuple(a + b for a, b in zip(before, counts(ctx), strict=True))


def test_an_unfinished_attempt_is_finished_by_a_newer_file(
    ctx: Context, other: Context, clock: Clock, tmp_path: Path
) -> None:
    exam = services.start_exam(ctx, questions=4, seed=1)
    services.answer(ctx, exam.attempt, 1, first_letters(exam, 1))
    services.export_progress(ctx, tmp_path / "open.json")
    services.submit(ctx, exam.attempt)
    services.export_progress(ctx, tmp_path / "done.json")
    services.import_progress(other, tmp_path / "open.json")
    services.import_progress(other, tmp_path / "done.json")
    assert progress_text(other) == progress_text(ctx)


def rewrite(path: Path, change: object) -> None:
    body = json.loads(path.read_text(encoding="utf-8"))
    change(body)  # type: ignore[operator]
    body["sha256"] = checksum(body)
    path.write_text(json.dumps(body, indent=2), encoding="utf-8")


@pytest.mark.parametrize(
    ("damage", "message"),
    [
        ("truncate", "truncated or corrupt"),
        ("flip", "checksum does not match"),
        ("future", "format version 5, newer than this examprep reads"),
        ("foreign", "not an examprep progress file"),
        ("naive", "attempts.0.started_at"),
        ("twice", "lists a review log twice"),
    ],
)
def test_bad_files_are_refused_and_change_nothing(
    ctx: Context, other: Context, clock: Clock, tmp_path: Path, damage: str, message: str
) -> None:
    study_session(ctx, clock, seed=1)
    path = tmp_path / "progress.json"
    services.export_progress(ctx, path)
    text = path.read_text(encoding="utf-8")
    if damage == "truncate":
        path.write_text(text[: len(text) // 2], encoding="utf-8")
    elif damage == "flip":
        path.write_text(text.replace('"rating": 3', '"rating": 4', 1), encoding="utf-8")
    elif damage == "future":
        rewrite(path, lambda b: b.update(version=5))
    elif damage == "foreign":
        path.write_text('{"hello": "world"}', encoding="utf-8")
    elif damage == "naive":
        rewrite(path, lambda b: b["attempts"][0].update(started_at="2026-11-27T09:00:00"))
    else:
        rewrite(path, lambda b: b["review_logs"].append(b["review_logs"][0]))
    before = counts(other)
    with pytest.raises(InvalidInput, match=message):
        services.import_progress(other, path)
    assert counts(other) == before


def test_a_failure_midway_rolls_back_everything(
    ctx: Context, other: Context, clock: Clock, tmp_path: Path, other_db_url: str
) -> None:
    study_session(ctx, clock, seed=1)
    path = tmp_path / "progress.json"
    services.export_progress(ctx, path)
    # someone else on the target database already owns a review log uid of the file
    stranger = open_ctx(other_db_url, tmp_path, clock, learner="stranger")
    services.grade(stranger, "question:q-002", "good")
    with stranger.transaction() as session:
        uid = session.scalars(select(ReviewLogRow.uid)).one()
    stranger.close()
    rewrite(path, lambda b: b["review_logs"][-1].update(uid=uid))
    with pytest.raises(Conflict, match="belongs to another learner"):
        services.import_progress(other, path)
    assert counts(other) == (0, 0, 1)  # attempts were written before the clash, then undone


def test_missing_file_and_empty_learner(ctx: Context, tmp_path: Path) -> None:
    with pytest.raises(NotFound, match="no progress file"):
        services.import_progress(ctx, tmp_path / "nope.json")
    empty = services.export_progress(ctx, tmp_path / "out.json")  # a new database
    assert (empty.attempts, empty.events, empty.reviews, empty.card_states) == (0, 0, 0, 0)
    assert services.import_progress(ctx, tmp_path / "out.json").attempts == 0


def test_cli_export_and_import_progress(
    settings: Settings, other_db_url: str, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("EXAMPREP_DATABASE_URL", str(settings.database_url))
    monkeypatch.setenv("EXAMPREP_PACK_PATH", str(MINI_PACK))
    assert runner.invoke(app, ["config", "exam-date", "2099-01-01"]).exit_code == 0
    out = tmp_path / "p.json"
    result = runner.invoke(app, ["export", "progress", "-o", str(out), "--json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["settings"] == 1
    monkeypatch.setenv("EXAMPREP_DATABASE_URL", other_db_url)
    result = runner.invoke(app, ["import", "progress", str(out)])
    assert result.exit_code == 0, result.output
    assert "merged 0 card states and 1 settings" in " ".join(result.output.split())
    out.write_text("{", encoding="utf-8")
    result = runner.invoke(app, ["import", "progress", str(out)])
    assert result.exit_code == 2
    assert "truncated or corrupt" in result.output


# --- backups ------------------------------------------------------------------------------


def sqlite_settings(tmp_path: Path) -> Settings:
    return Settings(
        database_url=f"sqlite:///{tmp_path / 'live' / 'examprep.sqlite3'}",
        data_dir=tmp_path / "data",
        pack_path=MINI_PACK,
    )


def rows_in(path: Path, table: str) -> int:
    with sqlite3.connect(path) as conn:
        return int(conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0])


def test_backup_copies_and_rotates(tmp_path: Path, clock: Clock) -> None:
    ctx = services.open_context(sqlite_settings(tmp_path), clock=clock)
    study_session(ctx, clock, seed=1)
    made = []
    for _ in range(3):
        made.append(services.backup_database(ctx, keep=2))
        clock.advance(hours=1)
    folder = tmp_path / "data" / "backups"
    assert sorted(p.name for p in folder.iterdir()) == [m.path.name for m in made[1:]]
    assert made[2].removed == [made[0].path]
    assert rows_in(made[2].path, "attempts") == 2
    assert rows_in(made[2].path, "review_logs") == 2
    ctx.close()


def test_backup_is_consistent_while_a_write_is_open(tmp_path: Path, clock: Clock) -> None:
    ctx = services.open_context(sqlite_settings(tmp_path), clock=clock)
    study_session(ctx, clock, seed=1)
    with ctx.transaction() as session:
        session.add(ReviewLogRow(uid="pending", learner_id=1, card_id="question:q-001",
                                 rating=3, reviewed_at=T0))  # fmt: skip
        session.flush()
        report = services.backup_database(ctx)
    assert rows_in(report.path, "review_logs") == 2  # the uncommitted row is not in the copy
    with sqlite3.connect(report.path) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    ctx.close()


def test_backup_refusals(tmp_path: Path, clock: Clock) -> None:
    postgres = Settings(database_url="postgresql+psycopg://u@127.0.0.1:9/x", data_dir=tmp_path)
    with pytest.raises(InvalidInput, match="pg_dump"):
        services.backup_database(services.open_context(postgres, clock=clock))
    fresh = services.open_context(sqlite_settings(tmp_path), clock=clock)
    with pytest.raises(NotFound, match="nothing to back up"):
        services.backup_database(fresh)
    with pytest.raises(InvalidInput, match="--keep"):
        services.backup_database(fresh, keep=0)
    corrupt = tmp_path / "live" / "examprep.sqlite3"
    corrupt.parent.mkdir(parents=True)
    corrupt.write_bytes(b"this is not a database" * 100)
    with pytest.raises(DatabaseError, match="corrupt"):
        services.backup_database(fresh)
    assert not list((tmp_path / "data" / "backups").glob("*.sqlite3"))


def test_cli_backup(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    settings = sqlite_settings(tmp_path)
    monkeypatch.setenv("EXAMPREP_DATABASE_URL", str(settings.database_url))
    monkeypatch.setenv("EXAMPREP_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("EXAMPREP_PACK_PATH", str(MINI_PACK))
    assert runner.invoke(app, ["db", "upgrade"]).exit_code == 0
    result = runner.invoke(app, ["backup", "--keep", "1", "--json"])
    assert result.exit_code == 0, result.output
    assert Path(json.loads(result.output)["path"]).is_file()
    monkeypatch.setenv("EXAMPREP_DATABASE_URL", "postgresql+psycopg://u@127.0.0.1:9/x")
    result = runner.invoke(app, ["backup"])
    assert result.exit_code == 2
    assert "pg_dump" in result.output


def test_a_version_1_file_still_imports_as_revision_1(
    ctx: Context, other: Context, clock: Clock, tmp_path: Path
) -> None:
    study_session(ctx, clock, seed=1)
    path = tmp_path / "progress.json"
    services.export_progress(ctx, path)

    def to_version_1(body: dict[str, Any]) -> None:
        body["version"] = 1
        for attempt in body["attempts"]:
            for event in attempt["events"]:
                del event["revision"]

    rewrite(path, to_version_1)
    imported = services.import_progress(other, path)
    assert imported.events > 0
    again = json.loads(progress_text(other))
    answers = [e for a in again["attempts"] for e in a["events"] if e["event"] == "answer"]
    assert again["version"] == 4 and all(e["revision"] == 1 for e in answers)
    assert services.readiness_report(other).now.responses == (
        services.readiness_report(ctx).now.responses
    )


def test_progress_files_carry_results(ctx: Context, other: Context, tmp_path: Path) -> None:
    services.record_outcome(ctx, "fail", "2026-11-01", ["S1=below"])
    path = tmp_path / "progress.json"
    assert services.export_progress(ctx, path).outcomes == 1
    body = json.loads(path.read_text(encoding="utf-8"))
    assert [(o["result"], o["exam_date"], o["section_feedback"]) for o in body["outcomes"]] == [
        ("fail", "2026-11-01", {"S1": "below"})
    ]
    assert services.import_progress(other, path).outcomes == 1
    assert services.my_outcomes(other) == services.my_outcomes(ctx)
    assert services.import_progress(other, path).outcomes == 0  # matched by uid
    assert progress_text(other) == path.read_text(encoding="utf-8")
