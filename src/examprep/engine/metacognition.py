"""Metacognition: how well a learner knows what they know.

With an answer a learner may say how sure they are: sure, unsure or a guess. It never changes
the score or the learner model. Set against the outcomes it says whether their feeling of
being ready can be trusted: a "sure" that is often wrong is the dangerous case (confident
errors are what an exam punishes and what a learner does not revise), and guesses that are
mostly right mean they know more than they think.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field

from examprep.engine.evidence import Answer

LEVELS = ("sure", "unsure", "guess")
_ALIASES = {
    **{level: level for level in LEVELS},
    **{level[0]: level for level in LEVELS},
    **{str(i): level for i, level in enumerate(LEVELS, start=1)},
}
MIN_RATED = 10  # fewer rated answers than this say nothing about calibration
MIN_PER_LEVEL = 5  # a level's accuracy is read only from this many answers
SURE_ENOUGH = 0.8  # "sure" answers right less often than this are a warning


def parse_confidence(text: str | None) -> str | None:
    """ "sure", "s" or "1" -> "sure" (likewise unsure/u/2, guess/g/3); blank -> None."""
    if text is None or not text.strip():
        return None
    level = _ALIASES.get(text.strip().lower())
    if level is None:
        raise ValueError(f"confidence must be sure, unsure or guess (s/u/g, 1/2/3), not {text!r}")
    return level


@dataclass(frozen=True)
class LevelStats:
    level: str
    answers: int = 0
    correct: int = 0

    @property
    def accuracy(self) -> float | None:
        return self.correct / self.answers if self.answers else None


@dataclass(frozen=True)
class Period:
    """One week (from Monday) of rated answers."""

    start: dt.date
    levels: dict[str, LevelStats]


@dataclass(frozen=True)
class Metacognition:
    levels: list[LevelStats]  # in LEVELS order
    periods: list[Period]  # weeks with rated answers, oldest first
    rated: int
    unrated: int
    sure_but_wrong: list[str] = field(default_factory=list)  # item ids, newest first

    def level(self, name: str) -> LevelStats:
        return next(s for s in self.levels if s.level == name)

    @property
    def reading(self) -> str | None:
        """One plain sentence on what the ratings show, or None with too few of them."""
        if self.rated < MIN_RATED:
            return None
        read = {
            s.level: s.accuracy
            for s in self.levels
            if s.answers >= MIN_PER_LEVEL and s.accuracy is not None
        }
        parts = [f"{name} {acc:.0%}" for name, acc in read.items()]
        said = "Right when " + ", ".join(parts) + "." if parts else ""
        sure, guess = read.get("sure"), read.get("guess")
        if sure is not None and sure < SURE_ENOUGH:
            verdict = (
                "Your 'sure' is wrong too often: revise the topics of your confident errors "
                "before you trust a feeling of being ready."
            )
        elif guess is not None and guess >= 0.6:
            verdict = "You know more than you think: most of your guesses are right."
        elif len(read) >= 2 and list(read.values()) == sorted(read.values(), reverse=True):
            verdict = "Your confidence follows your accuracy: you can trust it."
        else:
            verdict = "Rate more answers for a clearer picture."
        return f"{said} {verdict}".strip()


def summarise(answers: Iterable[Answer]) -> Metacognition:
    """Accuracy by confidence level, overall and by week, from final answers (evidence)."""
    totals = {level: [0, 0] for level in LEVELS}
    weeks: dict[dt.date, dict[str, list[int]]] = {}
    unrated = 0
    wrong_when_sure: list[str] = []
    for answer in answers:
        if answer.confidence not in totals:
            unrated += 1
            continue
        level = answer.confidence
        start = answer.at.date() - dt.timedelta(days=answer.at.weekday())
        week = weeks.setdefault(start, {name: [0, 0] for name in LEVELS})
        for counts in (totals[level], week[level]):
            counts[0] += 1
            counts[1] += answer.correct
        if level == "sure" and not answer.correct:
            wrong_when_sure.append(answer.item_id)

    def stats(counts: dict[str, list[int]]) -> dict[str, LevelStats]:
        return {name: LevelStats(name, n, right) for name, (n, right) in counts.items()}

    return Metacognition(
        levels=list(stats(totals).values()),
        periods=[Period(start, stats(weeks[start])) for start in sorted(weeks)],
        rated=sum(n for n, _ in totals.values()),
        unrated=unrated,
        sure_but_wrong=list(dict.fromkeys(reversed(wrong_when_sure))),
    )
