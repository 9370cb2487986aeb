"""The dashboard: readiness with its assumptions, abilities, trend, reviews and recent attempts."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from examprep.services import (
    Context,
    due_reviews,
    expired_exams,
    get_config,
    history,
    metacognition,
    readiness_report,
    resumable_exam,
)
from examprep.web.chart import LineChart, pass_chart
from examprep.web.pages import AttemptLink, Ctx, PassMark, attempt_links, pass_mark, render

if TYPE_CHECKING:
    from examprep.engine.metacognition import Metacognition
    from examprep.services import StudyTip

router = APIRouter()
RECENT = 5


@dataclass(frozen=True)
class SectionBar:
    id: str
    title: str
    theta: float
    se: float
    answers: int

    @property
    def meter(self) -> int:
        """Ability on the -3..+3 scale as 0-100 for a <meter>."""
        return max(0, min(100, round((self.theta + 3) / 6 * 100)))


@dataclass(frozen=True)
class DashboardPage:
    p_pass: float | None  # None while there is too little evidence (see `withheld`)
    withheld: str | None
    low: float
    high: float
    pass_mark: PassMark
    at_marks: list[tuple[float, float]]
    responses: int
    sections: list[SectionBar]
    chart: LineChart | None
    exam_date: dt.date | None
    days_to_exam: int | None
    recall_on_exam_day: float | None
    study_next: list[StudyTip]
    due_reviews: int
    new_cards: int
    recent: list[AttemptLink]
    open_exam: int | None
    expired_exams: list[int]
    metacognition: Metacognition
    assumes: str = ""  # what P(pass) assumes about the real exam, in one line


def dashboard_page(ctx: Context) -> DashboardPage:
    """Gather the dashboard from the readiness, config, cards and history services."""
    report = readiness_report(ctx)
    config = get_config(ctx)
    cards = due_reviews(ctx, limit=1000)
    resumable = resumable_exam(ctx)
    now = report.now
    return DashboardPage(
        p_pass=now.shown_p_pass,
        withheld=report.withheld,
        low=now.low,
        high=now.high,
        pass_mark=pass_mark(ctx, now.pass_mark, config.pass_mark_is_default),
        at_marks=sorted(report.at_marks.items()),
        responses=now.responses,
        sections=[
            SectionBar(s, report.section_titles.get(s, s), e.theta, e.se, e.n)
            for s, e in now.by_section.items()
        ],
        chart=pass_chart(report.history, now.pass_mark),
        exam_date=config.exam_date,
        days_to_exam=config.days_to_exam(ctx.now().date()),
        recall_on_exam_day=report.recall_on_exam_day,
        study_next=report.study_next,
        due_reviews=sum(1 for c in cards if not c.new),
        new_cards=sum(1 for c in cards if c.new),
        recent=attempt_links(list(reversed(history(ctx)))[:RECENT]),
        open_exam=resumable.attempt if resumable else None,
        expired_exams=expired_exams(ctx),
        metacognition=metacognition(ctx),
        assumes=now.assumes,
    )


@router.get("/", response_class=HTMLResponse)
def show_dashboard(request: Request, ctx: Ctx) -> HTMLResponse:
    """The learner's home page."""
    return render(request, "dashboard.html", dashboard_page(ctx), "Dashboard")
