"""One 3PL item on its own: its parameters, their prior, and the Elo step that keeps them current.

Scalar arithmetic without numpy, so the per-answer paths (an exam answered and submitted) cost
no array library; `irt` holds the vectorised model over many items and abilities.
Scale: logistic metric (no 1.7 factor); P(right | theta) = c + (1 - c) / (1 + exp(-a (theta - b))).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

Z_LIMIT = 35.0  # a (theta - b) is clipped here, as in `irt.p_correct`


@dataclass(frozen=True)
class ItemParams:
    """3PL parameters of one item."""

    a: float
    b: float
    c: float


def guessing_floor(n_options: int, choose: int = 1) -> float:
    """The chance of a blind guess being right (all-or-nothing for "choose m")."""
    return 1.0 / math.comb(n_options, choose)


def prior_params(difficulty: int, n_options: int, choose: int = 1) -> ItemParams:
    """Author's difficulty 1..5 -> b in -1.5..1.5; a = 1; c from the item's format."""
    return ItemParams(a=1.0, b=(difficulty - 3) * 0.75, c=guessing_floor(n_options, choose))


def p_right(theta: float, params: ItemParams) -> float:
    """3PL probability that a learner of ability `theta` answers this item right."""
    z = min(max(params.a * (theta - params.b), -Z_LIMIT), Z_LIMIT)
    return params.c + (1.0 - params.c) / (1.0 + math.exp(-z))


# --- Elo: keep item difficulty current between batch calibrations -------------------------


def elo_step(n: int, base: float = 0.4, slope: float = 0.05) -> float:
    """Uncertainty-dependent step: large while few answers are known, shrinking with n."""
    return base / (1.0 + slope * n)


def elo_update(
    theta: float, n_learner: int, params: ItemParams, n_item: int, correct: bool
) -> tuple[float, float]:
    """One Elo match learner vs item: return the learner's new theta and the item's new b."""
    surprise = float(correct) - p_right(theta, params)
    new_theta = theta + elo_step(n_learner) * surprise
    new_b = params.b - elo_step(n_item) * surprise
    return new_theta, new_b
