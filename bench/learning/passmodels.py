"""P(pass) models as pluggable arms, and the fair baselines.

Every arm sees the same `Features` of a cohort (the product's P(pass) with calibrated and with
fresh-install parameters, and the practice record k right of n) and, if it `needs_labels`, is
fitted on the exam outcomes of the *other* half of the cohort (two-fold cross-fit) before
predicting. To try the product's outcome-linking function, add an arm whose `fit` calls it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import _common as C
import numpy as np
from scipy.special import betaln, gammaln

EPS = 1e-6


@dataclass
class Features:
    """What a P(pass) model may look at, one entry per learner."""

    p_ours: np.ndarray  # examprep's P(pass), calibrated item parameters
    p_fresh: np.ndarray  # examprep's P(pass), fresh-install (author prior) parameters
    k: np.ndarray  # practice answers right
    n: np.ndarray  # practice answers
    exam_items: int
    cut: int

    def take(self, idx: np.ndarray) -> Features:
        return Features(
            self.p_ours[idx], self.p_fresh[idx], self.k[idx], self.n[idx], self.exam_items, self.cut
        )


def logit(p: np.ndarray) -> np.ndarray:
    q = np.clip(p, EPS, 1 - EPS)
    return np.asarray(np.log(q / (1 - q)))


def sigmoid(x: np.ndarray) -> np.ndarray:
    return np.asarray(1 / (1 + np.exp(-np.clip(x, -35, 35))))


def fit_exam_offset_local(p: np.ndarray, y: np.ndarray) -> float:
    """Outcome linking, bench-local stand-in: the logit offset delta maximising the likelihood
    of pass/fail outcomes y under sigma(logit(p) + delta). Newton on one parameter."""
    x = logit(p)
    delta = 0.0
    for _ in range(50):
        m = sigmoid(x + delta)
        step = float((y - m).sum()) / max(float((m * (1 - m)).sum()), 1e-9)
        delta += max(-2.0, min(2.0, step))
        if abs(step) < 1e-10:
            break
    return delta


def fit_logistic(x: np.ndarray, y: np.ndarray) -> tuple[float, float]:
    """logistic(a + b x) by Newton (tiny ridge)."""
    design = np.column_stack([np.ones_like(x), x])
    w = np.zeros(2)
    for _ in range(100):
        m = sigmoid(design @ w)
        h = (design * (m * (1 - m))[:, None]).T @ design + 1e-6 * np.eye(2)
        step = np.linalg.solve(h, design.T @ (y - m))
        w = w + step
        if np.abs(step).max() < 1e-10:
            break
    return float(w[0]), float(w[1])


def beta_prior(k: np.ndarray, n: np.ndarray) -> tuple[float, float]:
    """Empirical-Bayes Beta(alpha, beta) for the learners' true share correct, by the method of
    moments on the cohort's observed shares (no outcome labels), with the binomial noise
    removed from the variance."""
    share = k / np.maximum(n, 1)
    mean = float(share.mean())
    noise = float(np.mean(mean * (1 - mean) / np.maximum(n, 1)))
    var = max(float(share.var()) - noise, 1e-4)
    strength = max(mean * (1 - mean) / var - 1, 0.5)
    return mean * strength, (1 - mean) * strength


def beta_binomial_pass(
    k: np.ndarray, n: np.ndarray, alpha: float, beta: float, exam_items: int, cut: int
) -> np.ndarray:
    """P(X >= cut) for X ~ BetaBinomial(exam_items, alpha + k, beta + n - k): the exam as more
    draws from the practice bank's share correct."""
    a = alpha + k[:, None]
    b = beta + (n - k)[:, None]
    x = np.arange(exam_items + 1)[None, :]
    log_pmf = (
        gammaln(exam_items + 1)
        - gammaln(x + 1)
        - gammaln(exam_items - x + 1)
        + betaln(x + a, exam_items - x + b)
        - betaln(a, b)
    )
    return np.asarray(np.exp(log_pmf)[:, cut:].sum(axis=1))


@dataclass
class PassModel:
    """An arm: `fit` (on labelled learners) returns the predictor for other learners."""

    name: str
    label: str
    needs_labels: bool
    fit: Callable[[Features, np.ndarray], Callable[[Features], np.ndarray]]
    reference: bool = field(default=False)  # an upper reference, not a competitor


def _ours(f: Features, y: np.ndarray) -> Callable[[Features], np.ndarray]:
    return lambda g: g.p_ours


def _fresh(f: Features, y: np.ndarray) -> Callable[[Features], np.ndarray]:
    return lambda g: g.p_fresh


def _linked(fresh: bool) -> Callable[[Features, np.ndarray], Callable[[Features], np.ndarray]]:
    def fit(f: Features, y: np.ndarray) -> Callable[[Features], np.ndarray]:
        delta = fit_exam_offset_local(f.p_fresh if fresh else f.p_ours, y)
        return lambda g: sigmoid(logit(g.p_fresh if fresh else g.p_ours) + delta)

    return fit


def _beta_binomial(f: Features, y: np.ndarray) -> Callable[[Features], np.ndarray]:
    alpha, beta = beta_prior(f.k, f.n)  # the cohort's answers, no outcomes
    return lambda g: beta_binomial_pass(g.k, g.n, alpha, beta, g.exam_items, g.cut)


def _logistic_percent(f: Features, y: np.ndarray) -> Callable[[Features], np.ndarray]:
    a, b = fit_logistic(f.k / np.maximum(f.n, 1), y)
    return lambda g: sigmoid(a + b * g.k / np.maximum(g.n, 1))


ARMS = (
    PassModel("ours", "examprep, calibrated params, no linking", False, _ours),
    PassModel("ours_fresh", "examprep, fresh-install params, no linking", False, _fresh),
    PassModel("ours_linked", "examprep, calibrated, + exam offset (labels)", True, _linked(False)),
    PassModel(
        "fresh_linked", "examprep, fresh-install, + exam offset (labels)", True, _linked(True)
    ),
    PassModel(
        "beta_binomial", "beta-binomial on percent correct (no labels)", False, _beta_binomial
    ),
    PassModel(
        "logistic_pct",
        "logistic on percent correct (labels; upper reference)",
        True,
        _logistic_percent,
        reference=True,
    ),
)


def crossfit(
    arms: tuple[PassModel, ...], feats: Features, y: np.ndarray, rng: np.random.Generator
) -> dict[str, np.ndarray]:
    """Every arm's predictions. Arms that need labels are fitted on one half of the learners
    and scored on the other; the others may use the whole cohort's answers (not outcomes)."""
    fold = rng.permutation(len(y)) % 2
    out = {arm.name: np.empty(len(y)) for arm in arms}
    for k in (0, 1):
        train, test = np.flatnonzero(fold != k), np.flatnonzero(fold == k)
        for arm in arms:
            if not arm.needs_labels:
                train = np.arange(len(y))
            predict = arm.fit(feats.take(train), y[train])
            out[arm.name][test] = predict(feats.take(test))
    return out


METRICS = {"brier": C.brier, "ece": C.ece_width, "auc": C.auc}
