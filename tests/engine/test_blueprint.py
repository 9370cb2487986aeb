"""Largest-remainder allocation: exact splits for the PMLE weights, and properties."""

from __future__ import annotations

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from examprep.engine.blueprint import allocate, allocate_capped, scaled_minutes

PMLE = {"S1": 13, "S2": 16, "S3": 21, "S4": 20, "S5": 18, "S6": 13}


def test_pmle_sixty_question_split() -> None:
    assert allocate(60, PMLE) == {"S1": 8, "S2": 9, "S3": 12, "S4": 12, "S5": 11, "S6": 8}


def test_pmle_fifty_and_fifty_five() -> None:
    assert allocate(50, PMLE) == {"S1": 7, "S2": 8, "S3": 10, "S4": 10, "S5": 9, "S6": 6}
    assert allocate(55, PMLE) == {"S1": 7, "S2": 9, "S3": 11, "S4": 11, "S5": 10, "S6": 7}


def test_ties_go_to_the_larger_weight_then_the_earlier_key() -> None:
    assert allocate(1, {"a": 1, "b": 1}) == {"a": 1, "b": 0}
    assert allocate(1, {"a": 1, "b": 2, "c": 1}) == {"a": 0, "b": 1, "c": 0}


def test_bad_weights() -> None:
    with pytest.raises(ValueError):
        allocate(3, {"a": 0})
    with pytest.raises(ValueError):
        allocate(3, {"a": -1, "b": 2})
    with pytest.raises(ValueError):
        allocate(-1, {"a": 1})


weights_st = st.dictionaries(
    st.text(alphabet="abcdefgh", min_size=1, max_size=3),
    st.floats(min_value=0.01, max_value=100, allow_nan=False),
    min_size=1,
    max_size=8,
)


@given(total=st.integers(min_value=0, max_value=500), weights=weights_st)
def test_allocation_sums_and_stays_within_one_of_the_quota(
    total: int, weights: dict[str, float]
) -> None:
    seats = allocate(total, weights)
    assert sum(seats.values()) == total
    weight_sum = sum(weights.values())
    for key, n in seats.items():
        quota = total * weights[key] / weight_sum
        assert math.floor(quota) <= n <= math.ceil(quota)


@given(
    total=st.integers(min_value=0, max_value=60),
    caps=st.lists(st.integers(0, 20), min_size=1, max_size=6),
)
def test_capped_allocation_respects_caps(total: int, caps: list[int]) -> None:
    keys = [f"k{i}" for i in range(len(caps))]
    capacity = dict(zip(keys, caps, strict=True))
    if sum(caps) < total:
        with pytest.raises(ValueError):
            allocate_capped(total, dict.fromkeys(keys, 1.0), capacity)
        return
    seats = allocate_capped(total, dict.fromkeys(keys, 1.0), capacity)
    assert sum(seats.values()) == total
    assert all(seats[k] <= capacity[k] for k in keys)


def test_scaled_minutes() -> None:
    assert scaled_minutes(120, 60, 60) == 120
    assert scaled_minutes(120, 60, 50) == 100
    assert scaled_minutes(120, 60, 7) == 14
    assert scaled_minutes(120, 60, 1) == 2
