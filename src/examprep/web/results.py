"""Results with every option explained, and the history of attempts."""

from __future__ import annotations

from dataclasses import dataclass

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from examprep.services import Context
from examprep.services.views import ExamResult
from examprep.web.pages import AttemptId, AttemptLink, Ctx, attempt_links, render

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
def show_result(request: Request, ctx: Ctx, attempt: AttemptId) -> HTMLResponse:
    """The scored attempt; an exam whose time ran out is submitted at its deadline first."""
    from examprep.services import result

    done = result(ctx, attempt)
    timed_out = done.mode == "exam" and _at_deadline(ctx, attempt, done)
    return render(request, "result.html", ResultPage(done, timed_out), f"Result of #{attempt}")


def _at_deadline(ctx: Context, attempt: int, done: ExamResult) -> bool:
    from examprep.services import get_attempt

    view = get_attempt(ctx, attempt)
    return view.deadline is not None and done.finished_at >= view.deadline


@router.get("/history", response_class=HTMLResponse)
def show_history(request: Request, ctx: Ctx) -> HTMLResponse:
    """Every attempt on this pack, newest first."""
    from examprep.services import history

    page = HistoryPage(attempt_links(list(reversed(history(ctx)))))
    return render(request, "history.html", page, "History")
