"""The exam CLI: the JSON protocol end to end, and a real process killed mid-exam."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from typer.testing import CliRunner

from examprep import services
from examprep.cli.app import app
from examprep.config import Settings

from .conftest import MINI_PACK

runner = CliRunner()


@pytest.fixture
def cli_env(settings: Settings, monkeypatch: pytest.MonkeyPatch) -> Settings:
    assert settings.database_url is not None
    monkeypatch.setenv("EXAMPREP_DATABASE_URL", settings.database_url)
    monkeypatch.setenv("EXAMPREP_PACK_PATH", str(MINI_PACK))
    return settings


def keys_for(question: dict[str, object]) -> str:
    from examprep.content.loader import load_pack

    pack_question = load_pack(MINI_PACK).question(str(question["id"]))
    texts = {o.text for o in pack_question.options if o.correct}
    return ",".join(o["key"] for o in question["options"] if o["text"] in texts)  # type: ignore[attr-defined, index, union-attr]


def invoke(*args: str) -> tuple[int, str]:
    result = runner.invoke(app, list(args))
    return result.exit_code, result.output


def test_json_protocol_end_to_end(cli_env: Settings) -> None:
    code, out = invoke("exam", "start", "--json", "--questions", "5", "--seed", "21")
    assert code == 0, out
    started = json.loads(out)
    assert set(started) >= {"attempt", "deadline", "questions"}
    attempt = started["attempt"]
    questions = started["questions"]
    assert [q["position"] for q in questions] == [1, 2, 3, 4, 5]
    first = questions[0]
    assert set(first) >= {"position", "id", "section", "kind", "choose", "stem", "options"}
    assert first["kind"] in {"single", "multi"} and [o["key"] for o in first["options"]] == list(
        "ABCD"
    )
    for q in questions[:3]:
        code, out = invoke("exam", "answer", str(attempt), str(q["position"]), keys_for(q))
        assert code == 0, out
    assert invoke("exam", "flag", str(attempt), "4")[0] == 0
    code, out = invoke("exam", "show", str(attempt), "--json")
    shown = json.loads(out)
    assert shown["flags"] == [4] and set(shown["answers"]) == {"1", "2", "3"}
    code, out = invoke("exam", "submit", str(attempt), "--json")
    assert code == 0, out
    result = json.loads(out)
    assert (result["attempt"], result["correct"], result["total"]) == (attempt, 3, 5)
    assert result["score"] == 0.6
    assert set(result["sections"]) == {"S1", "S2"}
    assert all(set(v) >= {"correct", "total"} for v in result["sections"].values())
    assert [q["correct"] for q in result["questions"]] == [True, True, True, False, False]
    assert all(
        set(q) >= {"position", "id", "chosen", "key", "correct"} for q in result["questions"]
    )
    code, out = invoke("review", str(attempt), "--json", "--wrong")
    assert code == 0 and [q["position"] for q in json.loads(out)["questions"]] == [4, 5]
    code, out = invoke("history", "--json")
    assert json.loads(out)[0]["correct"] == 3


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["exam", "answer", "999", "1", "A"], "no attempt 999"),
        (["exam", "answer", "1", "99", "A"], "out of range"),
        (["exam", "answer", "1", "1", "Q"], "is not an option"),
        (["exam", "flag", "1", "0"], "out of range"),
        (["exam", "submit", "42"], "no attempt 42"),
        (["exam", "answer", "one", "1", "A"], "Invalid value"),
        (["exam", "start", "--questions", "40"], "too small for 40 questions"),
        (["review", "77"], "no attempt 77"),
    ],
)
def test_protocol_errors_exit_2(cli_env: Settings, args: list[str], message: str) -> None:
    assert invoke("exam", "start", "--json", "--seed", "1")[0] == 0
    code, out = invoke(*args)
    assert code == 2
    assert message in out
    assert "Traceback" not in out


def test_review_without_attempts(cli_env: Settings) -> None:
    code, out = invoke("review")
    assert code == 2 and "no finished attempt yet" in out


def test_history_text(cli_env: Settings) -> None:
    assert "No attempts yet" in invoke("history")[1]
    attempt = json.loads(invoke("exam", "start", "--json", "--seed", "2")[1])["attempt"]
    invoke("exam", "submit", str(attempt))
    code, out = invoke("history")
    assert code == 0 and "exam" in out and "0/6" in out


def wait_for(
    check: Callable[[], bool], what: str, proc: subprocess.Popen[str], timeout: float = 60.0
) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            stderr = proc.stderr.read() if proc.stderr else ""
            raise AssertionError(f"the exam process exited ({proc.returncode}): {stderr}")
        if check():
            return
        time.sleep(0.05)
    raise AssertionError(f"timed out waiting for {what}")


@pytest.mark.slow
def test_killed_process_loses_nothing(tmp_path: Path) -> None:
    """Answer in a real interactive exam, kill -9 it, resume in a new process, submit."""
    db = tmp_path / "crash.sqlite3"
    env = {
        **os.environ,
        "EXAMPREP_DATABASE_URL": f"sqlite:///{db}",
        "EXAMPREP_PACK_PATH": str(MINI_PACK),
        "COLUMNS": "80",
    }
    settings = Settings(database_url=f"sqlite:///{db}", pack_path=MINI_PACK)
    command = [sys.executable, "-m", "examprep", "exam", "--questions", "6", "--seed", "9"]
    proc = subprocess.Popen(
        command,
        stdin=subprocess.PIPE,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        env=env,
        text=True,
    )
    assert proc.stdin is not None
    try:

        def view():  # type: ignore[no-untyped-def]
            ctx = services.open_context(settings)
            try:
                return services.resumable_exam(ctx)
            finally:
                ctx.close()

        wait_for(lambda: db.exists() and view() is not None, "the exam to start", proc)
        started = view()
        for position in (1, 2, 3):
            question = started.questions[position - 1]
            proc.stdin.write(keys_for(question.to_json()) + "\n")
            proc.stdin.flush()
            wait_for(lambda p=position: p in view().answers, f"answer {position} to be saved", proc)
        proc.stdin.write("f\n")
        proc.stdin.flush()
        wait_for(lambda: 4 in view().flags, "the flag to be saved", proc)
        before = view()
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(timeout=10)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait(timeout=10)
        proc.stdin.close()
        assert proc.stderr is not None
        proc.stderr.close()
    after = view()
    assert after.attempt == started.attempt
    assert after.answers == before.answers and set(after.answers) == {1, 2, 3}
    assert after.flags == frozenset({4})
    assert after.deadline == started.deadline
    resumed = subprocess.run(
        [sys.executable, "-m", "examprep", "exam", "--resume"],
        input="s\ny\n",
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
    )
    assert resumed.returncode == 0, resumed.stderr
    assert f"Attempt {started.attempt}: 3/6 correct" in resumed.stdout
