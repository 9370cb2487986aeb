"""Drill questions generated from a fact table: the answer is unique by construction."""

from __future__ import annotations

import random
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

DISTRACTORS = 3


@dataclass(frozen=True)
class DrillOption:
    """One option of a drill: the value, whether it is the key, and the row it comes from."""

    value: str
    correct: bool
    row: int


@dataclass(frozen=True)
class Drill:
    """A drill over one row: `given` is shown, exactly one option holds that row's answer."""

    row: int
    given: str
    options: tuple[DrillOption, ...]

    @property
    def key(self) -> str:
        return next(o.value for o in self.options if o.correct)


def answer_map(rows: Sequence[Mapping[str, str]], given: str, answer: str) -> dict[str, set[str]]:
    """Each value of the `given` column mapped to the `answer` values it appears with."""
    mapping: dict[str, set[str]] = {}
    for row in rows:
        if given in row and answer in row:
            mapping.setdefault(row[given], set()).add(row[answer])
    return mapping


def make_drills(
    rows: Sequence[Mapping[str, str]], given: str, answer: str, rng: random.Random
) -> list[Drill]:
    """One drill per distinct `given` value whose answer is unique; distractors from other rows.

    A given value that maps to several answers is skipped, and so is every drill when the
    table has fewer than four distinct answers: then no option set could hold exactly one key.
    """
    mapping = answer_map(rows, given, answer)
    first_row: dict[str, int] = {}
    for index, row in enumerate(rows):
        if answer in row:
            first_row.setdefault(row[answer], index)
    if len(first_row) < DISTRACTORS + 1:
        return []
    drills: list[Drill] = []
    done: set[str] = set()
    for index, row in enumerate(rows):
        value = row.get(given)
        if value is None or value in done or len(mapping.get(value, ())) != 1:
            continue
        done.add(value)
        key = row[answer]
        others = [v for v in first_row if v != key]
        picked = rng.sample(others, DISTRACTORS)
        options = [DrillOption(key, True, index)]
        options += [DrillOption(v, False, first_row[v]) for v in picked]
        rng.shuffle(options)
        drills.append(Drill(row=index, given=value, options=tuple(options)))
    return drills
