"""Notes, the rename map and search in the browser."""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient

from examprep.content.loader import load_pack
from examprep.content.sections import sections
from examprep.services.notes import note_view
from examprep.web.notes import render_note

from .conftest import main_text


def test_contents_list_sections_bullets_and_coverage(rich_client: TestClient) -> None:
    page = rich_client.get("/notes")
    text = main_text(page.text)
    assert page.status_code == 200
    assert "S1 Storage" in text and "S2.1.b" in text
    assert 'href="/notes/n-objects"' in page.text and 'href="/notes/S1.1.a"' in page.text
    assert "no note yet" in text  # bullets without notes say so
    assert 'href="/practice?bullet=S1.1.a"' in page.text


@pytest.mark.parametrize("target", ["n-objects", "objects", "S1.1.a", "S1.1", "S1"])
def test_a_note_by_id_bullet_subsection_or_section(rich_client: TestClient, target: str) -> None:
    page = rich_client.get(f"/notes/{target}")
    assert page.status_code == 200
    assert re.search(r'<h2 id="[^"]+">Buckets</h2>', page.text)  # Markdown rendered
    assert "<strong>buckets</strong>" in page.text
    assert "verified 2026-11-01" in page.text
    assert 'href="https://docs.example.org/S1.1.a"' in page.text


@pytest.mark.parametrize(
    ("target", "message"), [("S2.1.a", "no note covers"), ("S9", "no note, bullet or section")]
)
def test_missing_notes_are_404(rich_client: TestClient, target: str, message: str) -> None:
    response = rich_client.get(f"/notes/{target}")
    assert response.status_code == 404 and message in response.text


def test_a_pack_without_notes_shows_empty_contents(client: TestClient) -> None:
    assert client.get("/notes").status_code == 200
    assert client.get("/notes/S1").status_code == 404


def test_the_rename_map(rich_client: TestClient) -> None:
    page = rich_client.get("/names")
    assert page.status_code == 200 and "Bucket Store" in page.text and "Bin Store" in page.text
    found = rich_client.get("/names?q=bin")
    assert "<mark>Bin Store</mark>" in found.text
    missing = rich_client.get("/names?q=zzz")
    assert missing.status_code == 404 and "no product name matches" in missing.text


def test_a_pack_without_a_rename_map_says_so(client: TestClient) -> None:
    response = client.get("/names")
    assert response.status_code == 404 and "has no rename map" in response.text


def test_search_highlights_matches_and_links_notes(rich_client: TestClient) -> None:
    empty = rich_client.get("/search")
    assert empty.status_code == 200 and "results" not in main_text(empty.text)
    page = rich_client.get("/search?q=buckets")
    assert page.status_code == 200
    assert "<mark>" in page.text and 'href="/notes/n-objects"' in page.text
    only_cards = rich_client.get("/search?q=object&kind=card")
    assert 'href="/notes/' not in only_cards.text
    assert '<span class="badge kind">card</span>' in only_cards.text


@pytest.mark.parametrize(
    ("query", "status"),
    [("?q=%21%21%21", 400), ("?q=object&kind=video", 400), ("?q=" + "x" * 201, 422)],
)
def test_bad_searches_are_refused(rich_client: TestClient, query: str, status: int) -> None:
    assert rich_client.get(f"/search{query}").status_code == status


@pytest.mark.parametrize(
    "query",
    ["' OR 1=1 --", 'object" OR "1"="1', "x'; DROP TABLE learners; --", "NEAR(a b)", "*"],
)
def test_injection_in_search_is_harmless(rich_client: TestClient, query: str) -> None:
    response = rich_client.get("/search", params={"q": query})
    assert response.status_code in (200, 400)
    assert rich_client.get("/search?q=buckets").status_code == 200
    assert rich_client.get("/").status_code == 200


def test_search_links_advisor_leaves_names_and_suggests_a_spelling(rich_client: TestClient) -> None:
    leaf = rich_client.get("/search?q=huge+files&kind=leaf").text
    # Bucket Store's "instead" names huge files; its link walks the advisor to it.
    assert 'href="/advisor?a=d-kind%3Aobjects&amp;a=d-size%3Asmall">Bucket Store' in leaf
    name = rich_client.get("/search?q=Bin+Store&kind=name").text
    assert 'href="/names?q=Bucket+Store"' in name
    typo = rich_client.get("/search?q=bukets").text
    assert 'Did you mean <a href="/search?q=buckets">buckets</a>?' in typo
    assert 'href="/notes/n-objects"' in typo


def test_note_pages_anchor_every_section_where_links_point() -> None:
    # Links written as note-id#section must land on the web page's anchors, for every note.
    pack = load_pack()
    for note in pack.notes:
        html = render_note(note_view(pack, note)).html
        anchors = re.findall(r'<h2 id="([^"]+)"', str(html))
        assert anchors == [f"{note.id}-{s.slug}" for s in sections(note.body)], note.id
