"""Dashboard, history, settings, static files and the error pages."""

from __future__ import annotations

from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from examprep import services
from examprep.config import Settings
from examprep.services import Context

from .conftest import Clock, client_for, key_letters, location, main_text


def test_an_empty_dashboard_says_what_to_do(client: TestClient) -> None:
    page = client.get("/")
    text = main_text(page.text)
    assert page.status_code == 200
    # A new learner sees no figure: what the estimate needs, and the placement test.
    assert "P(pass) today" not in text and "80 % interval" not in text
    assert "P(pass): not yet" in text and "from 0 answers" in text
    assert "Take the placement test" in text and 'name="mode" value="diagnostic"' in page.text
    assert "you get about" not in text
    assert (
        "Pass mark 70 %: the pack's assumption. An assumption for tests. Change it in Settings"
        in text
    )
    assert "S1 Storage" in text and "S2 Compute" in text
    assert "No trend yet" in text
    assert "No exam date set" in text
    assert "0 reviews due" in text
    assert "No attempts yet" in text
    assert page.text.count("<meter") == 2


def test_the_dashboard_after_some_work(client: TestClient, ctx: Context, clock: Clock) -> None:
    services.set_config(ctx, "exam-date", "2026-12-27")
    view = services.start_practice(ctx, services.PracticeFilter(count=3), seed=1)
    services.answer(ctx, view.attempt, 1, ",".join(key_letters(ctx, view.attempt, 1)))
    clock.advance(days=1)
    wrong = [
        o.key for o in view.questions[1].options if o.key not in key_letters(ctx, view.attempt, 2)
    ]
    services.answer(ctx, view.attempt, 2, ",".join(wrong[: view.questions[1].choose]))
    page = client.get("/")
    text = main_text(page.text)
    assert "Exam on 2026-12-27: 29 days to go." in text
    assert "1 reviews due" in text  # the missed question is on the review schedule
    assert "P(pass): not yet" in text and '<svg class="chart"' not in page.text  # 2 answers
    assert f'href="/practice/{view.attempt}">#{view.attempt}' in page.text  # recent, still open
    assert "Study next" in text and 'href="/practice?bullet=' in page.text


def test_the_trend_chart_has_a_time_axis_that_fits(
    client: TestClient, ctx: Context, clock: Clock
) -> None:
    for _ in range(2):  # 24 wrong answers on one day: a clear (low) P(pass), one point
        view = services.start_practice(ctx, services.PracticeFilter(count=12), seed=1)
        for q in view.questions:
            key = key_letters(ctx, view.attempt, q.position)
            wrong = [o.key for o in q.options if o.key not in key][: q.choose]
            services.answer(ctx, view.attempt, q.position, ",".join(wrong))
    page = client.get("/")
    text = main_text(page.text)
    assert "P(pass) today:" in text and "not yet" not in text
    assert page.text.count('<circle class="dot"') == 1
    # One day sits in a week-long window labelled by day, not on an axis of years.
    assert ">27 Nov</text>" in page.text and "2027" not in page.text.split("<svg")[1]
    assert "Date (UTC, one point per study day)" in page.text and "P(pass) at 70 %" in page.text
    assert 'viewBox="0 0 360 220"' in page.text  # about a phone's width: text stays readable


def test_history_lists_every_attempt_with_a_link(client: TestClient, ctx: Context) -> None:
    assert "No attempts yet" in client.get("/history").text
    exam = services.start_exam(ctx, questions=4, seed=3)
    services.submit(ctx, exam.attempt)
    practice = services.start_practice(ctx, services.PracticeFilter(count=2), seed=7)
    page = client.get("/history").text
    assert f'href="/attempts/{exam.attempt}"' in page
    assert f'href="/practice/{practice.attempt}"' in page


def test_settings_show_and_save(client: TestClient, ctx: Context) -> None:
    page = client.get("/config")
    assert page.status_code == 200
    assert "Currently 70%: the pack's assumption." in main_text(page.text)
    response = client.post(
        "/config", data={"exam_date": "2027-01-15", "pass_mark": "75%"}, follow_redirects=False
    )
    assert response.status_code == 303 and location(response) == "/config?saved=true"
    config = services.get_config(ctx)
    assert config.exam_date is not None and config.exam_date.isoformat() == "2027-01-15"
    assert config.pass_mark == 0.75
    saved = main_text(client.get("/config?saved=true").text)
    assert "Saved." in saved and "Currently 75%: your setting (the pack assumes 70 %)." in saved
    home = main_text(client.get("/").text)
    # One sentence: the mark in use, where it comes from, and the web setting (not a CLI command).
    assert "Pass mark 75 %: your setting (the pack assumes 70 %). An assumption for tests." in home
    assert "Change it in Settings" in home and "examprep config" not in home
    client.post("/config", data={"exam_date": "", "pass_mark": ""})
    cleared = services.get_config(ctx)
    assert cleared.exam_date is None and cleared.pass_mark_is_default


@pytest.mark.parametrize(
    ("form", "message"),
    [
        ({"exam_date": "2020-01-01"}, "is in the past"),
        ({"exam_date": "soon"}, "is not a date"),
        ({"pass_mark": "120%"}, "between 10 % and 99 %"),
        ({"pass_mark": "lots"}, "is not a number"),
    ],
)
def test_bad_settings_are_refused(
    client: TestClient, ctx: Context, form: dict[str, str], message: str
) -> None:
    response = client.post("/config", data=form)
    assert response.status_code == 400
    assert message in main_text(response.text)
    assert services.get_config(ctx).pass_mark_is_default


def test_an_overlong_setting_is_a_bad_form(client: TestClient) -> None:
    assert client.post("/config", data={"pass_mark": "7" * 100}).status_code == 422


def test_static_files_are_served(client: TestClient) -> None:
    css = client.get("/static/style.css")
    js = client.get("/static/keys.js")
    assert css.status_code == 200 and ":focus-visible" in css.text
    assert js.status_code == 200 and "countdown" in js.text


def test_an_unknown_address_is_a_404_page(client: TestClient) -> None:
    response = client.get("/no/such/page")
    assert response.status_code == 404
    assert "There is no page at this address." in response.text
    assert response.headers["content-type"].startswith("text/html")


def test_a_wrong_method_is_refused(client: TestClient) -> None:
    assert client.delete("/config").status_code == 405


def test_every_page_has_security_headers(client: TestClient) -> None:
    for response in (client.get("/"), client.get("/nowhere"), client.post("/config", data={})):
        assert "script-src 'self'" in response.headers["content-security-policy"]
        assert response.headers["x-frame-options"] == "DENY"
        assert response.headers["x-content-type-options"] == "nosniff"


@pytest.mark.parametrize(
    "headers",
    [
        {"origin": "https://evil.example"},
        {"origin": "null"},
        {"sec-fetch-site": "cross-site"},
    ],
)
def test_a_form_posted_from_another_site_is_refused(
    client: TestClient, ctx: Context, headers: dict[str, str]
) -> None:
    response = client.post("/config", data={"pass_mark": "90%"}, headers=headers)
    assert response.status_code == 403
    assert "sent from another site" in response.text
    assert services.get_config(ctx).pass_mark_is_default


def test_a_form_from_the_app_itself_is_accepted(client: TestClient, ctx: Context) -> None:
    headers = {"origin": "http://127.0.0.1", "sec-fetch-site": "same-origin"}
    response = client.post("/config", data={"pass_mark": "90%"}, headers=headers)
    assert response.status_code == 200  # redirected to the saved page
    assert services.get_config(ctx).pass_mark == 0.9


def test_pages_need_no_javascript_to_navigate(client: TestClient) -> None:
    page = client.get("/").text
    for href in ("/exams", "/practice", "/cards", "/history", "/config"):
        assert f'href="{href}"' in page
    assert 'aria-current="page"' in page and 'class="skip"' in page


@pytest.mark.parametrize("host", ["127.0.0.1:8000", "localhost", "localhost:8123", "[::1]:8000"])
def test_local_host_names_are_served(client: TestClient, host: str) -> None:
    assert client.get("/", headers={"host": host}).status_code == 200


@pytest.mark.parametrize("host", ["evil.example", "evil.example:8000", "10.0.0.2", ""])
def test_other_host_names_are_refused(client: TestClient, ctx: Context, host: str) -> None:
    """A page whose own name resolves to 127.0.0.1 (DNS rebinding) cannot read or write."""
    assert client.get("/", headers={"host": host}).status_code == 400
    posted = client.post("/config", data={"pass_mark": "90%"}, headers={"host": host})
    assert posted.status_code == 400
    assert services.get_config(ctx).pass_mark_is_default


def test_a_new_server_reuses_the_compiled_templates(
    settings: Settings, clock: Clock, tmp_path: Path
) -> None:
    cached = settings.model_copy(update={"cache_dir": tmp_path / "cache"})
    with client_for(cached, clock) as first:
        page = first.get("/").text
    folder = tmp_path / "cache" / "templates"
    entries = {p.name: p.stat().st_mtime_ns for p in folder.iterdir()}
    assert len(entries) >= 2  # the dashboard and the frame it extends
    with client_for(cached, clock) as second:
        assert second.get("/").text == page
    assert {p.name: p.stat().st_mtime_ns for p in folder.iterdir()} == entries  # read, not rebuilt
