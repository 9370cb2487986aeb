"""Adaptive sessions in the browser: the study session with feedback and the placement test."""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient

from examprep import services
from examprep.services import Context

from .conftest import key_letters, location, main_text, wrong_letters


def start(client: TestClient, mode: str) -> tuple[int, int]:
    response = client.post("/study", data={"mode": mode}, follow_redirects=False)
    assert response.status_code == 303, response.text
    match = re.fullmatch(r"/study/(\d+)/questions/(\d+)", location(response))
    assert match, location(response)
    return int(match.group(1)), int(match.group(2))


def test_the_start_page_offers_both_sessions(client: TestClient) -> None:
    page = client.get("/study")
    assert page.status_code == 200
    assert 'name="mode" value="study"' in page.text and 'value="diagnostic"' in page.text


def test_a_study_session_gives_feedback_then_the_next_question(
    client: TestClient, ctx: Context
) -> None:
    attempt, position = start(client, "study")
    assert position == 1
    page = client.get(f"/study/{attempt}/questions/1")
    assert "Study session: question 1" in main_text(page.text)
    client.post(f"/study/{attempt}/questions/1", data={"choice": wrong_letters(ctx, attempt, 1)})
    feedback = main_text(client.get(f"/study/{attempt}/questions/1").text)
    assert "not correct" in feedback and "does not fit question" in feedback
    nxt = client.post(f"/study/{attempt}/next", follow_redirects=False)
    assert location(nxt) == f"/study/{attempt}/questions/2"
    again = client.post(f"/study/{attempt}/next", follow_redirects=False)  # question 2 is pending
    assert location(again) == f"/study/{attempt}/questions/2"
    assert (
        location(client.get(f"/study/{attempt}", follow_redirects=False))
        == f"/study/{attempt}/questions/2"
    )
    done = client.post(f"/study/{attempt}/finish", follow_redirects=False)
    assert location(done) == f"/study/{attempt}/done"
    summary = main_text(client.get(f"/study/{attempt}/done").text)
    assert "Study session finished" in summary and "answered 1 question." in summary
    assert "P(pass): not yet" in summary and "Take the placement test" in summary
    assert services.get_attempt(ctx, attempt).status == "finished"
    assert location(client.get(f"/study/{attempt}/questions/1", follow_redirects=False)).endswith(
        "/done"
    )
    assert "Result of study" in client.get(f"/attempts/{attempt}").text


def test_the_placement_test_moves_on_without_feedback(client: TestClient, ctx: Context) -> None:
    attempt, _ = start(client, "diagnostic")
    response = client.post(
        f"/study/{attempt}/questions/1",
        data={"choice": key_letters(ctx, attempt, 1)},
        follow_redirects=False,
    )
    assert location(response) == f"/study/{attempt}/questions/2"
    answered = client.get(f"/study/{attempt}/questions/1", follow_redirects=False)
    assert location(answered) == f"/study/{attempt}"


def test_the_placement_test_stops_when_the_bank_runs_out(client: TestClient, ctx: Context) -> None:
    attempt, position = start(client, "diagnostic")
    for _ in range(30):
        response = client.post(
            f"/study/{attempt}/questions/{position}",
            data={"choice": key_letters(ctx, attempt, position)},
            follow_redirects=False,
        )
        if location(response).endswith("/done"):
            break
        position = int(location(response).rsplit("/", 1)[1])
    assert location(response) == f"/study/{attempt}/done"
    assert "Placement test finished" in client.get(f"/study/{attempt}/done").text
    assert services.get_attempt(ctx, attempt).status == "finished"


def test_bad_answers_and_modes(client: TestClient, ctx: Context) -> None:
    attempt, _ = start(client, "study")
    assert client.post(f"/study/{attempt}/questions/1", data={}).status_code == 400
    assert client.post(f"/study/{attempt}/questions/1", data={"choice": "Z"}).status_code == 400
    assert client.post(f"/study/{attempt}/questions/5", data={"choice": "A"}).status_code == 404
    assert client.get(f"/study/{attempt}/questions/5").status_code == 404
    assert client.post("/study", data={"mode": "exam"}).status_code == 422
    assert (
        location(client.get(f"/study/{attempt}/done", follow_redirects=False))
        == f"/study/{attempt}"
    )
    exam = services.start_exam(ctx, questions=4, seed=1)
    assert client.get(f"/study/{exam.attempt}").status_code == 404


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("GET", "/study/{a}"),
        ("GET", "/study/{a}/questions/1"),
        ("POST", "/study/{a}/questions/1"),
        ("POST", "/study/{a}/next"),
        ("POST", "/study/{a}/finish"),
        ("GET", "/study/{a}/done"),
    ],
)
def test_unknown_and_foreign_sessions(
    client: TestClient, other: Context, method: str, path: str
) -> None:
    assert client.request(method, path.format(a=999), data={"choice": "A"}).status_code == 404
    theirs = services.start_adaptive(other, "study")
    response = client.request(method, path.format(a=theirs), data={"choice": "A"})
    assert response.status_code == 403
    assert services.get_attempt(other, theirs).questions == []
