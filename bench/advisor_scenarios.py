"""Advisor scenarios: share reaching the expected leaf, questions per walk (benchmarks §8).

Walks the scenario sets with the answers recorded for each (the test set in
tests/data/advisor-scenarios.yaml and the held-out set in bench/data/advisor-heldout.yaml,
which was written before the test set and never used to tune the tree). Prints a Markdown
table and writes bench/results/advisor.json.

    python bench/advisor_scenarios.py
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

from examprep.content.loader import load_pack  # noqa: E402
from examprep.engine.advisor import NOT_SURE, Tree, WalkError, answers_along, walk  # noqa: E402
from examprep.services.advisor import engine_tree  # noqa: E402

SETS = {
    "test scenarios": ROOT / "tests" / "data" / "advisor-scenarios.yaml",
    "held-out scenarios": ROOT / "bench" / "data" / "advisor-heldout.yaml",
}


def score(tree: Tree, scenarios: list[dict[str, object]]) -> dict[str, object]:
    """Hits, misses (with where they went) and walk lengths for one scenario set."""
    hits, misses, lengths, unsure = 0, [], [], 0
    for s in scenarios:
        expected = str(s.get("leaf") or s.get("expect"))
        choices = [str(c) for c in s["answers"]]  # type: ignore[attr-defined]
        try:
            reached = walk(tree, answers_along(tree, choices)).leaf
        except WalkError as exc:
            reached = f"error: {exc}"
        lengths.append(len(choices))
        unsure += NOT_SURE in choices
        if reached == expected:
            hits += 1
        else:
            misses.append({"expected": expected, "reached": reached, "says": s["says"]})
    n = len(scenarios)
    return {
        "scenarios": n,
        "hits": hits,
        "hit_rate": hits / n,
        "mean_questions": sum(lengths) / n,
        "with_not_sure": unsure,
        "misses": misses,
    }


def main() -> None:
    pack = load_pack()
    tree = engine_tree(pack)
    out = {"leaves": len(tree.leaves), "questions": len(tree.questions)}
    print(f"{len(tree.leaves)} leaves, {len(tree.questions)} questions\n")
    print("| set | scenarios | reach the expected leaf | questions per walk | with 'not sure' |")
    print("|---|---|---|---|---|")
    for name, path in SETS.items():
        data = yaml.safe_load(path.read_text(encoding="utf-8"))["scenarios"]
        result = score(tree, data)
        out[name] = result
        print(
            f"| {name} | {result['scenarios']} | {result['hits']} ({result['hit_rate']:.0%}) "
            f"| {result['mean_questions']:.1f} | {result['with_not_sure']} |"
        )
    for name in SETS:
        for miss in out[name]["misses"]:  # type: ignore[index]
            print(f"\nmiss ({name}): {miss['says']} -> {miss['reached']}, not {miss['expected']}")
    results = ROOT / "bench" / "results"
    results.mkdir(exist_ok=True)
    (results / "advisor.json").write_text(json.dumps(out, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
