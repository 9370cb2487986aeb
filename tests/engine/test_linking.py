"""The bank-to-exam link: the offset prior in P(pass), and fitting it from reported results."""

from __future__ import annotations

import numpy as np
import pytest

from examprep.engine.irt import ItemParams, Observation, p_correct
from examprep.engine.linking import (
    FIT_OFFSETS,
    ExamOffset,
    OffsetNotIdentified,
    fit_exam_offset,
)
from examprep.engine.readiness import SectionBank, estimate_readiness, pass_by_offset

ALLOC = {"S1": 6, "S2": 4}
B = np.linspace(-1, 1, 20)


def banks() -> list[SectionBank]:
    return [
        SectionBank("S1", 60, np.ones(20), B, np.full(20, 0.25)),
        SectionBank("S2", 40, np.ones(20), B, np.full(20, 0.25)),
    ]


def some_answers() -> dict[str, list[Observation]]:
    item = ItemParams(1.0, 0.0, 0.25)
    return {"S1": [Observation(item, True)] * 6 + [Observation(item, False)] * 3}


def test_a_harder_exam_lowers_p_pass_and_an_unsure_link_widens_the_interval() -> None:
    same = estimate_readiness(banks(), some_answers(), ALLOC, 7)
    harder = estimate_readiness(banks(), some_answers(), ALLOC, 7, offset=ExamOffset(0.5, 0.0))
    easier = estimate_readiness(banks(), some_answers(), ALLOC, 7, offset=ExamOffset(-0.5, 0.0))
    assert easier.p_pass > same.p_pass > harder.p_pass
    sure = estimate_readiness(banks(), some_answers(), ALLOC, 7, offset=ExamOffset(0.3, 0.1))
    unsure = estimate_readiness(banks(), some_answers(), ALLOC, 7, offset=ExamOffset(0.3, 0.8))
    assert unsure.high - unsure.low > sure.high - sure.low + 0.05
    assert unsure.offset == ExamOffset(0.3, 0.8)
    # The ability estimate itself does not depend on the link.
    assert unsure.theta == pytest.approx(same.theta) and unsure.se == pytest.approx(same.se)


def test_a_zero_offset_is_the_bank_itself() -> None:
    plain = estimate_readiness(banks(), some_answers(), ALLOC, 7, with_slopes=True)
    zero = estimate_readiness(
        banks(), some_answers(), ALLOC, 7, with_slopes=True, offset=ExamOffset(0.0, 0.0)
    )
    assert zero.p_pass == plain.p_pass and zero.slopes == plain.slopes


def test_the_pass_curve_falls_with_the_offset_and_agrees_with_readiness() -> None:
    curve = pass_by_offset(banks(), some_answers(), ALLOC, 7, FIT_OFFSETS)
    assert np.all(np.diff(curve) < 0)
    at = int(np.argmin(np.abs(FIT_OFFSETS - 0.4)))
    single = estimate_readiness(banks(), some_answers(), ALLOC, 7, offset=ExamOffset(0.4, 0.0))
    assert curve[at] == pytest.approx(single.p_pass, abs=1e-9)


def simulate(true_offset: float, learners: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """Pass curves of simulated learners (20 bank answers each) and their real exam results."""
    rng = np.random.default_rng(seed)
    curves, passed = [], []
    for theta in rng.normal(0.0, 1.0, learners):
        items = rng.integers(0, 20, 20)
        right = rng.random(20) < p_correct(theta, 1.0, B[items], 0.25)
        obs = {
            "S1": [
                Observation(ItemParams(1.0, float(B[i]), 0.25), bool(y))
                for i, y in zip(items, right, strict=True)
            ]
        }
        curves.append(pass_by_offset(banks(), obs, ALLOC, 7, FIT_OFFSETS))
        exam = rng.integers(0, 20, 10)  # the real exam: bank-like items, `true_offset` harder
        score = (rng.random(10) < p_correct(theta, 1.0, B[exam] + true_offset, 0.25)).sum()
        passed.append(score >= 7)
    return np.array(curves), np.array(passed)


@pytest.mark.parametrize("true_offset", [-0.4, 0.5])
def test_fitting_recovers_a_known_offset(true_offset: float) -> None:
    curves, passed = simulate(true_offset, 250, seed=7)
    fit = fit_exam_offset(curves, passed)
    assert fit.outcomes == 250 and fit.passed == int(passed.sum())
    assert 0.02 < fit.se < 0.3
    assert abs(fit.mean - true_offset) < max(2.5 * fit.se, 0.15)


def test_results_that_cannot_pin_the_offset_down_are_refused() -> None:
    curves, _ = simulate(0.0, 20, seed=1)
    with pytest.raises(OffsetNotIdentified, match="all 20 reported results are 'passed'"):
        fit_exam_offset(curves, [True] * 20)
    with pytest.raises(OffsetNotIdentified, match="no reported exam results"):
        fit_exam_offset(np.zeros((0, len(FIT_OFFSETS))), [])
