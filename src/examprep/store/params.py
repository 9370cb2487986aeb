"""Stored item parameters (calibrated or Elo-updated) and card states / review logs."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from examprep.store.tables import CardStateRow, ItemParamRow, ReviewLogRow


def item_params(session: Session, pack_id: str) -> list[ItemParamRow]:
    return list(session.scalars(select(ItemParamRow).where(ItemParamRow.pack_id == pack_id)))


def item_params_of(
    session: Session, pack_id: str, item_ids: Iterable[str], *, lock: bool = False
) -> dict[str, ItemParamRow]:
    """The stored parameters of these items (one query; locked in item order when asked)."""
    ids = sorted(set(item_ids))
    if not ids:
        return {}
    query = select(ItemParamRow).where(
        ItemParamRow.pack_id == pack_id, ItemParamRow.item_id.in_(ids)
    )
    if lock:
        query = query.with_for_update()
    return {row.item_id: row for row in session.scalars(query.order_by(ItemParamRow.item_id))}


def save_item_params(
    session: Session,
    pack_id: str,
    stored: dict[str, ItemParamRow],
    values: dict[str, tuple[float, float, float, int, str, int]],
    now: dt.datetime,
) -> None:
    """Write (a, b, c, n, method, revision) per item: update the rows in `stored`, add others
    (new rows in one multi-row INSERT)."""
    new = []
    for item_id, (a, b, c, n, method, revision) in values.items():
        row = stored.get(item_id)
        if row is None:
            new.append(
                {
                    "pack_id": pack_id,
                    "item_id": item_id,
                    "a": a,
                    "b": b,
                    "c": c,
                    "n": n,
                    "method": method,
                    "updated_at": now,
                    "revision": revision,
                }
            )
        else:
            row.a, row.b, row.c, row.n, row.method, row.updated_at = a, b, c, n, method, now
            row.revision = revision
    session.flush()
    if new:
        session.execute(insert(ItemParamRow), new)


def card_ids_of(session: Session, learner_id: int, card_ids: Iterable[str]) -> set[str]:
    """Which of these cards the learner already has a state for (one query, rows locked)."""
    ids = sorted(set(card_ids))
    if not ids:
        return set()
    query = select(CardStateRow).where(
        CardStateRow.learner_id == learner_id, CardStateRow.card_id.in_(ids)
    )
    return {row.card_id for row in session.scalars(query.with_for_update())}


def add_card_states(
    session: Session,
    learner_id: int,
    states: list[tuple[str, dict[str, Any], dt.datetime]],
    now: dt.datetime,
) -> None:
    """New card states (card id, state, due), for cards the learner has none of yet (one
    multi-row INSERT)."""
    session.execute(
        insert(CardStateRow),
        [
            {"learner_id": learner_id, "card_id": card_id, "state": state, "due": due,
             "updated_at": now}
            for card_id, state, due in states
        ],
    )  # fmt: skip


def upsert_item_param(
    session: Session,
    pack_id: str,
    item_id: str,
    *,
    a: float,
    b: float,
    c: float,
    n: int,
    method: str,
    now: dt.datetime,
    revision: int = 1,
    lock: bool = False,
) -> None:
    query = select(ItemParamRow).where(
        ItemParamRow.pack_id == pack_id, ItemParamRow.item_id == item_id
    )
    if lock:
        query = query.with_for_update()
    row = session.scalars(query).one_or_none()
    if row is None:
        session.add(
            ItemParamRow(
                pack_id=pack_id,
                item_id=item_id,
                a=a,
                b=b,
                c=c,
                n=n,
                method=method,
                updated_at=now,
                revision=revision,
            )
        )
    else:
        row.a, row.b, row.c, row.n, row.method, row.updated_at = a, b, c, n, method, now
        row.revision = revision
    session.flush()


def get_item_param(
    session: Session, pack_id: str, item_id: str, lock: bool = False
) -> ItemParamRow | None:
    query = select(ItemParamRow).where(
        ItemParamRow.pack_id == pack_id, ItemParamRow.item_id == item_id
    )
    if lock:
        query = query.with_for_update()
    return session.scalars(query).one_or_none()


def card_states(session: Session, learner_id: int) -> list[CardStateRow]:
    return list(session.scalars(select(CardStateRow).where(CardStateRow.learner_id == learner_id)))


def get_card_state(session: Session, learner_id: int, card_id: str) -> CardStateRow | None:
    query = select(CardStateRow).where(
        CardStateRow.learner_id == learner_id, CardStateRow.card_id == card_id
    )
    return session.scalars(query.with_for_update()).one_or_none()


def put_card_state(
    session: Session,
    learner_id: int,
    card_id: str,
    state: dict[str, Any],
    due: dt.datetime,
    now: dt.datetime,
) -> None:
    row = get_card_state(session, learner_id, card_id)
    if row is None:
        session.add(
            CardStateRow(
                learner_id=learner_id, card_id=card_id, state=state, due=due, updated_at=now
            )
        )
    else:
        row.state, row.due, row.updated_at = state, due, now
    session.flush()


def add_review_log(
    session: Session,
    uid: str,
    learner_id: int,
    card_id: str,
    rating: int,
    at: dt.datetime,
    duration_ms: int | None,
) -> None:
    session.add(
        ReviewLogRow(
            uid=uid,
            learner_id=learner_id,
            card_id=card_id,
            rating=rating,
            reviewed_at=at,
            duration_ms=duration_ms,
        )
    )
    session.flush()


def review_logs(session: Session, learner_id: int) -> list[ReviewLogRow]:
    query = select(ReviewLogRow).where(ReviewLogRow.learner_id == learner_id)
    return list(session.scalars(query.order_by(ReviewLogRow.reviewed_at, ReviewLogRow.id)))
