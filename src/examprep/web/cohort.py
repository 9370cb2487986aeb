"""The instructor's cohort page: each learner's readiness, each question's statistics."""

from __future__ import annotations

from dataclasses import dataclass

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from examprep.services import Cohort, cohort
from examprep.web.pages import Ctx, render

router = APIRouter()


@dataclass(frozen=True)
class CohortPage:
    cohort: Cohort

    @property
    def sections(self) -> list[tuple[str, str]]:
        return list(self.cohort.section_titles.items())

    @property
    def suspects(self) -> int:
        return sum(1 for i in self.cohort.items if i.suspect)


@router.get("/cohort", response_class=HTMLResponse)
def show_cohort(request: Request, ctx: Ctx) -> HTMLResponse:
    """Instructors only: learners' P(pass) and sections, questions' statistics."""
    return render(request, "cohort.html", CohortPage(cohort(ctx)), "Cohort")
