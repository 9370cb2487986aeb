"""Practice: untimed questions filtered by section, bullet or tag, with immediate feedback."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import HTMLResponse, Response

from examprep.errors import Conflict, InvalidInput, NotFound
from examprep.services import (
    Context,
    PracticeFilter,
    answer,
    feedback,
    get_attempt,
    start_practice,
    submit,
)
from examprep.services.views import AttemptView, Feedback, QuestionView
from examprep.web.pages import AttemptId, Ctx, Position, render, see_other

router = APIRouter()
Text = Annotated[str, Form(max_length=200)]


@dataclass(frozen=True)
class Choice:
    id: str
    label: str


@dataclass(frozen=True)
class FilterPage:
    sections: list[Choice]
    bullets: list[Choice]
    tags: list[str]
    section: str
    bullet: str
    tag: str
    has_drills: bool
    count: int = 10
    error: str | None = None


@dataclass(frozen=True)
class PracticeQuestionPage:
    attempt: int
    question: QuestionView
    total: int
    answered: int
    action: str
    error: str | None = None
    input_type: str = "radio"
    chosen: frozenset[str] = frozenset()
    rate: bool = False  # ask how sure the learner is (their confidence setting)


@dataclass(frozen=True)
class FeedbackPage:
    attempt: int
    feedback: Feedback
    total: int
    answered: int
    next_href: str | None
    finish_action: str


def filter_page(
    ctx: Context, section: str = "", bullet: str = "", tag: str = "", error: str | None = None
) -> FilterPage:
    pack = ctx.pack
    return FilterPage(
        sections=[Choice(s.id, f"{s.id} {s.title}") for s in pack.sections],
        bullets=[Choice(b, f"{b} {pack.bullets[b].text}") for b in sorted(pack.bullets)],
        tags=sorted({t for q in pack.questions for t in q.tags}),
        section=section,
        bullet=bullet,
        tag=tag,
        has_drills=bool(pack.drills),
        error=error,
    )


def practice_href(attempt: int, position: int) -> str:
    return f"/practice/{attempt}/questions/{position}"


def practice_view(ctx: Context, attempt: int) -> AttemptView:
    view = get_attempt(ctx, attempt)
    if view.mode != "practice":
        raise NotFound(f"attempt {attempt} is not a practice session (it is {view.mode})")
    return view


@router.get("/practice", response_class=HTMLResponse)
def show_filters(
    request: Request,
    ctx: Ctx,
    section: Annotated[str, Query(max_length=200)] = "",
    bullet: Annotated[str, Query(max_length=200)] = "",
    tag: Annotated[str, Query(max_length=200)] = "",
) -> HTMLResponse:
    """The practice form, pre-filled from links such as the dashboard's study-next list."""
    return render(
        request, "practice_start.html", filter_page(ctx, section, bullet, tag), "Practice"
    )


@router.post("/practice")
def start(
    request: Request,
    ctx: Ctx,
    count: Annotated[int, Form(ge=1, le=200)] = 10,
    section: Text = "",
    bullet: Text = "",
    tag: Text = "",
    unseen: Annotated[bool, Form()] = False,
    missed: Annotated[bool, Form()] = False,
    drills: Annotated[bool, Form()] = False,
) -> Response:
    """Open a practice session from the questions that match the filters."""
    filters = PracticeFilter(
        section=section or None,
        bullet=bullet or None,
        tag=tag or None,
        unseen=unseen,
        missed=missed,
        count=count,
        drills=drills,
    )
    try:
        view = start_practice(ctx, filters)
    except InvalidInput as exc:
        page = filter_page(ctx, section, bullet, tag, error=str(exc))
        return render(request, "practice_start.html", page, "Practice", 400)
    return see_other(practice_href(view.attempt, 1))


@router.get("/practice/{attempt}")
def resume(ctx: Ctx, attempt: AttemptId) -> Response:
    """Continue at the first unanswered question, or the last one when all are answered."""
    view = practice_view(ctx, attempt)
    if view.status != "open":
        return see_other(f"/attempts/{attempt}")
    pending = view.unanswered
    return see_other(practice_href(attempt, pending[0] if pending else len(view.questions)))


@router.get("/practice/{attempt}/questions/{position}", response_class=HTMLResponse)
def show_question(request: Request, ctx: Ctx, attempt: AttemptId, position: Position) -> Response:
    """The question, or once answered, the feedback with every option explained."""
    view = practice_view(ctx, attempt)
    if view.status != "open":
        return see_other(f"/attempts/{attempt}")
    total = len(view.questions)
    if position > total:
        raise NotFound(f"attempt {attempt} has no question {position} (it has 1-{total})")
    if position in view.answers:
        page = FeedbackPage(
            attempt=attempt,
            feedback=feedback(ctx, attempt, position),
            total=total,
            answered=len(view.answers),
            next_href=practice_href(attempt, position + 1) if position < total else None,
            finish_action=f"/practice/{attempt}/finish",
        )
        return render(request, "practice_feedback.html", page, f"Question {position}")
    return render(request, "practice_question.html", question_page(view, position), "Practice")


def question_page(
    view: AttemptView, position: int, error: str | None = None
) -> PracticeQuestionPage:
    question = view.questions[position - 1]
    return PracticeQuestionPage(
        attempt=view.attempt,
        question=question,
        total=len(view.questions),
        answered=len(view.answers),
        action=practice_href(view.attempt, position),
        error=error,
        input_type="radio" if question.choose == 1 else "checkbox",
        rate=view.asks_confidence,
    )


@router.post("/practice/{attempt}/questions/{position}")
def save_answer(
    request: Request,
    ctx: Ctx,
    attempt: AttemptId,
    position: Position,
    choice: Annotated[list[str] | None, Form()] = None,
    confidence: Annotated[str | None, Form()] = None,
) -> Response:
    """Save the answer; the same address then shows the feedback."""
    view = practice_view(ctx, attempt)
    if view.status != "open":
        return see_other(f"/attempts/{attempt}")
    if position > len(view.questions):
        raise NotFound(f"attempt {attempt} has no question {position}")
    try:
        if not choice:
            raise InvalidInput(f"question {position}: choose an answer first")
        answer(ctx, attempt, position, ",".join(choice), confidence)
    except InvalidInput as exc:
        page = question_page(view, position, error=str(exc))
        return render(request, "practice_question.html", page, "Practice", 400)
    except Conflict:
        pass  # already answered (a resent form): the feedback shows the first answer
    return see_other(practice_href(attempt, position))


@router.post("/practice/{attempt}/finish")
def finish(ctx: Ctx, attempt: AttemptId) -> Response:
    """Close the session and show its result."""
    view = practice_view(ctx, attempt)
    if view.status == "open":
        submit(ctx, attempt)
    return see_other(f"/attempts/{attempt}")
