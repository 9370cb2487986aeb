"""End to end in headless Chromium against a real `examprep serve`: exam, cards, search, advisor."""

from __future__ import annotations

import importlib
import os
import re
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from examprep import services
from examprep.config import Settings

from ..conftest import MINI_PACK
from .live import LiveServer, serve, server_environment

if TYPE_CHECKING:
    from playwright.sync_api import Page

# In CI a missing Playwright is an error; elsewhere these tests are skipped without it.
_sync_api = (
    importlib.import_module("playwright.sync_api")
    if os.environ.get("CI")
    else pytest.importorskip("playwright.sync_api", reason="playwright is not installed")
)
expect = _sync_api.expect

pytestmark = pytest.mark.slow

EXAM_QUESTIONS = 4
CARDS = 4


def settings_for(tmp_path: Path, pack: Path | None) -> dict[str, str]:
    values = {
        "database_url": f"sqlite:///{tmp_path / 'e2e.sqlite3'}",
        "data_dir": str(tmp_path / "data"),
    }
    if pack is not None:
        values["pack_path"] = str(pack)
    return values


@pytest.fixture
def card_pack(tmp_path: Path) -> Path:
    """The mini pack plus a file of four flashcards."""
    pack = tmp_path / "pack"
    shutil.copytree(MINI_PACK, pack)
    (pack / "cards").mkdir()
    (pack / "cards" / "c.yaml").write_text(
        "cards:\n"
        + "".join(
            f"  - id: c-{i}\n    covers: [S{1 + i % 2}.1.a]\n    front: Front {i}?\n"
            f"    back: Back {i}.\n    source: https://docs.example.org/c{i}\n"
            for i in range(CARDS)
        ),
        encoding="utf-8",
    )
    return pack


@pytest.fixture
def mini_server(tmp_path: Path, card_pack: Path) -> Iterator[LiveServer]:
    """`examprep serve` on a new SQLite file with the mini pack and its cards."""
    with serve(server_environment(**settings_for(tmp_path, card_pack)), tmp_path) as live:
        yield live


@pytest.fixture
def bundled_server(tmp_path: Path) -> Iterator[LiveServer]:
    """`examprep serve` on a new SQLite file with the bundled pack."""
    with serve(server_environment(**settings_for(tmp_path, None)), tmp_path) as live:
        yield live


def answer_with_first_options(page: Page) -> list[str]:
    """Tick as many options as the question asks for; the page saves itself on the last one."""
    form = page.locator("form[data-autosave]")
    want = int(form.get_attribute("data-autosave") or "1")
    inputs = page.locator("input[name=choice]")
    for i in range(want - 1):
        inputs.nth(i).check()
    with page.expect_navigation():  # keys.js submits the answer as soon as it is complete
        inputs.nth(want - 1).check()
    return [inputs.nth(i).get_attribute("value") or "" for i in range(want)]


def checked_letters(page: Page) -> list[str]:
    return page.locator("input[name=choice]:checked").evaluate_all("els => els.map(e => e.value)")


def letters(text: str) -> set[str]:
    return set(re.findall(r"[A-F]", text))


def test_a_short_exam_survives_a_reload_and_is_scored(
    page: Page, mini_server: LiveServer, tmp_path: Path, card_pack: Path
) -> None:
    page.goto(f"{mini_server.url}exams")
    page.fill("#questions", str(EXAM_QUESTIONS))
    page.get_by_role("button", name="Start the exam").click()
    expect(page.locator("h1")).to_have_text(f"Question 1 of {EXAM_QUESTIONS}")
    expect(page.locator(".timer").locator("visible=true")).to_be_visible()
    attempt = int(re.search(r"/exams/(\d+)/questions/1$", page.url).group(1))  # type: ignore[union-attr]

    given: dict[int, list[str]] = {}
    for position in (1, 2):
        given[position] = answer_with_first_options(page)
        assert checked_letters(page) == given[position]
        page.get_by_role("button", name="Save and next").click()
        expect(page.locator("h1")).to_have_text(f"Question {position + 1} of {EXAM_QUESTIONS}")

    page.reload()  # answers were saved as given: nothing is lost
    expect(page.locator("h1")).to_have_text(f"Question 3 of {EXAM_QUESTIONS}")
    page.get_by_role("link", name=re.compile(r"^Question 2\b")).click()
    expect(page.locator("h1")).to_have_text(f"Question 2 of {EXAM_QUESTIONS}")
    assert checked_letters(page) == given[2]
    page.get_by_role("button", name="Save and next").click()

    given[3] = answer_with_first_options(page)
    page.get_by_role("button", name="Flag for review").click()
    expect(page.get_by_role("button", name="Unflag")).to_be_visible()
    expect(page.locator(".page-head .badge.flag", has_text="flagged")).to_be_visible()

    page.get_by_role("link", name="Review and submit").click()
    expect(page.locator("h1")).to_have_text("Review your answers")
    summary = page.locator("main p.summary")
    expect(summary).to_contain_text("1 unanswered: 4.")
    expect(summary).to_contain_text("1 flagged: 3.")
    page.get_by_role("button", name="Submit the exam").click()
    expect(page.locator("h1")).to_have_text("Review your answers")  # not confirmed: not submitted
    page.get_by_label(re.compile("I am done")).check()
    page.get_by_role("button", name="Submit the exam").click()

    expect(page.locator("h1")).to_have_text(f"Result of exam #{attempt}")
    rows = page.locator("table").last.locator("tbody tr")
    expect(rows).to_have_count(EXAM_QUESTIONS)
    right = 0
    for position in range(1, EXAM_QUESTIONS + 1):
        cells = rows.nth(position - 1).locator("td")
        yours, key = cells.nth(2).inner_text(), cells.nth(3).inner_text()
        assert letters(yours) == set(given.get(position, []))
        right += letters(yours) == letters(key)
    expect(page.locator(".stat")).to_contain_text(f"{right}/{EXAM_QUESTIONS} correct")

    settings = Settings(**settings_for(tmp_path, card_pack))  # type: ignore[arg-type]
    ctx = services.open_context(settings)
    try:
        view = services.get_attempt(ctx, attempt)
    finally:
        ctx.close()
    assert view.status != "open"
    assert {p: sorted(letters(a)) for p, a in view.answers.items()} == given


def test_a_card_is_revealed_and_graded_with_the_mouse_and_the_keyboard(
    page: Page, mini_server: LiveServer
) -> None:
    page.goto(f"{mini_server.url}cards")
    counts = page.locator("main p.counts")
    expect(counts).to_contain_text("new")
    new_before = int(re.search(r"(\d+) new", counts.inner_text()).group(1))  # type: ignore[union-attr]
    assert new_before > 2
    front = page.locator("#card-front").inner_text()
    back = page.locator(".back")
    expect(back).to_be_hidden()
    page.get_by_text("Show the answer").click()
    expect(back).to_be_visible()
    page.get_by_role("button", name=re.compile("Good: recalled")).click()

    expect(page.locator("main p.counts")).to_contain_text(f"{new_before - 1} new")
    assert page.locator("#card-front").inner_text() != front
    page.keyboard.press(" ")  # Space reveals, 3 grades "good"
    expect(page.locator(".back")).to_be_visible()
    with page.expect_navigation():
        page.keyboard.press("3")
    expect(page.locator("main p.counts")).to_contain_text(f"{new_before - 2} new")


def test_a_search_highlights_what_it_found(page: Page, bundled_server: LiveServer) -> None:
    page.goto(f"{bundled_server.url}search")
    page.fill("#q", "BigQuery")
    page.get_by_role("button", name="Search").click()
    expect(page).to_have_url(re.compile(r"/search\?q=BigQuery"))
    heading = page.locator("main h2")
    expect(heading).to_have_text(re.compile(r"^[1-9]\d* results$"))
    marks = page.locator("ol.results mark")
    expect(marks.first).to_be_visible()
    assert {m.lower() for m in marks.all_inner_texts()} == {"bigquery"}


def test_the_advisor_walks_to_a_recommendation(page: Page, bundled_server: LiveServer) -> None:
    page.goto(f"{bundled_server.url}advisor")
    advice = page.locator("#advice")
    steps = 0
    while not advice.is_visible():
        assert steps < 20, "the advisor never reached a recommendation"
        page.locator(".advisor-choices a").first.click()
        steps += 1
        expect(page.locator("ol.path > li")).to_have_count(steps)
    expect(advice).to_have_text(re.compile(r"^Recommendation: \S"))
    expect(page.locator("section[aria-labelledby=advice] .sources a").first).to_be_visible()
    page.get_by_role("link", name="change").first.click()  # back to the first question
    expect(page.locator("#ask")).to_be_visible()
    expect(page.locator("ol.path > li")).to_have_count(0)


def test_practice_answers_and_moves_on_without_a_page_load(
    page: Page, mini_server: LiveServer
) -> None:
    # The answer is checked and the next question shown in place (keys.js, data-inplace): the
    # page's own JavaScript state survives, the address follows, and Back still works.
    page.goto(f"{mini_server.url}practice")
    page.fill("#count", "2")
    page.get_by_role("button", name="Start practising").click()
    expect(page.locator("main h1")).to_have_text("Question 1 of 2")
    page.evaluate("window.samePage = true")
    form = page.locator("form[data-autosave]")
    want = int(form.get_attribute("data-autosave") or "1")
    for i in range(want):
        page.locator("input[name=choice]").nth(i).check()
    page.get_by_role("button", name="Check answer").click()
    expect(page.locator(".explained")).to_be_visible()
    assert page.evaluate("window.samePage") is True
    expect(page).to_have_url(re.compile(r"/practice/\d+/questions/1$"))
    expect(page.locator("main h1")).to_be_focused()
    page.get_by_role("link", name="Next question").click()
    expect(page.locator("main h1")).to_have_text("Question 2 of 2")
    assert page.evaluate("window.samePage") is True
    expect(page).to_have_url(re.compile(r"/practice/\d+/questions/2$"))
    page.go_back()
    expect(page.locator(".explained")).to_be_visible()
    expect(page).to_have_url(re.compile(r"/practice/\d+/questions/1$"))
