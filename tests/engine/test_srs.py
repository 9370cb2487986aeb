"""Spaced repetition: FSRS scheduling with an exam date."""

from __future__ import annotations

import datetime as dt

import pytest

from examprep.engine.srs import (
    due_cards,
    exam_day_recall,
    new_card,
    recall,
    review_card,
    scheduler_for,
)

NOW = dt.datetime(2026, 11, 27, 9, 0, tzinfo=dt.UTC)


def good_run(exam: dt.date | None, reviews: int) -> list[tuple[dt.datetime, dt.datetime]]:
    """(review time, next due) for a card rated good every time it falls due."""
    state = new_card(1, NOW)
    when = NOW
    out = []
    for _ in range(reviews):
        review = review_card(state, "good", when, exam)
        out.append((when, review.due))
        state, when = review.state, review.due
    return out


def test_exam_date_caps_intervals_before_the_exam() -> None:
    exam = dt.date(2026, 12, 7)
    exam_start = dt.datetime(2026, 12, 7, tzinfo=dt.UTC)
    assert good_run(None, 6)[-1][1] > dt.datetime(2026, 12, 20, tzinfo=dt.UTC)
    capped = good_run(exam, 6)
    before = [(at, due) for at, due in capped if at < exam_start]
    assert len(before) >= 3
    assert all(due < exam_start + dt.timedelta(days=1) for _, due in before)


def test_reviews_the_day_before_the_exam_are_not_due_again_at_once() -> None:
    exam = dt.date(2027, 2, 15)
    state = review_card(new_card(1, NOW), "good", NOW, exam).state
    eve = dt.datetime(2027, 2, 14, 9, 0, tzinfo=dt.UTC)
    review = review_card(state, "good", eve, exam)
    assert review.due > eve
    assert (
        due_cards({"c": (review.state, review.due)}, eve + dt.timedelta(minutes=1), exam, {}) == []
    )


def test_scheduler_settings() -> None:
    assert scheduler_for(NOW.date(), None).desired_retention == 0.9
    s = scheduler_for(NOW.date(), dt.date(2026, 12, 27))
    assert s.desired_retention == 0.8 and s.maximum_interval == 30


def test_bad_rating() -> None:
    with pytest.raises(ValueError, match="rating must be one of"):
        review_card(new_card(1, NOW), "great", NOW, None)


def test_recall_and_top_up_in_the_final_days() -> None:
    reviewed = review_card(
        review_card(new_card(1, NOW), "good", NOW, None).state,
        "good",
        NOW + dt.timedelta(minutes=10),
        None,
    )
    assert recall(new_card(2, NOW), NOW) == 0.0
    assert (
        0.0
        < recall(reviewed.state, NOW + dt.timedelta(days=30))
        < recall(reviewed.state, NOW + dt.timedelta(days=2))
    )
    states = {
        "a": (reviewed.state, reviewed.due),
        "b": (new_card(3, NOW), NOW + dt.timedelta(days=40)),
    }
    later = NOW + dt.timedelta(days=1)
    assert due_cards(states, later, None, {}) == []
    exam = (NOW + dt.timedelta(days=20)).date()
    near = NOW + dt.timedelta(days=18)
    assert due_cards(states, near, exam, {"a": 2.0, "b": 1.0}) == ["a", "b"]
    forecast = exam_day_recall(
        [(reviewed.state, 1.0), (new_card(4, NOW), 1.0)],
        dt.datetime.combine(exam, dt.time(9), tzinfo=dt.UTC),
    )
    assert forecast is not None and 0 < forecast < 1
