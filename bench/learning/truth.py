"""Simulated truths the learner model does not assume.

The engine assumes 3PL items with c exactly at the guessing floor, abilities g + N(0, 0.5) per
section, locally independent items, static ability (apart from a 28-day recency half-life),
author ratings that map to b = (rating - 3) * 0.75, and an exam drawn from the practice bank.
Each `Truth` breaks some of these:

- `irt`: "3pl" (the engine's form), "2pl" (no guessing at all) or "4pl" (c scattered around
  the floor, upper asymptote d ~ U(0.85, 1): careless slips);
- `testlet_sd`: items come in families of four sharing a learner x family effect N(0, sd^2)
  (local dependence; the product knows the families and counts each as one item);
- `multidim`: section abilities from a correlated normal (correlation 0.55, section SDs
  U(0.8, 1.3), section means N(0, 0.2)) instead of g + N(0, 0.5);
- `learning`: each answer raises the section's ability by 0.02 e^(-n/40) (n answers so far in
  that section) and gains decay between sessions with a 30-day half-life;
- `rating_bias`: author ratings compressed, noisy and biased (round(3 + 0.6 b / 0.75 - 0.3 +
  N(0, 0.9))) instead of the engine's inverse mapping plus N(0, 0.6);
- `exam_shift`: the hidden exam pool is this much harder (positive) than the practice bank.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

from examprep.engine.blueprint import allocate

FAMILY_SIZE = 4
GAIN = 0.02  # ability gained per answer in a section (learning truth), shrinking with practice
GAIN_SCALE = 40.0
GAIN_HALF_LIFE = 30.0  # days
MULTI_SHARE = 0.12


@dataclass(frozen=True)
class Truth:
    name: str
    irt: str = "3pl"
    testlet_sd: float = 0.0
    multidim: bool = False
    learning: bool = False
    rating_bias: bool = False
    exam_shift: float = 0.0
    note: str = field(default="", compare=False)


TRUTHS = {
    t.name: t
    for t in (
        Truth("engine", note="the engine's own assumptions (reference)"),
        Truth("2pl", irt="2pl", note="2PL, no guessing floor"),
        Truth("4pl", irt="4pl", note="4PL: c scattered around the floor, slips (d < 1)"),
        Truth("testlets", testlet_sd=0.6, note="families of 4 with local dependence (SD 0.6)"),
        Truth("multidim", multidim=True, note="correlated section abilities (rho 0.55)"),
        Truth("learning", learning=True, note="learning and forgetting between sessions"),
        Truth("ratings", rating_bias=True, note="author ratings noisy, compressed, biased"),
        Truth("exam_harder", exam_shift=0.3, note="exam pool 0.3 harder than the bank"),
        Truth("exam_easier", exam_shift=-0.3, note="exam pool 0.3 easier than the bank"),
        Truth(
            "realistic",
            irt="4pl",
            testlet_sd=0.4,
            multidim=True,
            learning=True,
            rating_bias=True,
            exam_shift=0.2,
            note="all of the above at once (exam 0.2 harder)",
        ),
    )
}


@dataclass
class Items:
    """True item parameters, sections, families and the author's 1-5 rating."""

    a: np.ndarray
    b: np.ndarray
    c: np.ndarray
    d: np.ndarray
    section: np.ndarray
    family: np.ndarray  # family index (-1: none)
    difficulty: np.ndarray
    multi: np.ndarray

    def __len__(self) -> int:
        return len(self.a)


def make_items(
    rng: np.random.Generator, truth: Truth, weights: Sequence[float], n: int, shift: float = 0.0
) -> Items:
    counts = allocate(n, {str(k): w for k, w in enumerate(weights)})
    section = np.concatenate([np.full(counts[str(k)], k) for k in range(len(weights))])
    a = rng.lognormal(math.log(1.2), 0.3, n)
    b = rng.normal(0.0, 1.0, n) + shift
    multi = rng.random(n) < MULTI_SHARE
    floor = np.where(multi, 1 / 6, 1 / 4)
    if truth.irt == "2pl":
        c, d = np.zeros(n), np.ones(n)
    elif truth.irt == "4pl":
        c, d = floor * rng.uniform(0.5, 1.3, n), rng.uniform(0.85, 1.0, n)
    else:
        c, d = floor, np.ones(n)
    if truth.rating_bias:
        raw = 3 + 0.6 * (b - shift) / 0.75 - 0.3 + rng.normal(0, 0.9, n)
    else:
        raw = 3 + (b - shift) / 0.75 + rng.normal(0, 0.6, n)
    difficulty = np.clip(np.round(raw), 1, 5).astype(int)
    family = np.full(n, -1)
    if truth.testlet_sd > 0:
        for k in range(len(weights)):
            idx = np.flatnonzero(section == k)
            family[idx] = idx // FAMILY_SIZE  # families never cross sections
    return Items(a, b, c, d, section, family, difficulty, multi)


def make_abilities(rng: np.random.Generator, truth: Truth, n: int, n_sections: int) -> np.ndarray:
    """Section abilities, n x sections."""
    if not truth.multidim:
        g = rng.normal(0.0, 1.0, n)
        return np.asarray(g[:, None] + rng.normal(0.0, 0.5, (n, n_sections)))
    sd = rng.uniform(0.8, 1.3, n_sections)
    corr = np.full((n_sections, n_sections), 0.55) + 0.45 * np.eye(n_sections)
    cov = corr * np.outer(sd, sd)
    mean = rng.normal(0.0, 0.2, n_sections)
    return np.asarray(rng.multivariate_normal(mean, cov, n))


def family_effects(rng: np.random.Generator, truth: Truth, n: int, items: Items) -> np.ndarray:
    """Learner x family effects (n x families); zeros when the truth has no testlets."""
    n_fam = max(int(items.family.max()) + 1, 1)
    return np.asarray(rng.normal(0.0, 1.0, (n, n_fam)) * truth.testlet_sd)


def p_true(theta_s: np.ndarray, items: Items, idx: np.ndarray, u: np.ndarray) -> np.ndarray:
    """P(correct) at abilities theta_s on items idx (same shape); u: the learner's family
    effects (1-D), or one row per learner when idx is learners x items."""
    fam = np.maximum(items.family[idx], 0)
    picked = u[fam] if u.ndim == 1 else np.take_along_axis(u, fam, axis=1)
    extra = np.where(items.family[idx] >= 0, picked, 0.0)
    z = items.a[idx] * (theta_s + extra - items.b[idx])
    c, d = items.c[idx], items.d[idx]
    return np.asarray(c + (d - c) / (1 + np.exp(-np.clip(z, -35, 35))))


@dataclass
class Learner:
    """One simulated learner's state: base abilities, learning gains, family effects."""

    theta: np.ndarray  # base section abilities
    u: np.ndarray  # family effects on the bank's families (1-D)
    u_pool: np.ndarray  # family effects on the exam pool's families
    truth: Truth
    gains: np.ndarray = field(init=False)
    answered: np.ndarray = field(init=False)
    day: float = 0.0

    def __post_init__(self) -> None:
        self.gains = np.zeros_like(self.theta)
        self.answered = np.zeros_like(self.theta)

    def advance(self, day: float) -> None:
        if self.truth.learning and day > self.day:
            self.gains *= 0.5 ** ((day - self.day) / GAIN_HALF_LIFE)
        self.day = max(self.day, day)

    def ability(self) -> np.ndarray:
        return np.asarray(self.theta + self.gains)

    def answer(self, rng: np.random.Generator, items: Items, k: int) -> bool:
        s = int(items.section[k])
        p = float(p_true(self.ability()[s : s + 1], items, np.array([k]), self.u)[0])
        if self.truth.learning:
            self.gains[s] += GAIN * math.exp(-self.answered[s] / GAIN_SCALE)
        self.answered[s] += 1
        return bool(rng.random() < p)


def exam_form(rng: np.random.Generator, pool: Items, allocation: Sequence[int]) -> np.ndarray:
    """A blueprint form: allocation[k] random items of section k from the hidden pool."""
    return np.concatenate(
        [
            rng.choice(np.flatnonzero(pool.section == k), n, replace=False)
            for k, n in enumerate(allocation)
        ]
    )


def exam_probs(learner: Learner, pool: Items, form: np.ndarray) -> np.ndarray:
    th = learner.ability()[pool.section[form]]
    return p_true(th, pool, form, learner.u_pool)
