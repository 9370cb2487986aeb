"""Results with every option explained, and the history of attempts."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated

from fastapi import APIRouter, Path, Request
from fastapi.responses import HTMLResponse

from examprep.services import Context, get_attempt, history, result
from examprep.services.views import ExamResult
from examprep.web.pages import AttemptLink, Ctx, attempt_links, render

router = APIRouter()


@dataclass(frozen=True)
class ResultPage:
    result: ExamResult
    timed_out: bool  # the exam was submitted at its deadline

    @property
    def total_seconds(self) -> float:
        return sum(q.seconds for q in self.result.questions)


@dataclass(frozen=True)
class HistoryPage:
    attempts: list[AttemptLink]


@router.get("/attempts/{attempt}", response_class=HTMLResponse)
def show_result(request: Request, ctx: Ctx, attempt: Annotated[int, Path(ge=1)]) -> HTMLResponse:
    """The scored attempt; an exam whose time ran out is submitted at its deadline first."""
    done = result(ctx, attempt)
    timed_out = done.mode == "exam" and _at_deadline(ctx, attempt, done)
    return render(request, "result.html", ResultPage(done, timed_out), f"Result of #{attempt}")


def _at_deadline(ctx: Context, attempt: int, done: ExamResult) -> bool:
    view = get_attempt(ctx, attempt)
    return view.deadline is not None and done.finished_at >= view.deadline


@router.get("/history", response_class=HTMLResponse)
def show_history(request: Request, ctx: Ctx) -> HTMLResponse:
    """Every attempt on this pack, newest first."""
    page = HistoryPage(attempt_links(list(reversed(history(ctx)))))
    return render(request, "history.html", page, "History")
