"""Practice: untimed questions filtered by section, bullet or tag, with immediate feedback."""

from __future__ import annotations

import random
import secrets
from dataclasses import dataclass

from examprep.engine.exam import pick_by_priority, spread_keys
from examprep.errors import InvalidInput
from examprep.services.context import Context
from examprep.services.exams import (
    form_json,
    form_of,
    history_of,
    item_of,
    owned_attempt,
    state_of,
    view_of,
)
from examprep.services.learners import learner_id
from examprep.services.results import explain
from examprep.services.views import AttemptView, Feedback
from examprep.store.attempts import create_attempt


@dataclass(frozen=True)
class PracticeFilter:
    """Which questions a practice session draws from."""

    section: str | None = None
    bullet: str | None = None
    tag: str | None = None
    unseen: bool = False
    missed: bool = False
    count: int = 10
    drills: bool = False  # generated drills from the fact tables instead of authored questions
    ids: tuple[str, ...] = ()  # only these questions (e.g. the ones an advisor leaf links)


def start_practice(ctx: Context, filters: PracticeFilter, seed: int | None = None) -> AttemptView:
    """Open an untimed practice session from the questions that match `filters`."""
    pack = ctx.pack
    if filters.count < 1:
        raise InvalidInput("-n must be at least 1")
    if filters.section and filters.section not in {s.id for s in pack.sections}:
        raise InvalidInput(f"unknown section {filters.section!r}")
    if filters.bullet and filters.bullet not in pack.bullets:
        raise InvalidInput(f"unknown bullet {filters.bullet!r}")
    pool = pack.drills if filters.drills else pack.questions
    questions = [
        q
        for q in pool
        if (not filters.section or q.section == filters.section)
        and (not filters.bullet or filters.bullet in q.covers)
        and (not filters.tag or filters.tag in q.tags)
        and (not filters.ids or q.id in filters.ids)
    ]
    seed = secrets.randbits(48) if seed is None else seed
    rng = random.Random(seed)
    now = ctx.now()
    with ctx.transaction() as session:
        lid = learner_id(ctx, session)
        history = history_of(session, pack, lid, now)
        items = [item_of(q) for q in questions]
        if filters.unseen:
            items = [i for i in items if i.id not in history]
        if filters.missed:
            items = [i for i in items if i.id in history and not history[i.id].last_correct]
        if not items:
            what = "drills" if filters.drills else "questions"
            raise InvalidInput(f"no {what} match these filters")
        form = spread_keys(pick_by_priority(items, history, filters.count, rng), rng)
        attempt = create_attempt(
            session,
            learner_id=lid,
            pack_id=pack.id,
            mode="practice",
            seed=seed,
            form=form_json(form),
            started_at=now,
            deadline=None,
            pass_mark=None,
        )
        return view_of(pack, session, attempt, now)


def feedback(ctx: Context, attempt_id: int, position: int) -> Feedback:
    """The explained question at `position` with the learner's current answer."""
    now = ctx.now()
    with ctx.transaction() as session:
        attempt = owned_attempt(ctx, session, attempt_id)
        form = form_of(attempt)
        if not 1 <= position <= len(form):
            raise InvalidInput(f"position {position} is out of range 1-{len(form)}")
        state = state_of(session, attempt, now)
        return explain(ctx.pack, position, form[position - 1], state.answers.get(position))
