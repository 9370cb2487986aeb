"""Adaptive selection: content balancing, information, exposure control, stopping."""

from __future__ import annotations

import random
from collections import Counter

from examprep.engine.irt import ItemParams
from examprep.engine.selection import (
    Candidate,
    StopRule,
    choose_section,
    next_item,
    section_targets,
    theta_for_score,
)


def test_targets_follow_weights_and_boost_weakness() -> None:
    even = section_targets({"S1": 1, "S2": 1}, {"S1": 1.0, "S2": 1.0}, 0.0)
    assert even == {"S1": 0.5, "S2": 0.5}
    weak = section_targets({"S1": 1, "S2": 1}, {"S1": -1.0, "S2": 1.0}, 0.0)
    assert weak["S1"] > weak["S2"]


def test_choose_section_follows_the_deficit() -> None:
    targets = {"S1": 0.75, "S2": 0.25}
    picks = Counter()
    asked: dict[str, int] = {}
    for _ in range(40):
        s = choose_section(targets, asked, {"S1", "S2"})
        picks[s] += 1
        asked[s] = asked.get(s, 0) + 1
    assert picks == {"S1": 30, "S2": 10}


def test_next_item_prefers_informative_items_near_ability_and_skips_excluded() -> None:
    pool = [Candidate(f"q{b}", "S1", ItemParams(1.5, float(b), 0.0)) for b in range(-3, 4)]
    rng = random.Random(0)
    pick = next_item(pool, {"S1": 2.0}, {"S1": 1.0}, {}, set(), rng, top=1)
    assert pick is not None and pick.id == "q2"
    pick = next_item(pool, {"S1": 2.0}, {"S1": 1.0}, {}, {"q2"}, rng, top=1)
    assert pick is not None and pick.id in {"q1", "q3"}
    assert next_item(pool, {}, {"S1": 1.0}, {}, {c.id for c in pool}, rng) is None


def test_randomesque_spreads_exposure() -> None:
    pool = [Candidate(f"q{k}", "S1", ItemParams(1.0, 0.0, 0.25)) for k in range(10)]
    rng = random.Random(1)
    seen = {next_item(pool, {"S1": 0.0}, {"S1": 1.0}, {}, set(), rng, top=5).id for _ in range(50)}  # type: ignore[union-attr]
    assert len(seen) == 5


def test_theta_for_score() -> None:
    items = [ItemParams(1.0, 0.0, 0.0)] * 3
    assert abs(theta_for_score(items, 0.5)) < 1e-6
    assert theta_for_score(items, 0.8) > 1.0


def test_stop_rule() -> None:
    rule = StopRule()
    assert not rule.done(3, 0.1, 0.99)  # below the minimum
    assert rule.done(10, 0.29, 0.5)
    assert rule.done(10, 0.6, 0.05)
    assert not rule.done(10, 0.6, 0.5)
    assert rule.done(25, 0.9, 0.5)
