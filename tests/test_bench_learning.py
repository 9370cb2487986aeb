"""The learner-model benchmark's own pieces: simulators, baselines, the outcome-linking stand-in."""

from __future__ import annotations

import datetime as dt
import math

import numpy as np
import pytest
from bench.learning import passmodels as PM
from bench.learning import truth as T
from scipy import integrate, stats


def test_beta_binomial_with_a_flat_prior_and_no_answers_is_uniform() -> None:
    p = PM.beta_binomial_pass(np.array([0.0]), np.array([0.0]), 1.0, 1.0, 60, 42)
    assert p[0] == pytest.approx(19 / 61)


def test_beta_binomial_matches_the_binomial_tail_averaged_over_the_posterior() -> None:
    k, n, alpha, beta, items, cut = 7.0, 10.0, 2.0, 3.0, 12, 8
    exact, _ = integrate.quad(
        lambda q: stats.binom.sf(cut - 1, items, q) * stats.beta.pdf(q, alpha + k, beta + n - k),
        0,
        1,
    )
    got = PM.beta_binomial_pass(np.array([k]), np.array([n]), alpha, beta, items, cut)[0]
    assert got == pytest.approx(exact, abs=1e-9)


def test_beta_prior_recovers_the_mean_and_strips_binomial_noise() -> None:
    rng = np.random.default_rng(3)
    true = rng.beta(6.0, 4.0, 20000)  # mean 0.6, var 0.0218
    n = np.full(len(true), 40.0)
    k = rng.binomial(40, true).astype(float)
    alpha, beta = PM.beta_prior(k, n)
    assert alpha / (alpha + beta) == pytest.approx(0.6, abs=0.005)
    assert alpha * beta / ((alpha + beta) ** 2 * (alpha + beta + 1)) == pytest.approx(
        6 * 4 / (100 * 11), rel=0.08
    )


def test_local_exam_offset_is_the_logit_of_the_pass_rate_when_forecasts_are_flat() -> None:
    y = np.array([1.0] * 80 + [0.0] * 20)
    delta = PM.fit_exam_offset_local(np.full(100, 0.5), y)
    assert delta == pytest.approx(math.log(0.8 / 0.2), abs=1e-8)


def test_label_free_arms_never_see_outcomes() -> None:
    rng = np.random.default_rng(0)
    feats = PM.Features(
        rng.random(40),
        rng.random(40),
        rng.integers(0, 20, 40).astype(float),
        np.full(40, 20.0),
        60,
        42,
    )
    a = PM.crossfit(PM.ARMS, feats, np.zeros(40), np.random.default_rng(1))
    b = PM.crossfit(PM.ARMS, feats, np.ones(40), np.random.default_rng(1))
    for arm in PM.ARMS:
        same = np.allclose(a[arm.name], b[arm.name])
        assert same != arm.needs_labels, arm.name


@pytest.mark.parametrize("irt", ["2pl", "4pl"])
def test_simulated_answers_reproduce_the_true_probability(irt: str) -> None:
    truth = T.Truth("t", irt=irt)
    items = T.make_items(np.random.default_rng(1), truth, [1.0], 8)
    k = 3
    theta = float(items.b[k]) + 0.4
    z = items.a[k] * 0.4
    expected = items.c[k] + (items.d[k] - items.c[k]) / (1 + math.exp(-z))
    if irt == "2pl":
        assert (items.c[k], items.d[k]) == (0.0, 1.0)
    learner = T.Learner(np.array([theta]), np.zeros(1), np.zeros(1), truth)
    rng = np.random.default_rng(2)
    share = np.mean([learner.answer(rng, items, k) for _ in range(20000)])
    assert share == pytest.approx(expected, abs=0.012)


def test_testlet_effects_are_shared_within_a_family_only() -> None:
    truth = T.Truth("t", irt="2pl", testlet_sd=1.0)
    items = T.make_items(np.random.default_rng(1), truth, [1.0], 8)
    assert list(items.family) == [0, 0, 0, 0, 1, 1, 1, 1]
    u = np.array([2.0, 0.0])
    idx = np.arange(8)
    th = items.b[idx]  # at b every 2PL item is a coin flip without the family effect
    p = T.p_true(th, items, idx, u)
    assert np.allclose(p[4:], 0.5)
    assert np.allclose(p[:4], 1 / (1 + np.exp(-items.a[:4] * 2.0)))


def test_learning_gains_fade_with_a_thirty_day_half_life() -> None:
    truth = T.Truth("t", learning=True)
    items = T.make_items(np.random.default_rng(1), truth, [1.0], 4)
    learner = T.Learner(np.zeros(1), np.zeros(1), np.zeros(1), truth)
    learner.answer(np.random.default_rng(0), items, 0)
    assert learner.ability()[0] == pytest.approx(T.GAIN)
    learner.advance(30.0)
    assert learner.ability()[0] == pytest.approx(T.GAIN / 2)


def test_exam_pool_shift_moves_difficulty_but_not_the_author_ratings() -> None:
    truth = T.Truth("t")
    base = T.make_items(np.random.default_rng(5), truth, [1.0, 1.0], 200)
    harder = T.make_items(np.random.default_rng(5), truth, [1.0, 1.0], 200, shift=0.3)
    assert np.allclose(harder.b - base.b, 0.3)
    assert (harder.difficulty == base.difficulty).all()


def test_capped_sm2_never_schedules_past_the_day_before_the_exam() -> None:
    import scheduling as SCH

    exam = SCH.START + 10 * SCH.DAY
    arm = SCH.SM2(exam=exam)
    now = SCH.START
    for day in range(9):
        now = SCH.START + day * SCH.DAY
        for _ in range(3):
            arm.review(0, 3, now)
            now += dt.timedelta(minutes=15)
        assert arm.cards[0]["due"] <= exam - SCH.DAY + dt.timedelta(hours=1)
    free = SCH.SM2()
    for rating in (3, 3, 4, 4, 4):
        free.review(0, rating, now)
    assert free.cards[0]["ivl"] > 10
