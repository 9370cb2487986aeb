"""The CLI through Typer's CliRunner: help everywhere, exit codes, JSON shapes, clear errors."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.main import get_command
from typer.testing import CliRunner

from examprep import __version__
from examprep.cli.app import app
from examprep.config import Settings
from examprep.store.database import head_revision

from .conftest import MINI_PACK

runner = CliRunner()


def command_paths() -> list[list[str]]:
    """Every command and group of the app, as argument lists."""
    root = get_command(app)
    paths: list[list[str]] = [[]]

    def walk(cmd: object, prefix: list[str]) -> None:
        commands = getattr(cmd, "commands", None)
        if commands:
            for name, sub in commands.items():
                paths.append([*prefix, name])
                walk(sub, [*prefix, name])

    walk(root, [])
    return paths


@pytest.mark.parametrize("path", command_paths(), ids=lambda p: " ".join(p) or "root")
def test_every_command_has_help(path: list[str]) -> None:
    result = runner.invoke(app, [*path, "--help"])
    assert result.exit_code == 0, result.output
    assert "Usage:" in result.output
    assert "<bool>" not in result.output  # a flag takes no value


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["bogus"], "error: No such command 'bogus'. See 'examprep --help'."),
        (["exam", "bogus"], "error: No such command 'bogus'. See 'examprep exam --help'."),
        (["search"], "error: Missing argument 'query'. See 'examprep search --help'."),
    ],
)
def test_a_usage_mistake_is_one_line(
    args: list[str], expected: str, capsys: pytest.CaptureFixture[str]
) -> None:
    from examprep.cli import run

    assert run(args) == 2
    captured = capsys.readouterr()
    assert captured.err == expected + "\n"
    assert captured.out == ""


def test_piped_output_is_not_wrapped_mid_sentence(capsys: pytest.CaptureFixture[str]) -> None:
    from examprep.cli import run

    name = "a-plot-file-with-a-long-descriptive-name-for-the-weekly-report-" * 2 + ".txt"
    assert run(["readiness", "--plot", name]) == 2
    lines = capsys.readouterr().err.splitlines()
    assert lines == [f"error: --plot wants a .png or .svg file, not {name}"]


def test_command_list_is_complete() -> None:
    names = {" ".join(p) for p in command_paths()}
    assert {
        "pack check",
        "pack stats",
        "db upgrade",
        "exam start",
        "exam answer",
        "exam flag",
        "exam submit",
        "practice",
        "review",
        "history",
    } <= names


def test_version() -> None:
    result = runner.invoke(app, ["--version"])
    assert result.exit_code == 0
    assert result.output.strip() == f"examprep {__version__}"


def test_unknown_option_is_a_usage_error() -> None:
    result = runner.invoke(app, ["pack", "check", "--frobnicate"])
    assert result.exit_code == 2
    assert "No such option" in result.output


def test_pack_check_ok() -> None:
    result = runner.invoke(app, ["pack", "check", str(MINI_PACK), "--strict"])
    assert result.exit_code == 0, result.output
    assert "0 error(s), 0 warning(s)" in result.output


def test_pack_check_missing_path(tmp_path: Path) -> None:
    result = runner.invoke(app, ["pack", "check", str(tmp_path / "nowhere")])
    assert result.exit_code == 2
    assert "pack not found" in result.output
    assert "Traceback" not in result.output


def test_pack_check_lists_problems_and_fails(tmp_path: Path) -> None:
    root = tmp_path / "p"
    (root / "questions").mkdir(parents=True)
    (root / "pack.yaml").write_text((MINI_PACK / "pack.yaml").read_text())
    (root / "questions" / "x.yaml").write_text("questions:\n  - id: q-1\n    stem: [oops\n")
    result = runner.invoke(app, ["pack", "check", str(root)])
    assert result.exit_code == 1
    assert f"{root / 'questions' / 'x.yaml'}:4: file: malformed YAML" in result.output
    assert "1 error(s)" in result.output


def test_pack_check_strict_turns_warnings_into_errors(tmp_path: Path) -> None:
    root = tmp_path / "p"
    (root / "questions").mkdir(parents=True)
    (root / "pack.yaml").write_text((MINI_PACK / "pack.yaml").read_text())
    bank = (MINI_PACK / "questions" / "bank.yaml").read_text()
    (root / "questions" / "bank.yaml").write_text(bank.replace("  verified: '2026-01-02'\n", "", 1))
    assert runner.invoke(app, ["pack", "check", str(root)]).exit_code == 0
    strict = runner.invoke(app, ["pack", "check", str(root), "--strict"])
    assert strict.exit_code == 1
    assert "verified: no verified date (error)" in strict.output


def test_pack_stats_json_shape() -> None:
    result = runner.invoke(app, ["pack", "stats", str(MINI_PACK), "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["pack"] == {"id": "mini", "title": "Mini Certification", "guide_date": "2026-01-01"}
    totals = data["totals"]
    for key in (
        "notes",
        "cards",
        "questions",
        "questions_reviewed",
        "questions_multi",
        "questions_genai",
        "tables",
        "advisor_leaves",
    ):
        assert isinstance(totals[key], int)
    assert totals["questions"] == 12 and totals["questions_multi"] == 2
    assert set(data["answer_keys"]) == {"A", "B", "C", "D"}
    assert sum(data["answer_keys"].values()) == 14
    s1 = data["sections"][0]
    assert data["sections"][1]["questions"] == 6
    assert (s1["id"], s1["weight"], s1["questions"]) == ("S1", 60, 6)
    bullet = s1["subsections"][0]["bullets"][0]
    assert set(bullet) >= {"id", "notes", "cards", "questions", "questions_reviewed"}
    assert bullet["id"] == "S1.1.a" and bullet["questions"] == 3


def test_bundled_pack_stats_outline() -> None:
    result = runner.invoke(app, ["pack", "stats", "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["pack"]["guide_date"] == "2026-06-01"
    assert [(s["id"], s["weight"]) for s in data["sections"]] == [
        ("S1", 13),
        ("S2", 16),
        ("S3", 21),
        ("S4", 20),
        ("S5", 18),
        ("S6", 13),
    ]
    assert sum(len(s["subsections"]) for s in data["sections"]) == 14
    bullets = [b for s in data["sections"] for sub in s["subsections"] for b in sub["bullets"]]
    assert len(bullets) == 52
    assert [len([b for b in bullets if b["id"].startswith(f"S{i}.")]) for i in range(1, 7)] == [
        9,
        10,
        12,
        10,
        5,
        6,
    ]


def test_pack_stats_text() -> None:
    result = runner.invoke(app, ["pack", "stats", str(MINI_PACK)])
    assert result.exit_code == 0
    assert "12 questions" in result.output and "S2.1.b" in result.output


def test_db_upgrade_creates_then_reports(
    settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert settings.database_url is not None
    monkeypatch.setenv("EXAMPREP_DATABASE_URL", settings.database_url)
    first = runner.invoke(app, ["db", "upgrade"])
    assert first.exit_code == 0, first.output
    head = head_revision()
    assert f"schema empty -> {head}" in first.output
    second = runner.invoke(app, ["db", "upgrade"])
    assert f"already at schema {head}" in second.output


def test_db_upgrade_bad_url(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("EXAMPREP_DATABASE_URL", "nonsense://")
    result = runner.invoke(app, ["db", "upgrade"])
    assert result.exit_code == 2
    assert "error:" in result.output and "Traceback" not in result.output


def test_corrupt_database_is_a_clear_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    db = tmp_path / "bad.sqlite3"
    db.write_bytes(b"garbage" * 1000)
    monkeypatch.setenv("EXAMPREP_DATABASE_URL", f"sqlite:///{db}")
    monkeypatch.setenv("EXAMPREP_PACK_PATH", str(MINI_PACK))
    result = runner.invoke(app, [])
    assert result.exit_code == 2
    assert "corrupt or not an SQLite database" in result.output
    assert db.read_bytes() == b"garbage" * 1000


def test_overview_on_first_run_creates_the_database(tmp_path: Path) -> None:
    result = runner.invoke(app, [])
    assert result.exit_code == 0, result.output
    assert "Google Cloud Professional Machine Learning Engineer" in result.output
    assert (tmp_path / "data" / "examprep.sqlite3").exists()
    assert "You have not answered anything yet" in result.output


def test_messages_with_brackets_are_not_eaten_as_markup(tmp_path: Path) -> None:
    root = tmp_path / "p"
    (root / "questions").mkdir(parents=True)
    (root / "pack.yaml").write_text((MINI_PACK / "pack.yaml").read_text())
    (root / "questions" / "x.yaml").write_text("questions:\n  - id: Bad_Id\n")
    result = runner.invoke(app, ["pack", "check", str(root)])
    assert "String should match pattern '^[a-z0-9][a-z0-9-]*$'" in result.output


def test_malformed_pack_setting_is_a_clear_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = tmp_path / "p"
    root.mkdir()
    (root / "pack.yaml").write_text("id: [\n")
    monkeypatch.setenv("EXAMPREP_PACK_PATH", str(root))
    result = runner.invoke(app, [])
    assert result.exit_code == 2
    assert "pack.yaml:" in result.output and "malformed YAML" in result.output


def test_adaptive_questions_do_not_claim_a_length() -> None:
    # The placement test picks each question after the last answer: "Question 3/3" was wrong.
    # Alternate single and "Choose two" replies (each with no confidence given): a rejected
    # reply is asked again.
    result = runner.invoke(app, ["diagnose"], input="A\n\nA,B\n\n" * 6 + "q\n")
    assert result.exit_code == 0, result.output
    assert "Question 3 · " in result.output
    assert "Question 3/3" not in result.output and "answered 2/3" not in result.output
