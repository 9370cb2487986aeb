"""Allocate a form's questions to sections (and bullets) by weight: the largest-remainder method."""

from __future__ import annotations

import math
from collections.abc import Mapping


def allocate(total: int, weights: Mapping[str, float]) -> dict[str, int]:
    """Split `total` seats over `weights` (any positive numbers) by largest remainder.

    Weights are normalised by their sum, so published weights that are rounded and do not add up
    to 100 still give shares that sum to `total`. Ties in the remainder go to the larger weight,
    then to the earlier key, so the split is deterministic.
    """
    if total < 0:
        raise ValueError("total must be >= 0")
    if not weights:
        if total:
            raise ValueError("nothing to allocate to")
        return {}
    if any(w < 0 or not math.isfinite(w) for w in weights.values()):
        raise ValueError("weights must be finite and >= 0")
    weight_sum = sum(weights.values())
    if weight_sum <= 0:
        raise ValueError("at least one weight must be positive")
    quotas = {k: total * w / weight_sum for k, w in weights.items()}
    seats = {k: math.floor(q) for k, q in quotas.items()}
    left = total - sum(seats.values())
    order = list(weights)
    ranked = sorted(order, key=lambda k: (-(quotas[k] - seats[k]), -weights[k], order.index(k)))
    for key in ranked[:left]:
        seats[key] += 1
    return seats


def allocate_capped(
    total: int, weights: Mapping[str, float], caps: Mapping[str, int]
) -> dict[str, int]:
    """Like `allocate`, but no key gets more than its cap; the excess is re-allocated.

    Raises ValueError when the caps add up to less than `total`.
    """
    if sum(min(caps.get(k, 0), total) for k in weights) < total:
        raise ValueError("not enough capacity")
    fixed: dict[str, int] = {}
    free = dict(weights)
    remaining = total
    while True:
        share = allocate(remaining, free) if free else {}
        over = [k for k, n in share.items() if n > caps.get(k, 0)]
        if not over:
            return {
                **fixed,
                **share,
                **{k: 0 for k in weights if k not in fixed and k not in share},
            }
        for key in over:
            fixed[key] = caps.get(key, 0)
            remaining -= fixed[key]
            del free[key]
        if not free or sum(free.values()) <= 0:
            # Only zero-weight keys are left: fill them in order up to their caps.
            for key in free:
                take = min(caps.get(key, 0), remaining)
                fixed[key] = take
                remaining -= take
            return {k: fixed.get(k, 0) for k in weights}


def scaled_minutes(pack_minutes: int, pack_questions: int, questions: int) -> int:
    """Exam time for a shorter or longer form, in proportion to the real exam (rounded up)."""
    return max(1, math.ceil(pack_minutes * questions / pack_questions))
