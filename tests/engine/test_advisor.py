"""Walking the decision tree, ruled-out leaves, and drills that are unambiguous by construction."""

from __future__ import annotations

import random

import pytest

from examprep.engine.advisor import (
    NOT_SURE,
    Branch,
    Question,
    Tree,
    WalkError,
    answers_along,
    answers_from_pairs,
    drill_paths,
    make_drill,
    reachable_leaves,
    walk,
)
from examprep.engine.tree_layout import layout_tree

TREE = Tree(
    root="d-ml",
    questions={
        "d-ml": Question(
            "d-ml",
            "Do rules suffice?",
            "Start simple.",
            (
                Branch("rules", "Yes", None, "l-rules", "A few if-then rules already work well."),
                Branch("ml", "No", "d-data", None, "Rules keep failing on new cases."),
            ),
        ),
        "d-data": Question(
            "d-data",
            "Where is the data?",
            "Data gravity.",
            (
                Branch("bq", "BigQuery", None, "l-bqml", "The data sits in BigQuery tables."),
                Branch("files", "Files", "d-code", None, "The data is image files in buckets."),
            ),
            common="files",
        ),
        "d-code": Question(
            "d-code",
            "Write model code?",
            "Effort.",
            (
                Branch("none", "No", None, "l-automl", "Nobody on the team writes model code."),
                Branch("custom", "Yes", None, "l-custom", None),
            ),
        ),
    },
    leaves=frozenset({"l-rules", "l-bqml", "l-automl", "l-custom"}),
)


def test_walk_to_a_leaf_with_path_and_ruled_out() -> None:
    done = walk(TREE, {"d-ml": "ml", "d-data": "files", "d-code": "none"})
    assert done.leaf == "l-automl" and done.next is None
    assert [s.choice for s in done.path] == ["ml", "files", "none"]
    assert {(r.leaf, r.node) for r in done.ruled_out} == {
        ("l-rules", "d-ml"),
        ("l-bqml", "d-data"),
        ("l-custom", "d-code"),
    }


def test_partial_answers_give_the_next_question() -> None:
    done = walk(TREE, {"d-ml": "ml"})
    assert done.leaf is None and done.next is not None and done.next.id == "d-data"
    assert walk(TREE, {}).next == TREE.questions["d-ml"]


@pytest.mark.parametrize(
    ("answers", "message"),
    [
        ({"d-nope": "x"}, "unknown question 'd-nope'"),
        ({"d-ml": "maybe"}, "no choice 'maybe'"),
        ({"d-ml": "rules", "d-data": "bq"}, "not on the path"),
    ],
)
def test_bad_answers(answers: dict[str, str], message: str) -> None:
    with pytest.raises(WalkError, match=message):
        walk(TREE, answers)


def test_reachable_leaves() -> None:
    assert reachable_leaves(TREE, "d-data") == ["l-bqml", "l-automl", "l-custom"]


def test_drills_use_only_paths_with_situations_and_replay_to_their_leaf() -> None:
    paths = drill_paths(TREE)
    assert sorted(p[-1].leaf or "" for p in paths) == ["l-automl", "l-bqml", "l-rules"]
    rng = random.Random(4)
    for _ in range(30):
        drill = make_drill(TREE, rng)
        assert drill is not None
        assert walk(TREE, drill.answers).leaf == drill.leaf
        assert drill.scenario.endswith(".")


def test_answers_from_pairs() -> None:
    assert answers_from_pairs(["d-ml=ml", " d-data = bq "]) == {"d-ml": "ml", "d-data": "bq"}
    with pytest.raises(WalkError, match="NODE=CHOICE"):
        answers_from_pairs(["d-ml"])


def two_way_tree(d_b: tuple[str, str]) -> Tree:
    """d-a leads to l-shared directly (y) or through d-b (x), whose choices p and q reach the
    leaves `d_b`: l-shared is reachable two ways."""
    return Tree(
        root="d-a",
        questions={
            "d-a": Question(
                "d-a",
                "A?",
                "",
                (Branch("x", "X", "d-b", None), Branch("y", "Y", None, "l-shared")),
            ),
            "d-b": Question(
                "d-b",
                "B?",
                "",
                (Branch("p", "P", None, d_b[0]), Branch("q", "Q", None, d_b[1])),
            ),
        },
        leaves=frozenset({"l-shared", "l-other"}),
    )


def test_a_leaf_reachable_two_ways_is_never_ruled_out_on_the_way_to_itself() -> None:
    shared = two_way_tree(("l-shared", "l-other"))
    done = walk(shared, {"d-a": "x", "d-b": "p"})
    assert done.leaf == "l-shared"
    assert [r.leaf for r in done.ruled_out] == ["l-other"]


def test_not_sure_follows_the_common_branch_and_keeps_the_others_open() -> None:
    done = walk(TREE, {"d-ml": "ml", "d-data": NOT_SURE, "d-code": "none"})
    assert done.leaf == "l-automl"
    assert [(s.node, s.choice, s.unsure) for s in done.path] == [
        ("d-ml", "ml", False),
        ("d-data", "files", True),
        ("d-code", "none", False),
    ]
    assert [(r.leaf, r.node, r.alternative) for r in done.open] == [("l-bqml", "d-data", "bq")]
    assert {r.leaf for r in done.ruled_out} == {"l-rules", "l-custom"}


def test_not_sure_without_a_common_branch_takes_the_first() -> None:
    done = walk(TREE, {"d-ml": NOT_SURE})
    assert done.leaf == "l-rules" and done.path[0].unsure
    assert [r.leaf for r in done.open] == ["l-bqml", "l-automl", "l-custom"]


def test_answers_along_maps_choices_in_question_order() -> None:
    assert answers_along(TREE, ["ml", NOT_SURE, "none"]) == {
        "d-ml": "ml",
        "d-data": NOT_SURE,
        "d-code": "none",
    }
    with pytest.raises(WalkError, match="no choice 'bq'"):
        answers_along(TREE, ["ml", "files", "bq"])
    with pytest.raises(WalkError, match="after the walk reached a leaf"):
        answers_along(TREE, ["rules", "bq"])


def test_a_leaf_still_reachable_from_the_answer_is_not_ruled_out() -> None:
    shared = two_way_tree(("l-other", "l-shared"))
    done = walk(shared, {"d-a": "x", "d-b": NOT_SURE})
    assert done.leaf == "l-other"
    assert done.ruled_out == []
    assert [r.leaf for r in done.open] == ["l-shared"]


def test_layout_places_each_leaf_on_its_own_row_and_marks_the_path() -> None:
    plan = layout_tree(TREE, {("d-ml", "ml"), ("d-data", "files")})
    leaves = [b for b in plan.boxes if b.kind == "leaf"]
    questions = {b.ref: b for b in plan.boxes if b.kind == "question"}
    assert [b.ref for b in leaves] == ["l-rules", "l-bqml", "l-automl", "l-custom"]
    assert len({b.y for b in leaves}) == 4 and plan.height > max(b.y for b in leaves)
    assert questions["d-ml"].x < questions["d-data"].x < questions["d-code"].x
    ys = [b.y for b in leaves if b.ref in {"l-automl", "l-custom"}]
    assert min(ys) <= questions["d-code"].y <= max(ys)
    assert {b.ref for b in plan.boxes if b.on_path} == {"d-ml", "d-data", "d-code"}
    assert {(e.node, e.choice) for e in plan.edges if e.on_path} == {
        ("d-ml", "ml"),
        ("d-data", "files"),
    }
    assert len(plan.edges) == 6 and plan.width > questions["d-code"].x
