"""Confidence: parsing what the learner typed, and accuracy by confidence level."""

from __future__ import annotations

import datetime as dt

import pytest

from examprep.engine.evidence import Answer
from examprep.engine.metacognition import parse_confidence, summarise

MONDAY = dt.datetime(2026, 11, 30, 10, tzinfo=dt.UTC)


def answer(n: int, correct: bool, confidence: str | None, days: int = 0) -> Answer:
    at = MONDAY + dt.timedelta(days=days, minutes=n)
    return Answer(1, 1, n, f"q-{n}", correct, at, confidence=confidence)


@pytest.mark.parametrize(
    ("text", "level"),
    [("sure", "sure"), ("S", "sure"), ("1", "sure"), (" unsure ", "unsure"), ("u", "unsure"),
     ("2", "unsure"), ("guess", "guess"), ("g", "guess"), ("3", "guess"), ("", None),
     (None, None), ("  ", None)],
)  # fmt: skip
def test_confidence_words_letters_and_digits(text: str | None, level: str | None) -> None:
    assert parse_confidence(text) == level


@pytest.mark.parametrize("text", ["certain", "4", "0", "sure!"])
def test_other_confidence_is_refused_with_the_choices(text: str) -> None:
    with pytest.raises(ValueError, match="sure, unsure or guess"):
        parse_confidence(text)


def test_accuracy_by_level_week_by_week_and_confident_errors() -> None:
    answers = [
        answer(1, True, "sure"),
        answer(2, False, "sure"),
        answer(3, True, "guess"),
        answer(4, True, None),  # unrated: counted apart, never in a level
        answer(5, False, "unsure", days=8),  # the next week
        answer(6, False, "sure", days=9),
    ]
    m = summarise(answers)
    assert (m.rated, m.unrated) == (5, 1)
    assert [(s.level, s.answers, s.correct) for s in m.levels] == [
        ("sure", 3, 1),
        ("unsure", 1, 0),
        ("guess", 1, 1),
    ]
    assert [p.start for p in m.periods] == [dt.date(2026, 11, 30), dt.date(2026, 12, 7)]
    assert m.periods[0].levels["sure"].accuracy == 0.5
    assert m.periods[1].levels["guess"].answers == 0
    assert m.sure_but_wrong == ["q-6", "q-2"]  # newest first
    assert m.reading is None  # too few rated answers to say anything


def test_the_reading_warns_about_an_untrustworthy_sure() -> None:
    answers = [answer(i, i % 2 == 0, "sure") for i in range(10)]
    answers += [answer(20 + i, i < 2, "guess") for i in range(5)]
    reading = summarise(answers).reading
    assert reading is not None
    assert "sure 50%" in reading and "guess 40%" in reading
    assert "wrong too often" in reading


def test_the_reading_trusts_confidence_that_follows_accuracy() -> None:
    answers = [answer(i, i != 0, "sure") for i in range(10)]  # 90 %
    answers += [answer(20 + i, i < 3, "unsure") for i in range(6)]  # 50 %
    answers += [answer(40 + i, i < 1, "guess") for i in range(5)]  # 20 %
    reading = summarise(answers).reading
    assert reading is not None and "you can trust it" in reading
