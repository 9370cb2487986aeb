"""Escaping and ownership: script tags stay text; changing ids never reaches another learner."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from examprep import services
from examprep.config import Settings
from examprep.services import Context

from .conftest import XSS, Clock, client_for, key_letters


def assert_escaped(html: str) -> None:
    """The payload is on the page, as text."""
    assert "<script>alert" not in html
    assert "&lt;script&gt;alert(" in html


def test_a_learner_name_with_a_script_is_escaped(settings: Settings, clock: Clock) -> None:
    hostile = settings.model_copy(update={"learner": XSS})
    with client_for(hostile, clock) as client:
        for path in ("/", "/config", "/exams", "/no-such-page"):
            assert_escaped(client.get(path).text)


def test_pack_text_with_a_script_is_escaped(
    settings: Settings, hostile_pack: Path, clock: Clock
) -> None:
    hostile = settings.model_copy(update={"pack_path": hostile_pack})
    with client_for(hostile, clock) as client:
        assert_escaped(client.get("/cards").text)  # a flashcard's front
        ctx = services.open_context(hostile, clock=clock)
        try:
            view = services.start_practice(
                ctx, services.PracticeFilter(bullet="S1.1.a", count=10), seed=7
            )
            position = next(q.position for q in view.questions if q.id == "q-001")
            services.answer(
                ctx, view.attempt, position, ",".join(key_letters(ctx, view.attempt, position))
            )
        finally:
            ctx.close()
        feedback = client.get(f"/practice/{view.attempt}/questions/{position}").text
        assert_escaped(feedback)  # an option's explanation, rendered as Markdown


def test_notes_names_and_search_results_with_a_script_are_escaped(
    rich_client: TestClient,
) -> None:
    note = rich_client.get("/notes/n-objects").text
    assert_escaped(note)
    assert 'href="javascript:' not in note
    assert_escaped(rich_client.get("/names").text)
    assert "<script>" not in rich_client.get("/search?q=alert").text
    reflected = rich_client.get("/search", params={"q": XSS}).text
    assert "<script>alert" not in reflected and "&lt;script&gt;" in reflected


def test_a_script_in_form_data_is_escaped_in_the_error(client: TestClient) -> None:
    response = client.post("/config", data={"pass_mark": XSS[:40]})
    assert response.status_code == 400
    assert "<script>" not in response.text and "&lt;script&gt;" in response.text


def test_markdown_cannot_inject_html_or_javascript_links() -> None:
    from examprep.web.pages import markdown

    html = str(markdown(f"**bold** {XSS} [x](javascript:alert(1)) <img src=x onerror=alert(1)>"))
    assert "<strong>bold</strong>" in html
    assert "<script>" not in html and "<img" not in html
    assert 'href="javascript:' not in html


@pytest.fixture
def theirs(other: Context) -> Iterator[tuple[int, int]]:
    """Another learner's open exam and open practice session."""
    exam = services.start_exam(other, questions=4, seed=5)
    practice = services.start_practice(other, services.PracticeFilter(count=2), seed=7)
    yield exam.attempt, practice.attempt


@pytest.mark.parametrize(
    ("method", "path", "data"),
    [
        ("GET", "/exams/{exam}", {}),
        ("GET", "/exams/{exam}/questions/1", {}),
        ("POST", "/exams/{exam}/questions/1", {"choice": "A"}),
        ("POST", "/exams/{exam}/questions/1/flag", {"on": "true"}),
        ("GET", "/exams/{exam}/review", {}),
        ("POST", "/exams/{exam}/submit", {"confirm": "yes"}),
        ("GET", "/attempts/{exam}", {}),
        ("GET", "/practice/{practice}", {}),
        ("GET", "/practice/{practice}/questions/1", {}),
        ("POST", "/practice/{practice}/questions/1", {"choice": "A"}),
        ("POST", "/practice/{practice}/finish", {}),
        ("GET", "/attempts/{practice}", {}),
    ],
)
def test_another_learners_attempt_is_forbidden(
    client: TestClient,
    other: Context,
    theirs: tuple[int, int],
    method: str,
    path: str,
    data: dict[str, str],
) -> None:
    exam, practice = theirs
    response = client.request(method, path.format(exam=exam, practice=practice), data=data)
    assert response.status_code == 403
    assert "belongs to another learner" in response.text
    assert services.get_attempt(other, exam).answers == {}
    assert services.get_attempt(other, exam).flags == frozenset()
    assert services.get_attempt(other, exam).status == "open"
    assert services.get_attempt(other, practice).answers == {}
    assert services.get_attempt(other, practice).status == "open"


def test_another_learners_attempts_are_not_listed(
    client: TestClient, theirs: tuple[int, int]
) -> None:
    exam, practice = theirs
    for path in ("/", "/history", "/exams"):
        page = client.get(path).text
        assert f"/exams/{exam}" not in page and f"/practice/{practice}" not in page


@pytest.mark.parametrize("value", ["1 OR 1=1", "S1'; DROP TABLE attempts; --", "%' OR '1'='1"])
def test_injection_in_filters_is_harmless(client: TestClient, ctx: Context, value: str) -> None:
    for field in ("section", "bullet", "tag"):
        assert client.post("/practice", data={field: value}).status_code == 400
    assert client.get(f"/practice?tag={value}").status_code == 200
    assert services.history(ctx) == []
