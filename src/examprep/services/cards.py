"""Flashcards and missed questions on an exam-date-aware FSRS schedule."""

from __future__ import annotations

import datetime as dt
import zlib
from dataclasses import dataclass
from typing import TYPE_CHECKING

from examprep.content.sections import note_href
from examprep.engine import srs
from examprep.errors import InvalidInput, NotFound
from examprep.services.context import Context
from examprep.services.learners import get_config, learner_id
from examprep.store.attempts import new_uid
from examprep.store.params import (
    add_card_states,
    add_review_log,
    card_ids_of,
    card_states,
    get_card_state,
    put_card_state,
)

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from examprep.content.pack import Pack

NEW_CARDS_PER_SESSION = 20


@dataclass(frozen=True)
class CardView:
    """A card to review: a flashcard, or a question missed earlier."""

    id: str  # card:<id> or question:<id>
    kind: str  # card | question
    front: str
    back: str
    source: str
    bullet: str
    new: bool
    note: str | None = None  # note-id#section teaching the fact (content/sections.py)

    @property
    def study(self) -> str:
        """What to read about this card: its note section, else its bullet's notes."""
        return self.note or self.bullet

    @property
    def note_anchor(self) -> str | None:
        """The note section's place on the web: /notes/NOTE#NOTE-SECTION."""
        return None if self.note is None else note_href(self.note)


def _weight(pack: Pack, bullet: str) -> float:
    section = next((s for s in pack.sections if any(b.id == bullet for b in s.bullets)), None)
    if section is None:
        return 0.0
    return section.weight / max(len(section.bullets), 1)


def _view(pack: Pack, card_id: str, new: bool) -> CardView:
    kind, _, item = card_id.partition(":")
    if kind == "card":
        card = next((c for c in pack.cards if c.id == item), None)
        if card is None:
            raise NotFound(f"no card {item!r} in this pack")
        return CardView(
            card_id, "card", card.front, card.back, card.source, card.covers[0], new, card.note
        )
    question = pack.question(item)
    options = "\n".join(f"{'ABCDEF'[i]}. {o.text}" for i, o in enumerate(question.options))
    key = ", ".join("ABCDEF"[i] for i in question.key)
    why = "\n".join(f"{'ABCDEF'[i]}: {o.why}" for i, o in enumerate(question.options) if o.correct)
    return CardView(
        card_id,
        "question",
        f"{question.stem}\n\n{options}",
        f"Answer: {key}\n{why}",
        question.sources[0] if question.sources else "",
        question.covers[0],
        new,
        question.note,
    )


def _bullet_of(pack: Pack, card_id: str) -> str:
    kind, _, item = card_id.partition(":")
    if kind == "card":
        return next((c.covers[0] for c in pack.cards if c.id == item), "")
    try:
        return pack.question(item).covers[0]
    except KeyError:
        return ""


def due_reviews(
    ctx: Context, limit: int = 50, new_cards: int = NEW_CARDS_PER_SESSION
) -> list[CardView]:
    """Cards due now (exam-weight order), then new flashcards up to `new_cards`."""
    pack = ctx.pack
    now = ctx.now()
    exam_date = get_config(ctx).exam_date
    with ctx.transaction() as session:
        lid = learner_id(ctx, session)
        rows = card_states(session, lid)
    states = {r.card_id: (r.state, r.due) for r in rows}
    priority = {cid: _weight(pack, _bullet_of(pack, cid)) for cid in states}
    due = [c for c in srs.due_cards(states, now, exam_date, priority) if _bullet_of(pack, c)]
    seen = set(states)
    fresh = sorted(
        (c for c in pack.cards if f"card:{c.id}" not in seen),
        key=lambda c: (-_weight(pack, c.covers[0]), c.id),
    )
    # Reviews first, but a third of the room stays for new cards while any are left: after a
    # weak mock exam, missed questions alone would otherwise crowd out new material for days.
    reserved = min(len(fresh), new_cards, limit // 3)
    views = [_view(pack, c, new=False) for c in due[: limit - reserved]]
    room = max(0, min(new_cards, limit - len(views)))
    views += [_view(pack, f"card:{c.id}", new=True) for c in fresh[:room]]
    return views


def _card_number(card_id: str) -> int:
    return zlib.crc32(card_id.encode())


def grade(ctx: Context, card_id: str, rating: str, duration_ms: int | None = None) -> dt.datetime:
    """Record a review (again, hard, good, easy) and return when the card is due next."""
    if rating not in srs.RATINGS:
        raise InvalidInput(f"rating must be one of {', '.join(srs.RATINGS)}")
    if not _bullet_of(ctx.pack, card_id):
        raise NotFound(f"no card {card_id!r} in this pack")
    now = ctx.now()
    exam_date = get_config(ctx).exam_date
    with ctx.transaction() as session:
        lid = learner_id(ctx, session)
        row = get_card_state(session, lid, card_id)
        state = row.state if row is not None else srs.new_card(_card_number(card_id), now)
        review = srs.review_card(state, rating, now, exam_date)
        put_card_state(session, lid, card_id, review.state, review.due, now)
        add_review_log(session, new_uid(), lid, card_id, review.rating, now, duration_ms)
        return review.due


def add_missed_questions(session: Session, lid: int, item_ids: list[str], now: dt.datetime) -> None:
    """Missed questions become review items, due now (unless already on the schedule)."""
    cards = [f"question:{item}" for item in item_ids]
    scheduled = card_ids_of(session, lid, cards)
    new = [
        (card_id, srs.new_card(_card_number(card_id), now), now)
        for card_id in dict.fromkeys(cards)
        if card_id not in scheduled
    ]
    if new:
        add_card_states(session, lid, new, now)


def exam_day_forecast(ctx: Context, exam_date: dt.date | None) -> float | None:
    """Exam-weighted mean predicted recall of reviewed cards on the exam date (or today)."""
    pack = ctx.pack
    when = dt.datetime.combine(exam_date, dt.time(9), tzinfo=dt.UTC) if exam_date else ctx.now()
    with ctx.transaction() as session:
        rows = card_states(session, learner_id(ctx, session))
    states = [(r.state, _weight(pack, _bullet_of(pack, r.card_id))) for r in rows]
    return srs.exam_day_recall(states, when)
