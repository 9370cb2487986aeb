"""The pages as a learner sees them on a phone and a laptop: no sideways scrolling at 390 px,
note tables as tables, no accessibility violations (axe-core), the exam navigator in view."""

from __future__ import annotations

import importlib
import os
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from examprep import services
from examprep.config import Settings

from .live import LiveServer, serve, server_environment

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page

_sync_api = (
    importlib.import_module("playwright.sync_api")
    if os.environ.get("CI")
    else pytest.importorskip("playwright.sync_api", reason="playwright is not installed")
)
expect = _sync_api.expect

pytestmark = pytest.mark.slow

PHONE = {"width": 390, "height": 844}
LAPTOP = {"width": 1280, "height": 800}


@dataclass(frozen=True)
class Site:
    server: LiveServer
    pages: dict[str, str]  # name -> path of every main page, with data in it


def _seed(settings: Settings) -> dict[str, str]:
    """A finished exam, an exam in progress (50 questions) and a practice session."""
    ctx = services.open_context(settings)
    try:
        done = services.start_exam(ctx, questions=6, seed=1)
        for q in done.questions:
            services.answer(
                ctx, done.attempt, q.position, ",".join(o.key for o in q.options[: q.choose])
            )
        services.flag(ctx, done.attempt, 2)
        services.submit(ctx, done.attempt)
        practice = services.start_practice(ctx, services.PracticeFilter(count=3), seed=2)
        first = practice.questions[0]
        services.answer(
            ctx, practice.attempt, 1, ",".join(o.key for o in first.options[: first.choose])
        )
        exam = services.start_exam(ctx, questions=50, seed=3)
        services.flag(ctx, exam.attempt, 1)
        card = ctx.pack.cards[0].id
        question = ctx.pack.questions[0].id
        table = ctx.pack.tables[0].id
    finally:
        ctx.close()
    return {
        "dashboard": "",
        "exam start": "exams",
        "exam question": f"exams/{exam.attempt}/questions/1",
        "exam review": f"exams/{exam.attempt}/review",
        "result": f"attempts/{done.attempt}",
        "result, wrong only": f"attempts/{done.attempt}?show=wrong",
        "practice": "practice",
        "practice feedback": f"practice/{practice.attempt}/questions/1",
        "study": "study",
        "cards": "cards",
        "card": f"cards/{card}",
        "question": f"questions/{question}",
        "table": f"tables/{table}",
        "notes": "notes",
        "note": "notes/S2.1",
        "search": "search?q=ML.EVALUATE",
        "names": "names",
        "advisor": "advisor",
        "history": "history",
        "settings": "config",
    }


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    """`examprep serve` with the bundled pack on a seeded database (one for the module)."""
    tmp = tmp_path_factory.mktemp("design")
    values = {"database_url": f"sqlite:///{tmp / 'site.sqlite3'}", "data_dir": str(tmp / "data")}
    pages = _seed(Settings(**values))  # type: ignore[arg-type]
    with serve(server_environment(**values), tmp) as live:
        yield Site(live, pages)


@pytest.fixture
def tab(browser: Browser, request: pytest.FixtureRequest) -> Iterator[Page]:
    viewport = getattr(request, "param", PHONE)
    context = browser.new_context(viewport=viewport)
    context.set_default_timeout(15_000)
    yield context.new_page()
    context.close()


def _axe_script() -> str:
    """axe-core as shipped inside the axe-playwright-python wheel (no network needed)."""
    package = importlib.import_module("axe_playwright_python")
    return (Path(package.__file__).parent / "axe.min.js").read_text(encoding="utf-8")


def test_no_main_page_scrolls_sideways_on_a_phone(site: Site, tab: Page) -> None:
    too_wide = {}
    for name, path in site.pages.items():
        tab.goto(site.server.url + path)
        widths = tab.evaluate("() => [document.documentElement.scrollWidth, window.innerWidth]")
        if widths[0] > widths[1]:
            too_wide[name] = widths
    assert too_wide == {}


def test_touch_targets_on_a_phone_are_at_least_44_px(site: Site, tab: Page) -> None:
    """Buttons, the menu and the exam navigator (inline text links are exempt)."""
    small = {}
    for name in ("dashboard", "exam question", "practice feedback", "cards", "result"):
        tab.goto(site.server.url + site.pages[name])
        sizes = tab.eval_on_selector_all(
            "main button, main .button, .menu > summary, .qnav ol .cell, .filters a",
            "els => els.filter(e => e.offsetParent !== null)"
            ".map(e => [e.textContent.trim().slice(0, 20), e.getBoundingClientRect().height])",
        )
        small.update({f"{name}: {text}": h for text, h in sizes if h < 44})
    assert small == {}


@pytest.mark.parametrize("tab", [PHONE, LAPTOP], indirect=True, ids=["phone", "laptop"])
def test_axe_finds_no_violation_on_any_main_page(site: Site, tab: Page) -> None:
    script = _axe_script()
    found: dict[str, list[str]] = {}
    for name, path in site.pages.items():
        tab.goto(site.server.url + path)
        tab.evaluate(script)  # evaluated by the driver: the page's CSP does not apply
        result: dict[str, Any] = tab.evaluate("() => axe.run(document)")
        violations = [f"{v['id']}: {v['nodes'][0]['target']}" for v in result["violations"]]
        if violations:
            found[name] = violations
    assert found == {}


def test_a_note_table_is_a_table_and_code_is_monospace(site: Site, tab: Page) -> None:
    tab.goto(site.server.url + "notes/S2.1")
    table = tab.locator("article.note table").first
    expect(table).to_be_visible()
    assert table.locator("thead th").count() >= 2
    assert "| ---" not in tab.locator("main").inner_text()
    font = tab.locator("article.note code").first.evaluate("e => getComputedStyle(e).fontFamily")
    assert "mono" in font.lower()


def test_notes_have_callouts_contents_and_links_to_practice(site: Site, tab: Page) -> None:
    tab.goto(site.server.url + "notes/S2.1")
    expect(tab.locator(".callout.tip h2", has_text="Exam angle").first).to_be_attached()
    contents = tab.locator("nav.toc a")
    assert contents.count() > 3
    anchor = contents.nth(1).get_attribute("href") or ""
    assert tab.locator(anchor).count() == 1  # every contents entry lands on a heading
    expect(tab.locator("aside a[href^='/practice?bullet=']").first).to_be_attached()


@pytest.mark.parametrize("tab", [LAPTOP], indirect=True, ids=["laptop"])
def test_the_exam_navigator_and_timer_are_in_view_beside_the_question(
    site: Site, tab: Page
) -> None:
    tab.goto(site.server.url + site.pages["exam question"])
    navigator = tab.locator("nav.qnav")
    expect(navigator).to_be_in_viewport(ratio=1.0)
    expect(tab.locator(".timer").locator("visible=true")).to_be_in_viewport()
    question = tab.locator("form.question").bounding_box()
    aside = navigator.bounding_box()
    assert question is not None and aside is not None
    assert aside["x"] >= question["x"] + question["width"]  # beside, not below


@pytest.mark.parametrize("tab", [PHONE], indirect=True, ids=["phone"])
def test_the_phone_header_is_compact_with_a_menu(site: Site, tab: Page) -> None:
    tab.goto(site.server.url)
    header = tab.locator("header.top").bounding_box()
    assert header is not None and header["height"] <= 64
    tab.get_by_text("Menu").click()
    expect(tab.get_by_role("link", name="Notes", exact=True)).to_be_visible()


def test_keyboard_hints_only_with_a_keyboard(site: Site, browser: Browser) -> None:
    path = site.server.url + site.pages["practice feedback"].rsplit("/", 1)[0] + "/2"
    shown = {}
    for touch in (False, True):
        context = browser.new_context(viewport=PHONE, has_touch=touch, is_mobile=touch)
        tab = context.new_page()
        tab.goto(path)
        shown[touch] = tab.locator(".keys").is_visible()
        context.close()
    assert shown == {False: True, True: False}


def test_search_hits_of_every_kind_are_links(site: Site, tab: Page) -> None:
    for kind in ("note", "card", "table", "question"):
        tab.goto(f"{site.server.url}search?q=BigQuery&kind={kind}")
        link = tab.locator("ol.results a.title").first
        expect(link).to_be_visible()
        link.click()
        assert tab.locator("h1").count() == 1
        assert not re.search(r"/search", tab.url)


def test_pages_carry_a_favicon(site: Site, tab: Page) -> None:
    tab.goto(site.server.url)
    href = tab.locator("link[rel=icon]").get_attribute("href") or ""
    assert tab.request.get(site.server.url.rstrip("/") + href).ok
