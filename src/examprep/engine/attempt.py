"""Rebuild an attempt's state (answers, flags, time per question) from its event log."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Event:
    """One recorded event: answer, flag, unflag or visit, at a position of the form."""

    position: int
    kind: str
    at: dt.datetime
    choice: tuple[int, ...] | None = None


@dataclass(frozen=True)
class AttemptState:
    """Current answers (authored option indexes) and flags by position, and seconds spent."""

    answers: dict[int, tuple[int, ...]] = field(default_factory=dict)
    flags: frozenset[int] = frozenset()
    seconds: dict[int, float] = field(default_factory=dict)


def replay(events: Sequence[Event], started_at: dt.datetime, ended_at: dt.datetime) -> AttemptState:
    """Fold events (oldest first) into the state at `ended_at`.

    Time is attributed to the question the learner was on. The gap before an answer or flag
    counts for that answer's question (the learner was working on it); the gap before a visit
    counts for the question being left; the time after the last event counts for the last
    event's question. Events after `ended_at` (the deadline) are ignored.
    """
    answers: dict[int, tuple[int, ...]] = {}
    flags: set[int] = set()
    seconds: dict[int, float] = {}
    previous_at = started_at
    previous_position: int | None = None
    for event in events:
        if event.at > ended_at:
            break
        gap = max(0.0, (event.at - previous_at).total_seconds())
        leaving = event.kind == "visit" and previous_position is not None
        position = (
            previous_position if leaving and previous_position is not None else event.position
        )
        seconds[position] = seconds.get(position, 0.0) + gap
        if event.kind == "answer" and event.choice is not None:
            answers[event.position] = event.choice
        elif event.kind == "flag":
            flags.add(event.position)
        elif event.kind == "unflag":
            flags.discard(event.position)
        previous_at, previous_position = event.at, event.position
    if previous_position is not None:
        tail = max(0.0, (ended_at - previous_at).total_seconds())
        seconds[previous_position] = seconds.get(previous_position, 0.0) + tail
    return AttemptState(answers=answers, flags=frozenset(flags), seconds=seconds)
