"""The pack as a library: one card, question or fact table by id, and what covers a bullet.

Search hits and notes link here, so every kind of study material has a page of its own.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from examprep.errors import NotFound
from examprep.services.context import Context

if TYPE_CHECKING:
    from examprep.content.pack import Pack
    from examprep.content.schema import Retirement

RELATED_LIMIT = 8  # cards and questions listed per bullet beside a note


@dataclass(frozen=True)
class Link:
    """A piece of study material: its id and a short title."""

    id: str
    title: str


@dataclass(frozen=True)
class BulletMaterial:
    """One exam-guide bullet and the notes, cards and questions that cover it."""

    id: str
    section: str
    text: str
    notes: list[Link]
    cards: list[Link]
    questions: list[Link]
    card_count: int
    question_count: int


@dataclass(frozen=True)
class CardPage:
    id: str
    front: str
    back: str
    source: str
    covers: list[BulletMaterial]


@dataclass(frozen=True)
class ExplainedChoice:
    letter: str  # as authored (A, B, ...)
    text: str
    correct: bool
    why: str


@dataclass(frozen=True)
class QuestionPage:
    id: str
    stem: str
    choose: int
    options: list[ExplainedChoice]
    sources: list[str]
    verified: dt.date | None
    covers: list[BulletMaterial]
    retired: Retirement | None = None  # shown from past attempts only


@dataclass(frozen=True)
class TablePage:
    id: str
    title: str
    columns: list[str]
    rows: list[list[str]]
    note: str | None
    sources: list[str]
    verified: dt.date | None
    covers: list[BulletMaterial]


def _short(text: str, limit: int = 110) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def materials(pack: Pack, bullets: Iterable[str], *, skip: str = "") -> list[BulletMaterial]:
    """For each bullet (in the order given): its notes, a few cards and questions, and counts."""
    known = pack.bullets
    out = []
    for bullet in dict.fromkeys(bullets):
        if bullet not in known:
            continue
        notes = [Link(n.id, n.meta.title) for n in pack.notes if bullet in n.meta.covers]
        cards = [Link(c.id, _short(c.front)) for c in pack.cards if bullet in c.covers]
        questions = [
            Link(q.id, _short(q.stem))
            for q in pack.questions
            if bullet in q.covers and not q.generated
        ]
        cards = [c for c in cards if c.id != skip]
        questions = [q for q in questions if q.id != skip]
        out.append(
            BulletMaterial(
                id=bullet,
                section=pack.section_of(bullet),
                text=known[bullet].text,
                notes=notes,
                cards=cards[:RELATED_LIMIT],
                questions=questions[:RELATED_LIMIT],
                card_count=len(cards),
                question_count=len(questions),
            )
        )
    return out


def bullet_materials(ctx: Context, bullets: Iterable[str]) -> list[BulletMaterial]:
    """The study material covering each of `bullets` (unknown bullet ids are skipped)."""
    return materials(ctx.pack, bullets)


def card_page(ctx: Context, card_id: str) -> CardPage:
    """One flashcard, with the material on the bullets it covers."""
    pack = ctx.pack
    for card in pack.cards:
        if card.id == card_id:
            covers = materials(pack, card.covers, skip=card.id)
            return CardPage(card.id, card.front, card.back, card.source, covers)
    raise NotFound(f"no card {card_id!r} in pack {pack.id!r}")


def question_page(ctx: Context, question_id: str) -> QuestionPage:
    """One authored question with its key and every option's explanation (a retired question
    too: past results link to it)."""
    pack = ctx.pack
    try:
        question = pack.question(question_id)
    except KeyError:
        question = None
    if question is None or question.generated:
        raise NotFound(f"no question {question_id!r} in pack {pack.id!r}")
    options = [
        ExplainedChoice("ABCDEF"[i], o.text, o.correct, o.why)
        for i, o in enumerate(question.options)
    ]
    return QuestionPage(
        id=question.id,
        stem=question.stem,
        choose=question.choose,
        options=options,
        sources=list(question.sources),
        verified=question.verified,
        covers=materials(pack, question.covers, skip=question.id),
        retired=question.retired,
    )


def table_page(ctx: Context, table_id: str) -> TablePage:
    """One fact table: its columns and rows, sources and the bullets it covers."""
    pack = ctx.pack
    table = next((t for t in pack.tables if t.id == table_id), None)
    if table is None:
        raise NotFound(f"no fact table {table_id!r} in pack {pack.id!r}")
    return TablePage(
        id=table.id,
        title=table.title,
        columns=[c.label for c in table.columns],
        rows=[[row.get(c.id, "") for c in table.columns] for row in table.rows],
        note=table.note,
        sources=list(table.sources),
        verified=table.verified,
        covers=materials(pack, table.covers),
    )
