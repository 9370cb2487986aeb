"""The learner's settings: exam date and pass-mark assumption; real exam results reported."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import HTMLResponse, Response

from examprep.errors import InvalidInput
from examprep.services import (
    Context,
    ReportedOutcome,
    get_config,
    my_outcomes,
    record_outcome,
    set_config,
)
from examprep.web.pages import Ctx, render, see_other

router = APIRouter()


@dataclass(frozen=True)
class ConfigPage:
    learner: str
    exam_date: str
    pass_mark: str
    pass_mark_is_default: bool
    pass_mark_note: str
    pack_pass_mark: str
    days_to_exam: int | None
    outcomes: list[ReportedOutcome]
    sections: list[str]
    today: str
    confidence: str = "practice"
    saved: bool = False
    error: str | None = None
    recorded: bool = False
    outcome_error: str | None = None


def config_page(
    ctx: Context,
    saved: bool = False,
    error: str | None = None,
    recorded: bool = False,
    outcome_error: str | None = None,
) -> ConfigPage:
    config = get_config(ctx)
    return ConfigPage(
        learner=config.learner,
        exam_date=config.exam_date.isoformat() if config.exam_date else "",
        pass_mark=f"{config.pass_mark * 100:g}%",
        pass_mark_is_default=config.pass_mark_is_default,
        pass_mark_note=config.pass_mark_note,
        pack_pass_mark=f"{ctx.pack.meta.pass_mark * 100:g} %",
        days_to_exam=config.days_to_exam(ctx.now().date()),
        outcomes=my_outcomes(ctx),
        sections=[s.id for s in ctx.pack.sections],
        today=ctx.now().date().isoformat(),
        confidence=config.confidence,
        saved=saved,
        error=error,
        recorded=recorded,
        outcome_error=outcome_error,
    )


@router.get("/config", response_class=HTMLResponse)
def show_config(
    request: Request,
    ctx: Ctx,
    saved: Annotated[bool, Query()] = False,
    recorded: Annotated[bool, Query()] = False,
) -> HTMLResponse:
    """The settings form and the exam-result form."""
    page = config_page(ctx, saved, recorded=recorded)
    return render(request, "config.html", page, "Settings")


@router.post("/config")
def save_config(
    request: Request,
    ctx: Ctx,
    exam_date: Annotated[str, Form(max_length=40)] = "",
    pass_mark: Annotated[str, Form(max_length=40)] = "",
    confidence: Annotated[str, Form(max_length=40)] = "",
) -> Response:
    """Save the settings; an empty field clears that setting (the pack's default returns)."""
    errors = []
    fields = (("exam-date", exam_date), ("pass-mark", pass_mark), ("confidence", confidence))
    for key, value in fields:
        try:
            set_config(ctx, key, value.strip() or None)
        except InvalidInput as exc:
            errors.append(str(exc))
    if errors:
        page = config_page(ctx, error="; ".join(errors))
        return render(request, "config.html", page, "Settings", 400)
    return see_other("/config?saved=true")


@router.post("/config/outcome")
def save_outcome(
    request: Request,
    ctx: Ctx,
    result: Annotated[str, Form(max_length=20)] = "",
    exam_date: Annotated[str, Form(max_length=40)] = "",
    section_feedback: Annotated[str, Form(max_length=400)] = "",
) -> Response:
    """Record the learner's real exam result (append-only; a later one for a day corrects it)."""
    try:
        record_outcome(ctx, result, exam_date, [section_feedback])
    except InvalidInput as exc:
        page = config_page(ctx, outcome_error=str(exc))
        return render(request, "config.html", page, "Settings", 400)
    return see_other("/config?recorded=true#outcome")
