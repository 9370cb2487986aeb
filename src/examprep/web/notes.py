"""Study notes by section and bullet, rendered from Markdown, and the product rename map."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Annotated

from fastapi import APIRouter, Path, Query, Request
from fastapi.responses import HTMLResponse
from markupsafe import Markup, escape

from examprep.errors import NotFound
from examprep.services import (
    BulletMaterial,
    NameView,
    NoteView,
    SectionContents,
    bullet_materials,
    find_names,
    find_notes,
    notes_contents,
)
from examprep.web.pages import Ctx, markdown_parser, render

if TYPE_CHECKING:
    from markdown_it.token import Token

router = APIRouter()
# Sections of a note that are advice rather than exposition read as callouts.
CALLOUTS = {"exam angle": "tip", "traps": "warn"}
SLUG = re.compile(r"[^a-z0-9]+")


@dataclass(frozen=True)
class ContentsPage:
    sections: list[SectionContents]


@dataclass(frozen=True)
class RenderedNote:
    """A note as a book page: its HTML, its contents (anchor, heading) and its source data."""

    note: NoteView
    html: Markup
    contents: list[tuple[str, str]]


@dataclass(frozen=True)
class NotesPage:
    target: str
    notes: list[RenderedNote]
    materials: list[BulletMaterial]


@dataclass(frozen=True)
class NamesPage:
    query: str
    products: list[NameView]
    error: str | None = None


def _plain(heading: Token) -> str:
    return "".join(c.content for c in heading.children or [] if c.type in ("text", "code_inline"))


def _chunks(tokens: list[Token]) -> list[list[Token]]:
    """The token stream cut before every second-level heading."""
    chunks: list[list[Token]] = [[]]
    for token in tokens:
        if token.type == "heading_open" and token.tag == "h2":
            chunks.append([])
        chunks[-1].append(token)
    return [c for c in chunks if c]


def render_note(note: NoteView) -> RenderedNote:
    """The note's Markdown as HTML with anchored headings, its "Exam angle" and "Traps"
    sections as callouts, and a table of contents."""
    md = markdown_parser()
    env: dict[str, object] = {}
    parts: list[str] = []
    contents: list[tuple[str, str]] = []
    for chunk in _chunks(md.parse(note.body, env)):
        html = md.renderer.render(chunk, md.options, env)
        if chunk[0].type != "heading_open":
            parts.append(html)
            continue
        title = _plain(chunk[1])
        anchor = f"{note.id}-{SLUG.sub('-', title.lower()).strip('-')}"
        if any(anchor == a for a, _ in contents):
            anchor = f"{anchor}-{len(contents)}"
        contents.append((anchor, title))
        kind = CALLOUTS.get(title.strip().lower())
        html = html.replace("<h2>", f'<h2 id="{escape(anchor)}">', 1)
        if kind:
            html = f'<div class="callout {kind}">{html}</div>'
        parts.append(html)
    return RenderedNote(note, Markup("".join(parts)), contents)  # markdown-it escaped the text


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
    bullets = [b for n in notes for b, _ in n.covers]
    page = NotesPage(target, [render_note(n) for n in notes], bullet_materials(ctx, bullets))
    return render(request, "notes.html", page, title)


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
