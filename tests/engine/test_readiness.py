"""Readiness: Lord-Wingersky, the posterior predictive pass probability, monotonicity."""

from __future__ import annotations

import numpy as np
import pytest

from examprep.engine.irt import ItemParams, Observation
from examprep.engine.readiness import (
    SectionBank,
    binomial,
    cut_score,
    estimate_readiness,
    lord_wingersky,
)

ALLOC = {"S1": 6, "S2": 4}


def banks() -> list[SectionBank]:
    return [
        SectionBank("S1", 60, np.ones(20), np.linspace(-1, 1, 20), np.full(20, 0.25)),
        SectionBank("S2", 40, np.ones(20), np.linspace(-1, 1, 20), np.full(20, 0.25)),
    ]


def test_lord_wingersky_matches_enumeration() -> None:
    probs = np.array([0.2, 0.5, 0.9])
    dist = lord_wingersky(probs)
    assert dist.sum() == pytest.approx(1.0)
    assert dist[0] == pytest.approx(0.8 * 0.5 * 0.1)
    assert dist[3] == pytest.approx(0.2 * 0.5 * 0.9)
    assert np.allclose(binomial(np.array(0.3), 4), lord_wingersky(np.full(4, 0.3)))


def test_cut_score() -> None:
    assert cut_score(60, 0.7) == 42
    assert cut_score(50, 0.7) == 35
    assert cut_score(10, 0.75) == 8


def test_prior_readiness_is_symmetric_and_wide() -> None:
    r = estimate_readiness(banks(), {}, ALLOC, cut_score(10, 0.7))
    assert 0.3 < r.p_pass < 0.6
    assert r.low < 0.15 and r.high > 0.85
    assert r.theta == pytest.approx(0.0, abs=1e-9) and r.se == pytest.approx(1.0, abs=0.01)


def test_more_right_answers_raise_p_pass_and_narrow_the_interval() -> None:
    item = ItemParams(1.0, 0.0, 0.25)
    few = estimate_readiness(banks(), {"S1": [Observation(item, True)] * 5}, ALLOC, 7)
    many = estimate_readiness(
        banks(),
        {"S1": [Observation(item, True)] * 20, "S2": [Observation(item, True)] * 20},
        ALLOC,
        7,
    )
    bad = estimate_readiness(banks(), {"S1": [Observation(item, False)] * 20}, ALLOC, 7)
    assert bad.p_pass < few.p_pass < many.p_pass
    assert many.se < few.se
    assert many.high - many.low < few.high - few.low


def test_section_with_few_answers_is_shrunk_toward_overall() -> None:
    item = ItemParams(1.0, 0.0, 0.25)
    r = estimate_readiness(banks(), {"S1": [Observation(item, True)] * 30}, ALLOC, 7)
    assert r.sections["S1"].n == 30 and r.sections["S2"].n == 0
    assert r.sections["S1"].theta > r.sections["S2"].theta > 0
    assert r.sections["S2"].se > r.sections["S1"].se


def test_higher_cut_lowers_p_pass_and_slopes_are_positive() -> None:
    easy = estimate_readiness(banks(), {}, ALLOC, 5, with_slopes=True)
    hard = estimate_readiness(banks(), {}, ALLOC, 9)
    assert easy.p_pass > hard.p_pass
    assert set(easy.slopes) == {"S1", "S2"} and all(v > 0 for v in easy.slopes.values())
    assert hard.slopes == {}


def test_other_cuts_match_separate_estimates() -> None:
    both = estimate_readiness(banks(), {}, ALLOC, 7, other_cuts=[5, 9])
    assert both.p_pass_at[5] == pytest.approx(estimate_readiness(banks(), {}, ALLOC, 5).p_pass)
    assert both.p_pass_at[9] == pytest.approx(estimate_readiness(banks(), {}, ALLOC, 9).p_pass)
