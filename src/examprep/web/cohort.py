"""The instructor's cohort page: each learner's readiness, each question's statistics, and a
learner's attempts and results (read-only)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated
from urllib.parse import quote

from fastapi import APIRouter, Path, Query, Request
from fastapi.responses import HTMLResponse

from examprep.services import Cohort, cohort, learner_history, learner_result
from examprep.web.pages import AttemptId, AttemptLink, Ctx, render
from examprep.web.results import ResultPage, Show, result_pass_mark

router = APIRouter()
LearnerName = Annotated[str, Path(min_length=1, max_length=80)]


@dataclass(frozen=True)
class CohortPage:
    cohort: Cohort

    @property
    def sections(self) -> list[tuple[str, str]]:
        return list(self.cohort.section_titles.items())

    @property
    def suspects(self) -> int:
        return sum(1 for i in self.cohort.items if i.suspect)


@dataclass(frozen=True)
class LearnerPage:
    learner: str
    attempts: list[AttemptLink]


def learner_url(learner: str) -> str:
    return f"/cohort/learners/{quote(learner, safe='')}"


@router.get("/cohort", response_class=HTMLResponse)
def show_cohort(request: Request, ctx: Ctx) -> HTMLResponse:
    """Instructors only: learners' P(pass) and sections, questions' statistics."""
    return render(request, "cohort.html", CohortPage(cohort(ctx)), "Cohort")


@router.get("/cohort/learners/{learner}", response_class=HTMLResponse)
def show_learner(request: Request, ctx: Ctx, learner: LearnerName) -> HTMLResponse:
    """Instructors only: one learner's attempts, newest first; finished ones link to results."""
    lines = list(reversed(learner_history(ctx, learner)))
    base = learner_url(learner)
    links = [
        AttemptLink(x, f"{base}/attempts/{x.attempt}" if x.status == "finished" else "")
        for x in lines
    ]
    return render(request, "cohort_learner.html", LearnerPage(learner, links), learner)


@router.get("/cohort/learners/{learner}/attempts/{attempt}", response_class=HTMLResponse)
def show_learner_result(
    request: Request,
    ctx: Ctx,
    learner: LearnerName,
    attempt: AttemptId,
    show: Annotated[Show, Query()] = "all",
) -> HTMLResponse:
    """Instructors only: a learner's finished attempt with every answer explained (read-only)."""
    done = learner_result(ctx, learner, attempt)
    page = ResultPage(
        done, False, result_pass_mark(ctx, done), show, request.url.path, read_only_for=learner
    )
    return render(request, "result.html", page, f"{learner}: result of #{attempt}")
