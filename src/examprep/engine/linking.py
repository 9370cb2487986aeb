"""The link between the bank's difficulty scale and the real exam's: one offset, its uncertainty.

The offset is how much harder the real exam is than the bank, in ability units (logits): an
exam item is answered right with the probability of a bank item `offset` harder. Before any
exam results are reported it is the pack authors' prior; with reported results it is fitted by
maximum likelihood: each labelled learner contributes P(pass | their answers before the exam,
offset), a curve over a grid of offsets, and their result.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from examprep.engine.irt import Array

NODES = 5  # Gauss-Hermite nodes for integrating P(pass) over the offset's uncertainty
FIT_OFFSETS = np.round(np.arange(-3.0, 3.0 + 1e-9, 0.1), 10)  # where the likelihood is read


@dataclass(frozen=True)
class ExamOffset:
    """How much harder the real exam is than the bank (logits), its SD, and what it rests on.

    `outcomes` is the number of reported exam results it was fitted from; 0 means the pack's
    prior (the authors' belief).
    """

    mean: float = 0.0
    sd: float = 0.0
    outcomes: int = 0

    def nodes(self, n: int = NODES) -> tuple[Array, Array]:
        """Offsets and weights that integrate a smooth function over N(mean, sd^2)."""
        if self.sd <= 0.0:
            return np.array([self.mean]), np.array([1.0])
        x, w = np.polynomial.hermite_e.hermegauss(n)
        return np.asarray(self.mean + self.sd * x), np.asarray(w / w.sum())


SAME_AS_BANK = ExamOffset()  # no offset, no uncertainty: the exam as hard as the bank


@dataclass(frozen=True)
class OffsetFit:
    """The maximum-likelihood offset, its standard error, and the results it came from."""

    mean: float
    se: float
    outcomes: int
    passed: int

    @property
    def offset(self) -> ExamOffset:
        return ExamOffset(self.mean, self.se, self.outcomes)


class OffsetNotIdentified(ValueError):
    """The results do not pin the offset down (e.g. everyone passed)."""


def fit_exam_offset(
    curves: Array, passed: Sequence[bool], offsets: Array = FIT_OFFSETS
) -> OffsetFit:
    """Fit the offset from P(pass | learner's answers, offset) curves and reported results.

    `curves[i, k]` is learner i's posterior predictive P(pass) if the exam were `offsets[k]`
    harder than the bank (evenly spaced offsets); `passed[i]` is their real result. The
    log-likelihood is read on the grid, its peak refined by a parabola through the three
    points around it, and the standard error is 1 / sqrt(observed information) there.
    """
    y = np.asarray(passed, dtype=np.float64)
    p = np.clip(np.asarray(curves, dtype=np.float64), 1e-9, 1 - 1e-9)
    if p.ndim != 2 or p.shape != (len(y), len(offsets)):
        raise ValueError(f"curves must be (learners, offsets) = ({len(y)}, {len(offsets)})")
    if not len(y):
        raise OffsetNotIdentified("no reported exam results to fit the offset from")
    if y.all() or not y.any():
        word = "passed" if y.all() else "failed"
        raise OffsetNotIdentified(
            f"all {len(y)} reported results are '{word}': the offset needs both passes and fails"
        )
    ll = (y[:, None] * np.log(p) + (1 - y[:, None]) * np.log1p(-p)).sum(axis=0)
    k = int(np.argmax(ll))
    if k in (0, len(offsets) - 1):
        raise OffsetNotIdentified(
            f"the likelihood peaks at the edge of {offsets[0]:+g}..{offsets[-1]:+g}: "
            "the reported results are too extreme for these learners' answers"
        )
    h = float(offsets[1] - offsets[0])
    slope = (ll[k + 1] - ll[k - 1]) / (2 * h)
    curvature = (ll[k + 1] - 2 * ll[k] + ll[k - 1]) / h**2
    if curvature >= 0:
        raise OffsetNotIdentified("the likelihood is flat: the results say nothing about it")
    mean = float(offsets[k] - slope / curvature)
    return OffsetFit(mean, math.sqrt(-1 / curvature), len(y), int(y.sum()))
