"""`examprep serve`: binds loopback, refuses other addresses, builds the app from the settings."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from examprep.cli import serve as serve_module
from examprep.cli.app import app

from .conftest import MINI_PACK

runner = CliRunner()


class FakeRun:
    def __init__(self) -> None:
        self.calls: list[tuple[tuple[Any, ...], dict[str, Any]]] = []

    def __call__(self, *args: Any, **kwargs: Any) -> None:
        self.calls.append((args, kwargs))


@pytest.fixture
def fake_run(monkeypatch: pytest.MonkeyPatch) -> FakeRun:
    import uvicorn

    fake = FakeRun()
    monkeypatch.setattr(uvicorn, "run", fake)
    return fake


def test_serve_binds_loopback_by_default(fake_run: FakeRun) -> None:
    result = runner.invoke(app, ["serve"])
    assert result.exit_code == 0, result.output
    assert "http://127.0.0.1:8000/" in result.output
    [(args, kwargs)] = fake_run.calls
    assert args == (serve_module.APP_FACTORY,)
    assert kwargs["factory"] is True and kwargs["host"] == "127.0.0.1" and kwargs["port"] == 8000


def test_serve_opens_the_browser_when_asked(
    fake_run: FakeRun, monkeypatch: pytest.MonkeyPatch
) -> None:
    scheduled: list[tuple[float, Any, tuple[str, ...]]] = []

    class FakeTimer:
        def __init__(self, delay: float, fn: Any, args: tuple[str, ...]) -> None:
            scheduled.append((delay, fn, args))

        def start(self) -> None:
            pass

    import threading
    import webbrowser

    monkeypatch.setattr(threading, "Timer", FakeTimer)
    result = runner.invoke(app, ["serve", "--port", "8123", "--open"])
    assert result.exit_code == 0, result.output
    assert scheduled == [
        (serve_module.OPEN_DELAY_SECONDS, webbrowser.open, ("http://127.0.0.1:8123/",))
    ]


@pytest.mark.parametrize("host", ["0.0.0.0", "192.168.1.5", "example.org", "::"])
def test_serve_refuses_other_addresses_without_a_secret_key(fake_run: FakeRun, host: str) -> None:
    result = runner.invoke(app, ["serve", "--host", host])
    assert result.exit_code == 2
    assert "EXAMPREP_SECRET_KEY" in result.output
    assert fake_run.calls == []


def test_serve_with_a_secret_key_starts_team_mode(
    fake_run: FakeRun, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("EXAMPREP_SECRET_KEY", "k" * 32)
    monkeypatch.setenv("EXAMPREP_PACK_PATH", str(MINI_PACK))
    result = runner.invoke(app, ["serve", "--host", "0.0.0.0"])
    assert result.exit_code == 0, result.output
    assert "team mode: 0 account(s) can sign in" in result.output
    assert "examprep user add NAME" in result.output
    [(_, kwargs)] = fake_run.calls
    assert kwargs["host"] == "0.0.0.0"


def test_serve_refuses_a_missing_pack_before_starting(
    fake_run: FakeRun, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("EXAMPREP_PACK_PATH", str(tmp_path / "nowhere"))
    result = runner.invoke(app, ["serve"])
    assert result.exit_code == 2
    assert "error:" in result.output and "Traceback" not in result.output
    assert fake_run.calls == []


@pytest.mark.parametrize("port", ["0", "70000", "http"])
def test_serve_refuses_a_bad_port(fake_run: FakeRun, port: str) -> None:
    assert runner.invoke(app, ["serve", "--port", port]).exit_code == 2
    assert fake_run.calls == []


@pytest.mark.parametrize(
    ("host", "loopback"),
    [
        ("127.0.0.1", True),
        ("127.1.2.3", True),
        ("localhost", True),
        ("::1", True),
        ("[::1]", True),
        ("0.0.0.0", False),
        ("10.0.0.1", False),
        ("myhost", False),
    ],
)
def test_is_loopback(host: str, loopback: bool) -> None:
    assert serve_module.is_loopback(host) is loopback


def test_the_app_factory_reads_the_environment(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    from fastapi.testclient import TestClient

    from examprep.web.app import app_from_environment

    monkeypatch.setenv("EXAMPREP_PACK_PATH", str(MINI_PACK))
    monkeypatch.setenv("EXAMPREP_LEARNER", "ada")
    monkeypatch.setenv("EXAMPREP_DATABASE_URL", f"sqlite:///{tmp_path / 'serve.sqlite3'}")
    with TestClient(app_from_environment(), base_url="http://127.0.0.1") as client:
        page = client.get("/")
    assert page.status_code == 200
    assert "ada · Mini Certification" in page.text
    assert (tmp_path / "serve.sqlite3").exists()


def test_importing_the_web_app_builds_nothing(tmp_path: Path) -> None:
    import os
    import subprocess
    import sys

    code = "import examprep.web.app as m; print(hasattr(m, 'app'))"
    env = {**os.environ, "EXAMPREP_DATA_DIR": str(tmp_path / "data")}
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, env=env
    )
    assert out.stdout.split() == ["False"]
    assert not (tmp_path / "data").exists()  # no database opened, no pack cache written


def test_serve_passes_workers_through(fake_run: FakeRun) -> None:
    assert runner.invoke(app, ["serve"]).exit_code == 0
    assert runner.invoke(app, ["serve", "--workers", "3"]).exit_code == 0
    assert [kwargs["workers"] for _, kwargs in fake_run.calls] == [1, 3]
    refused = runner.invoke(app, ["serve", "--workers", "0"])
    assert refused.exit_code == 2 and "--workers" in refused.output


@pytest.mark.parametrize("key", ["", "k", "k" * 31, "é" * 15])  # "é" is 2 bytes: 30 in all
@pytest.mark.parametrize("host", ["0.0.0.0", "127.0.0.1"])
def test_serve_refuses_a_short_or_empty_secret_key(
    fake_run: FakeRun, monkeypatch: pytest.MonkeyPatch, key: str, host: str
) -> None:
    """A set key always means team mode: an empty one never falls back to local mode."""
    monkeypatch.setenv("EXAMPREP_SECRET_KEY", key)
    monkeypatch.setenv("EXAMPREP_PACK_PATH", str(MINI_PACK))
    result = runner.invoke(app, ["serve", "--host", host])
    assert result.exit_code == 2
    [line] = result.output.strip().splitlines()
    assert line.startswith("error: EXAMPREP_SECRET_KEY has") and "at least 32" in line
    assert "team mode:" not in result.output and fake_run.calls == []


def test_the_app_refuses_a_short_secret_key_however_it_is_started(tmp_path: Path) -> None:
    from pydantic import SecretStr

    from examprep.config import Settings
    from examprep.errors import InvalidInput
    from examprep.web.app import create_app

    for key in ("", "short"):
        settings = Settings(data_dir=tmp_path, pack_path=MINI_PACK, secret_key=SecretStr(key))
        with pytest.raises(InvalidInput, match="at least 32"):
            create_app(settings)
