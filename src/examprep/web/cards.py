"""Flashcards and missed questions: show, reveal, grade (FSRS), with keys 1-4."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, Response

from examprep.services import CardView, due_reviews, grade
from examprep.web.pages import Ctx, render, see_other

router = APIRouter()
GRADES = (
    ("again", "1", "Again: forgot it"),
    ("hard", "2", "Hard: recalled with effort"),
    ("good", "3", "Good: recalled"),
    ("easy", "4", "Easy: instantly"),
)
LONGEST_REVIEW = dt.timedelta(minutes=10)  # longer gaps are a learner away from the screen


@dataclass(frozen=True)
class CardPage:
    card: CardView | None
    due: int
    new: int
    shown_at: str
    grades: tuple[tuple[str, str, str], ...] = GRADES
    last_due: dt.datetime | None = None

    @property
    def label(self) -> str:
        if self.card is None:
            return ""
        if self.card.new:
            return "new card"
        return "missed question" if self.card.kind == "question" else "review"


@router.get("/cards", response_class=HTMLResponse)
def show_card(request: Request, ctx: Ctx) -> HTMLResponse:
    """The next due card (the answer is revealed in place, with or without JavaScript)."""
    cards = due_reviews(ctx, limit=1000)
    page = CardPage(
        card=cards[0] if cards else None,
        due=sum(1 for c in cards if not c.new),
        new=sum(1 for c in cards if c.new),
        shown_at=ctx.now().isoformat(),
    )
    return render(request, "cards.html", page, "Cards")


def review_ms(shown_at: str, now: dt.datetime) -> int | None:
    """Milliseconds since the card was shown, or None when the stamp is missing or odd."""
    try:
        shown = dt.datetime.fromisoformat(shown_at)
    except ValueError:
        return None
    if shown.tzinfo is None or not dt.timedelta(0) <= now - shown <= LONGEST_REVIEW:
        return None
    return int((now - shown).total_seconds() * 1000)


@router.post("/cards/grade")
def grade_card(
    ctx: Ctx,
    card: Annotated[str, Form(min_length=1, max_length=300)],
    rating: Annotated[str, Form(max_length=20)],
    shown_at: Annotated[str, Form(max_length=64)] = "",
) -> Response:
    """Record the grade and show the next card."""
    grade(ctx, card, rating, duration_ms=review_ms(shown_at, ctx.now()))
    return see_other("/cards")
