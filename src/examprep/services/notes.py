"""Study notes: the table of contents with coverage, and the notes for a bullet, section or id."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING

from examprep.content.sections import sections
from examprep.errors import NotFound
from examprep.services.context import Context

if TYPE_CHECKING:
    from examprep.content.pack import Pack
    from examprep.content.schema import Note


@dataclass(frozen=True)
class BulletCoverage:
    """One bullet of the exam guide and how much study material covers it."""

    id: str
    text: str
    notes: list[str]
    cards: int
    questions: int

    def to_json(self) -> dict[str, object]:
        return {
            "id": self.id,
            "text": self.text,
            "notes": self.notes,
            "cards": self.cards,
            "questions": self.questions,
        }


@dataclass(frozen=True)
class SectionContents:
    """A section of the exam guide with its bullets' coverage."""

    id: str
    title: str
    weight: float
    bullets: list[BulletCoverage] = field(default_factory=list)

    def to_json(self) -> dict[str, object]:
        return {
            "id": self.id,
            "title": self.title,
            "weight": self.weight,
            "bullets": [b.to_json() for b in self.bullets],
        }


@dataclass(frozen=True)
class NoteView:
    """A note ready to render: its Markdown body, the bullets it covers and its sources."""

    id: str
    title: str
    covers: list[tuple[str, str]]  # (bullet id, bullet text)
    sources: list[str]
    verified: dt.date | None
    body: str

    def to_json(self) -> dict[str, object]:
        return {
            "id": self.id,
            "title": self.title,
            "covers": [{"id": b, "text": t} for b, t in self.covers],
            "sources": self.sources,
            "verified": self.verified.isoformat() if self.verified else None,
            "body": self.body,
        }


def contents(pack: Pack) -> list[SectionContents]:
    """Sections and bullets with the notes, card count and question count of each bullet."""
    cards = Counter(b for c in pack.cards for b in c.covers)
    questions = Counter(b for q in pack.questions for b in q.covers)
    notes: dict[str, list[str]] = {}
    for note in pack.notes:
        for bullet in note.meta.covers:
            notes.setdefault(bullet, []).append(note.id)
    return [
        SectionContents(
            id=section.id,
            title=section.title,
            weight=section.weight,
            bullets=[
                BulletCoverage(b.id, b.text, notes.get(b.id, []), cards[b.id], questions[b.id])
                for b in section.bullets
            ],
        )
        for section in pack.sections
    ]


def notes_contents(ctx: Context) -> list[SectionContents]:
    """The notes' table of contents for the context's pack."""
    return contents(ctx.pack)


def note_view(pack: Pack, note: Note) -> NoteView:
    """The display form of one note."""
    bullets = pack.bullets
    return NoteView(
        id=note.id,
        title=note.meta.title,
        covers=[(b, bullets[b].text if b in bullets else "") for b in note.meta.covers],
        sources=list(note.meta.sources),
        verified=note.meta.verified,
        body=note.body,
    )


def select_notes(pack: Pack, target: str) -> list[Note]:
    """Notes named by an id, or covering a bullet (S3.3.b), subsection (S3.3) or section (S3)."""
    wanted = target.strip()
    for note in pack.notes:
        if wanted in (note.id, f"n-{note.id}") or note.id == f"n-{wanted}":
            return [note]
    folded = wanted.casefold()
    bullets: set[str] = set()
    for section in pack.sections:
        for sub in section.subsections:
            for bullet in sub.bullets:
                ids = {section.id.casefold(), sub.id.casefold(), bullet.id.casefold()}
                if folded in ids:
                    bullets.add(bullet.id)
    if not bullets:
        raise NotFound(
            f"no note, bullet or section {target!r} in pack {pack.id!r}; "
            "run `examprep notes` for the contents"
        )
    found = [n for n in pack.notes if bullets & set(n.meta.covers)]
    if not found:
        raise NotFound(f"no note covers {target!r} yet in pack {pack.id!r}")
    return found


def find_notes(ctx: Context, target: str) -> list[NoteView]:
    """The notes for `target` (a note id, bullet, subsection or section), in pack order; for
    `note-id#section` (a question's study link), just that section of the note."""
    pack = ctx.pack
    wanted, _, part = target.partition("#")
    found = [note_view(pack, n) for n in select_notes(pack, wanted)]
    if not part:
        return found
    only = next((s for s in sections(found[0].body) if s.slug == part), None)
    if len(found) != 1 or only is None:
        raise NotFound(f"no section {part!r} in note {wanted!r}; run `examprep notes {wanted}`")
    return [replace(found[0], body=only.text)]
