"""Timed exams in the browser: start, answer, navigate, flag, review, submit, expire."""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient

from examprep import services
from examprep.config import Settings
from examprep.services import Context

from .conftest import Clock, client_for, key_letters, location, main_text, wrong_letters


def start(client: TestClient, **form: str | list[str]) -> int:
    response = client.post("/exams", data={"questions": "4", **form}, follow_redirects=False)
    assert response.status_code == 303, response.text
    match = re.fullmatch(r"/exams/(\d+)/questions/1", location(response))
    assert match, location(response)
    return int(match.group(1))


def exam_with_a_multi_select(ctx: Context) -> tuple[int, int]:
    """An exam (fixed seeds, so the same on every run) and the position of a "choose two"."""
    for seed in range(100):
        view = services.start_exam(ctx, questions=6, seed=seed)
        multi = [q.position for q in view.questions if q.choose == 2]
        if multi:
            return view.attempt, multi[0]
    raise AssertionError("no seed gave a multi-select question")


def test_start_page_offers_length_and_sections(client: TestClient) -> None:
    page = client.get("/exams")
    assert page.status_code == 200
    assert 'name="questions"' in page.text and 'value="6"' in page.text
    assert 'name="section" value="S1"' in page.text and "Storage" in page.text


def test_start_opens_the_first_question_with_a_countdown(client: TestClient) -> None:
    attempt = start(client)
    page = client.get(f"/exams/{attempt}/questions/1")
    assert page.status_code == 200
    assert "Question 1 of 4" in page.text
    assert 'data-deadline="2026-11-27T09:08:00+00:00"' in page.text  # 12 min for 6 -> 8 for 4
    assert "Time left:" in main_text(page.text) and "8:00" in page.text
    assert 'data-remaining="480"' in page.text
    assert len(re.findall(r'aria-label="Question \d: unanswered"', page.text)) == 4


def test_start_with_sections_uses_only_them(client: TestClient, ctx: Context) -> None:
    attempt = start(client, questions="2", section=["S2"])
    view = services.get_attempt(ctx, attempt)
    assert {q.section for q in view.questions} == {"S2"}


@pytest.mark.parametrize(
    ("form", "status", "message"),
    [
        ({"questions": "4", "section": "S9"}, 400, "unknown section"),
        ({"questions": "40"}, 400, "too small"),
        ({"questions": "0"}, 422, "questions"),
        ({"questions": "many"}, 422, "questions"),
        ({}, 422, "questions"),
        ({"questions": "4", "minutes": "0"}, 422, "minutes"),
    ],
)
def test_bad_start_forms_are_refused(
    client: TestClient, ctx: Context, form: dict[str, str], status: int, message: str
) -> None:
    response = client.post("/exams", data=form, follow_redirects=False)
    assert response.status_code == status
    assert message in main_text(response.text)
    assert services.history(ctx) == []


def test_an_answer_is_saved_and_survives_a_restart(
    client: TestClient, ctx: Context, settings: Settings, clock: Clock
) -> None:
    attempt = start(client)
    single = next(q.position for q in services.get_attempt(ctx, attempt).questions if q.choose == 1)
    response = client.post(
        f"/exams/{attempt}/questions/{single}", data={"choice": "B"}, follow_redirects=False
    )
    assert response.status_code == 303
    assert location(response) == f"/exams/{attempt}/questions/{single}"
    assert services.get_attempt(ctx, attempt).answers == {single: "B"}
    with client_for(settings, clock) as restarted:  # a new server process on the same data
        page = restarted.get(f"/exams/{attempt}/questions/{single}")
    assert 'value="B" data-key="B" checked' in page.text
    assert 'class="cell answered' in page.text


def test_choose_two_is_enforced(client: TestClient, ctx: Context) -> None:
    attempt, position = exam_with_a_multi_select(ctx)
    page = client.get(f"/exams/{attempt}/questions/{position}")
    assert 'type="checkbox"' in page.text and "Choose 2" in page.text
    one = client.post(f"/exams/{attempt}/questions/{position}", data={"choice": ["A"]})
    assert one.status_code == 400
    assert "exactly 2 answers" in main_text(one.text)
    assert position not in services.get_attempt(ctx, attempt).answers
    two = client.post(
        f"/exams/{attempt}/questions/{position}",
        data={"choice": ["A", "C"]},
        follow_redirects=False,
    )
    assert two.status_code == 303
    assert services.get_attempt(ctx, attempt).answers[position] == "A,C"


def test_a_letter_outside_the_options_is_refused(client: TestClient, ctx: Context) -> None:
    attempt = start(client)
    response = client.post(f"/exams/{attempt}/questions/1", data={"choice": "Z"})
    assert response.status_code == 400
    assert services.get_attempt(ctx, attempt).answers == {}


@pytest.mark.parametrize(
    ("then", "target"),
    [
        ("next", "/questions/3"),
        ("prev", "/questions/1"),
        ("stay", "/questions/2"),
        ("review", "/review"),
    ],
)
def test_navigation_after_saving(client: TestClient, then: str, target: str) -> None:
    attempt = start(client)
    response = client.post(
        f"/exams/{attempt}/questions/2", data={"then": then}, follow_redirects=False
    )
    assert location(response) == f"/exams/{attempt}{target}"


def test_an_unknown_next_step_is_a_bad_form(client: TestClient) -> None:
    attempt = start(client)
    response = client.post(f"/exams/{attempt}/questions/2", data={"then": "elsewhere"})
    assert response.status_code == 422


def test_first_and_last_questions_have_one_way_to_go(client: TestClient) -> None:
    attempt = start(client)
    first = client.get(f"/exams/{attempt}/questions/1").text
    last = client.get(f"/exams/{attempt}/questions/4").text
    assert 'value="prev"' not in first and 'value="next"' in first
    assert 'value="prev"' in last and 'value="review"' in last


def test_flag_and_unflag(client: TestClient, ctx: Context) -> None:
    attempt = start(client)
    response = client.post(
        f"/exams/{attempt}/questions/3/flag", data={"on": "true"}, follow_redirects=False
    )
    assert location(response) == f"/exams/{attempt}/questions/3"
    assert services.get_attempt(ctx, attempt).flags == frozenset({3})
    page = client.get(f"/exams/{attempt}/questions/3").text
    assert "Unflag" in page and "Question 3: unanswered, flagged" in page
    client.post(f"/exams/{attempt}/questions/3/flag", data={"on": "false", "back": "review"})
    assert services.get_attempt(ctx, attempt).flags == frozenset()


def test_flag_needs_a_boolean(client: TestClient) -> None:
    attempt = start(client)
    assert client.post(f"/exams/{attempt}/questions/3/flag", data={}).status_code == 422
    assert client.post(f"/exams/{attempt}/questions/3/flag", data={"on": "x"}).status_code == 422


def test_review_lists_unanswered_and_flagged(client: TestClient, ctx: Context) -> None:
    attempt = start(client)
    services.answer(ctx, attempt, 1, ",".join(key_letters(ctx, attempt, 1)))
    services.flag(ctx, attempt, 2)
    page = client.get(f"/exams/{attempt}/review")
    text = main_text(page.text)
    assert page.status_code == 200
    assert "3 unanswered: 2 , 3 , 4" in text and "1 flagged: 2" in text
    assert 'name="confirm" value="yes"' in page.text


def test_submit_needs_confirmation(client: TestClient, ctx: Context) -> None:
    attempt = start(client)
    response = client.post(f"/exams/{attempt}/submit", data={})
    assert response.status_code == 400
    assert "Tick the confirmation" in response.text
    assert services.get_attempt(ctx, attempt).status == "open"


def test_full_exam_and_its_result(client: TestClient, ctx: Context, clock: Clock) -> None:
    attempt = start(client, questions="6")
    client.get(f"/exams/{attempt}")  # resumes at question 1 and records the visit
    for position in range(1, 7):
        clock.advance(seconds=30)
        letters = (
            key_letters(ctx, attempt, position) if position != 2 else wrong_letters(ctx, attempt, 2)
        )
        client.post(
            f"/exams/{attempt}/questions/{position}", data={"choice": letters, "then": "next"}
        )
    client.post(f"/exams/{attempt}/questions/4/flag", data={"on": "true"})
    response = client.post(
        f"/exams/{attempt}/submit", data={"confirm": "yes"}, follow_redirects=False
    )
    assert location(response) == f"/attempts/{attempt}"
    page = client.get(f"/attempts/{attempt}")
    text = main_text(page.text)
    assert "5/6 correct" in text and "83 %" in text
    assert "At or above the assumed pass mark of 70 %" in text
    assert "An assumption for tests." in text
    assert "S1 Storage" in text and "S2 Compute" in text and "S1.1.a" in text
    questions = services.get_attempt(ctx, attempt).questions
    wrong_options = sum(len(q.options) - q.choose for q in questions)
    assert text.count("does not fit question") == wrong_options  # every option explained
    assert "https://docs.example.org/" in page.text  # sources
    assert "0:30" in text  # time per question
    assert "⚑ flagged" in text
    assert services.get_attempt(ctx, attempt).status == "finished"
    again = client.get(f"/exams/{attempt}/questions/1", follow_redirects=False)
    assert location(again) == f"/attempts/{attempt}"  # a finished exam cannot be reopened
    late = client.post(
        f"/exams/{attempt}/questions/1", data={"choice": "A"}, follow_redirects=False
    )
    assert location(late) == f"/attempts/{attempt}"


def test_an_expired_exam_shows_its_result(client: TestClient, ctx: Context, clock: Clock) -> None:
    attempt = start(client)
    services.answer(ctx, attempt, 1, ",".join(key_letters(ctx, attempt, 1)))
    clock.advance(minutes=9)  # past the 8-minute deadline
    assert services.get_attempt(ctx, attempt).status == "expired"
    page = client.get(f"/exams/{attempt}/questions/2", follow_redirects=False)
    assert location(page) == f"/attempts/{attempt}"
    late = client.post(
        f"/exams/{attempt}/questions/2", data={"choice": "A"}, follow_redirects=False
    )
    assert location(late) == f"/attempts/{attempt}"
    result = client.get(f"/attempts/{attempt}")
    assert result.status_code == 200
    assert "Time ran out" in result.text and "1/4 correct" in main_text(result.text)
    view = services.get_attempt(ctx, attempt)
    assert view.status == "finished" and view.finished_at == view.deadline


def test_dashboard_points_to_an_expired_exam(client: TestClient, clock: Clock) -> None:
    attempt = start(client)
    clock.advance(hours=1)
    assert f'href="/attempts/{attempt}">see its result' in client.get("/").text
    assert f'href="/attempts/{attempt}">see its result' in client.get("/exams").text


def test_an_open_exam_is_offered_for_resuming(client: TestClient) -> None:
    attempt = start(client)
    assert f"continue exam #{attempt}" in client.get("/exams").text
    assert f"continue exam #{attempt}" in client.get("/").text
    response = client.get(f"/exams/{attempt}", follow_redirects=False)
    assert location(response) == f"/exams/{attempt}/questions/1"


def test_the_result_of_an_open_exam_is_not_shown(client: TestClient) -> None:
    attempt = start(client)
    response = client.get(f"/attempts/{attempt}")
    assert response.status_code == 409
    assert "still in progress" in response.text


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("get", "/exams/999"),
        ("get", "/exams/999/questions/1"),
        ("post", "/exams/999/questions/1"),
        ("post", "/exams/999/questions/1/flag"),
        ("get", "/exams/999/review"),
        ("post", "/exams/999/submit"),
        ("get", "/attempts/999"),
    ],
)
def test_an_unknown_attempt_is_404(client: TestClient, method: str, path: str) -> None:
    data = {"on": "true"} if path.endswith("flag") else {}
    response = client.request(method.upper(), path, data=data)
    assert response.status_code == 404
    assert "no attempt 999" in response.text


def test_a_position_outside_the_form_is_404(client: TestClient) -> None:
    attempt = start(client)
    assert client.get(f"/exams/{attempt}/questions/5").status_code == 404
    assert client.post(f"/exams/{attempt}/questions/9", data={"choice": "A"}).status_code == 404
    assert client.post(f"/exams/{attempt}/questions/9/flag", data={"on": "true"}).status_code == 404


@pytest.mark.parametrize("path", ["/exams/abc", "/exams/1/questions/x", "/attempts/x"])
def test_malformed_ids_are_422(client: TestClient, path: str) -> None:
    assert client.get(path).status_code == 422


@pytest.mark.parametrize("path", ["/exams/0", "/exams/1/questions/0", "/attempts/-3"])
def test_ids_below_one_are_not_found(client: TestClient, path: str) -> None:
    assert client.get(path).status_code == 404


def test_a_practice_session_is_not_an_exam(client: TestClient, ctx: Context) -> None:
    view = services.start_practice(ctx, services.PracticeFilter(count=2), seed=7)
    response = client.get(f"/exams/{view.attempt}/questions/1")
    assert response.status_code == 404
    assert "is not an exam (it is practice)" in response.text


def transactions_begun(client: TestClient) -> list[int]:
    """A counter of the database transactions the app begins from now on."""
    from sqlalchemy import event

    count = [0]
    engine = client.app.state.context.engine  # type: ignore[attr-defined]
    event.listen(engine, "begin", lambda _conn: count.__setitem__(0, count[0] + 1))
    return count


def test_an_answer_is_one_transaction(client: TestClient, ctx: Context) -> None:
    attempt = start(client)
    single = next(q.position for q in services.get_attempt(ctx, attempt).questions if q.choose == 1)
    begun = transactions_begun(client)
    response = client.post(
        f"/exams/{attempt}/questions/{single}",
        data={"choice": "B", "then": "next"},
        follow_redirects=False,
    )
    assert response.status_code == 303
    assert begun == [1]
    page = client.get(location(response))  # the next question: one transaction with its visit
    assert page.status_code == 200 and begun == [2]


def test_a_reload_records_no_second_visit(client: TestClient, ctx: Context) -> None:
    from examprep.store.attempts import events

    attempt = start(client)
    for position in (1, 1, 2, 2, 2, 1):
        assert client.get(f"/exams/{attempt}/questions/{position}").status_code == 200
    with ctx.transaction() as session:
        visits = [e.position for e in events(session, attempt) if e.event == "visit"]
    assert visits == [1, 2, 1]
