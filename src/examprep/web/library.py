"""One card, question or fact table on a page of its own: where search hits and notes link."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Request
from fastapi.responses import HTMLResponse

from examprep.services import card_page, question_page, table_page
from examprep.web.pages import Ctx, render

router = APIRouter()
ItemId = Annotated[str, Path(max_length=200)]


@router.get("/cards/{card}", response_class=HTMLResponse)
def show_card_page(request: Request, ctx: Ctx, card: ItemId) -> HTMLResponse:
    """A flashcard with its answer behind a reveal, and what else covers its bullets."""
    page = card_page(ctx, card)
    return render(request, "library_card.html", page, f"Card {page.id}")


@router.get("/questions/{question}", response_class=HTMLResponse)
def show_question_page(request: Request, ctx: Ctx, question: ItemId) -> HTMLResponse:
    """A question with its key and explanations behind a reveal."""
    page = question_page(ctx, question)
    return render(request, "library_question.html", page, f"Question {page.id}")


@router.get("/tables/{table}", response_class=HTMLResponse)
def show_table_page(request: Request, ctx: Ctx, table: ItemId) -> HTMLResponse:
    """A fact table in full."""
    page = table_page(ctx, table)
    return render(request, "library_table.html", page, page.title)
