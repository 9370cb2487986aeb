"""Spaced repetition with FSRS (the `fsrs` package), aimed at an exam date."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from fsrs import Card, Rating, Scheduler

RATINGS = {"again": Rating.Again, "hard": Rating.Hard, "good": Rating.Good, "easy": Rating.Easy}
DEFAULT_RETENTION = 0.9
EXAM_RETENTION = 0.8  # learn at a lower retention when an exam date caps the intervals
TOP_UP_DAYS = 3  # in the final days before the exam, top up cards predicted below target
TOP_UP_TARGET = 0.95  # 0.9 left exam-day recall below SM-2's in bench/scheduling.py


@dataclass(frozen=True)
class Review:
    """The outcome of one review: the card's new state and its due time."""

    state: dict[str, Any]
    due: dt.datetime
    rating: int


def scheduler_for(today: dt.date, exam_date: dt.date | None) -> Scheduler:
    """FSRS at 0.9, or, with an exam date, 0.8 retention and intervals capped at the days left."""
    if exam_date is None:
        return Scheduler(desired_retention=DEFAULT_RETENTION, enable_fuzzing=False)
    days_left = max(1, (exam_date - today).days)
    return Scheduler(
        desired_retention=EXAM_RETENTION, maximum_interval=days_left, enable_fuzzing=False
    )


def new_card(card_number: int, now: dt.datetime) -> dict[str, Any]:
    """A card that has never been reviewed (due now)."""
    return dict(Card(card_id=card_number, due=now).to_dict())


def review_card(
    state: Mapping[str, Any], rating: str, now: dt.datetime, exam_date: dt.date | None
) -> Review:
    """Apply a rating (again, hard, good, easy) at `now`."""
    if rating not in RATINGS:
        raise ValueError(f"rating must be one of {', '.join(RATINGS)}")
    card = Card.from_dict(dict(state))  # type: ignore[arg-type]
    scheduler = scheduler_for(now.date(), exam_date)
    updated, _log = scheduler.review_card(card, RATINGS[rating], review_datetime=now)
    # With an exam date the scheduler's maximum interval is the days left, so no review is
    # planned past exam day; cards still weak then are topped up by `due_cards`.
    return Review(state=dict(updated.to_dict()), due=updated.due, rating=int(RATINGS[rating]))


def recall(state: Mapping[str, Any], at: dt.datetime) -> float:
    """Predicted probability of recalling the card at `at` (0 for a never-reviewed card)."""
    card = Card.from_dict(dict(state))  # type: ignore[arg-type]
    if card.last_review is None:
        return 0.0
    return float(Scheduler().get_card_retrievability(card, current_datetime=at))


def due_cards(
    states: Mapping[str, tuple[dict[str, Any], dt.datetime]],
    now: dt.datetime,
    exam_date: dt.date | None,
    priority: Mapping[str, float],
) -> list[str]:
    """Cards to review now: due ones, plus, in the final days, any below the exam-day target.

    Ordered by exam weight (`priority`, higher first), then by due time.
    """
    due = {cid for cid, (_, when) in states.items() if when <= now}
    if exam_date is not None:
        days_left = (exam_date - now.date()).days
        if 0 <= days_left <= TOP_UP_DAYS:
            exam_time = dt.datetime.combine(exam_date, dt.time(9), tzinfo=dt.UTC)
            reviewed_today = {
                cid for cid, (state, _) in states.items() if _reviewed_on(state, now.date())
            }
            for cid, (state, _) in states.items():
                if cid not in reviewed_today and recall(state, exam_time) < TOP_UP_TARGET:
                    due.add(cid)
    return sorted(due, key=lambda c: (-priority.get(c, 0.0), states[c][1], c))


def _reviewed_on(state: Mapping[str, Any], day: dt.date) -> bool:
    last = state.get("last_review")
    return isinstance(last, str) and dt.datetime.fromisoformat(last).date() == day


def exam_day_recall(
    states: Sequence[tuple[dict[str, Any], float]], exam_time: dt.datetime
) -> float | None:
    """Weighted mean predicted recall on exam day over reviewed cards (weights: exam weight)."""
    total = weight_sum = 0.0
    for state, weight in states:
        if state.get("last_review") is None:
            continue
        total += weight * recall(state, exam_time)
        weight_sum += weight
    return total / weight_sum if weight_sum else None
