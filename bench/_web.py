"""Shared pieces of the browser benchmarks: a seeded learner database, `examprep serve` from a
chosen source tree, and the system Chromium through Playwright.

The database is seeded (a finished mock exam, an exam in progress, a practice session) by the
tree under test, with its own services and pack, so every page has something to show; the
server may run from another source tree (`--baseline`, e.g. a `git archive` of an earlier main).
"""

from __future__ import annotations

import contextlib
import json
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import _common as C
import httpx

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless=new", "--no-sandbox", "--disable-gpu", "--no-first-run"]
DESKTOP = {"width": 1280, "height": 800}
PHONE = {"width": 390, "height": 844}


@dataclass(frozen=True)
class Seeded:
    """What the seeded database holds: the ids the pages need."""

    finished_exam: int
    open_exam: int
    practice: int


def environment(workdir: Path, src: Path) -> dict[str, str]:
    """EXAMPREP_* settings for a fresh SQLite file in `workdir`, running `src` as installed."""
    env = C.program_env(src)
    env["EXAMPREP_DATABASE_URL"] = f"sqlite:///{workdir / 'bench.sqlite3'}"
    env["EXAMPREP_DATA_DIR"] = str(workdir / "data")
    return env


def seed(env: dict[str, str], seed_value: int = 7) -> Seeded:
    """Seed the database `env` names with the tree on its PYTHONPATH (see _seed.py)."""
    done = subprocess.run(
        [sys.executable, str(Path(__file__).with_name("_seed.py")), str(seed_value)],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    return Seeded(**json.loads(done.stdout))


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextlib.contextmanager
def serve(env: dict[str, str], log: Path, port: int | None = None) -> Iterator[str]:
    """`examprep serve` until the block ends; yields its URL once it answers."""
    port = port or free_port()
    url = f"http://127.0.0.1:{port}/"
    with log.open("wb") as out:
        process = start_server(env, port, out)
        try:
            wait_for(url, process)
            yield url
        finally:
            stop(process)


def start_server(env: dict[str, str], port: int, out: object) -> subprocess.Popen[bytes]:
    command = [sys.executable, "-m", "examprep", "serve", "--host", "127.0.0.1"]
    return subprocess.Popen(
        [*command, "--port", str(port)],
        env=env,
        stdout=out,  # type: ignore[arg-type]
        stderr=subprocess.STDOUT,
    )


def wait_for(url: str, process: subprocess.Popen[bytes], seconds: float = 60.0) -> float:
    """Seconds until `url` answers 200 (polled every 10 ms)."""
    t0 = time.perf_counter()
    while time.perf_counter() - t0 < seconds:
        if process.poll() is not None:
            raise RuntimeError("examprep serve exited early")
        try:
            if httpx.get(url, timeout=5.0).status_code == 200:
                return time.perf_counter() - t0
        except httpx.TransportError:
            pass
        time.sleep(0.01)
    raise RuntimeError(f"{url} did not answer within {seconds} s")


def stop(process: subprocess.Popen[bytes]) -> None:
    process.terminate()
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()
