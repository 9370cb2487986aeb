"""Readiness: the posterior predictive probability of passing a blueprint-weighted exam.

Ability model: general ability g ~ N(0, 1) and a section deviation delta_s ~ N(0, tau^2), so a
section with few answers is shrunk toward the overall ability. The exam: `n` items allocated to
sections by weight; an item of section s is a random draw from that section's bank, so given
theta_s it is right with probability pbar_s(theta_s), the mean 3PL probability over the bank.
The number-correct distribution is built by the Lord-Wingersky recursion (per section, then
across sections), averaged over the posterior of (g, delta), and compared with the cut.
Everything is computed on grids; nothing is sampled, so the result is deterministic.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np

from examprep.engine.irt import GRID, Array, Observation, log_likelihood, p_correct

G = np.round(np.arange(-4.0, 4.0 + 1e-9, 0.1), 10)  # general ability grid
D = np.round(np.arange(-2.0, 2.0 + 1e-9, 0.1), 10)  # section deviation grid
G_OFFSET = 20  # GRID index of G[0] (-4.0) minus D's centre offset: theta index = i + j
SECTION_SD = 0.5


@dataclass(frozen=True)
class SectionBank:
    """A section's exam share and the parameters of its bank items."""

    id: str
    weight: float
    a: Array
    b: Array
    c: Array
    # pbar() at shift 0 when the caller already knows it (a pack's banks change rarely).
    known_pbar: Array | None = field(default=None, compare=False, repr=False)

    def pbar(self, shift: float = 0.0) -> Array:
        """Mean probability of a right answer over the bank, at every GRID point."""
        if shift == 0.0 and self.known_pbar is not None:
            return self.known_pbar
        p = p_correct(GRID[:, None] + shift, self.a[None, :], self.b[None, :], self.c[None, :])
        return np.asarray(p.mean(axis=1), dtype=np.float64)


@dataclass(frozen=True)
class SectionEstimate:
    theta: float
    se: float
    n: int


@dataclass(frozen=True)
class ReadinessEstimate:
    p_pass: float
    low: float  # 10th percentile of P(pass | ability) under the posterior
    high: float  # 90th percentile
    theta: float
    se: float
    sections: dict[str, SectionEstimate]
    slopes: dict[str, float]  # d P(pass) / d theta_s, per 0.1 of ability
    cut: int
    n: int
    p_pass_at: dict[int, float]  # P(pass) at the other cuts asked for


def lord_wingersky(probs: Array) -> Array:
    """Number-correct distribution for independent items; probs shape (..., n_items)."""
    shape = probs.shape[:-1]
    dist = np.ones((*shape, 1))
    for k in range(probs.shape[-1]):
        p = probs[..., k : k + 1]
        dist = np.concatenate([dist * (1 - p), np.zeros((*shape, 1))], axis=-1) + np.concatenate(
            [np.zeros((*shape, 1)), dist * p], axis=-1
        )
    return dist


def binomial(p: Array, n: int) -> Array:
    """Count distribution of n items that each succeed with probability p (shape (..., n+1)).

    Equal to `lord_wingersky` with n copies of p, in closed form.
    """
    k = np.arange(n + 1)
    coef = np.array([math.comb(n, int(j)) for j in k], dtype=np.float64)
    p = np.clip(p, 1e-12, 1 - 1e-12)[..., None]
    return np.asarray(coef * p**k * (1 - p) ** (n - k), dtype=np.float64)


def convolve_rows(left: Array, right: Array) -> Array:
    """Row-wise convolution of two count distributions (rows: ability grid points)."""
    out = np.zeros((left.shape[0], left.shape[1] + right.shape[1] - 1))
    for k in range(right.shape[1]):
        out[:, k : k + left.shape[1]] += left * right[:, k : k + 1]
    return out


def _logsumexp(x: Array, axis: int) -> Array:
    m = x.max(axis=axis, keepdims=True)
    return np.asarray((m + np.log(np.exp(x - m).sum(axis=axis, keepdims=True))).squeeze(axis))


def _weighted_quantile(values: Array, weights: Array, q: float) -> float:
    order = np.argsort(values)
    cum = np.cumsum(weights[order])
    return float(values[order][min(np.searchsorted(cum, q * cum[-1]), len(values) - 1)])


def estimate_readiness(
    banks: Sequence[SectionBank],
    observations: Mapping[str, Sequence[Observation]],
    allocation: Mapping[str, int],
    cut: int,
    section_sd: float = SECTION_SD,
    with_slopes: bool = False,
    other_cuts: Sequence[int] = (),
) -> ReadinessEstimate:
    """P(number-correct >= cut) on a form with `allocation` items per section.

    `with_slopes` also computes how P(pass) moves per 0.1 of each section's ability (an
    optional diagnostic: it vanishes in the tails, so study-next ranks by score gain instead;
    it roughly doubles the cost).
    """
    n_total = sum(allocation.values())
    log_prior_d = -0.5 * (D / section_sd) ** 2
    log_prior_d -= _logsumexp(log_prior_d, 0)
    idx = np.arange(len(G))[:, None] + np.arange(len(D))[None, :]  # theta index on GRID
    log_g = -0.5 * G**2
    cond: dict[str, Array] = {}
    for bank in banks:
        ll = log_likelihood(list(observations.get(bank.id, ())))[idx] + log_prior_d[None, :]
        marginal = _logsumexp(ll, 1)
        log_g = log_g + marginal
        cond[bank.id] = np.exp(ll - marginal[:, None])  # p(delta | g, data), rows sum to 1
    post_g = np.exp(log_g - log_g.max())
    post_g /= post_g.sum()

    pbars = {bank.id: bank.pbar() for bank in banks}

    active = [bank for bank in banks if allocation.get(bank.id, 0)]

    def mixed(bank: SectionBank, shift: int) -> Array:
        """Number-correct distribution of the section's items given g (shift: +0.1 ability)."""
        pbar = pbars[bank.id][np.minimum(idx + shift, len(GRID) - 1)]  # (G, D)
        counts = binomial(pbar, allocation[bank.id])  # (G, D, n_s+1): Lord-Wingersky
        return np.asarray((cond[bank.id][:, :, None] * counts).sum(axis=1), dtype=np.float64)

    parts = [mixed(bank, 0) for bank in active]
    # prefix[i]: sections before i convolved; suffix[i]: sections from i on (given g).
    prefix = [np.ones((len(G), 1))]
    for part in parts:
        prefix.append(convolve_rows(prefix[-1], part))
    counts = prefix[-1]  # (G, n + 1): number-correct distribution given g
    by_g = np.asarray(counts[:, cut:].sum(axis=1), dtype=np.float64)
    p_pass_at = {c: float((post_g * counts[:, c:].sum(axis=1)).sum()) for c in other_cuts}
    p_pass = float((post_g * by_g).sum())
    theta = float((post_g * G).sum())
    se = math.sqrt(max(float((post_g * (G - theta) ** 2).sum()), 0.0))
    sections = {}
    for bank in banks:
        joint = post_g[:, None] * cond[bank.id]
        values = G[:, None] + D[None, :]
        mean = float((joint * values).sum())
        sd = math.sqrt(max(float((joint * (values - mean) ** 2).sum()), 0.0))
        sections[bank.id] = SectionEstimate(mean, sd, len(observations.get(bank.id, ())))
    slopes: dict[str, float] = {}
    if with_slopes:
        # Shifting one section changes one factor: reuse the others' distributions.
        suffix = [np.ones((len(G), 1))]
        for part in reversed(parts):
            suffix.append(convolve_rows(part, suffix[-1]))
        suffix.reverse()
        for i, bank in enumerate(active):
            shifted = convolve_rows(convolve_rows(prefix[i], mixed(bank, 1)), suffix[i + 1])
            passed = np.asarray(shifted[:, cut:].sum(axis=1), dtype=np.float64)
            slopes[bank.id] = float((post_g * passed).sum()) - p_pass
    return ReadinessEstimate(
        p_pass=p_pass,
        low=_weighted_quantile(by_g, post_g, 0.10),
        high=_weighted_quantile(by_g, post_g, 0.90),
        theta=theta,
        se=se,
        sections=sections,
        slopes=slopes,
        cut=cut,
        n=n_total,
        p_pass_at=p_pass_at,
    )


@dataclass(frozen=True)
class EvidenceRule:
    """When a P(pass) figure says something: before that, it is withheld.

    Shown once the posterior SD of general ability is at most `max_sd` (about 20 answers to
    random bank items, fewer adaptive ones), or, after `min_answers`, once the pass/fail
    picture is clear (P(pass) below `clear_margin` or above 1 - `clear_margin`). The placement
    test (selection.StopRule) stops on a stricter version of the same conditions, so a finished
    placement test always gives a figure.
    """

    min_answers: int = 8
    max_sd: float = 0.60
    clear_margin: float = 0.10

    def missing(self, answers: float, sd: float, p_pass: float) -> str | None:
        """None when P(pass) may be shown; otherwise what the estimate still lacks."""
        if answers >= self.min_answers and (
            sd <= self.max_sd or p_pass < self.clear_margin or p_pass > 1 - self.clear_margin
        ):
            return None
        have = f"ability known to ±{sd:.2f} from {answers:g} answers"
        if answers < self.min_answers:
            return f"{have}; a P(pass) needs at least {self.min_answers} answers"
        return f"{have}; a P(pass) needs ±{self.max_sd:.2f} or a clear pass/fail picture"


EVIDENCE = EvidenceRule()


def cut_score(n: int, pass_mark: float) -> int:
    """Items needed to pass a form of n at the given pass mark (rounded up)."""
    return math.ceil(n * pass_mark - 1e-9)
