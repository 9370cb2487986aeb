"""Item response theory over many items: the 3PL model vectorised, ability posteriors on a grid,
calibration. One item's parameters, prior and Elo step are in `item` (no numpy).

Scale: logistic metric (no 1.7 factor); P(right | theta) = c + (1 - c) / (1 + exp(-a (theta - b))).
The guessing floor c is fixed per item by its format (1/k for k options; 1/C(k, m) for an
all-or-nothing "choose m"); a and b start from priors and are calibrated from responses.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
from numpy.typing import NDArray

from examprep.engine.item import Z_LIMIT
from examprep.engine.item import ItemParams as ItemParams  # the parameters this model takes
from examprep.engine.item import guessing_floor as guessing_floor
from examprep.engine.item import prior_params as prior_params

Array = NDArray[np.float64]

GRID = np.round(np.arange(-6.0, 6.0 + 1e-9, 0.1), 10)  # ability grid (theta), step 0.1
HALF_LIFE_DAYS = 28.0  # a response counts half as much after four weeks


@dataclass(frozen=True)
class Observation:
    """One scored response: item parameters, right or wrong, and its weight (recency)."""

    params: ItemParams
    correct: bool
    weight: float = 1.0


def p_correct(theta: Array | float, a: Array | float, b: Array | float, c: Array | float) -> Array:
    """3PL probability of a correct answer (broadcasts)."""
    z = np.clip(np.asarray(a) * (np.asarray(theta) - np.asarray(b)), -Z_LIMIT, Z_LIMIT)
    return np.asarray(c + (1.0 - np.asarray(c)) / (1.0 + np.exp(-z)), dtype=np.float64)


def information(
    theta: Array | float, a: Array | float, b: Array | float, c: Array | float
) -> Array:
    """Fisher information of 3PL items at theta."""
    p = p_correct(theta, a, b, c)
    a_ = np.asarray(a)
    c_ = np.asarray(c)
    return np.asarray(a_**2 * ((p - c_) ** 2 / (1.0 - c_) ** 2) * (1.0 - p) / p, dtype=np.float64)


def recency_weight(age_days: float, half_life: float = HALF_LIFE_DAYS) -> float:
    """How much a response of this age still counts (1 today, 0.5 after one half-life)."""
    return float(0.5 ** (max(age_days, 0.0) / half_life))


def log_likelihood(observations: Sequence[Observation], grid: Array = GRID) -> Array:
    """Weighted log-likelihood of the observations at every grid point."""
    out = np.zeros_like(grid)
    if not observations:
        return out
    a = np.array([o.params.a for o in observations])
    b = np.array([o.params.b for o in observations])
    c = np.array([o.params.c for o in observations])
    y = np.array([o.correct for o in observations], dtype=np.float64)
    w = np.array([o.weight for o in observations])
    p = p_correct(grid[:, None], a[None, :], b[None, :], c[None, :])
    p = np.clip(p, 1e-12, 1 - 1e-12)
    out += (w * (y * np.log(p) + (1.0 - y) * np.log1p(-p))).sum(axis=1)
    return out


def normal_log_prior(mean: float, sd: float, grid: Array = GRID) -> Array:
    return np.asarray(-0.5 * ((grid - mean) / sd) ** 2, dtype=np.float64)


def normalise(log_density: Array) -> Array:
    w = np.exp(log_density - log_density.max())
    return np.asarray(w / w.sum(), dtype=np.float64)


def mean_sd(weights: Array, grid: Array = GRID) -> tuple[float, float]:
    mean = float((weights * grid).sum())
    var = float((weights * (grid - mean) ** 2).sum())
    return mean, math.sqrt(max(var, 0.0))


@dataclass(frozen=True)
class Posterior:
    """An ability posterior on the grid."""

    weights: Array
    grid: Array = field(default_factory=lambda: GRID)

    @property
    def mean(self) -> float:
        return mean_sd(self.weights, self.grid)[0]

    @property
    def sd(self) -> float:
        return mean_sd(self.weights, self.grid)[1]


def estimate_ability(
    observations: Sequence[Observation], prior_mean: float = 0.0, prior_sd: float = 1.0
) -> Posterior:
    """EAP posterior of ability given weighted observations and a normal prior."""
    log_post = normal_log_prior(prior_mean, prior_sd) + log_likelihood(observations)
    return Posterior(weights=normalise(log_post))


# --- Batch calibration: marginal maximum likelihood (EM) with priors -----------------------

QUAD = np.linspace(-4.0, 4.0, 41)
QUAD_W = np.exp(-0.5 * QUAD**2) / np.exp(-0.5 * QUAD**2).sum()


@dataclass(frozen=True)
class Calibration:
    """Fitted parameters and response counts; `suspect` lists items that look mis-keyed."""

    params: dict[str, ItemParams]
    counts: dict[str, int]
    suspect: list[str]


def calibrate_items(
    responses: Sequence[tuple[str, str, bool]],
    priors: Mapping[str, ItemParams],
    iterations: int = 30,
    prior_sd_b: float = 1.0,
    prior_sd_a: float = 0.5,
    min_count_for_flag: int = 20,
    flag_below: float = 0.2,
) -> Calibration:
    """Fit a and b of every item by MML-EM with normal priors (c stays at its floor).

    `responses` are (learner, item, correct); items without responses keep their prior.
    Items whose fitted discrimination is below `flag_below` with at least
    `min_count_for_flag` responses are flagged as suspected wrong keys.
    """
    items = sorted({i for _, i, _ in responses if i in priors})
    learners = sorted({lr for lr, i, _ in responses if i in priors})
    if not items:
        return Calibration(params=dict(priors), counts={}, suspect=[])
    item_ix = {i: k for k, i in enumerate(items)}
    learner_ix = {lr: k for k, lr in enumerate(learners)}
    rows = np.array([learner_ix[lr] for lr, i, _ in responses if i in item_ix])
    cols = np.array([item_ix[i] for _, i, _ in responses if i in item_ix])
    ys = np.array([float(y) for _, i, y in responses if i in item_ix])
    from scipy import sparse  # deferred: a third of a second to import, needed only here

    # Every step below works on counts per (learner, item) and expected counts per (item, node),
    # so time and memory grow with learners and items, not with answers times nodes.
    shape = (len(learners), len(items))
    right = sparse.csr_matrix((ys, (rows, cols)), shape=shape)
    wrong = sparse.csr_matrix((1.0 - ys, (rows, cols)), shape=shape)
    both = (right + wrong).T.tocsr()
    right_t = right.T.tocsr()
    a = np.array([priors[i].a for i in items])
    b = np.array([priors[i].b for i in items])
    c = np.array([priors[i].c for i in items])
    a0, b0 = a.copy(), b.copy()
    log_w = np.log(QUAD_W)[None, :]
    for _ in range(iterations):
        p = np.clip(p_correct(QUAD[None, :], a[:, None], b[:, None], c[:, None]), 1e-9, 1 - 1e-9)
        post = right @ np.log(p) + wrong @ np.log1p(-p) + log_w  # learner x node
        post = np.exp(post - post.max(axis=1, keepdims=True))
        post /= post.sum(axis=1, keepdims=True)
        n_k = both @ post  # item x node: expected answers at each node
        r_k = right_t @ post  # item x node: expected right answers at each node
        a, b = _m_step(n_k, r_k, a, b, c, a0, b0, prior_sd_a, prior_sd_b)
    counts = np.bincount(cols, minlength=len(items))
    params = dict(priors)
    suspect = []
    for k, item in enumerate(items):
        params[item] = ItemParams(a=float(a[k]), b=float(b[k]), c=float(c[k]))
        if counts[k] >= min_count_for_flag and a[k] < flag_below:
            suspect.append(item)
    return Calibration(
        params=params, counts={i: int(counts[item_ix[i]]) for i in items}, suspect=suspect
    )


def _m_step(
    n_k: Array,
    r_k: Array,
    a: Array,
    b: Array,
    c: Array,
    a0: Array,
    b0: Array,
    sd_a: float,
    sd_b: float,
    newton_steps: int = 3,
) -> tuple[Array, Array]:
    """A few damped Newton steps on each item's expected log-likelihood plus log prior."""
    for _ in range(newton_steps):
        z = a[:, None] * (QUAD[None, :] - b[:, None])
        s = 1.0 / (1.0 + np.exp(-np.clip(z, -35, 35)))
        p = np.clip(c[:, None] + (1 - c[:, None]) * s, 1e-9, 1 - 1e-9)
        # d log L / dp * dp/dz, with dp/dz = (1 - c) s (1 - s), summed over expected counts
        dpdz = (1 - c[:, None]) * s * (1 - s)
        resid = (r_k - n_k * p) / (p * (1 - p)) * dpdz
        info = n_k * dpdz**2 / (p * (1 - p))
        dz_da = QUAD[None, :] - b[:, None]
        dz_db = -a[:, None]
        g_a = (resid * dz_da).sum(axis=1) - (a - a0) / sd_a**2
        g_b = (resid * dz_db).sum(axis=1) - (b - b0) / sd_b**2
        h_a = (info * dz_da**2).sum(axis=1) + 1 / sd_a**2
        h_b = (info * dz_db**2).sum(axis=1) + 1 / sd_b**2
        a = a + np.clip(g_a / h_a, -0.5, 0.5)
        b = b + np.clip(g_b / h_b, -0.5, 0.5)
        a = np.clip(a, -1.0, 4.0)
        b = np.clip(b, -5.0, 5.0)
    return a, b
