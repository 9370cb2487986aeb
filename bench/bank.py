"""Question bank quality: reading cues and the blind panel, per section (docs/benchmarks.md §6).

Prints a Markdown table and writes bench/results/bank.json. The figures come from the pack
itself: cues are computed from the items, panel figures from the blind reads recorded in them
(docs/authoring.md), counted for each item's current revision only, each item once.

    python bench/bank.py [PACK_DIR]
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

from examprep.content.cues import question_cues  # noqa: E402
from examprep.content.loader import load_pack  # noqa: E402
from examprep.content.schema import Question  # noqa: E402
from examprep.content.stats import panel_shares  # noqa: E402


def row(name: str, questions: list[Question]) -> dict[str, float | int | str]:
    cues = [question_cues(q) for q in questions]
    single = [c for q, c in zip(questions, cues, strict=True) if q.kind == "single"]
    expert, expert_hes, expert_n = panel_shares(questions, "expert")
    testwise, _, testwise_n = panel_shares(questions, "test-wise")
    return {
        "section": name,
        "items": len(questions),
        "key_longest": sum(c.key_longest for c in single) / max(1, len(single)),
        "solver": sum(c.solver_score for c in cues) / max(1, len(cues)),
        "chance": sum(c.chance for c in cues) / max(1, len(cues)),
        "expert_read": expert_n,
        "expert_reached_key": expert,
        "expert_hesitant": expert_hes,
        "testwise_read": testwise_n,
        "testwise_reached_key": testwise,
        "difficulty_4_5": sum(q.difficulty >= 4 for q in questions) / max(1, len(questions)),
    }


def main() -> None:
    pack = load_pack(sys.argv[1] if len(sys.argv) > 1 else None)
    questions = list(pack.questions)
    rows = [row(s.id, [q for q in questions if q.section == s.id]) for s in pack.sections]
    rows.append(row("all", questions))
    head = (
        "| section | items | key longest | test-wise solver (chance) | expert reached key "
        "(hesitant) | test-wise reader reached key | difficulty 4-5 |"
    )
    print(head)
    print("|---|---|---|---|---|---|---|")
    for r in rows:
        print(
            f"| {r['section']} | {r['items']} | {r['key_longest']:.0%} | "
            f"{r['solver']:.0%} ({r['chance']:.0%}) | {r['expert_reached_key']:.1%} "
            f"({r['expert_hesitant']:.0%}) of {r['expert_read']} | "
            f"{r['testwise_reached_key']:.1%} of {r['testwise_read']} | "
            f"{r['difficulty_4_5']:.0%} |"
        )
    out = ROOT / "bench" / "results" / "bank.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(rows, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
