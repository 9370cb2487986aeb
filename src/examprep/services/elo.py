"""Elo steps as answers arrive: item difficulty and the learner's rating kept current between
batch calibrations (`examprep calibrate`). Scalar arithmetic: answering costs no numpy."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import TYPE_CHECKING

from examprep.engine.item import ItemParams, elo_update, prior_params
from examprep.store.learners import get_setting, put_setting
from examprep.store.params import item_params_of, save_item_params

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from examprep.content.schema import Question


def record_elo_steps(
    session: Session,
    pack_id: str,
    lid: int,
    outcomes: Sequence[tuple[Question, bool]],
    now: dt.datetime,
) -> None:
    """One Elo step per (question, right), in order: the items' rows and the learner's rating
    are read once and written once, however many answers an exam submits.
    """
    stored = item_params_of(session, pack_id, [q.id for q, _ in outcomes], lock=True)
    rating = get_setting(session, lid, "elo")
    theta, n_learner = (
        (float(rating["theta"]), int(rating["n"])) if isinstance(rating, dict) else (0.0, 0)
    )
    values: dict[str, tuple[float, float, float, int, str, int]] = {}
    for question, right in outcomes:
        prior = prior_params(question.difficulty, len(question.options), question.choose)
        row = stored.get(question.id)
        b, n_item, method, revision = (
            (row.b, row.n, row.method, row.revision or 1) if row is not None else (0.0, 0, "", 0)
        )
        if question.id in values:  # answered twice in one batch: step from the first step
            _, b, _, n_item, method, revision = values[question.id]
        if revision != question.revision:
            b, n_item, method = prior.b, 0, ""  # fitted to an older text: start from the prior
        if method == "mml":
            continue  # batch calibration owns this item until the next `examprep calibrate`
        params = ItemParams(a=prior.a, b=b, c=prior.c)
        theta, new_b = elo_update(theta, n_learner, params, n_item, right)
        n_learner += 1
        values[question.id] = (prior.a, new_b, prior.c, n_item + 1, "elo", question.revision)
    if values:
        save_item_params(session, pack_id, stored, values, now)
        put_setting(session, lid, "elo", {"theta": theta, "n": n_learner}, now)
