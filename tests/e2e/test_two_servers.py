"""Team mode: two `examprep serve` processes on one PostgreSQL schema share answers and sessions."""

from __future__ import annotations

import contextlib
import os
import re
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from examprep import services
from examprep.config import Settings

from ..conftest import MINI_PACK, POSTGRES_ENV, fresh_postgres_schema
from .live import examprep, serve, server_environment

pytestmark = [pytest.mark.slow, pytest.mark.postgres]

PASSWORD = "correct horse battery staple"
SECRET = "two-servers-secret-" * 3
QUESTIONS = 4


@pytest.fixture
def shared_url() -> Iterator[str]:
    base = os.environ.get(POSTGRES_ENV)
    if not base:
        pytest.skip(f"PostgreSQL not configured: set {POSTGRES_ENV} (see README)")
    with fresh_postgres_schema(base) as url:
        yield url


def csrf_of(page: httpx.Response) -> str:
    match = re.search(r'name="csrf" value="([^"]+)"', page.text)
    assert match, page.text
    return match.group(1)


def chosen(page: httpx.Response) -> list[str]:
    """The option letters a question page shows as ticked."""
    return re.findall(r'value="([A-F])" data-key="[A-F]" checked', page.text)


def question(client: httpx.Client, attempt: int, position: int) -> httpx.Response:
    page = client.get(f"/exams/{attempt}/questions/{position}")
    assert page.status_code == 200, page.text
    return page


def give_answer(client: httpx.Client, attempt: int, position: int, csrf: str) -> list[str]:
    """Answer with the first options, as many as the question asks for."""
    page = question(client, attempt, position)
    want = int(re.search(r'data-autosave="(\d)"', page.text).group(1))  # type: ignore[union-attr]
    letters = re.findall(r'data-key="([A-F])"', page.text)[:want]
    sent = client.post(
        f"/exams/{attempt}/questions/{position}",
        data={"csrf": csrf, "choice": letters, "then": "stay"},
    )
    assert sent.status_code == 303, sent.text
    return letters


def test_two_processes_share_answers_and_sessions(shared_url: str, tmp_path: Path) -> None:
    env = server_environment(
        database_url=shared_url,
        secret_key=SECRET,
        pack_path=str(MINI_PACK),
        data_dir=str(tmp_path / "data"),
    )
    examprep(["user", "add", "ada", "--password-stdin"], env, stdin=PASSWORD + "\n")
    with contextlib.ExitStack() as stack:
        one = stack.enter_context(serve(env, tmp_path, "one"))
        two = stack.enter_context(serve(env, tmp_path, "two"))
        a = stack.enter_context(httpx.Client(base_url=one.url, timeout=30))
        b = stack.enter_context(httpx.Client(base_url=two.url, timeout=30))

        assert b.get("/exams").status_code == 303  # not signed in on either server yet
        signed = a.post("/login", data={"name": "ada", "password": PASSWORD, "next": "/exams"})
        assert signed.status_code == 303 and signed.headers["location"] == "/exams"
        b.cookies.update(a.cookies)  # the same browser session, sent to the other process
        csrf = csrf_of(a.get("/exams"))
        assert csrf_of(b.get("/exams")) == csrf

        started = b.post("/exams", data={"csrf": csrf, "questions": str(QUESTIONS)})
        assert started.status_code == 303, started.text
        attempt = int(re.search(r"/exams/(\d+)", started.headers["location"]).group(1))  # type: ignore[union-attr]

        given: dict[int, list[str]] = {}
        for position in range(1, QUESTIONS + 1):
            writer, reader = (a, b) if position % 2 else (b, a)
            given[position] = give_answer(writer, attempt, position, csrf)
            assert chosen(question(reader, attempt, position)) == given[position]

        flagged = a.post(f"/exams/{attempt}/questions/2/flag", data={"csrf": csrf, "on": "true"})
        assert flagged.status_code == 303
        review = b.get(f"/exams/{attempt}/review")
        assert "0 unanswered." in review.text and "1 flagged:" in review.text

        submitted = b.post(f"/exams/{attempt}/submit", data={"csrf": csrf, "confirm": "yes"})
        assert submitted.headers["location"] == f"/attempts/{attempt}"
        result = a.get(f"/attempts/{attempt}")
        assert result.status_code == 200 and f"Result of exam #{attempt}" in result.text
        assert a.get(f"/exams/{attempt}/questions/1").headers["location"] == f"/attempts/{attempt}"

        examprep(["user", "disable", "ada"], env)  # ends the session in every process at once
        for client in (a, b):
            assert client.get("/exams").headers["location"].startswith("/login")

    ctx = services.open_context(
        Settings(database_url=shared_url, pack_path=MINI_PACK, learner="ada")
    )
    try:
        view = services.get_attempt(ctx, attempt)
    finally:
        ctx.close()
    assert view.status != "open"
    assert {p: sorted(a.split(",")) for p, a in view.answers.items()} == given
