"""Form assembly, option shuffling, choice parsing and all-or-nothing scoring."""

from __future__ import annotations

import datetime as dt
import random
from collections import Counter

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from examprep.engine.exam import (
    BankTooSmall,
    FormItem,
    Item,
    Seen,
    assemble_form,
    is_correct,
    largest_form,
    parse_choice,
    score_form,
    to_authored,
    to_shown,
)

WEIGHTS = {"S1": 60.0, "S2": 40.0}
T0 = dt.datetime(2026, 11, 1, tzinfo=dt.UTC)


def bank(per_bullet: int = 5) -> list[Item]:
    items = []
    for section, bullets in {"S1": ["S1.a", "S1.b"], "S2": ["S2.a", "S2.b"]}.items():
        for bullet in bullets:
            for k in range(per_bullet):
                key = (0, 2) if k == 4 else (k % 4,)
                items.append(Item(f"{bullet}-{k}", section, bullet, 4, key))
    return items


def test_form_follows_the_blueprint_without_repeats() -> None:
    form = assemble_form(bank(), WEIGHTS, 10, {}, random.Random(7))
    ids = [f.item_id for f in form]
    assert len(ids) == len(set(ids)) == 10
    sections = Counter(i.split(".")[0] for i in ids)
    assert sections == {"S1": 6, "S2": 4}
    bullets = Counter(i.split("-")[0] for i in ids)
    assert bullets == {"S1.a": 3, "S1.b": 3, "S2.a": 2, "S2.b": 2}


def test_same_seed_same_form_and_order() -> None:
    a = assemble_form(bank(), WEIGHTS, 10, {}, random.Random(42))
    b = assemble_form(bank(), WEIGHTS, 10, {}, random.Random(42))
    c = assemble_form(bank(), WEIGHTS, 10, {}, random.Random(43))
    assert a == b
    assert a != c


def test_golden_form_for_a_fixed_seed() -> None:
    form = assemble_form(bank(), WEIGHTS, 5, {}, random.Random(1))
    assert [(f.item_id, f.order) for f in form] == [
        ("S1.b-4", (2, 0, 1, 3)),
        ("S1.a-3", (1, 2, 0, 3)),
        ("S1.a-0", (1, 0, 2, 3)),
        ("S2.b-2", (2, 3, 0, 1)),
        ("S2.a-3", (2, 1, 3, 0)),
    ]


def test_prefers_unseen_then_missed_long_ago() -> None:
    items = bank(per_bullet=2)
    history = {
        "S1.a-0": Seen(T0, last_correct=True),
        "S1.a-1": Seen(T0 + dt.timedelta(days=3), last_correct=False),
        "S1.b-0": Seen(T0 + dt.timedelta(days=1), last_correct=False),
        "S1.b-1": Seen(T0 + dt.timedelta(days=2), last_correct=True),
    }
    # S1 has no unseen items: a 1-question S1 form takes the item missed longest ago.
    form = assemble_form(items, {"S1": 1.0}, 1, history, random.Random(0))
    assert [f.item_id for f in form] == ["S1.b-0"]
    form = assemble_form(items, {"S1": 1.0}, 2, history, random.Random(0))
    assert sorted(f.item_id for f in form) == ["S1.a-1", "S1.b-0"]
    unseen = assemble_form(items, WEIGHTS, 3, history, random.Random(0))
    assert all(f.item_id.startswith("S2") for f in unseen if f.item_id.startswith("S2"))
    assert sum(f.item_id.startswith("S2") for f in unseen) == 1


def test_bank_too_small_says_what_is_available() -> None:
    small = [i for i in bank() if i.section == "S1"][:3] + [i for i in bank() if i.section == "S2"]
    with pytest.raises(BankTooSmall) as caught:
        assemble_form(small, WEIGHTS, 10, {}, random.Random(0))
    assert caught.value.shortfall.wanted == {"S1": 6, "S2": 4}
    assert caught.value.shortfall.available == {"S1": 3, "S2": 10}
    assert "S1 3/6" in str(caught.value)
    assert largest_form(WEIGHTS, caught.value.shortfall.available, 10) == 5


def test_single_answer_keys_are_spread_over_letters() -> None:
    items = [Item(f"q{i}", "S1", "S1.a", 4, (0,)) for i in range(40)]
    form = assemble_form(items, {"S1": 1.0}, 40, {}, random.Random(3))
    shown_keys = Counter(to_shown(f, (0,))[0] for f in form)
    assert shown_keys == {0: 10, 1: 10, 2: 10, 3: 10}


@settings(max_examples=50)
@given(seed=st.integers(0, 2**32), n=st.integers(1, 16))
def test_forms_never_repeat_items_and_orders_are_permutations(seed: int, n: int) -> None:
    form = assemble_form(bank(), WEIGHTS, n, {}, random.Random(seed))
    assert len(form) == n == len({f.item_id for f in form})
    assert all(sorted(f.order) == [0, 1, 2, 3] for f in form)


def test_parse_choice() -> None:
    assert parse_choice("b", 4) == (1,)
    assert parse_choice("A,C", 4) == (0, 2)
    assert parse_choice("c a", 4) == (0, 2)
    assert parse_choice("AC", 4) == (0, 2)
    for bad in ("", "E", "A,A", "1", "A;Z"):
        with pytest.raises(ValueError):
            parse_choice(bad, 4)


def test_shown_and_authored_positions_round_trip() -> None:
    item = FormItem("q", (2, 0, 3, 1))
    assert to_authored(item, (0,)) == (2,)
    assert to_authored(item, (1, 3)) == (0, 1)
    assert to_shown(item, (0, 1)) == (1, 3)


def test_multi_select_is_all_or_nothing() -> None:
    item = Item("m", "S1", "S1.a", 4, (0, 2))
    assert is_correct(item, (0, 2))
    assert is_correct(item, (2, 0))
    assert not is_correct(item, (0,))
    assert not is_correct(item, (0, 1, 2))
    assert not is_correct(item, ())


def test_score_form_by_section_and_bullet() -> None:
    items = [
        Item("a", "S1", "S1.a", 4, (0,)),
        Item("b", "S1", "S1.b", 4, (1,)),
        Item("c", "S2", "S2.a", 4, (0, 1)),
    ]
    score = score_form(items, {"a": (0,), "b": (2,), "c": (0,)}, ["S1", "S2", "S3"])
    assert (score.overall.correct, score.overall.total) == (1, 3)
    assert {s: (t.correct, t.total) for s, t in score.sections.items()} == {
        "S1": (1, 2),
        "S2": (0, 1),
        "S3": (0, 0),
    }
    assert score.weakest_bullets() == ["S1.b", "S2.a"]
