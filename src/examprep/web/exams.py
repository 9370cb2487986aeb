"""Timed mock exams: start, one question per page, navigator, flag, review, submit."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Annotated, Literal

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, Response

from examprep import services
from examprep.errors import Conflict, InvalidInput, NotFound
from examprep.services import (
    Context,
    expired_exams,
    flag,
    get_attempt,
    resumable_exam,
    start_exam,
    submit,
)
from examprep.services.views import AttemptView, QuestionView
from examprep.web.pages import AttemptId, Ctx, Position, render, see_other

router = APIRouter()


@dataclass(frozen=True)
class SectionChoice:
    id: str
    title: str


@dataclass(frozen=True)
class StartPage:
    default_questions: int
    max_questions: int
    default_minutes: int
    sections: list[SectionChoice]
    open_exam: int | None
    expired_exams: list[int]
    error: str | None = None


@dataclass(frozen=True)
class Cell:
    """One square of the navigator grid."""

    position: int
    state: Literal["answered", "unanswered"]
    flagged: bool
    current: bool
    href: str

    @property
    def label(self) -> str:
        flag = ", flagged" if self.flagged else ""
        return f"Question {self.position}: {self.state}{flag}"


@dataclass(frozen=True)
class Timer:
    deadline: dt.datetime
    remaining_seconds: float
    expired_href: str

    @property
    def deadline_iso(self) -> str:
        return self.deadline.isoformat()


@dataclass(frozen=True)
class QuestionPage:
    attempt: int
    question: QuestionView
    total: int
    chosen: frozenset[str]
    flagged: bool
    answered: int
    timer: Timer | None
    grid: list[Cell]
    prev_href: str | None
    next_href: str | None
    action: str
    flag_action: str
    review_href: str
    error: str | None = None
    rate: bool = False  # ask how sure the learner is (their confidence setting)

    @property
    def input_type(self) -> str:
        return "radio" if self.question.choose == 1 else "checkbox"


@dataclass(frozen=True)
class ReviewPage:
    attempt: int
    grid: list[Cell]
    questions: list[tuple[QuestionView, str, bool]]  # question, answer letters, flagged
    unanswered: list[int]
    flagged: list[int]
    timer: Timer | None
    submit_action: str
    error: str | None = field(default=None)


def question_href(attempt: int, position: int) -> str:
    return f"/exams/{attempt}/questions/{position}"


def navigator(view: AttemptView, current: int | None) -> list[Cell]:
    """The grid of every question: answered or not, flagged, which one is open."""
    return [
        Cell(
            position=q.position,
            state="answered" if q.position in view.answers else "unanswered",
            flagged=q.position in view.flags,
            current=q.position == current,
            href=question_href(view.attempt, q.position),
        )
        for q in view.questions
    ]


def timer_of(view: AttemptView) -> Timer | None:
    if view.deadline is None or view.remaining_seconds is None:
        return None
    return Timer(view.deadline, view.remaining_seconds, f"/attempts/{view.attempt}")


def question_page(view: AttemptView, position: int, error: str | None = None) -> QuestionPage:
    """The page for question `position` of an open exam."""
    total = len(view.questions)
    if not 1 <= position <= total:
        raise NotFound(f"attempt {view.attempt} has no question {position} (it has 1-{total})")
    answer = view.answers.get(position, "")
    return QuestionPage(
        attempt=view.attempt,
        question=view.questions[position - 1],
        total=total,
        chosen=frozenset(answer.split(",")) if answer else frozenset(),
        flagged=position in view.flags,
        answered=len(view.answers),
        timer=timer_of(view),
        grid=navigator(view, position),
        prev_href=question_href(view.attempt, position - 1) if position > 1 else None,
        next_href=question_href(view.attempt, position + 1) if position < total else None,
        action=question_href(view.attempt, position),
        flag_action=f"{question_href(view.attempt, position)}/flag",
        review_href=f"/exams/{view.attempt}/review",
        error=error,
        rate=view.asks_confidence,
    )


def exam_view(ctx: Context, attempt: int) -> AttemptView:
    """The learner's exam attempt (services check it exists and is theirs)."""
    view = get_attempt(ctx, attempt)
    if view.mode != "exam":
        raise NotFound(f"attempt {attempt} is not an exam (it is {view.mode})")
    return view


def start_page(ctx: Context, error: str | None = None) -> StartPage:
    pack = ctx.pack
    resumable = resumable_exam(ctx)
    return StartPage(
        default_questions=pack.meta.questions.default,
        max_questions=pack.meta.questions.max,
        default_minutes=pack.meta.minutes,
        sections=[SectionChoice(s.id, s.title) for s in pack.sections],
        open_exam=resumable.attempt if resumable else None,
        expired_exams=expired_exams(ctx),
        error=error,
    )


@router.get("/exams", response_class=HTMLResponse)
def show_start(request: Request, ctx: Ctx) -> HTMLResponse:
    """The form that starts a mock exam."""
    return render(request, "exam_start.html", start_page(ctx), "Mock exam")


@router.post("/exams")
def start(
    request: Request,
    ctx: Ctx,
    questions: Annotated[int, Form(ge=1, le=500)],
    section: Annotated[list[str] | None, Form()] = None,
    minutes: Annotated[int | None, Form(ge=1, le=1000)] = None,
) -> Response:
    """Assemble a form and open the attempt at its first question."""
    try:
        view = start_exam(ctx, questions=questions, minutes=minutes, sections=section or None)
    except InvalidInput as exc:
        return render(request, "exam_start.html", start_page(ctx, str(exc)), "Mock exam", 400)
    return see_other(question_href(view.attempt, 1))


@router.get("/exams/{attempt}")
def resume(ctx: Ctx, attempt: AttemptId) -> Response:
    """Continue an exam at its first unanswered question (or show the result if it is over)."""
    view = exam_view(ctx, attempt)
    if view.status != "open":
        return see_other(f"/attempts/{attempt}")
    pending = view.unanswered
    return see_other(question_href(attempt, pending[0] if pending else 1))


@router.get("/exams/{attempt}/questions/{position}", response_class=HTMLResponse)
def show_question(request: Request, ctx: Ctx, attempt: AttemptId, position: Position) -> Response:
    """One question; the visit is recorded (one transaction) so time per question is reported."""
    view = services.show_question(ctx, attempt, position)
    if view.status != "open":  # time is up or already submitted: the result is next
        return see_other(f"/attempts/{attempt}")
    return render(
        request, "exam_question.html", question_page(view, position), f"Question {position}"
    )


def _after_answer(attempt: int, position: int, total: int, then: str) -> str:
    if then == "next" and position < total:
        return question_href(attempt, position + 1)
    if then == "prev" and position > 1:
        return question_href(attempt, position - 1)
    if then == "review":
        return f"/exams/{attempt}/review"
    return question_href(attempt, position)


@router.post("/exams/{attempt}/questions/{position}")
def save_answer(
    request: Request,
    ctx: Ctx,
    attempt: AttemptId,
    position: Position,
    choice: Annotated[list[str] | None, Form()] = None,
    then: Annotated[Literal["stay", "next", "prev", "review"], Form()] = "stay",
    confidence: Annotated[str | None, Form()] = None,
) -> Response:
    """Save the answer the moment it is given, then go where the learner asked.

    The happy path is one transaction (record the answer, read the attempt back); the attempt
    is read separately only to show a refused answer again or to check an expired deadline.
    """
    if not choice:
        view = exam_view(ctx, attempt)
        if view.status != "open":
            return see_other(f"/attempts/{attempt}")
        page = question_page(view, position)  # 404 for a position outside the form
        return see_other(_after_answer(attempt, position, page.total, then))
    try:
        view = services.answer_and_show(
            ctx, attempt, position, ",".join(choice), confidence=confidence
        )
    except InvalidInput as exc:
        view = exam_view(ctx, attempt)
        if view.status != "open":
            return see_other(f"/attempts/{attempt}")
        retry = question_page(view, position, error=str(exc))  # 404 outside the form
        return render(request, "exam_question.html", retry, f"Question {position}", 400)
    except Conflict:
        if exam_view(ctx, attempt).status != "open":  # submitted, or the deadline passed
            return see_other(f"/attempts/{attempt}")
        raise
    return see_other(_after_answer(attempt, position, len(view.questions), then))


@router.post("/exams/{attempt}/questions/{position}/flag")
def toggle_flag(
    ctx: Ctx,
    attempt: AttemptId,
    position: Position,
    on: Annotated[bool, Form()],
    back: Annotated[Literal["question", "review"], Form()] = "question",
) -> Response:
    """Flag or unflag a question for review."""
    view = exam_view(ctx, attempt)
    if view.status != "open":
        return see_other(f"/attempts/{attempt}")
    question_page(view, position)
    flag(ctx, attempt, position, on)
    return see_other(
        f"/exams/{attempt}/review" if back == "review" else question_href(attempt, position)
    )


@router.get("/exams/{attempt}/review", response_class=HTMLResponse)
def show_review(request: Request, ctx: Ctx, attempt: AttemptId) -> Response:
    """Every question's state before submitting, with the submit button."""
    view = exam_view(ctx, attempt)
    if view.status != "open":
        return see_other(f"/attempts/{attempt}")
    return render(request, "exam_review.html", review_page(view), "Review your answers")


def review_page(view: AttemptView, error: str | None = None) -> ReviewPage:
    return ReviewPage(
        attempt=view.attempt,
        grid=navigator(view, None),
        questions=[
            (q, view.answers.get(q.position, ""), q.position in view.flags) for q in view.questions
        ],
        unanswered=view.unanswered,
        flagged=sorted(view.flags),
        timer=timer_of(view),
        submit_action=f"/exams/{view.attempt}/submit",
        error=error,
    )


@router.post("/exams/{attempt}/submit")
def submit_exam(
    request: Request, ctx: Ctx, attempt: AttemptId, confirm: Annotated[str, Form()] = ""
) -> Response:
    """Submit after the learner confirmed on the review screen; the result follows."""
    view = exam_view(ctx, attempt)
    if view.status != "open":  # an expired exam is submitted at its deadline by the result
        return see_other(f"/attempts/{attempt}")
    if confirm != "yes":
        page = review_page(view, error="Tick the confirmation to submit the exam.")
        return render(request, "exam_review.html", page, "Review your answers", 400)
    submit(ctx, attempt)
    return see_other(f"/attempts/{attempt}")
