"""Reported exam results: recording, bad input, the fitted bank-to-exam link, export, cohort."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

import examprep
from examprep import services
from examprep.cli.app import app
from examprep.config import Settings
from examprep.errors import InvalidInput
from examprep.services import Context
from examprep.services.model import ReportedResult, fit_offset

from .conftest import MINI_PACK, Clock
from .test_cohort import answer_all, learner

runner = CliRunner()
ITEMS = [f"q-{i:03d}" for i in range(1, 13)]
EXAM_DAY = dt.date(2026, 11, 20)


def class_log(tmp_path: Path, learners: int = 30) -> tuple[Path, Path]:
    """A response log (everyone answers all 12 items the week before the exam) and results.

    Learner i gets about i / learners of them right; the stronger half passes, with two
    surprises either way so the results do not separate perfectly.
    """
    log = ["learner,item,correct,answered_at"]
    results = ["learner,result,exam_date"]
    for i in range(learners):
        right = round(12 * (i + 0.5) / learners)
        for k, item in enumerate(ITEMS):
            log.append(f"l{i},{item},{int(k < right)},2026-11-1{3 + k % 5}T10:00:00Z")
        passed = (i >= learners // 2) != (i in (learners // 2 - 1, learners // 2 + 1))
        results.append(f"l{i},{'pass' if passed else 'fail'},{EXAM_DAY}")
    (tmp_path / "log.csv").write_text("\n".join(log) + "\n", encoding="utf-8")
    (tmp_path / "outcomes.csv").write_text("\n".join(results) + "\n", encoding="utf-8")
    return tmp_path / "log.csv", tmp_path / "outcomes.csv"


def test_recording_and_listing_results(ctx: Context) -> None:
    assert services.my_outcomes(ctx) == []
    services.record_outcome(ctx, "fail", "2026-11-01", ["S1=below, S2=above"])
    listed = services.record_outcome(ctx, "PASS", dt.date(2026, 11, 25))
    assert [(o.result, o.exam_date.isoformat()) for o in listed] == [
        ("fail", "2026-11-01"),
        ("pass", "2026-11-25"),
    ]
    assert listed[0].section_feedback == {"S1": "below", "S2": "above"}
    # A second result for the same day corrects the first (the table stays append-only).
    services.record_outcome(ctx, "pass", "2026-11-01")
    assert [o.result for o in services.my_outcomes(ctx)] == ["pass", "pass"]


@pytest.mark.parametrize(
    ("result", "day", "feedback", "message"),
    [
        ("pased", "2026-11-01", [], "result: result must be pass or fail, got 'pased'"),
        ("pass", "01/11/2026", [], "--date: exam date must be YYYY-MM-DD, got '01/11/2026'"),
        ("pass", "2026-12-01", [], "exam date 2026-12-01 is in the future (today is 2026-11-27)"),
        ("fail", "2026-11-01", ["S9=below"], "unknown section 'S9' (the pack has S1, S2)"),
        ("fail", "2026-11-01", ["S1"], "section feedback must be SECTION=words, got 'S1'"),
    ],
)
def test_bad_results_are_refused_with_what_and_where(
    ctx: Context, result: str, day: str, feedback: list[str], message: str
) -> None:
    with pytest.raises(InvalidInput) as caught:
        services.record_outcome(ctx, result, day, feedback)
    assert message in str(caught.value)
    assert services.my_outcomes(ctx) == []


def test_calibrate_with_outcomes_fits_and_stores_the_link(ctx: Context, tmp_path: Path) -> None:
    log, outcomes = class_log(tmp_path)
    before = services.readiness_report(learner(ctx, "l20")).now
    assert "no reported exam results fitted yet" in before.assumes
    imported = services.import_responses(ctx, log, outcomes=outcomes)
    assert (imported.imported, imported.outcomes) == (360, 30)
    plain = services.calibrate_bank(ctx)
    assert plain.exam_offset is None
    report = services.calibrate_bank(ctx, outcomes=True)
    fit = report.exam_offset
    assert fit is not None and (fit.outcomes, fit.passed) == (30, 15)
    assert 0 < fit.se < 1.5 and -3 < fit.mean < 3
    now = services.readiness_report(learner(ctx, "l20")).now
    assert now.exam_offset.mean == pytest.approx(fit.mean) and now.exam_offset.sd == fit.se
    assert "fitted from 30 reported exam results" in now.assumes


def test_the_fit_uses_only_answers_given_before_the_exam() -> None:
    pack = examprep.load_pack(MINI_PACK)
    log: list[tuple[str, str, bool, dt.datetime]] = []
    outcomes = []
    for i in range(30):
        right = round(12 * (i + 0.5) / 30)
        for k, item in enumerate(ITEMS):
            log.append((f"l{i}", item, k < right, dt.datetime(2026, 11, 13 + k % 5, tzinfo=dt.UTC)))
        passed = (i >= 15) != (i in (14, 16))
        outcomes.append((f"l{i}", "pass" if passed else "fail", "2026-11-20"))
    today = dt.date(2026, 11, 27)
    calibrated = examprep.calibrate(pack, log, outcomes=outcomes, today=today)
    assert calibrated.exam_offset is not None and calibrated.exam_offset.outcomes == 30
    assert examprep.calibrate(pack, log, today=today).exam_offset is None
    # Everyone right on the exam day and after it: with the same item parameters, the link
    # fitted with those answers in the log is the link fitted without them.
    later = [
        (f"l{i}", item, True, dt.datetime(2026, 11, 20 + d, 12, tzinfo=dt.UTC))
        for i in range(30)
        for item in ITEMS
        for d in range(2)
    ]

    def results(rows: list[tuple[str, str, bool, dt.datetime]]) -> list[ReportedResult]:
        return [
            ReportedResult(o[1] == "pass", EXAM_DAY, [(*r[1:], None) for r in rows if r[0] == o[0]])
            for o in outcomes
        ]

    params = calibrated.params
    with_later = fit_offset(pack, results(log + later), params)
    assert with_later == fit_offset(pack, results(log), params)
    assert with_later.mean == pytest.approx(calibrated.exam_offset.mean)


def test_bad_outcome_files_name_the_file_and_line(ctx: Context, tmp_path: Path) -> None:
    log, _ = class_log(tmp_path, learners=2)
    bad = tmp_path / "bad.csv"
    bad.write_text(
        "learner,result,exam_date\nl0,pass,2026-11-20\nl1,maybe,2026-11-20\n"
        ",fail,2026-11-20\nl1,fail,20-11-2026\nl1,fail,2027-01-01\n",
        encoding="utf-8",
    )
    with pytest.raises(InvalidInput) as caught:
        services.import_responses(ctx, log, outcomes=bad)
    message = str(caught.value)
    assert "4 invalid outcome row(s); nothing was imported" in message
    assert f"{bad}:3: result must be pass or fail, got 'maybe'" in message
    assert f"{bad}:4: missing learner" in message
    assert f"{bad}:5: exam date must be YYYY-MM-DD, got '20-11-2026'" in message
    assert f"{bad}:6: exam date 2027-01-01 is in the future" in message
    assert services.calibrate_bank(ctx).responses == 0  # the response log was not imported


def test_a_fit_needs_passes_and_fails(ctx: Context, tmp_path: Path) -> None:
    log, _ = class_log(tmp_path, learners=4)
    everyone = tmp_path / "all.jsonl"
    everyone.write_text(
        "".join(
            json.dumps({"learner": f"l{i}", "result": "pass", "exam_date": "2026-11-20"}) + "\n"
            for i in range(4)
        ),
        encoding="utf-8",
    )
    services.import_responses(ctx, log, outcomes=everyone)
    with pytest.raises(InvalidInput, match="all 4 reported results are 'passed'"):
        services.calibrate_bank(ctx, outcomes=True)


def test_the_instructor_sees_reported_results(ctx: Context) -> None:
    answer_all(learner(ctx, "ada"), set(ITEMS[:8]))
    services.record_outcome(learner(ctx, "ada"), "pass", "2026-11-25", ["S2=above"])
    services.record_outcome(learner(ctx, "bob"), "fail", "2026-11-24")  # no answers here
    services.add_user(ctx, "ivy", "a long enough password", role="instructor")
    cohort = services.cohort(learner(ctx, "ivy"))
    seen = {s.name: [(o.result, o.exam_date, o.section_feedback) for o in s.outcomes]
            for s in cohort.learners}  # fmt: skip
    assert seen["ada"] == [("pass", dt.date(2026, 11, 25), {"S2": "above"})]
    assert seen["bob"] == [("fail", dt.date(2026, 11, 24), {})]
    assert "as hard as this bank" in cohort.assumes


@pytest.fixture
def cli_env(settings: Settings, monkeypatch: pytest.MonkeyPatch, clock: Clock) -> Settings:
    assert settings.database_url is not None
    monkeypatch.setenv("EXAMPREP_DATABASE_URL", settings.database_url)
    monkeypatch.setenv("EXAMPREP_PACK_PATH", str(MINI_PACK))
    return settings


def test_the_outcome_command_stores_and_shows(cli_env: Settings) -> None:
    day = (dt.datetime.now(dt.UTC).date() - dt.timedelta(days=3)).isoformat()
    recorded = runner.invoke(
        app, ["outcome", "pass", "--date", day, "--section-feedback", "S1=near"]
    )
    assert recorded.exit_code == 0, recorded.output
    assert f"Recorded: pass on {day}" in recorded.output
    listed = runner.invoke(app, ["outcome", "--json"])
    assert json.loads(listed.output)[0] | {"recorded_at": None} == {
        "result": "pass", "exam_date": day, "section_feedback": {"S1": "near"}, "recorded_at": None
    }  # fmt: skip
    bad = runner.invoke(app, ["outcome", "passed-ish", "--date", day])
    assert bad.exit_code != 0 and "result must be pass or fail, got 'passed-ish'" in bad.output
    future = runner.invoke(app, ["outcome", "fail", "--date", "2999-01-01"])
    assert future.exit_code != 0 and "exam date 2999-01-01 is in the future" in future.output
    missing = runner.invoke(app, ["outcome", "fail"])
    assert missing.exit_code != 0 and "--date" in missing.output
    readiness = json.loads(runner.invoke(app, ["readiness", "--json"]).output)
    assert readiness["assumes"].startswith("Assumes the real exam is as hard as this bank")
    assert readiness["exam_offset"] == {
        "mean": 0.0,
        "sd": 0.0,
        "outcomes": 0,
        "source": "pack prior",
    }


def test_calibrate_outcomes_on_the_cli(cli_env: Settings, tmp_path: Path) -> None:
    log, outcomes = class_log(tmp_path)
    imported = runner.invoke(app, ["import", "responses", str(log), "--outcomes", str(outcomes)])
    assert "Imported 30 exam results." in imported.output, imported.output
    fitted = runner.invoke(app, ["calibrate", "--outcomes", "--json"])
    assert fitted.exit_code == 0, fitted.output
    offset = json.loads(fitted.output)["exam_offset"]
    assert offset["outcomes"] == 30 and offset["passed"] == 15 and offset["se"] > 0
    text = runner.invoke(app, ["calibrate", "--outcomes"]).output
    assert "from 30 reported results (15 passed)" in text
