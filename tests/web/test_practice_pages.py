"""Practice in the browser: filters, immediate feedback, finishing, errors."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from examprep import services
from examprep.config import Settings
from examprep.content.notelinks import write_links
from examprep.services import Context

from ..conftest import MINI_PACK, Clock
from .conftest import client_for, key_letters, location, main_text, wrong_letters


def start(client: TestClient, **form: str) -> int:
    response = client.post("/practice", data={"count": "3", **form}, follow_redirects=False)
    assert response.status_code == 303, response.text
    match = re.fullmatch(r"/practice/(\d+)/questions/1", location(response))
    assert match, location(response)
    return int(match.group(1))


def test_the_filter_form_lists_sections_bullets_and_is_prefilled(client: TestClient) -> None:
    page = client.get("/practice?bullet=S1.1.b")
    assert page.status_code == 200
    assert '<option value="S1">S1 Storage</option>' in page.text
    assert '<option value="S1.1.b" selected>' in page.text
    assert '<option value="genai">genai</option>' in page.text
    assert 'name="drills"' not in page.text  # the mini pack has no fact tables


def test_filters_choose_the_questions(client: TestClient, ctx: Context) -> None:
    attempt = start(client, bullet="S2.1.a", count="10")
    view = services.get_attempt(ctx, attempt)
    assert view.mode == "practice" and view.questions
    assert {q.bullet for q in view.questions} == {"S2.1.a"}
    by_section = services.get_attempt(ctx, start(client, section="S1"))
    assert {q.section for q in by_section.questions} == {"S1"}
    by_tag = services.get_attempt(ctx, start(client, tag="genai", count="10"))
    tagged = {q.id for q in ctx.pack.questions if "genai" in q.tags}
    assert {q.id for q in by_tag.questions} == tagged and 0 < len(tagged) < 12


@pytest.mark.parametrize(
    ("form", "status", "message"),
    [
        ({"section": "S9"}, 400, "unknown section"),
        ({"bullet": "S9.9.z"}, 400, "unknown bullet"),
        ({"tag": "no-such-tag"}, 400, "no questions match these filters"),
        ({"missed": "true"}, 400, "no questions match these filters"),
        ({"count": "0"}, 422, "count"),
        ({"count": "ten"}, 422, "count"),
        ({"unseen": "maybe"}, 422, "unseen"),
    ],
)
def test_bad_filters_are_refused(
    client: TestClient, ctx: Context, form: dict[str, str], status: int, message: str
) -> None:
    response = client.post("/practice", data=form)
    assert response.status_code == status
    assert message in main_text(response.text)
    assert services.history(ctx) == []


def test_an_answer_gets_immediate_feedback(client: TestClient, ctx: Context) -> None:
    attempt = start(client)
    page = client.get(f"/practice/{attempt}/questions/1")
    assert "Check answer" in page.text
    wrong = wrong_letters(ctx, attempt, 1)
    response = client.post(
        f"/practice/{attempt}/questions/1", data={"choice": wrong}, follow_redirects=False
    )
    assert location(response) == f"/practice/{attempt}/questions/1"
    feedback = main_text(client.get(f"/practice/{attempt}/questions/1").text)
    assert "not correct" in feedback
    assert f"Your answer: {','.join(wrong)}" in feedback
    assert f"key: {','.join(key_letters(ctx, attempt, 1))}" in feedback
    assert "fits question" in feedback and "does not fit question" in feedback
    assert "Sources: https://docs.example.org/" in feedback
    assert "Next question" in feedback


def test_a_second_answer_does_not_replace_the_first(client: TestClient, ctx: Context) -> None:
    attempt = start(client)
    wrong = wrong_letters(ctx, attempt, 1)
    client.post(f"/practice/{attempt}/questions/1", data={"choice": wrong})
    again = client.post(
        f"/practice/{attempt}/questions/1",
        data={"choice": key_letters(ctx, attempt, 1)},
        follow_redirects=False,
    )
    assert again.status_code == 303
    assert services.get_attempt(ctx, attempt).answers[1] == ",".join(wrong)


def test_an_empty_or_wrong_sized_answer_is_refused(client: TestClient, ctx: Context) -> None:
    attempt = start(client)
    empty = client.post(f"/practice/{attempt}/questions/1", data={})
    assert empty.status_code == 400 and "choose an answer first" in empty.text
    question = services.get_attempt(ctx, attempt).questions[0]
    too_many = ["A", "B", "C"][: question.choose + 1]
    assert (
        client.post(f"/practice/{attempt}/questions/1", data={"choice": too_many}).status_code
        == 400
    )
    assert services.get_attempt(ctx, attempt).answers == {}


def test_resume_and_finish(client: TestClient, ctx: Context) -> None:
    attempt = start(client)
    client.post(f"/practice/{attempt}/questions/1", data={"choice": key_letters(ctx, attempt, 1)})
    resume = client.get(f"/practice/{attempt}", follow_redirects=False)
    assert location(resume) == f"/practice/{attempt}/questions/2"
    done = client.post(f"/practice/{attempt}/finish", follow_redirects=False)
    assert location(done) == f"/attempts/{attempt}"
    result = main_text(client.get(f"/attempts/{attempt}").text)
    assert "Result of practice" in result and "1/1 answered correctly" in result
    assert "2 question(s) not answered, not counted: not finished" in result
    assert "pass mark" not in result.split("Questions")[0].replace(
        "compared with the pass mark", ""
    )
    closed = client.get(f"/practice/{attempt}/questions/2", follow_redirects=False)
    assert location(closed) == f"/attempts/{attempt}"
    assert (
        location(client.get(f"/practice/{attempt}", follow_redirects=False))
        == f"/attempts/{attempt}"
    )
    late = client.post(
        f"/practice/{attempt}/questions/2", data={"choice": "A"}, follow_redirects=False
    )
    assert location(late) == f"/attempts/{attempt}"


def test_the_last_question_offers_only_finishing(client: TestClient, ctx: Context) -> None:
    attempt = start(client)
    client.post(f"/practice/{attempt}/questions/3", data={"choice": key_letters(ctx, attempt, 3)})
    page = client.get(f"/practice/{attempt}/questions/3").text
    assert "Next question" not in page and "Finish and see the result" in page


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("get", "/practice/999"),
        ("get", "/practice/999/questions/1"),
        ("post", "/practice/999/questions/1"),
        ("post", "/practice/999/finish"),
    ],
)
def test_an_unknown_session_is_404(client: TestClient, method: str, path: str) -> None:
    assert client.request(method.upper(), path).status_code == 404


def test_a_position_outside_the_session_is_404(client: TestClient) -> None:
    attempt = start(client)
    assert client.get(f"/practice/{attempt}/questions/4").status_code == 404
    assert client.post(f"/practice/{attempt}/questions/4", data={"choice": "A"}).status_code == 404


def test_an_exam_is_not_a_practice_session(client: TestClient, ctx: Context) -> None:
    exam = services.start_exam(ctx, questions=4, seed=1)
    response = client.get(f"/practice/{exam.attempt}/questions/1")
    assert response.status_code == 404 and "is not a practice session (it is exam)" in response.text


def test_feedback_links_the_note_section_that_teaches_the_fact(
    settings: Settings, clock: Clock, tmp_path: Path
) -> None:
    root = tmp_path / "linked"
    shutil.copytree(MINI_PACK, root)
    (root / "notes").mkdir()
    (root / "notes" / "objects.md").write_text(
        "---\nid: n-objects\ntitle: Objects\ncovers: [S1.1.a]\n---\n## Buckets and keys\n\nText.\n",
        encoding="utf-8",
    )
    bank = root / "questions" / "bank.yaml"
    ids = [
        line.split(": ")[1] for line in bank.read_text().splitlines() if line.startswith("- id:")
    ]
    write_links(dict.fromkeys(ids, bank), dict.fromkeys(ids, "n-objects#buckets-and-keys"))
    linked = settings.model_copy(update={"pack_path": root})
    with client_for(linked, clock) as client:
        attempt = start(client)
        ctx = services.open_context(linked, clock=clock)
        try:
            wrong = wrong_letters(ctx, attempt, 1)
        finally:
            ctx.close()
        client.post(f"/practice/{attempt}/questions/1", data={"choice": wrong})
        page = client.get(f"/practice/{attempt}/questions/1").text
        assert 'href="/notes/n-objects#n-objects-buckets-and-keys"' in page
        assert 'id="n-objects-buckets-and-keys"' in client.get("/notes/n-objects").text
