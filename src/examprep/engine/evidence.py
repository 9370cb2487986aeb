"""Evidence: which recorded answers count as what a learner knows.

Every answer a learner gives is recorded (the log is append-only), but only final answers are
evidence. An exam contributes the last answer at each position, once, when it is submitted
(or when its deadline passes: it is then submitted at the deadline); practice, study,
diagnostic and imported answers count as given; an open exam and an answer that was later
changed never count. An answer to an older revision of an item is not evidence about the
current text. One rule, used by readiness, calibration, Elo, cohort statistics and history.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace

TIMED_MODES = frozenset({"exam"})  # answers count once, at submission, and only the last one


@dataclass(frozen=True)
class Sitting:
    """What the rule needs to know about an attempt."""

    id: int
    mode: str
    finished_at: dt.datetime | None
    deadline: dt.datetime | None

    def closed_at(self, now: dt.datetime) -> dt.datetime | None:
        """When the attempt's answers became final (None while they may still change)."""
        if self.finished_at is not None:
            return self.finished_at
        if self.deadline is not None and now >= self.deadline:
            return self.deadline  # auto-submitted at its deadline
        return None


@dataclass(frozen=True)
class Answer:
    """One recorded answer event (authored option indexes), with the item revision shown."""

    learner: int
    attempt: int
    position: int
    item_id: str
    correct: bool
    at: dt.datetime
    revision: int = 1
    choice: tuple[int, ...] = ()
    confidence: str | None = None  # sure | unsure | guess, when the learner said


def final_answers(
    log: Iterable[tuple[Answer, Sitting]],
    revision_of: Callable[[str], int | None],
    now: dt.datetime,
) -> list[Answer]:
    """The answers that count as evidence, oldest first.

    `log` holds every answer event with its attempt, in recorded order; `revision_of` gives an
    item's current revision (None: the item is no longer in the pack). An exam's answers are
    dated at its submission.
    """
    given: list[Answer] = []
    finals: dict[tuple[int, int], Answer] = {}
    for answer, sitting in log:
        if sitting.mode not in TIMED_MODES:
            given.append(answer)
            continue
        end = sitting.closed_at(now)
        if end is None or answer.at > end:
            continue  # an open exam, or an answer after the deadline
        key = (answer.attempt, answer.position)
        finals.pop(key, None)  # a later answer at the same position replaces the earlier
        finals[key] = replace(answer, at=end)
    current = [a for a in [*given, *finals.values()] if revision_of(a.item_id) == a.revision]
    return sorted(current, key=lambda a: a.at)
