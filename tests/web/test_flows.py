"""Flows of the web app v2: material pages from search, the results filter, the placement
findings, note tables and contents, the pack parsed once per process."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient

from examprep import services
from examprep.config import Settings
from examprep.services import Context
from examprep.web.notes import render_note

from .conftest import key_letters, main_text, wrong_letters


def test_card_and_question_hits_link_to_their_own_pages(rich_client: TestClient) -> None:
    cards = rich_client.get("/search?q=object&kind=card").text
    assert 'href="/cards/c-001"' in cards
    card = rich_client.get("/cards/c-001")
    assert card.status_code == 200 and "Show the answer" in card.text
    questions = rich_client.get("/search?q=storage&kind=question").text
    found = re.search(r'href="/questions/([^"]+)"', questions)
    assert found
    question = rich_client.get(f"/questions/{found.group(1)}")
    assert question.status_code == 200 and "every option explained" in question.text
    assert 'href="/practice?bullet=' in question.text  # and on to practice and the notes


def test_unknown_material_is_not_found(rich_client: TestClient) -> None:
    for path in ("/cards/nope", "/questions/nope", "/tables/nope"):
        assert rich_client.get(path).status_code == 404


def _exam_with_one_wrong_and_one_flag(ctx: Context) -> int:
    exam = services.start_exam(ctx, questions=4, seed=5)
    services.answer(ctx, exam.attempt, 1, ",".join(key_letters(ctx, exam.attempt, 1)))
    services.answer(ctx, exam.attempt, 2, ",".join(wrong_letters(ctx, exam.attempt, 2)))
    services.answer(ctx, exam.attempt, 3, ",".join(key_letters(ctx, exam.attempt, 3)))
    services.flag(ctx, exam.attempt, 3)
    services.submit(ctx, exam.attempt)
    return exam.attempt


def shown_questions(html: str) -> list[int]:
    return [int(n) for n in re.findall(r'<article class="explained[^"]*" id="q(\d+)"', html)]


def test_the_results_filter_shows_all_wrong_or_flagged(client: TestClient, ctx: Context) -> None:
    attempt = _exam_with_one_wrong_and_one_flag(ctx)
    assert shown_questions(client.get(f"/attempts/{attempt}").text) == [1, 2, 3, 4]
    wrong = client.get(f"/attempts/{attempt}?show=wrong")
    assert shown_questions(wrong.text) == [2, 4]  # the wrong one and the unanswered one
    assert "Wrong or unanswered (2)" in main_text(wrong.text)
    assert shown_questions(client.get(f"/attempts/{attempt}?show=flagged").text) == [3]
    assert client.get(f"/attempts/{attempt}?show=bogus").status_code == 422


def test_the_placement_result_says_what_it_found_and_what_next(
    client: TestClient, ctx: Context
) -> None:
    client.post("/study", data={"mode": "diagnostic"})
    view = services.history(ctx)[-1]
    attempt = view.attempt
    for i in range(3):
        question = services.get_attempt(ctx, attempt).questions[-1]
        keys = [o.key for o in question.options][: question.choose]
        services.answer(ctx, attempt, question.position, ",".join(keys))
        if i < 2:
            services.next_question(ctx, attempt)
    client.post(f"/study/{attempt}/finish")
    text = main_text(client.get(f"/study/{attempt}/done").text)
    assert "What it found" in text and "You answered 3 questions" in text
    assert "Weakest:" in text and "Right in this test" in text
    assert "What to do next" in text and "Start a daily study session" in text


def test_a_note_table_renders_as_a_table_with_anchored_callouts() -> None:
    note = services.NoteView(
        id="n-t",
        title="T",
        covers=[],
        sources=[],
        verified=None,
        body="Intro `ML.EVALUATE`.\n\n## Facts\n\n| a | b |\n|---|---|\n| 1 | 2 |\n\n## Traps\n\nCareful.\n",
    )
    rendered = render_note(note)
    assert (
        "<table>" in rendered.html and "| ---" not in rendered.html and "|---|" not in rendered.html
    )
    assert "<th>a</th>" in rendered.html and "<code>ML.EVALUATE</code>" in rendered.html
    assert rendered.contents == [("n-t-facts", "Facts"), ("n-t-traps", "Traps")]
    assert '<div class="callout warn"><h2 id="n-t-traps">Traps</h2>' in rendered.html


def test_the_pack_is_parsed_once_per_process(settings: Settings, monkeypatch: object) -> None:
    import examprep.content.loader as loader

    calls = []
    real = loader.load_pack

    def counting(path: object = None) -> object:
        calls.append(path)
        return real(path)  # type: ignore[arg-type]

    monkeypatch.setattr(loader, "load_pack", counting)  # type: ignore[attr-defined]
    first = services.load_pack_for(settings)
    assert services.load_pack_for(settings) is first
    assert len(calls) <= 1  # none when an earlier test in this process parsed it already
