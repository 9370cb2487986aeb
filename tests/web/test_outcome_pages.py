"""The exam-result form in Settings, the assumption line under P(pass), results on the cohort."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from examprep import services
from examprep.services import Context

from .conftest import key_letters, location, main_text


def test_the_settings_form_records_a_result(client: TestClient, ctx: Context) -> None:
    page = main_text(client.get("/config").text)
    assert "Your real exam result" in page and "Record the result" in page
    response = client.post(
        "/config/outcome",
        data={"result": "pass", "exam_date": "2026-11-20", "section_feedback": "S1=below"},
        follow_redirects=False,
    )
    assert response.status_code == 303 and location(response) == "/config?recorded=true#outcome"
    [stored] = services.my_outcomes(ctx)
    assert (stored.result, stored.exam_date.isoformat()) == ("pass", "2026-11-20")
    assert stored.section_feedback == {"S1": "below"}
    shown = main_text(client.get("/config?recorded=true").text)
    assert "Result recorded." in shown and "2026-11-20: pass (S1 below)" in shown


@pytest.mark.parametrize(
    ("form", "message"),
    [
        ({"result": "maybe", "exam_date": "2026-11-20"}, "result must be pass or fail"),
        ({"result": "fail", "exam_date": ""}, "exam date must be YYYY-MM-DD"),
        ({"result": "fail", "exam_date": "2026-12-24"}, "exam date 2026-12-24 is in the future"),
        (
            {"result": "fail", "exam_date": "2026-11-20", "section_feedback": "S7=low"},
            "unknown section 'S7'",
        ),
    ],
)
def test_a_bad_result_is_refused_on_the_page(
    client: TestClient, ctx: Context, form: dict[str, str], message: str
) -> None:
    response = client.post("/config/outcome", data=form)
    assert response.status_code == 400 and message in main_text(response.text)
    assert services.my_outcomes(ctx) == []


def test_p_pass_says_what_it_assumes(client: TestClient, ctx: Context) -> None:
    for _ in range(2):  # 24 wrong answers: a clear (low) P(pass) is shown
        view = services.start_practice(ctx, services.PracticeFilter(count=12), seed=1)
        for q in view.questions:
            key = key_letters(ctx, view.attempt, q.position)
            wrong = [o.key for o in q.options if o.key not in key][: q.choose]
            services.answer(ctx, view.attempt, q.position, ",".join(wrong))
    text = main_text(client.get("/").text)
    assert "P(pass) today" in text
    assert (
        "Assumes the real exam is as hard as this bank: the pack authors' estimate; "
        "no reported exam results fitted yet." in text
    )
    assert "Report your result" in text
