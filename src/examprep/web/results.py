"""Results with every option explained, and the history of attempts."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Annotated, Literal
from urllib.parse import quote

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse

from examprep.services import Context, get_attempt, history, result
from examprep.services.views import ExamResult, Feedback
from examprep.web.pages import (
    AttemptId,
    AttemptLink,
    Ctx,
    PassMark,
    attempt_links,
    pass_mark,
    render,
)

router = APIRouter()
Show = Literal["all", "wrong", "flagged"]
FILTERS: tuple[tuple[Show, str], ...] = (
    ("all", "All"),
    ("wrong", "Wrong or unanswered"),
    ("flagged", "Flagged"),
)


@dataclass(frozen=True)
class ResultPage:
    result: ExamResult
    timed_out: bool  # the exam was submitted at its deadline
    pass_mark: PassMark
    show: Show = "all"
    base: str = ""  # the page's address without the filter
    read_only_for: str = ""  # an instructor's view of this learner's result

    @property
    def total_seconds(self) -> float:
        return sum(q.seconds for q in self.result.questions)

    def href_for(self, attempt: int | None) -> str:
        """Another attempt's result (None: the list of attempts) in the same view."""
        if self.read_only_for:
            learner = f"/cohort/learners/{quote(self.read_only_for, safe='')}"
            return learner if attempt is None else f"{learner}/attempts/{attempt}"
        return "/history" if attempt is None else f"/attempts/{attempt}"

    @property
    def shown(self) -> list[Feedback]:
        """The questions the filter keeps: all, the ones not right, or the flagged ones."""
        questions = self.result.questions
        if self.show == "wrong":
            return [q for q in questions if not q.correct]
        if self.show == "flagged":
            return [q for q in questions if q.flagged]
        return list(questions)

    @property
    def filters(self) -> list[tuple[str, str, int, bool]]:
        """(address, label, how many, current) for each filter."""
        questions = self.result.questions
        counts = {
            "all": len(questions),
            "wrong": sum(1 for q in questions if not q.correct),
            "flagged": sum(1 for q in questions if q.flagged),
        }
        return [
            (f"{self.base}?show={key}#questions", label, counts[key], key == self.show)
            for key, label in FILTERS
        ]


@dataclass(frozen=True)
class HistoryPage:
    attempts: list[AttemptLink]


@router.get("/attempts/{attempt}", response_class=HTMLResponse)
def show_result(
    request: Request, ctx: Ctx, attempt: AttemptId, show: Annotated[Show, Query()] = "all"
) -> HTMLResponse:
    """The scored attempt; an exam whose time ran out is submitted at its deadline first."""
    done = result(ctx, attempt)
    timed_out = done.mode == "exam" and _at_deadline(ctx, attempt, done)
    page = ResultPage(done, timed_out, result_pass_mark(ctx, done), show, request.url.path)
    return render(request, "result.html", page, f"Result of #{attempt}")


def result_pass_mark(ctx: Context, done: ExamResult) -> PassMark:
    """The pass mark the attempt was scored against (the pack's, or the learner's then)."""
    return pass_mark(ctx, done.pass_mark, math.isclose(done.pass_mark, ctx.pack.meta.pass_mark))


def _at_deadline(ctx: Context, attempt: int, done: ExamResult) -> bool:
    view = get_attempt(ctx, attempt)
    return view.deadline is not None and done.finished_at >= view.deadline


@router.get("/history", response_class=HTMLResponse)
def show_history(request: Request, ctx: Ctx) -> HTMLResponse:
    """Every attempt on this pack, newest first."""
    page = HistoryPage(attempt_links(list(reversed(history(ctx)))))
    return render(request, "history.html", page, "History")
