"""Walking the decision tree, ruled-out leaves, and drills that are unambiguous by construction."""

from __future__ import annotations

import random

import pytest

from examprep.engine.advisor import (
    Branch,
    Question,
    Tree,
    WalkError,
    answers_from_pairs,
    drill_paths,
    make_drill,
    reachable_leaves,
    walk,
)

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


def test_a_leaf_reachable_two_ways_is_never_ruled_out_on_the_way_to_itself() -> None:
    shared = Tree(
        root="d-a",
        questions={
            "d-a": Question(
                "d-a",
                "A?",
                "",
                (
                    Branch("x", "X", "d-b", None),
                    Branch("y", "Y", None, "l-shared"),
                ),
            ),
            "d-b": Question(
                "d-b",
                "B?",
                "",
                (
                    Branch("p", "P", None, "l-shared"),
                    Branch("q", "Q", None, "l-other"),
                ),
            ),
        },
        leaves=frozenset({"l-shared", "l-other"}),
    )
    done = walk(shared, {"d-a": "x", "d-b": "p"})
    assert done.leaf == "l-shared"
    assert [r.leaf for r in done.ruled_out] == ["l-other"]
