"""Readiness: the posterior predictive probability of passing a blueprint-weighted exam.

Ability model: general ability g ~ N(0, 1) and a section deviation delta_s ~ N(0, tau^2), so a
section with few answers is shrunk toward the overall ability. The exam: `n` items allocated to
sections by weight; an item of section s is a random draw from that section's bank, so given
theta_s it is right with probability pbar_s(theta_s), the mean 3PL probability over the bank.
The number-correct distribution is built by the Lord-Wingersky recursion (per section, then
across sections), averaged over the posterior of (g, delta), and compared with the cut. The
real exam may be harder or easier than the bank by an uncertain offset (engine.linking): an
exam item is then right with pbar_s(theta_s - offset), and P(pass) is averaged over it too.
Everything is computed on grids; nothing is sampled, so the result is deterministic.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np

from examprep.engine.irt import GRID, Array, Observation, log_likelihood, p_correct
from examprep.engine.linking import SAME_AS_BANK, ExamOffset

G = np.round(np.arange(-4.0, 4.0 + 1e-9, 0.1), 10)  # general ability grid
D = np.round(np.arange(-2.0, 2.0 + 1e-9, 0.1), 10)  # section deviation grid
IDX = np.arange(len(G))[:, None] + np.arange(len(D))[None, :]  # GRID index of g + delta
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
    offset: ExamOffset = SAME_AS_BANK  # the bank-to-exam link P(pass) was integrated over


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
    if right.shape[1] > left.shape[1]:
        left, right = right, left  # loop over the narrower one
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


def _posterior(
    banks: Sequence[SectionBank],
    observations: Mapping[str, Sequence[Observation]],
    section_sd: float,
) -> tuple[Array, dict[str, Array]]:
    """Posterior of g on G, and of each section's delta given g (rows of D that sum to 1)."""
    log_prior_d = -0.5 * (D / section_sd) ** 2
    log_prior_d -= _logsumexp(log_prior_d, 0)
    log_g = -0.5 * G**2
    cond: dict[str, Array] = {}
    for bank in banks:
        ll = log_likelihood(list(observations.get(bank.id, ())))[IDX] + log_prior_d[None, :]
        marginal = _logsumexp(ll, 1)
        log_g = log_g + marginal
        cond[bank.id] = np.exp(ll - marginal[:, None])
    post_g = np.exp(log_g - log_g.max())
    return post_g / post_g.sum(), cond


def _shifted(pbar: Array, offsets: Array) -> Array:
    """Mean P(right) on GRID for exams `offsets` harder than the bank: shape (K, GRID)."""
    return np.stack([pbar if o == 0.0 else np.interp(GRID - o, GRID, pbar) for o in offsets])


def _mixer(cond: Array) -> Array:
    """p(delta | g) laid out on GRID: row g has cond[g, d] at the GRID index of g + delta."""
    out = np.zeros((len(G), len(GRID)))
    out[np.arange(len(G))[:, None], IDX] = cond
    return out


def _section_counts(pbar: Array, mixer: Array, items: int, step: int = 0) -> Array:
    """Number-correct distribution of a section's items given (offset, g): (K * G, items + 1).

    The distribution depends on g + delta only, so it is built once per GRID point and mixed
    over delta with one matrix product. `step` raises the section's ability by that many 0.1
    steps (for the slopes).
    """
    counts = binomial(pbar, items)  # (K, GRID, items + 1): Lord-Wingersky for equal items
    if step:
        counts = counts[:, np.minimum(np.arange(len(GRID)) + step, len(GRID) - 1)]
    mixed = np.matmul(mixer[None, :, :], counts)  # (K, G, items + 1)
    return np.asarray(mixed.reshape(-1, items + 1), dtype=np.float64)


def _form_counts(parts: Sequence[Array], rows: int) -> list[Array]:
    """Prefix convolutions: element i holds the sections before i; the last, the whole form."""
    prefix = [np.ones((rows, 1))]
    for part in parts:
        prefix.append(convolve_rows(prefix[-1], part))
    return prefix


def pass_by_offset(
    banks: Sequence[SectionBank],
    observations: Mapping[str, Sequence[Observation]],
    allocation: Mapping[str, int],
    cut: int,
    offsets: Array,
    section_sd: float = SECTION_SD,
) -> Array:
    """P(number-correct >= cut | the answers) for exams `offsets` harder than the bank.

    One value per offset: the curve `linking.fit_exam_offset` reads a learner's likelihood from.
    """
    post_g, cond = _posterior(banks, observations, section_sd)
    offsets = np.asarray(offsets, dtype=np.float64)
    parts = [
        _section_counts(_shifted(bank.pbar(), offsets), _mixer(cond[bank.id]), allocation[bank.id])
        for bank in banks
        if allocation.get(bank.id, 0)
    ]
    counts = _form_counts(parts, len(offsets) * len(G))[-1]
    by_g = counts[:, cut:].sum(axis=1).reshape(len(offsets), len(G))
    return np.asarray((by_g * post_g[None, :]).sum(axis=1), dtype=np.float64)


def estimate_readiness(
    banks: Sequence[SectionBank],
    observations: Mapping[str, Sequence[Observation]],
    allocation: Mapping[str, int],
    cut: int,
    section_sd: float = SECTION_SD,
    with_slopes: bool = False,
    other_cuts: Sequence[int] = (),
    offset: ExamOffset = SAME_AS_BANK,
) -> ReadinessEstimate:
    """P(number-correct >= cut) on a form with `allocation` items per section.

    The exam is `offset` harder than the bank; P(pass) and its interval are integrated over
    the offset's uncertainty (a few Gauss-Hermite nodes), so an uncertain link widens the
    interval. `with_slopes` also computes how P(pass) moves per 0.1 of each section's ability
    (an optional diagnostic: it vanishes in the tails, so study-next ranks by score gain
    instead; it roughly doubles the cost).
    """
    n_total = sum(allocation.values())
    post_g, cond = _posterior(banks, observations, section_sd)
    offsets, node_w = offset.nodes()
    weights = node_w[:, None] * post_g[None, :]  # (K, G): joint weight of (offset, g)
    shifted = {bank.id: _shifted(bank.pbar(), offsets) for bank in banks}
    active = [bank for bank in banks if allocation.get(bank.id, 0)]
    mixers = {bank.id: _mixer(cond[bank.id]) for bank in active}

    def mixed(bank: SectionBank, step: int) -> Array:
        return _section_counts(shifted[bank.id], mixers[bank.id], allocation[bank.id], step)

    def passing(counts: Array, at: int) -> Array:
        return np.asarray(counts[:, at:].sum(axis=1).reshape(weights.shape), dtype=np.float64)

    parts = [mixed(bank, 0) for bank in active]
    prefix = _form_counts(parts, weights.size)
    counts = prefix[-1]  # (K * G, n + 1): number-correct distribution given (offset, g)
    by_g = passing(counts, cut)
    p_pass_at = {c: float((weights * passing(counts, c)).sum()) for c in other_cuts}
    p_pass = float((weights * by_g).sum())
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
        suffix = [np.ones_like(prefix[0])]
        for part in reversed(parts):
            suffix.append(convolve_rows(part, suffix[-1]))
        suffix.reverse()
        for i, bank in enumerate(active):
            others = convolve_rows(prefix[i], suffix[i + 1])  # the other sections' counts
            # P(others >= x) for x = cut - j, j = this section's count (x <= 0: certain).
            tail = np.concatenate(
                [others[:, ::-1].cumsum(axis=1)[:, ::-1], np.zeros_like(others[:, :1])], axis=1
            )
            need = np.clip(cut - np.arange(parts[i].shape[1]), 0, others.shape[1])
            passed = (mixed(bank, 1) * tail[:, need]).sum(axis=1).reshape(weights.shape)
            slopes[bank.id] = float((weights * passed).sum()) - p_pass
    return ReadinessEstimate(
        p_pass=p_pass,
        low=_weighted_quantile(by_g.ravel(), weights.ravel(), 0.10),
        high=_weighted_quantile(by_g.ravel(), weights.ravel(), 0.90),
        theta=theta,
        se=se,
        sections=sections,
        slopes=slopes,
        cut=cut,
        n=n_total,
        p_pass_at=p_pass_at,
        offset=offset,
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
