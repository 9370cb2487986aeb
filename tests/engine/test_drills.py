"""Drills from fact tables: exactly one right option, by construction."""

from __future__ import annotations

import random

from hypothesis import given
from hypothesis import strategies as st

from examprep.engine.drills import answer_map, make_drills

ROWS = [
    {"unit": "object", "kind": "Cloud Storage"},
    {"unit": "block", "kind": "Persistent Disk"},
    {"unit": "file", "kind": "Filestore"},
    {"unit": "row", "kind": "Bigtable"},
    {"unit": "table", "kind": "BigQuery"},
]


def test_one_drill_per_row_with_the_row_answer_as_the_only_key() -> None:
    drills = make_drills(ROWS, "unit", "kind", random.Random(1))
    assert [d.row for d in drills] == [0, 1, 2, 3, 4]
    for drill in drills:
        truth = ROWS[drill.row]["kind"]
        assert drill.given == ROWS[drill.row]["unit"]
        assert [o.value for o in drill.options if o.correct] == [truth]
        assert drill.key == truth
        values = [o.value for o in drill.options]
        assert len(values) == 4 and len(set(values)) == 4
        for option in drill.options:
            # Every option says which row it comes from, so its explanation can name it.
            assert ROWS[option.row]["kind"] == option.value


def test_the_same_seed_gives_the_same_options() -> None:
    first = make_drills(ROWS, "unit", "kind", random.Random("t:tmpl"))
    again = make_drills(ROWS, "unit", "kind", random.Random("t:tmpl"))
    assert first == again


def test_ambiguous_given_values_are_skipped() -> None:
    rows = [*ROWS, {"unit": "object", "kind": "Filestore"}]
    drills = make_drills(rows, "unit", "kind", random.Random(0))
    assert "object" not in {d.given for d in drills}
    assert len(drills) == 4


def test_repeated_given_values_with_one_answer_make_one_drill() -> None:
    rows = [*ROWS, {"unit": "object", "kind": "Cloud Storage"}]
    drills = make_drills(rows, "unit", "kind", random.Random(0))
    assert [d.given for d in drills].count("object") == 1


def test_fewer_than_four_distinct_answers_make_no_drills() -> None:
    rows = [{"k": str(i), "v": "ab"[i % 2] if i < 4 else "c"} for i in range(6)]
    assert make_drills(rows, "k", "v", random.Random(0)) == []


def test_answer_map() -> None:
    assert answer_map([{"a": "1", "b": "x"}, {"a": "1", "b": "y"}], "a", "b") == {"1": {"x", "y"}}


@given(
    answers=st.lists(st.text(min_size=1, max_size=5), min_size=4, max_size=12),
    seed=st.integers(0, 2**32),
)
def test_a_functional_table_always_yields_exactly_one_key(answers: list[str], seed: int) -> None:
    rows = [{"given": f"g{i}", "answer": a} for i, a in enumerate(answers)]
    drills = make_drills(rows, "given", "answer", random.Random(seed))
    if len(set(answers)) < 4:
        assert drills == []
        return
    assert len(drills) == len(rows)
    for drill in drills:
        correct = [o for o in drill.options if o.correct]
        assert [o.value for o in correct] == [rows[drill.row]["answer"]]
        assert all(o.value != correct[0].value for o in drill.options if not o.correct)
        assert len({o.value for o in drill.options}) == 4
