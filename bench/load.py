"""Web load: simulated learners taking exams against a real `examprep serve` on this computer.

Each learner signs in (team mode, one account each), starts a 20-question exam on the bundled
pack, and then loops until the time is up: open the question page, answer it, next question;
after the last one it submits the exam and starts another. Page views (GET of a question) and
answer submissions (POST of an answer) are timed separately, from the client. Two paces:

* `paced`: each learner waits a random 0-4 s (mean 2 s) before each request, so about 4 s
  per question -- a class working some 30 times faster than the real exam's 2 minutes a
  question;
* `saturated`: no waiting at all (closed loop): the most the server can do.

Afterwards the server is stopped and the stored answers are counted in the database: every
answer the server acknowledged (303) must be there, and nothing else.

    python bench/load.py                       # SQLite with 50 learners, PostgreSQL with 200
    python bench/load.py --only sqlite --quick  # one short run

The server binds 127.0.0.1 only; PostgreSQL must be on this computer too
(EXAMPREP_TEST_POSTGRES_URL or --postgres-url; a fresh schema is made and dropped).
Writes bench/results/load.json.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import random
import re
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import _common as C
import httpx

PASSWORD = "load-test-password-1"
SECRET = "load-benchmark-secret-key-" * 2
EXAM_QUESTIONS = 20
THINK_MEAN_SECONDS = 2.0
KEEPALIVE_SECONDS = 4.0  # below uvicorn's 5 s, so the client never reuses a connection it closed
TARGET_P99_MS = 100.0
LOOPBACK_HOSTS = ("127.0.0.1", "localhost", "::1", "")  # "" is a Unix socket
SCENARIOS = {"sqlite": 50, "postgres": 200}
CHOICES = re.compile(r'data-key="([A-F])"')
CHOOSE = re.compile(r'data-autosave="(\d)"')


@dataclass
class Tally:
    """What the clients saw: latencies by kind, errors, answers the server acknowledged."""

    ms: dict[str, list[float]] = field(default_factory=dict)
    errors: dict[str, int] = field(default_factory=dict)
    acknowledged: dict[str, int] = field(default_factory=dict)
    unconfirmed: dict[str, int] = field(default_factory=dict)  # failed answer posts
    cpu: dict[str, float] = field(default_factory=dict)  # CPU seconds used while measuring

    def time(self, kind: str, started: float) -> None:
        self.ms.setdefault(kind, []).append((time.perf_counter() - started) * 1000)

    def error(self, kind: str, detail: str) -> None:
        key = f"{kind}: {detail}"
        self.errors[key] = self.errors.get(key, 0) + 1


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextlib.contextmanager
def postgres_schema(base: str) -> Iterator[str]:
    """A fresh schema on a local PostgreSQL (dropped afterwards) and a URL that uses it."""
    import sqlalchemy as sa

    host = urlsplit(base.replace("+psycopg", "")).hostname or ""
    if host not in LOOPBACK_HOSTS:
        sys.exit(f"the load benchmark uses a PostgreSQL on this computer only, not {host}")
    schema = f"load_{uuid.uuid4().hex[:10]}"
    admin = sa.create_engine(base)
    with admin.begin() as conn:
        conn.exec_driver_sql(f'CREATE SCHEMA "{schema}"')
    sep = "&" if "?" in base else "?"
    try:
        yield f"{base}{sep}options=-csearch_path%3D{schema}"
    finally:
        with admin.begin() as conn:
            conn.exec_driver_sql(f'DROP SCHEMA "{schema}" CASCADE')
        admin.dispose()


def add_learners(env: dict[str, str], names: list[str]) -> None:
    """Accounts for every simulated learner, with real (default-cost) argon2 hashes."""
    from examprep import services
    from examprep.config import Settings

    settings = Settings(
        database_url=env["EXAMPREP_DATABASE_URL"],
        data_dir=Path(env["EXAMPREP_DATA_DIR"]),
        secret_key=SECRET,  # type: ignore[arg-type]
    )
    ctx = services.open_context(settings)
    try:
        _ = ctx.engine  # create the tables once, before the threads
        with ThreadPoolExecutor(4) as pool:  # argon2 releases the GIL
            list(pool.map(lambda n: services.add_user(ctx, n, PASSWORD), names))
    finally:
        ctx.close()


def count_answers(database_url: str) -> dict[str, int]:
    """Stored answer events per learner name."""
    import sqlalchemy as sa

    engine = sa.create_engine(database_url)
    try:
        with engine.connect() as conn:
            rows = conn.exec_driver_sql(
                "SELECT l.name, COUNT(*) FROM responses r JOIN learners l ON l.id = r.learner_id "
                "WHERE r.event = 'answer' GROUP BY l.name"
            ).all()
    finally:
        engine.dispose()
    return {str(name): int(n) for name, n in rows}


def cpu_seconds(pid: int) -> float:
    """User plus system CPU time of a process (Linux /proc)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


@contextlib.contextmanager
def server(env: dict[str, str], log: Path, workers: int = 1) -> Iterator[tuple[str, int]]:
    """`examprep serve` on a free loopback port until the block ends."""
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    command = [
        sys.executable,
        "-m",
        "examprep",
        "serve",
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
    ]
    with log.open("wb") as out:
        proc = subprocess.Popen(
            [*command, "--workers", str(workers)],
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
        try:
            deadline = time.monotonic() + 60
            while True:
                if proc.poll() is not None or time.monotonic() > deadline:
                    sys.exit(f"examprep serve did not start:\n{log.read_text()}")
                try:
                    httpx.get(f"{url}/static/style.css", timeout=1)
                    break
                except httpx.TransportError:
                    time.sleep(0.1)
            yield url, proc.pid
        finally:
            proc.terminate()
            try:
                proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()


class Learner:
    """One simulated learner with its own cookies, looping through exams."""

    def __init__(self, name: str, client: httpx.AsyncClient, tally: Tally, seed: int) -> None:
        self.name, self.client, self.tally = name, client, tally
        self.rng = random.Random(seed)
        self.csrf = ""
        self.attempt = 0
        self.position = 0

    async def sign_in(self) -> None:
        response = await self.client.post(
            "/login", data={"name": self.name, "password": PASSWORD, "next": "/exams"}
        )
        if response.status_code != 303:
            raise RuntimeError(f"{self.name} could not sign in: {response.status_code}")
        page = await self.client.get("/exams")
        match = re.search(r'name="csrf" value="([^"]+)"', page.text)
        if not match:
            raise RuntimeError(f"{self.name}: no CSRF token on /exams")
        self.csrf = match.group(1)

    async def request(self, kind: str, method: str, path: str, **kw: Any) -> httpx.Response | None:
        started = time.perf_counter()
        try:
            response = await self.client.request(method, path, **kw)
        except httpx.HTTPError as exc:
            self.tally.error(kind, type(exc).__name__)
            return None
        self.tally.time(kind, started)
        expected = 200 if method == "GET" else 303
        if response.status_code != expected:
            self.tally.error(kind, f"HTTP {response.status_code}")
            return None
        return response

    async def start_exam(self) -> None:
        data = {"csrf": self.csrf, "questions": str(EXAM_QUESTIONS)}
        response = await self.request("exam start", "POST", "/exams", data=data)
        if response is not None:
            found = re.search(r"/exams/(\d+)/questions/1$", response.headers["location"])
            self.attempt, self.position = (int(found.group(1)), 1) if found else (0, 0)

    async def step(self) -> None:
        """One action: start or submit an exam, or view and answer the current question."""
        if not self.attempt:
            await self.start_exam()
            return
        if self.position > EXAM_QUESTIONS:
            data = {"csrf": self.csrf, "confirm": "yes"}
            await self.request("exam submit", "POST", f"/exams/{self.attempt}/submit", data=data)
            self.attempt = 0
            return
        path = f"/exams/{self.attempt}/questions/{self.position}"
        page = await self.request("page view", "GET", path)
        if page is None:
            return
        await self.think()
        found = CHOOSE.search(page.text)
        choice = CHOICES.findall(page.text)[: int(found.group(1)) if found else 1]
        data = {"csrf": self.csrf, "choice": choice, "then": "next"}
        if await self.request("answer", "POST", path, data=data) is None:
            self.tally.unconfirmed[self.name] = self.tally.unconfirmed.get(self.name, 0) + 1
            return
        self.tally.acknowledged[self.name] = self.tally.acknowledged.get(self.name, 0) + 1
        self.position += 1

    async def think(self) -> None:
        if self.think_mean:
            await asyncio.sleep(self.rng.uniform(0, 2 * self.think_mean))

    think_mean = 0.0

    async def run(self, until: float) -> None:
        while time.perf_counter() < until:
            await self.think()
            await self.step()


async def drive(
    url: str, pid: int, names: list[str], seconds: float, think: float, seed: int
) -> Tally:
    """Sign everyone in, then let them all work for `seconds`."""
    tally = Tally()
    limits = httpx.Limits(
        max_connections=2, max_keepalive_connections=2, keepalive_expiry=KEEPALIVE_SECONDS
    )
    async with contextlib.AsyncExitStack() as stack:
        learners = []
        for k, name in enumerate(names):
            client = httpx.AsyncClient(base_url=url, timeout=60, limits=limits)
            learners.append(Learner(name, await stack.enter_async_context(client), tally, seed + k))
        gate = asyncio.Semaphore(8)  # sign-ins hash passwords: not part of the measurement

        async def sign_in(learner: Learner) -> None:
            async with gate:
                await learner.sign_in()

        await asyncio.gather(*(sign_in(learner) for learner in learners))
        for learner in learners:
            learner.think_mean = think
        server_cpu, client_cpu = cpu_seconds(pid), time.process_time()
        until = time.perf_counter() + seconds
        await asyncio.gather(*(learner.run(until) for learner in learners))
        tally.cpu["server"] = round(cpu_seconds(pid) - server_cpu, 1)
        tally.cpu["client"] = round(time.process_time() - client_cpu, 1)
    return tally


def percentiles(samples: list[float]) -> dict[str, float]:
    ordered = sorted(samples)

    def rank(q: float) -> float:
        return round(ordered[min(len(ordered) - 1, int(q * len(ordered)))], 1)

    return {"count": len(ordered), "p50_ms": rank(0.50), "p95_ms": rank(0.95), "p99_ms": rank(0.99)}


def summarise(tally: Tally, stored: dict[str, int], seconds: float) -> dict[str, Any]:
    acknowledged = sum(tally.acknowledged.values())
    lost = sum(max(0, n - stored.get(name, 0)) for name, n in tally.acknowledged.items())
    # An answer whose request failed may or may not have been stored; anything beyond that is odd.
    unexplained = sum(
        max(
            0,
            stored.get(name, 0) - tally.acknowledged.get(name, 0) - tally.unconfirmed.get(name, 0),
        )
        for name in stored
    )
    latency = {kind: percentiles(ms) for kind, ms in sorted(tally.ms.items())}
    requests = sum(len(ms) for ms in tally.ms.values())
    return {
        "requests": requests,
        "requests_per_second": round(requests / seconds, 1),
        "answers_per_second": round(acknowledged / seconds, 1),
        "latency": latency,
        "errors": tally.errors,
        "answers_acknowledged": acknowledged,
        "answers_stored": sum(stored.values()),
        "answers_lost": lost,
        "answers_unexplained": unexplained,
        "cpu_seconds": tally.cpu,
        "server_cpu_ms_per_request": round(1000 * tally.cpu.get("server", 0) / max(requests, 1), 2),
        "answer_p99_target_met": latency.get("answer", {}).get("p99_ms", 1e9) < TARGET_P99_MS,
    }


def run_scenario(
    db: str, learners: int, seconds: float, opts: argparse.Namespace
) -> dict[str, Any]:
    """Both paces on one fresh database, each against a freshly started server."""
    out: dict[str, Any] = {
        "database": db,
        "learners": learners,
        "mode": "team (one account each)",
        "workers": opts.workers,
    }
    with contextlib.ExitStack() as stack:
        work = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="examprep-load-")))
        if db == "sqlite":
            url = f"sqlite:///{work / 'load.sqlite3'}"
        else:
            if not opts.postgres_url:
                print("PostgreSQL skipped: set EXAMPREP_TEST_POSTGRES_URL or --postgres-url")
                return {}
            url = stack.enter_context(postgres_schema(opts.postgres_url))
        env = {k: v for k, v in os.environ.items() if not k.startswith("EXAMPREP_")}
        env.update(
            EXAMPREP_DATABASE_URL=url, EXAMPREP_DATA_DIR=str(work), EXAMPREP_SECRET_KEY=SECRET
        )
        names = [f"learner{k:03d}" for k in range(learners)]
        add_learners(env, names)
        stored_before: dict[str, int] = {}
        paces = [("paced", opts.think), ("saturated", 0.0)]
        for pace, think in paces[: 1 if opts.paced_only else 2]:
            with server(env, work / f"serve-{pace}.log", opts.workers) as (base, pid):
                tally = asyncio.run(drive(base, pid, names, seconds, think, opts.seed))
            stored_now = count_answers(url)
            stored = {n: stored_now.get(n, 0) - stored_before.get(n, 0) for n in stored_now}
            stored_before = stored_now
            out[pace] = {"think_mean_seconds": think, "seconds": seconds}
            out[pace].update(summarise(tally, stored, seconds))
            print(f"{db} {learners} learners, {pace}: {json.dumps(out[pace]['latency'])}")
            print(f"  errors {out[pace]['errors']}, lost {out[pace]['answers_lost']}")
    return out


def main() -> None:
    def extra(parser: argparse.ArgumentParser) -> None:
        parser.add_argument("--only", choices=sorted(SCENARIOS), help="run one database only")
        parser.add_argument("--seconds", type=float, default=None, help="measured time per pace")
        parser.add_argument(
            "--think", type=float, default=THINK_MEAN_SECONDS, help="mean wait of the paced run"
        )
        parser.add_argument("--paced-only", action="store_true", help="skip the saturated run")
        parser.add_argument("--workers", type=int, default=1, help="examprep serve --workers")
        parser.add_argument("--tag", help="write bench/results/load-TAG.json instead")
        parser.add_argument(
            "--postgres-url",
            default=os.environ.get("EXAMPREP_TEST_POSTGRES_URL"),
            help="a local PostgreSQL (default: EXAMPREP_TEST_POSTGRES_URL)",
        )

    opts = C.args(__doc__.splitlines()[0], extra)
    seconds = opts.seconds or (10.0 if opts.quick else 45.0)
    results = {}
    for db, learners in SCENARIOS.items():
        if opts.only in (None, db):
            results[db] = run_scenario(db, learners, seconds, opts)
    settings = {
        "quick": opts.quick,
        "seconds_per_pace": seconds,
        "exam_questions": EXAM_QUESTIONS,
        "think_mean_seconds": opts.think,
        "target_answer_p99_ms": TARGET_P99_MS,
    }
    path = C.write_json(
        f"load-{opts.tag}" if opts.tag else "load", {"settings": settings, "scenarios": results}
    )
    print(f"wrote {path}")


if __name__ == "__main__":
    main()
