"""Adaptive sessions: the daily study session (with feedback) and the placement test."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Annotated, Literal

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, Response

from examprep.errors import Conflict, InvalidInput, NotFound
from examprep.services import (
    Context,
    StudyTip,
    answer,
    due_reviews,
    feedback,
    finish_adaptive,
    get_attempt,
    next_question,
    readiness_report,
    result,
    start_adaptive,
    study_summary,
)
from examprep.services.views import AttemptView, Feedback, QuestionView
from examprep.web.dashboard import SectionBar
from examprep.web.pages import AttemptId, Ctx, Position, render, see_other

router = APIRouter()
MODES = {"study": "Study session", "diagnostic": "Placement test"}


@dataclass(frozen=True)
class StudyStartPage:
    due_reviews: int


@dataclass(frozen=True)
class AdaptiveQuestionPage:
    attempt: int
    mode: str
    question: QuestionView
    answered: int
    action: str
    finish_action: str
    error: str | None = None
    chosen: frozenset[str] = frozenset()
    rate: bool = False  # ask how sure the learner is (their confidence setting)

    @property
    def input_type(self) -> str:
        return "radio" if self.question.choose == 1 else "checkbox"


@dataclass(frozen=True)
class AdaptiveFeedbackPage:
    attempt: int
    feedback: Feedback
    answered: int
    next_action: str
    finish_action: str


@dataclass(frozen=True)
class AdaptiveDonePage:
    mode: str
    attempt: int
    answered: int
    p_pass: float | None  # None while there is too little evidence (see `withheld`)
    withheld: str | None
    low: float
    high: float
    pass_mark: float
    next_three: list[StudyTip]
    correct: int = 0
    sections: tuple[SectionBar, ...] = ()  # this session's sections, weakest estimate first
    session_right: dict[str, tuple[int, int]] = field(default_factory=dict)  # right, asked
    assumes: str = ""  # what P(pass) assumes about the real exam, in one line

    @property
    def diagnostic(self) -> bool:
        return self.mode == MODES["diagnostic"]

    @property
    def weakest(self) -> SectionBar | None:
        return self.sections[0] if self.sections else None

    @property
    def strongest(self) -> SectionBar | None:
        return self.sections[-1] if len(self.sections) > 1 else None


def adaptive_view(ctx: Context, attempt: int) -> AttemptView:
    view = get_attempt(ctx, attempt)
    if view.mode not in MODES:
        raise NotFound(f"attempt {attempt} is not a study session or placement test")
    return view


def _base(attempt: int) -> str:
    return f"/study/{attempt}"


@router.get("/study", response_class=HTMLResponse)
def show_start(request: Request, ctx: Ctx) -> HTMLResponse:
    """Choose the daily study session or the placement test."""
    due = sum(1 for c in due_reviews(ctx, limit=1000) if not c.new)
    return render(request, "study_start.html", StudyStartPage(due), "Study")


@router.post("/study")
def start(ctx: Ctx, mode: Annotated[Literal["study", "diagnostic"], Form()] = "study") -> Response:
    """Open an adaptive session and ask its first question."""
    return _ask_next(ctx, start_adaptive(ctx, mode))


def _ask_next(ctx: Context, attempt: int) -> Response:
    """Add the next adaptive question and go to it, or close the session when it has enough."""
    step = next_question(ctx, attempt)
    if step.question is None:
        finish_adaptive(ctx, attempt)
        return see_other(f"{_base(attempt)}/done")
    return see_other(f"{_base(attempt)}/questions/{step.question.position}")


@router.get("/study/{attempt}")
def resume(request: Request, ctx: Ctx, attempt: AttemptId) -> Response:
    """Continue: the pending question, or the last feedback, or the summary once finished."""
    view = adaptive_view(ctx, attempt)
    if view.status != "open":
        return see_other(f"{_base(attempt)}/done")
    pending = view.unanswered
    position = pending[0] if pending else len(view.questions)
    if position == 0:  # opened but no question was added yet (e.g. a crash in between)
        return _ask_next(ctx, attempt)
    return see_other(f"{_base(attempt)}/questions/{position}")


@router.get("/study/{attempt}/questions/{position}", response_class=HTMLResponse)
def show_question(request: Request, ctx: Ctx, attempt: AttemptId, position: Position) -> Response:
    """The question; once answered, the feedback (study) or straight on (placement test)."""
    view = adaptive_view(ctx, attempt)
    if view.status != "open":
        return see_other(f"{_base(attempt)}/done")
    if position > len(view.questions):
        raise NotFound(f"attempt {attempt} has no question {position} yet")
    if position not in view.answers:
        page = question_page(view, position)
        return render(request, "study_question.html", page, MODES[view.mode])
    if view.mode == "diagnostic":
        return see_other(_base(attempt))
    done = AdaptiveFeedbackPage(
        attempt=attempt,
        feedback=feedback(ctx, attempt, position),
        answered=len(view.answers),
        next_action=f"{_base(attempt)}/next",
        finish_action=f"{_base(attempt)}/finish",
    )
    return render(request, "study_feedback.html", done, MODES[view.mode])


def question_page(
    view: AttemptView, position: int, error: str | None = None
) -> AdaptiveQuestionPage:
    return AdaptiveQuestionPage(
        attempt=view.attempt,
        mode=view.mode,
        question=view.questions[position - 1],
        answered=len(view.answers),
        action=f"{_base(view.attempt)}/questions/{position}",
        finish_action=f"{_base(view.attempt)}/finish",
        error=error,
        rate=view.asks_confidence,
    )


@router.post("/study/{attempt}/questions/{position}")
def save_answer(
    request: Request,
    ctx: Ctx,
    attempt: AttemptId,
    position: Position,
    choice: Annotated[list[str] | None, Form()] = None,
    confidence: Annotated[str | None, Form()] = None,
) -> Response:
    """Save the answer; a study session shows feedback, a placement test asks the next one."""
    view = adaptive_view(ctx, attempt)
    if view.status != "open":
        return see_other(f"{_base(attempt)}/done")
    if position > len(view.questions):
        raise NotFound(f"attempt {attempt} has no question {position} yet")
    try:
        if not choice:
            raise InvalidInput(f"question {position}: choose an answer first")
        answer(ctx, attempt, position, ",".join(choice), confidence)
    except InvalidInput as exc:
        page = question_page(view, position, error=str(exc))
        return render(request, "study_question.html", page, MODES[view.mode], 400)
    except Conflict:
        return see_other(f"{_base(attempt)}/questions/{position}")  # a resent form
    if view.mode == "diagnostic":
        return _ask_next(ctx, attempt)
    return see_other(f"{_base(attempt)}/questions/{position}")


@router.post("/study/{attempt}/next")
def ask_next(ctx: Ctx, attempt: AttemptId) -> Response:
    """The next question of the session (after the feedback on the last one)."""
    view = adaptive_view(ctx, attempt)
    if view.status != "open":
        return see_other(f"{_base(attempt)}/done")
    if view.unanswered:
        return see_other(f"{_base(attempt)}/questions/{view.unanswered[0]}")
    return _ask_next(ctx, attempt)


@router.post("/study/{attempt}/finish")
def finish(ctx: Ctx, attempt: AttemptId) -> Response:
    """Close the session; a study session also remembers today's P(pass) for next time."""
    view = adaptive_view(ctx, attempt)
    if view.status == "open":
        finish_adaptive(ctx, attempt)
        if view.mode == "study":
            study_summary(ctx)
    return see_other(f"{_base(attempt)}/done")


@router.get("/study/{attempt}/done", response_class=HTMLResponse)
def show_done(request: Request, ctx: Ctx, attempt: AttemptId) -> Response:
    """Where the learner stands after the session."""
    view = adaptive_view(ctx, attempt)
    if view.status == "open":
        return see_other(_base(attempt))
    report = readiness_report(ctx, history_points=0)
    done = result(ctx, attempt)
    asked = {s.id: (s.correct, s.total) for s in done.sections if s.total}
    bars = sorted(
        (
            SectionBar(s, report.section_titles.get(s, s), e.theta, e.se, e.n)
            for s, e in report.now.by_section.items()
            if s in asked
        ),
        key=lambda b: b.theta,
    )
    page = AdaptiveDonePage(
        mode=MODES[view.mode],
        attempt=attempt,
        answered=len(view.answers),
        p_pass=report.now.shown_p_pass,
        withheld=report.withheld,
        low=report.now.low,
        high=report.now.high,
        pass_mark=report.now.pass_mark,
        next_three=report.study_next[:3],
        correct=done.correct,
        sections=tuple(bars),
        session_right=asked,
        assumes=report.now.assumes,
    )
    return render(request, "study_done.html", page, page.mode)
