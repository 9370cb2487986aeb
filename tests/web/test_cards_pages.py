"""Card reviews in the browser: show, reveal, grade; missed questions come back as cards."""

from __future__ import annotations

from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from examprep import services
from examprep.config import Settings
from examprep.content.notelinks import write_links
from examprep.services import Context

from .conftest import Clock, client_for, location, main_text, wrong_letters


def test_nothing_due(client: TestClient) -> None:
    page = client.get("/cards")
    assert page.status_code == 200
    assert "Nothing is due" in page.text and "0 due · 0 new" in main_text(page.text)


def test_a_new_card_is_shown_revealed_and_graded(
    rich_client: TestClient, rich_settings: Settings, clock: Clock
) -> None:
    page = rich_client.get("/cards")
    assert "0 due · 1 new" in main_text(page.text)
    assert "What is object storage?" in page.text and "new card" in page.text
    assert "<details" in page.text and "Storage of whole objects" in page.text
    assert 'name="rating" value="good" data-shortcut="3"' in page.text
    clock.advance(seconds=20)
    response = rich_client.post(
        "/cards/grade",
        data={"card": "card:c-001", "rating": "good", "shown_at": "2026-11-27T09:00:00+00:00"},
        follow_redirects=False,
    )
    assert response.status_code == 303 and location(response) == "/cards"
    assert "Nothing is due" in rich_client.get("/cards").text
    ctx = services.open_context(rich_settings, clock=clock)
    try:
        assert services.due_reviews(ctx) == []
        clock.advance(days=30)
        assert [c.id for c in services.due_reviews(ctx)] == ["card:c-001"]
    finally:
        ctx.close()


def test_a_missed_practice_question_becomes_a_review(client: TestClient, ctx: Context) -> None:
    view = services.start_practice(ctx, services.PracticeFilter(count=1), seed=2)
    services.answer(ctx, view.attempt, 1, ",".join(wrong_letters(ctx, view.attempt, 1)))
    page = client.get("/cards")
    assert "1 due · 0 new" in main_text(page.text)
    assert "missed question" in page.text and "Answer:" in page.text
    card = f"question:{view.questions[0].id}"
    response = client.post("/cards/grade", data={"card": card, "rating": "easy"})
    assert response.status_code == 200 and "Nothing is due" in response.text


@pytest.mark.parametrize(
    ("form", "status", "message"),
    [
        ({"card": "card:c-001", "rating": "great"}, 400, "rating must be one of"),
        ({"card": "card:nope", "rating": "good"}, 404, "no card"),
        ({"card": "question:q-999", "rating": "good"}, 404, "no card"),
        ({"rating": "good"}, 422, "card"),
        ({"card": "card:c-001"}, 422, "rating"),
    ],
)
def test_bad_grades_are_refused(
    rich_client: TestClient, form: dict[str, str], status: int, message: str
) -> None:
    response = rich_client.post("/cards/grade", data=form)
    assert response.status_code == status
    assert message in main_text(response.text)
    assert "0 due · 1 new" in main_text(rich_client.get("/cards").text)


@pytest.mark.parametrize(
    "shown_at", ["", "yesterday", "2026-11-27T09:00:00", "2026-11-20T09:00:00+00:00"]
)
def test_an_odd_shown_time_still_records_the_grade(rich_client: TestClient, shown_at: str) -> None:
    response = rich_client.post(
        "/cards/grade", data={"card": "card:c-001", "rating": "again", "shown_at": shown_at}
    )
    assert response.status_code == 200


def test_a_linked_card_links_the_note_section_that_teaches_it(
    rich_settings: Settings, hostile_pack: Path, clock: Clock
) -> None:
    write_links({"c-001": hostile_pack / "cards" / "cards.yaml"}, {"c-001": "n-objects#buckets"})
    with client_for(rich_settings, clock) as client:
        page = client.get("/cards").text
    assert 'href="/notes/n-objects#n-objects-buckets"' in page
