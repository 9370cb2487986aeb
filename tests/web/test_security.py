"""Escaping and ownership: script tags stay text; changing ids never reaches another learner."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
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


@pytest.mark.parametrize(
    "host",
    [
        "127.attacker.example",
        "127.0.0.1.attacker.example",
        "localhost.attacker.example",
        "attacker.example:8000",
        "127.0.0.2",  # loopback, but not the address this server is bound to
        "[::1",
    ],
)
def test_local_mode_refuses_any_other_host_name(client: TestClient, host: str) -> None:
    """DNS rebinding: a foreign name that resolves to 127.0.0.1 gets nothing."""
    assert client.get("/", headers={"host": host}).status_code == 400
    sent = client.post("/config", data={"pass_mark": "90%"}, headers={"host": host})
    assert sent.status_code == 400


@pytest.mark.parametrize(
    "host", ["127.0.0.1", "127.0.0.1:8000", "localhost", "LOCALHOST:8000", "[::1]:8000"]
)
def test_local_mode_answers_to_its_own_names(client: TestClient, host: str) -> None:
    assert client.get("/", headers={"host": host}).status_code == 200


def test_local_mode_answers_to_the_address_it_is_bound_to(settings: Settings, clock: Clock) -> None:
    from examprep.web.app import create_app

    with TestClient(create_app(settings, clock=clock), base_url="http://127.0.0.5:8000") as bound:
        assert bound.get("/").status_code == 200
        assert bound.get("/", headers={"host": "127.0.0.6:8000"}).status_code == 400


def test_local_mode_refuses_another_computer(settings: Settings, clock: Clock) -> None:
    """Even with a local Host header, a connection from the network is not the learner."""
    from examprep.web.app import create_app

    app = create_app(settings, clock=clock)
    with TestClient(app, base_url="http://127.0.0.1", client=("192.0.2.7", 5000)) as remote:
        assert remote.get("/").status_code == 400
    with TestClient(app, base_url="http://127.0.0.1", client=("127.0.0.1", 5000)) as local:
        assert local.get("/").status_code == 200


NUL_FORMS = [
    ("/config", {"pass_mark": "70\x00%"}),
    ("/config", {"exam_date": "2027-01-01\x00"}),
    ("/practice", {"tag": "gen\x00ai"}),
    ("/exams", {"questions": "4", "minutes": "\x0130"}),
    ("/cards/grade", {"card": "card:c-001\x00", "rating": "good"}),
    ("/study", {"mode": "study\x00"}),
]


@pytest.mark.parametrize(("path", "data"), NUL_FORMS)
def test_control_characters_in_a_form_are_a_400(
    client: TestClient, ctx: Context, path: str, data: dict[str, str]
) -> None:
    response = client.post(path, data=data)
    assert response.status_code == 400
    assert "control characters" in response.text
    assert services.history(ctx) == []


@pytest.mark.parametrize(
    "path", ["/search?q=a%00b", "/notes/n-%00", "/practice?tag=%00", "/static/%00.css", "/%07"]
)
def test_control_characters_in_an_address_are_a_400(client: TestClient, path: str) -> None:
    assert client.get(path).status_code == 400


HUGE = ["9223372036854775808", "99999999999999999999999", "-1", "0", "-9223372036854775809"]


@pytest.mark.parametrize("number", HUGE)
@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("GET", "/exams/{n}"),
        ("GET", "/exams/{n}/questions/1"),
        ("GET", "/exams/1/questions/{n}"),
        ("POST", "/exams/{n}/questions/1"),
        ("POST", "/exams/{n}/submit"),
        ("GET", "/attempts/{n}"),
        ("GET", "/practice/{n}/questions/1"),
        ("POST", "/practice/{n}/finish"),
        ("GET", "/study/{n}"),
        ("POST", "/study/{n}/next"),
    ],
)
def test_ids_out_of_range_are_not_found(
    client: TestClient, number: str, method: str, path: str
) -> None:
    services.start_exam(client.app.state.context, questions=4, seed=1)  # type: ignore[attr-defined]
    response = client.request(method, path.format(n=number), data={"choice": "A"})
    assert response.status_code == 404


def test_the_services_treat_an_id_out_of_range_as_unknown(ctx: Context) -> None:
    from examprep.errors import NotFound

    for number in (2**63, 2**64 + 5, -1):
        with pytest.raises(NotFound):
            services.get_attempt(ctx, number)


def test_pages_are_never_cached(client: TestClient) -> None:
    for path in ("/", "/history", "/no-such-page"):
        assert client.get(path).headers["cache-control"] == "no-store"
    assert "no-store" not in client.get("/static/style.css").headers.get("cache-control", "")


@pytest.fixture
def failing_database(client: TestClient) -> Iterator[Callable[[BaseException], None]]:
    """Make the app's next database statements fail with the given error."""
    from sqlalchemy import event

    engine = client.app.state.context.engine  # type: ignore[attr-defined]
    failure: list[BaseException] = []

    def fail(*_args: object) -> None:
        if failure:
            raise failure[0]

    event.listen(engine, "before_cursor_execute", fail)
    yield failure.append
    event.remove(engine, "before_cursor_execute", fail)


LEAKY = (
    'connection to server at "db.internal.example" (10.9.8.7), port 6543 failed: '
    'FATAL: password authentication failed for user "examprep_owner"'
)


def test_a_database_error_page_names_no_connection_details(
    client: TestClient,
    failing_database: Callable[[BaseException], None],
    caplog: pytest.LogCaptureFixture,
) -> None:
    from sqlalchemy.exc import OperationalError

    engine = client.app.state.context.engine  # type: ignore[attr-defined]
    failing_database(OperationalError("SELECT 1", {}, Exception(LEAKY)))
    with caplog.at_level(logging.ERROR, logger="examprep.web"):
        response = client.get("/history")
    assert response.status_code == 503
    page = response.text
    url = engine.url
    for secret in ("db.internal.example", "10.9.8.7", "6543", "examprep_owner", "FATAL"):
        assert secret not in page
    for part in (url.username, url.host, str(url.port or ""), url.database):
        if part:
            assert part not in page
    request_id = response.headers["x-request-id"]
    assert f"Request id: <code>{request_id}</code>" in page
    [record] = [r for r in caplog.records if request_id in r.getMessage()]
    assert "examprep_owner" in record.getMessage() and "503" in record.getMessage()


def test_an_unexpected_error_is_a_500_with_a_request_id_in_the_page_and_the_log(
    settings: Settings,
    clock: Clock,
    caplog: pytest.LogCaptureFixture,
) -> None:
    from sqlalchemy import event

    from examprep.web.app import create_app

    app = create_app(settings, clock=clock)
    with TestClient(app, base_url="http://127.0.0.1", raise_server_exceptions=False) as client:

        def explode(*_args: object) -> None:
            raise RuntimeError("the disk caught fire")

        event.listen(app.state.context.engine, "before_cursor_execute", explode)
        with caplog.at_level(logging.ERROR, logger="examprep.web"):
            response = client.get("/history")
    assert response.status_code == 500
    assert "the disk caught fire" not in response.text
    request_id = response.headers["x-request-id"]
    assert request_id in response.text
    [record] = [r for r in caplog.records if request_id in r.getMessage()]
    assert "the disk caught fire" in record.getMessage() and record.exc_info is not None
