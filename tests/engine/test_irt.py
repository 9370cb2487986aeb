"""The 3PL model, ability posteriors, Elo steps and MML calibration."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from examprep.engine.irt import (
    ItemParams,
    Observation,
    calibrate_items,
    estimate_ability,
    guessing_floor,
    information,
    p_correct,
    prior_params,
    recency_weight,
)
from examprep.engine.item import elo_update, p_right


def test_three_pl_values() -> None:
    assert float(p_correct(0.0, 1.0, 0.0, 0.25)) == pytest.approx(0.625)
    assert float(p_correct(-30.0, 1.0, 0.0, 0.25)) == pytest.approx(0.25)
    assert float(p_correct(30.0, 1.0, 0.0, 0.25)) == pytest.approx(1.0)
    assert float(information(0.0, 1.0, 0.0, 0.0)) == pytest.approx(0.25)


def test_guessing_floors_and_priors() -> None:
    assert guessing_floor(4) == 0.25
    assert guessing_floor(4, 2) == pytest.approx(1 / 6)
    assert guessing_floor(5, 2) == pytest.approx(0.1)
    assert prior_params(1, 4) == ItemParams(1.0, -1.5, 0.25)
    assert prior_params(5, 4, 2) == ItemParams(1.0, 1.5, pytest.approx(1 / 6))


def test_recency_half_life() -> None:
    assert recency_weight(0) == 1.0
    assert recency_weight(28) == pytest.approx(0.5)
    assert recency_weight(56) == pytest.approx(0.25)
    assert recency_weight(-3) == 1.0


def test_posterior_without_data_is_the_prior() -> None:
    post = estimate_ability([])
    assert post.mean == pytest.approx(0.0, abs=1e-9)
    assert post.sd == pytest.approx(1.0, abs=1e-3)


ITEM = ItemParams(1.2, 0.0, 0.25)


@settings(max_examples=40)
@given(right=st.integers(0, 20), wrong=st.integers(0, 20))
def test_ability_rises_with_more_correct_answers(right: int, wrong: int) -> None:
    base = [Observation(ITEM, True)] * right + [Observation(ITEM, False)] * wrong
    more = [*base, Observation(ITEM, True)]
    assert estimate_ability(more).mean > estimate_ability(base).mean


def test_old_answers_count_less() -> None:
    fresh = estimate_ability([Observation(ITEM, True, 1.0)] * 10)
    stale = estimate_ability([Observation(ITEM, True, 0.25)] * 10)
    assert fresh.mean > stale.mean > 0
    assert fresh.sd < stale.sd


@given(
    theta=st.floats(-50, 50),
    a=st.floats(0.2, 3.0),
    b=st.floats(-4, 4),
    c=st.sampled_from([0.0, 0.25, 1 / 6]),
)
def test_one_item_probability_is_the_vectorised_model(
    theta: float, a: float, b: float, c: float
) -> None:
    assert p_right(theta, ItemParams(a, b, c)) == pytest.approx(float(p_correct(theta, a, b, c)))


def test_elo_moves_learner_and_item_in_opposite_directions() -> None:
    theta, b = elo_update(0.0, 0, ITEM, 0, correct=True)
    assert theta > 0 and b < ITEM.b
    theta2, b2 = elo_update(0.0, 100, ITEM, 100, correct=True)
    assert 0 < theta2 < theta and b < b2 < ITEM.b  # steps shrink as counts grow


def simulate(
    n_learners: int, items: dict[str, ItemParams], seed: int
) -> list[tuple[str, str, bool]]:
    rng = np.random.default_rng(seed)
    thetas = rng.normal(0, 1, n_learners)
    rows = []
    for lr, theta in enumerate(thetas):
        for item, p in items.items():
            rows.append(
                (f"l{lr}", item, bool(rng.random() < float(p_correct(theta, p.a, p.b, p.c))))
            )
    return rows


def test_calibration_recovers_difficulty_and_flags_a_wrong_key() -> None:
    truth = {f"i{k}": ItemParams(1.3, b, 0.25) for k, b in enumerate(np.linspace(-1.5, 1.5, 12))}
    truth["bad"] = ItemParams(-1.0, 0.0, 0.25)  # keyed wrongly: strong learners miss it
    rows = simulate(400, truth, seed=3)
    priors = {i: ItemParams(1.0, 0.0, 0.25) for i in truth}
    fitted = calibrate_items(rows, priors)
    true_b = [truth[f"i{k}"].b for k in range(12)]
    fit_b = [fitted.params[f"i{k}"].b for k in range(12)]
    assert np.corrcoef(true_b, fit_b)[0, 1] > 0.95
    assert fitted.suspect == ["bad"]
    assert fitted.counts["i0"] == 400
    assert all(math.isfinite(p.a) for p in fitted.params.values())


def test_calibration_without_responses_keeps_priors() -> None:
    priors = {"x": ItemParams(1.0, 0.5, 0.25)}
    fitted = calibrate_items([], priors)
    assert fitted.params == priors and fitted.suspect == []
