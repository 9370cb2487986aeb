"""Assemble a mock-exam form from an item bank, and score an attempt all-or-nothing."""

from __future__ import annotations

import datetime as dt
import random
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from examprep.engine.blueprint import allocate, allocate_capped

LETTERS = "ABCDEFGH"


@dataclass(frozen=True)
class Item:
    """What the engine needs to know about a question (no text)."""

    id: str
    section: str
    bullet: str
    n_options: int
    key: tuple[int, ...]  # authored indexes of the correct options
    family: str | None = None  # items turning on one fact: a form shows at most one of them

    @property
    def multi(self) -> bool:
        return len(self.key) > 1


@dataclass(frozen=True)
class Seen:
    """A learner's history with one item: when last answered, and whether that was right."""

    last_answered: dt.datetime
    last_correct: bool


@dataclass(frozen=True)
class FormItem:
    """One question of an attempt: the item and the order its options are shown in."""

    item_id: str
    order: tuple[int, ...]  # order[shown_position] = authored index


@dataclass(frozen=True)
class Shortfall:
    """Why a form cannot be assembled: questions wanted and available per section."""

    wanted: dict[str, int]
    available: dict[str, int]

    @property
    def total_available(self) -> int:
        return sum(self.available.values())


class BankTooSmall(Exception):
    """The bank cannot fill the requested form; `shortfall` says where."""

    def __init__(self, shortfall: Shortfall) -> None:
        self.shortfall = shortfall
        parts = ", ".join(
            f"{s} {shortfall.available.get(s, 0)}/{n}" for s, n in shortfall.wanted.items()
        )
        super().__init__(f"not enough questions (available/wanted per section: {parts})")


def priority(
    item: Item, history: Mapping[str, Seen], rng: random.Random
) -> tuple[int, float, float]:
    """Lower sorts first: unseen, then missed long ago, then answered right long ago."""
    seen = history.get(item.id)
    if seen is None:
        return (0, 0.0, rng.random())
    tier = 1 if not seen.last_correct else 2
    return (tier, seen.last_answered.timestamp(), rng.random())


def distinct_count(items: Sequence[Item]) -> int:
    """How many items a form can take from these: one per family, every item without one."""
    return len({i.family or f"item:{i.id}" for i in items})


def _pick_section(
    items: Sequence[Item],
    n: int,
    history: Mapping[str, Seen],
    rng: random.Random,
    taken: set[str],
) -> list[Item]:
    """Pick `n` items of one section, spread over its bullets, best priority first.

    Of each family only its best-priority item is a candidate, and none of a family in `taken`
    (already on the form); the families picked are added to `taken`.
    """
    by_bullet: dict[str, list[Item]] = defaultdict(list)
    families = set(taken)
    for item in sorted(items, key=lambda i: priority(i, history, rng)):
        if item.family is not None:
            if item.family in families:
                continue
            families.add(item.family)
        by_bullet[item.bullet].append(item)
    if sum(len(v) for v in by_bullet.values()) < n:
        section = items[0].section if items else "?"
        available = sum(len(v) for v in by_bullet.values())
        raise BankTooSmall(Shortfall(wanted={section: n}, available={section: available}))
    bullets = sorted(by_bullet, key=lambda b: (priority(by_bullet[b][0], history, rng), b))
    caps = {b: len(by_bullet[b]) for b in bullets}
    counts = allocate_capped(n, dict.fromkeys(bullets, 1.0), caps)
    picked = [item for b in bullets for item in by_bullet[b][: counts[b]]]
    rng.shuffle(picked)
    taken.update(i.family for i in picked if i.family is not None)
    return picked


def pick_by_priority(
    items: Sequence[Item], history: Mapping[str, Seen], count: int, rng: random.Random
) -> list[Item]:
    """The `count` best items by `priority` (ties broken at random), in random order."""
    chosen = sorted(items, key=lambda i: priority(i, history, rng))[:count]
    rng.shuffle(chosen)
    return chosen


def plan_sections(
    n: int, weights: Mapping[str, float], available: Mapping[str, int]
) -> dict[str, int]:
    """Questions per section for a form of `n`; raise BankTooSmall if a section runs short."""
    wanted = allocate(n, weights)
    if any(available.get(s, 0) < k for s, k in wanted.items()):
        raise BankTooSmall(Shortfall(wanted=wanted, available=dict(available)))
    return wanted


def spread_keys(items: Sequence[Item], rng: random.Random) -> list[FormItem]:
    """Shuffle each item's options so single-answer keys land evenly on A, B, C, D."""
    form = []
    targets: list[int] = []
    for item in items:
        order = list(range(item.n_options))
        rng.shuffle(order)
        if not item.multi and item.n_options > 1:
            if not targets:
                targets = list(range(item.n_options))
                rng.shuffle(targets)
            target = targets.pop() % item.n_options
            current = order.index(item.key[0])
            order[current], order[target] = order[target], order[current]
        form.append(FormItem(item_id=item.id, order=tuple(order)))
    return form


def assemble_form(
    items: Sequence[Item],
    weights: Mapping[str, float],
    n: int,
    history: Mapping[str, Seen],
    rng: random.Random,
) -> list[FormItem]:
    """A form of `n` distinct items allocated to sections by weight; options shuffled per item.

    Sections with weight get their largest-remainder share; within a section the items are
    spread over bullets and prefer unseen items, then items missed long ago; a form holds at
    most one item of a family. Reproducible for a given `rng` seed. Raises BankTooSmall (with
    the per-section counts) if it cannot be filled.
    """
    if n < 1:
        raise ValueError("a form needs at least one question")
    by_section: dict[str, list[Item]] = defaultdict(list)
    for item in items:
        if item.section in weights:
            by_section[item.section].append(item)
    plan = plan_sections(n, weights, {s: distinct_count(v) for s, v in by_section.items()})
    chosen: list[Item] = []
    taken: set[str] = set()
    for section in weights:
        if plan.get(section):
            chosen += _pick_section(by_section[section], plan[section], history, rng, taken)
    return spread_keys(chosen, rng)


def largest_form(weights: Mapping[str, float], available: Mapping[str, int], upper: int) -> int:
    """The largest n <= upper whose blueprint split the bank can fill (0 if none)."""
    for n in range(upper, 0, -1):
        try:
            plan_sections(n, weights, available)
        except BankTooSmall:
            continue
        return n
    return 0


def parse_choice(text: str, n_options: int) -> tuple[int, ...]:
    """Shown option letters ("A", "a,c", "B D") -> sorted shown positions; ValueError if bad."""
    cleaned = text.replace(",", " ").replace(";", " ").split()
    if len(cleaned) == 1 and len(cleaned[0]) > 1 and cleaned[0].isalpha():
        cleaned = list(cleaned[0])
    if not cleaned:
        raise ValueError("no option given")
    positions = []
    for token in cleaned:
        letter = token.strip().upper()
        if len(letter) != 1 or letter not in LETTERS[:n_options]:
            raise ValueError(
                f"{token!r} is not an option (choose from {LETTERS[0]}-{LETTERS[n_options - 1]})"
            )
        positions.append(LETTERS.index(letter))
    if len(set(positions)) != len(positions):
        raise ValueError("an option is given twice")
    return tuple(sorted(positions))


def to_authored(form_item: FormItem, shown: Sequence[int]) -> tuple[int, ...]:
    """Shown positions -> authored option indexes."""
    return tuple(sorted(form_item.order[p] for p in shown))


def to_shown(form_item: FormItem, authored: Sequence[int]) -> tuple[int, ...]:
    """Authored option indexes -> shown positions."""
    return tuple(sorted(form_item.order.index(a) for a in authored))


def letters(positions: Sequence[int]) -> str:
    return ",".join(LETTERS[p] for p in sorted(positions))


def is_correct(item: Item, chosen: Sequence[int]) -> bool:
    """All-or-nothing: right only if the chosen authored indexes are exactly the key."""
    return set(chosen) == set(item.key)


@dataclass
class Tally:
    correct: int = 0
    total: int = 0

    @property
    def share(self) -> float:
        return self.correct / self.total if self.total else 0.0

    def add(self, right: bool) -> None:
        self.total += 1
        self.correct += int(right)


@dataclass
class Score:
    """Totals of a scored form: overall, per section and per (primary) bullet."""

    overall: Tally = field(default_factory=Tally)
    sections: dict[str, Tally] = field(default_factory=dict)
    bullets: dict[str, Tally] = field(default_factory=dict)

    def weakest_bullets(self, limit: int = 5) -> list[str]:
        """Bullets with misses, lowest share first (more questions asked breaks ties)."""
        missed = [b for b, t in self.bullets.items() if t.correct < t.total]
        return sorted(missed, key=lambda b: (self.bullets[b].share, -self.bullets[b].total, b))[
            :limit
        ]


def score_form(
    items: Sequence[Item], answers: Mapping[str, Sequence[int]], sections: Sequence[str]
) -> Score:
    """Score items against answers (authored indexes; unanswered items count as wrong)."""
    score = Score(sections={s: Tally() for s in sections})
    for item in items:
        right = item.id in answers and is_correct(item, answers[item.id])
        score.overall.add(right)
        score.sections.setdefault(item.section, Tally()).add(right)
        score.bullets.setdefault(item.bullet, Tally()).add(right)
    return score
