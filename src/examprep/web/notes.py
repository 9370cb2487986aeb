"""Study notes by section and bullet, rendered from Markdown, and the product rename map."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated

from fastapi import APIRouter, Path, Query, Request
from fastapi.responses import HTMLResponse

from examprep.errors import NotFound
from examprep.services import (
    NameView,
    NoteView,
    SectionContents,
    find_names,
    find_notes,
    notes_contents,
)
from examprep.web.pages import Ctx, render

router = APIRouter()


@dataclass(frozen=True)
class ContentsPage:
    sections: list[SectionContents]


@dataclass(frozen=True)
class NotesPage:
    target: str
    notes: list[NoteView]


@dataclass(frozen=True)
class NamesPage:
    query: str
    products: list[NameView]
    error: str | None = None


@router.get("/notes", response_class=HTMLResponse)
def show_contents(request: Request, ctx: Ctx) -> HTMLResponse:
    """Every section and bullet of the exam guide with the notes that cover it."""
    return render(request, "notes_contents.html", ContentsPage(notes_contents(ctx)), "Notes")


@router.get("/notes/{target}", response_class=HTMLResponse)
def show_notes(
    request: Request, ctx: Ctx, target: Annotated[str, Path(max_length=100)]
) -> HTMLResponse:
    """The notes named by a note id, or covering a bullet, subsection or section."""
    notes = find_notes(ctx, target)
    title = notes[0].title if len(notes) == 1 else f"Notes for {target}"
    return render(request, "notes.html", NotesPage(target, notes), title)


@router.get("/names", response_class=HTMLResponse)
def show_names(
    request: Request, ctx: Ctx, q: Annotated[str, Query(max_length=200)] = ""
) -> HTMLResponse:
    """The rename map: today's product names, former names and status; filtered by `q`."""
    try:
        page = NamesPage(q, find_names(ctx, q or None))
    except NotFound as exc:
        if not q:
            raise
        return render(request, "names.html", NamesPage(q, [], str(exc)), "Product names", 404)
    return render(request, "names.html", page, "Product names")
