"""Adaptive sessions: the placement diagnostic and the questions of the daily study session."""

from __future__ import annotations

import datetime as dt
import random
import secrets
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from examprep.engine.exam import spread_keys
from examprep.engine.irt import ItemParams
from examprep.engine.selection import (
    Candidate,
    StopRule,
    next_item,
    section_targets,
    theta_for_score,
)
from examprep.errors import Conflict, InvalidInput
from examprep.services.context import Context
from examprep.services.exams import (
    form_json,
    form_of,
    item_of,
    owned_attempt,
    state_of,
    view_of,
)
from examprep.services.learners import get_config, learner_id
from examprep.services.model import Readiness, estimate_readiness, prior_table
from examprep.services.outcomes import exam_link
from examprep.services.readiness import learner_responses, stored_params
from examprep.services.views import QuestionView
from examprep.store.attempts import create_attempt, finish_attempt

if TYPE_CHECKING:
    from examprep.content.pack import Pack

RECENT_DAYS = 7  # an item answered this recently is not asked again adaptively
ADAPTIVE_MODES = ("diagnostic", "study")
DIAGNOSTIC = StopRule()


@dataclass(frozen=True)
class Step:
    """The next adaptive question, or None when the session has seen enough."""

    attempt: int
    question: QuestionView | None
    asked: int
    readiness: Readiness
    reason: str = ""


def start_adaptive(ctx: Context, mode: str) -> int:
    """Open an empty adaptive attempt (diagnostic or study); questions are added one by one."""
    if mode not in ADAPTIVE_MODES:
        raise InvalidInput(f"unknown adaptive mode {mode!r}")
    now = ctx.now()
    with ctx.transaction() as session:
        attempt = create_attempt(
            session,
            learner_id=learner_id(ctx, session),
            pack_id=ctx.pack.id,
            mode=mode,
            seed=secrets.randbits(48),
            form=[],
            started_at=now,
            deadline=None,
            pass_mark=None,
        )
        return attempt.id


def next_question(ctx: Context, attempt_id: int) -> Step:
    """Estimate ability from everything answered so far, then add and return the next item."""
    pack = ctx.pack
    now = ctx.now()
    mark = get_config(ctx).pass_mark
    with ctx.transaction() as session:
        attempt = owned_attempt(ctx, session, attempt_id, lock=True)
        if attempt.mode not in ADAPTIVE_MODES:
            raise Conflict(f"attempt {attempt_id} is not an adaptive session")
        if attempt.finished_at is not None:
            raise Conflict(f"attempt {attempt_id} is already finished")
        form = form_of(attempt)
        state = state_of(session, attempt, now)
        if len(state.answers) < len(form):
            pending = next(i for i in range(1, len(form) + 1) if i not in state.answers)
            raise Conflict(f"answer question {pending} of attempt {attempt_id} first")
        params = {**prior_table(pack), **stored_params(session, pack)}
        responses = learner_responses(session, pack, learner_id(ctx, session), now)
        link = exam_link(session, pack)
        readiness = estimate_readiness(
            pack, responses, params, now=now, pass_mark=mark, exam_offset=link
        )
        asked = len(form)
        if attempt.mode == "diagnostic" and DIAGNOSTIC.done(asked, readiness.se, readiness.p_pass):
            return Step(attempt_id, None, asked, readiness, _stop_reason(asked, readiness))
        recent = {item for item, _, at in responses if now - at < dt.timedelta(days=RECENT_DAYS)}
        rng = random.Random(attempt.seed + asked)
        pick = pick_question(pack, params, readiness, [f.item_id for f in form], recent, rng, mark)
        if pick is None:
            return Step(attempt_id, None, asked, readiness, "no unasked questions are left")
        [placed] = spread_keys([item_of(pack.question(pick.id))], rng)
        attempt.form = [*attempt.form, *form_json([placed])]
        session.flush()
        view = view_of(pack, session, attempt, now)
        return Step(attempt_id, view.questions[-1], asked + 1, readiness)


def pick_question(
    pack: Pack,
    params: Mapping[str, ItemParams],
    readiness: Readiness,
    asked_ids: Sequence[str],
    recent: set[str],
    rng: random.Random,
    pass_mark: float,
) -> Candidate | None:
    """The next adaptive question of a session (no database: bench/learning calls it too).

    Blueprint targets boosted toward sections below the cut, one item per family in a
    session, nothing asked in this session or answered in the last RECENT_DAYS (`recent`).
    """
    candidates = [
        Candidate(q.id, q.section, params[q.id], q.family)
        for q in pack.questions
        if not q.generated
    ]
    asked = [pack.question(i) for i in asked_ids]
    asked_families = {q.family for q in asked if q.family is not None}
    abilities = {s: e.theta for s, e in readiness.by_section.items()}
    cut_theta = theta_for_score([c.params for c in candidates], pass_mark)
    targets = section_targets({s.id: s.weight for s in pack.sections}, abilities, cut_theta)
    asked_by_section = Counter(q.section for q in asked)
    return next_item(
        candidates,
        abilities,
        targets,
        asked_by_section,
        recent | set(asked_ids),
        rng,
        asked_families=asked_families,
    )


def _stop_reason(asked: int, readiness: Readiness) -> str:
    if asked >= DIAGNOSTIC.max_items:
        return f"reached the maximum of {DIAGNOSTIC.max_items} questions"
    if readiness.se <= DIAGNOSTIC.target_sd:
        return f"ability is pinned down (posterior SD {readiness.se:.2f})"
    return "the pass/fail picture is already clear"


def finish(ctx: Context, attempt_id: int) -> Readiness:
    """Close an adaptive session and return the updated readiness."""
    now = ctx.now()
    mark = get_config(ctx).pass_mark
    with ctx.transaction() as session:
        attempt = owned_attempt(ctx, session, attempt_id, lock=True)
        if attempt.finished_at is None:
            finish_attempt(attempt, now)
        params = stored_params(session, ctx.pack)
        responses = learner_responses(session, ctx.pack, learner_id(ctx, session), now)
        link = exam_link(session, ctx.pack)
    return estimate_readiness(
        ctx.pack, responses, params, now=now, pass_mark=mark, exam_offset=link
    )
