"""Search quality: top-3 hit rate of `examprep search` on learner-style queries.

Two query sets live next to this file: search_queries_tuning.yaml (used while adjusting the
pack's search.yaml and the ranking) and search_queries_heldout.yaml (written before the search
changes and never tuned on). A query is found when any of its `hits` ids is among the first
three results of the search the CLI runs (every kind: notes, cards, tables, questions and, where
the index has them, advisor leaves and product names).

    python bench/search.py [--show-misses] [--src PATH]

`--src PATH` measures another source tree (for example `git worktree add /tmp/before <commit>`
then `--src /tmp/before/src`) with this tree's query sets, so one run reports before and after.
Writes bench/results/search.json.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import yaml

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
SETS = {
    "tuning": HERE / "search_queries_tuning.yaml",
    "heldout": HERE / "search_queries_heldout.yaml",
}
TOP = 3

# Runs inside the measured tree's interpreter path: build that tree's index over its own
# bundled pack and print the first three (kind, id) pairs of each query as JSON.
PROBE = """
import json, sys
from examprep.content.loader import load_pack
from examprep.content.search import build_index
index = build_index(load_pack())
queries = json.load(sys.stdin)
print(json.dumps([[h.id for h in index.search(q, limit=int(sys.argv[1]))] for q in queries]))
"""


def load_queries(path: Path) -> list[dict[str, Any]]:
    """The queries of one set: each a dict with `q` (the words) and `hits` (ids that count)."""
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    return list(data["queries"])


def results(src: Path, queries: list[str]) -> list[list[str]]:
    """The first three result ids per query, from the search of the tree at `src`."""
    done = subprocess.run(
        [sys.executable, "-c", PROBE, str(TOP)],
        input=json.dumps(queries),
        capture_output=True,
        text=True,
        check=True,
        env={"PYTHONPATH": str(src), "PATH": "/usr/bin:/bin"},
    )
    return list(json.loads(done.stdout))


def score(src: Path, show_misses: bool) -> dict[str, Any]:
    """Top-3 hit rate for each query set; the misses listed when asked."""
    out: dict[str, Any] = {}
    for name, path in SETS.items():
        queries = load_queries(path)
        found = results(src, [q["q"] for q in queries])
        misses = [
            {"q": q["q"], "wanted": q["hits"], "got": got}
            for q, got in zip(queries, found, strict=True)
            if not set(q["hits"]) & set(got)
        ]
        hits = len(queries) - len(misses)
        out[name] = {"queries": len(queries), "found": hits, "top3": hits / len(queries)}
        if show_misses:
            for miss in misses:
                print(f"  miss [{name}] {miss['q']!r}: wanted {miss['wanted']}, got {miss['got']}")
        out[name]["misses"] = misses
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--src", type=Path, default=ROOT / "src", help="source tree to measure")
    parser.add_argument("--show-misses", action="store_true", help="print every missed query")
    args = parser.parse_args()
    measured = score(args.src.resolve(), args.show_misses)
    print(f"{'set':<8} {'queries':>7} {'found':>5} {'top-3':>6}   ({args.src})")
    for name, row in measured.items():
        print(f"{name:<8} {row['queries']:>7} {row['found']:>5} {row['top3']:>6.1%}")
    results_dir = HERE / "results"
    results_dir.mkdir(exist_ok=True)
    payload = {"benchmark": "search", "src": str(args.src), "top": TOP, "sets": measured}
    (results_dir / "search.json").write_text(json.dumps(payload, indent=2) + "\n")


if __name__ == "__main__":
    main()
