"""The advisor in the browser: one question at a time, the recommendation, the whole tree."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from .conftest import main_text


def test_the_first_question_and_the_tree(rich_client: TestClient) -> None:
    page = rich_client.get("/advisor")
    text = main_text(page.text)
    assert page.status_code == 200
    assert "What do you store?" in text
    assert 'href="/advisor?a=d-kind%3Aobjects"' in page.text
    assert 'href="/advisor?a=d-kind%3Ablocks"' in page.text
    assert 'href="/advisor?a=d-kind%3Anot-sure"' in page.text
    assert "Not sure (goes on as if: Whole files)" in text
    assert "The whole decision tree" in text and "Huge → Archive Store" in text


def test_walking_to_a_recommendation(rich_client: TestClient) -> None:
    step = rich_client.get("/advisor?a=d-kind:objects")
    assert "How big are the files?" in main_text(step.text)
    assert 'href="/advisor">change' in step.text  # back to before the first answer
    done = rich_client.get("/advisor?a=d-kind:objects&a=d-size:small")
    text = main_text(done.text)
    assert "Recommendation: Bucket Store" in text
    assert "Formerly: Bin Store" in text
    assert "Archive Store : the files are huge" in text  # the alternative and when to pick it
    assert "Ruled out on the way" in text
    assert "Disk Store (would need the answer “Disk blocks for a machine”)" in text
    assert 'href="https://docs.example.org/S1.1.a"' in done.text
    assert 'href="/advisor?a=d-kind%3Aobjects">change' in done.text


@pytest.mark.parametrize("query", ["?a=d-kind:nothing", "?a=d-nope:objects", "?a=broken", "?a=:x"])
def test_bad_walks_are_400(rich_client: TestClient, query: str) -> None:
    response = rich_client.get(f"/advisor{query}")
    assert response.status_code == 400


def test_a_pack_without_an_advisor_says_so(client: TestClient) -> None:
    response = client.get("/advisor")
    assert response.status_code == 404 and "has no advisor tree" in response.text


def test_advisor_text_is_escaped(rich_client: TestClient) -> None:
    for path in ("/advisor", "/advisor?a=d-kind:objects&a=d-size:small"):
        page = rich_client.get(path).text
        assert "<script>alert" not in page and "&lt;script&gt;alert(" in page


def test_not_sure_follows_the_common_answer_and_names_the_alternative(
    rich_client: TestClient,
) -> None:
    done = rich_client.get("/advisor?a=d-kind:not-sure&a=d-size:not-sure")
    text = main_text(done.text)
    assert "Recommendation: Bucket Store" in text
    assert "Not sure (assumed: Whole files)" in text
    assert "You were not sure: How big are the files?" in text
    assert "If instead “Huge”: Archive Store" in text
    assert "If instead “Disk blocks for a machine”: Disk Store" in text
    assert 'href="/advisor?a=d-kind%3Anot-sure">change' in done.text


def test_the_diagram_highlights_the_path_just_walked(rich_client: TestClient) -> None:
    first = rich_client.get("/advisor").text
    assert first.count("<svg") == 1 and 'viewBox="0 0 ' in first
    assert first.count('class="question on"') == 1  # only the root before any answer
    done = rich_client.get("/advisor?a=d-kind:objects&a=d-size:not-sure").text
    assert done.count('class="question on"') == 2
    assert done.count('class="leaf on"') == 1 and done.count('class="edge on"') == 2
    bucket = done.index('class="leaf on"')
    assert "Bucket Store" in done[bucket : done.index("</g>", bucket)]
    assert 'href="#zoom-2"' in done
