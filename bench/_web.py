"""Shared pieces of the browser benchmarks: a seeded learner database, `examprep serve` from a
chosen source tree, and the system Chromium through Playwright.

The database is seeded through this tree's services (a finished mock exam, an exam in progress,
a practice session), so every page has something to show; the server under test may run from
another source tree (`--baseline`, e.g. a `git archive` of the previous release).
"""

from __future__ import annotations

import contextlib
import os
import random
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

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
    """EXAMPREP_* settings for a fresh SQLite file in `workdir`, with `src` first on the path."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("EXAMPREP_")}
    env["EXAMPREP_DATABASE_URL"] = f"sqlite:///{workdir / 'bench.sqlite3'}"
    env["EXAMPREP_DATA_DIR"] = str(workdir / "data")
    env["PYTHONPATH"] = str(src)
    return env


def seed(workdir: Path, seed_value: int = 7) -> Seeded:
    """A learner with a finished exam, an exam in progress and a practice session."""
    from examprep import services
    from examprep.config import Settings

    settings = Settings(
        database_url=f"sqlite:///{workdir / 'bench.sqlite3'}",  # type: ignore[call-arg]
        data_dir=workdir / "data",  # type: ignore[call-arg]
    )
    rng = random.Random(seed_value)
    ctx = services.open_context(settings)
    try:
        done = services.start_exam(ctx, questions=20, seed=seed_value)
        for q in done.questions:
            letters = [o.key for o in q.options]
            services.answer(ctx, done.attempt, q.position, ",".join(rng.sample(letters, q.choose)))
        services.flag(ctx, done.attempt, 3)
        services.submit(ctx, done.attempt)
        practice = services.start_practice(ctx, services.PracticeFilter(count=5), seed=seed_value)
        for q in practice.questions[:3]:
            services.answer(ctx, practice.attempt, q.position, q.options[0].key)
        exam = services.start_exam(ctx, questions=50, seed=seed_value + 1)
        for q in exam.questions[:6]:
            services.answer(
                ctx, exam.attempt, q.position, ",".join(o.key for o in q.options[: q.choose])
            )
        services.flag(ctx, exam.attempt, 2)
        return Seeded(done.attempt, exam.attempt, practice.attempt)
    finally:
        ctx.close()


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
