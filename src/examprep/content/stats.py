"""Pack statistics: coverage per section/subsection/bullet, key balance, lengths (`pack stats`)."""

from __future__ import annotations

import statistics
from collections import Counter
from typing import Any

from examprep.content.cues import question_cues
from examprep.content.notelinks import link_coverage
from examprep.content.pack import Pack
from examprep.content.schema import Question

LETTERS = "ABCDEF"
# docs/authoring.md: experts reach the key in at least 97 % of reads, test-wise readers in at most
# 35 % (chance is 25-30 %).
PANEL_TARGETS = {"expert": 0.97, "test-wise": 0.35}


def _longest_is_correct(q: Question) -> bool:
    return question_cues(q).key_longest


def _cues(questions: list[Question]) -> dict[str, float | int]:
    """Reading cues of a group of questions (docs/authoring.md; all lengths in characters)."""
    cues = [question_cues(q) for q in questions]
    single = [c for q, c in zip(questions, cues, strict=True) if q.kind == "single"]
    n = len(cues)
    return {
        "key_longest": _share(sum(c.key_longest for c in single), len(single)),
        "key_only_shared": _share(sum(c.key_only_shared for c in cues), n),
        "length_spread": round(sum(c.length_spread for c in cues) / n, 3) if n else 0.0,
        "non_technical": sum(bool(c.non_technical) for c in cues),
        "solver": round(sum(c.solver_score for c in cues) / n, 4) if n else 0.0,
        "chance": round(sum(c.chance for c in cues) / n, 4) if n else 0.0,
    }


def panel_shares(questions: list[Question], role: str) -> tuple[float, float, int]:
    """How often readers of `role` reached the key, and hesitated, over the items they read.

    Each item counts once, with the share of its current revision's reads: an item read three
    times weighs no more than one read once. Returns (reached, hesitant, items read).
    """
    reached: list[float] = []
    hesitant: list[float] = []
    for q in questions:
        reads = q.reads(role)
        if reads:
            reached.append(sum(sorted(r.answer) == q.key_letters for r in reads) / len(reads))
            hesitant.append(sum(r.hesitant for r in reads) / len(reads))
    n = len(reached)
    return _share(sum(reached), n), _share(sum(hesitant), n), n


def _panel(questions: list[Question]) -> dict[str, Any]:
    """Blind reads of the current revisions: agreement with the key, families, difficulty."""
    out: dict[str, Any] = {"items_read": {}, "reached_key": {}, "hesitant": {}}
    for role in ("expert", "test-wise"):
        reached, hesitant, n = panel_shares(questions, role)
        out["items_read"][role] = n
        out["reached_key"][role] = reached
        out["hesitant"][role] = hesitant
    families = {q.family for q in questions if q.family}
    out["families"] = len(families)
    out["decisive_facts"] = len(families) + sum(
        1 for q in questions if not q.family and q.decisive_fact
    )
    out["difficulty"] = {str(d): sum(q.difficulty == d for q in questions) for d in range(1, 6)}
    out["targets"] = {"expert": PANEL_TARGETS["expert"], "test-wise": PANEL_TARGETS["test-wise"]}
    out["met"] = (
        out["reached_key"]["expert"] >= PANEL_TARGETS["expert"]
        and out["reached_key"]["test-wise"] <= PANEL_TARGETS["test-wise"]
    )
    return out


def _question_counts(questions: list[Question]) -> dict[str, int]:
    return {
        "questions": len(questions),
        "questions_reviewed": sum(q.reviewed is not None for q in questions),
        "questions_multi": sum(q.kind == "multi" for q in questions),
        "questions_genai": sum("genai" in q.tags for q in questions),
    }


def _distribution(values: list[int]) -> dict[str, float]:
    if not values:
        return {"min": 0, "median": 0, "max": 0}
    return {"min": min(values), "median": statistics.median(values), "max": max(values)}


def pack_stats(pack: Pack) -> dict[str, Any]:
    """The `pack stats --json` document (its shape is documented in docs/cli.md)."""
    questions = list(pack.questions)
    by_bullet: dict[str, list[Question]] = {bid: [] for bid in pack.bullets}
    for q in questions:
        for bid in q.covers:
            by_bullet.setdefault(bid, []).append(q)
    notes_by_bullet = Counter(b for n in pack.notes for b in n.meta.covers)
    cards_by_bullet = Counter(b for c in pack.cards for b in c.covers)

    sections: list[dict[str, Any]] = []
    for section in pack.sections:
        section_qs = [q for q in questions if q.section == section.id]
        subsections = []
        for sub in section.subsections:
            bullets = []
            for bullet in sub.bullets:
                bqs = by_bullet.get(bullet.id, [])
                bullets.append(
                    {
                        "id": bullet.id,
                        "text": bullet.text,
                        "notes": notes_by_bullet[bullet.id],
                        "cards": cards_by_bullet[bullet.id],
                        "questions": len(bqs),
                        "questions_reviewed": sum(q.reviewed is not None for q in bqs),
                    }
                )
            sub_qs = [q for q in questions if q.covers[0] in {b.id for b in sub.bullets}]
            subsections.append(
                {"id": sub.id, "title": sub.title, "questions": len(sub_qs), "bullets": bullets}
            )
        sections.append(
            {
                "id": section.id,
                "title": section.title,
                "weight": section.weight,
                **_question_counts(section_qs),
                "cues": _cues(section_qs),
                "subsections": subsections,
            }
        )

    keys = Counter(LETTERS[i] for q in questions for i in q.key)
    answer_keys = {letter: keys.get(letter, 0) for letter in "ABCD"}
    answer_keys.update({k: v for k, v in keys.items() if k not in answer_keys})
    stem_words = [len(q.stem.split()) for q in questions]
    option_words = [len(o.text.split()) for q in questions for o in q.options]
    all_bullets: list[dict[str, Any]] = [
        b for s in sections for sub in s["subsections"] for b in sub["bullets"]
    ]
    totals = {
        "notes": len(pack.notes),
        "cards": len(pack.cards),
        **_question_counts(questions),
        "questions_retired": len(pack.retired),
        "tables": len(pack.tables),
        "drills": len(pack.drills),
        "tables_with_drills": len({q.id.split(":")[1] for q in pack.drills}),
        "advisor_leaves": len(pack.advisor.leaves) if pack.advisor else 0,
        "products": len(pack.names),
        "sections": len(pack.sections),
        "subsections": sum(len(s.subsections) for s in pack.sections),
        "bullets": len(pack.bullets),
    }
    return {
        "pack": {"id": pack.id, "title": pack.meta.title, "guide_date": _iso(pack)},
        "totals": totals,
        "answer_keys": answer_keys,
        "longest_option_correct": {
            "count": sum(_longest_is_correct(q) for q in questions),
            "share": _share(
                sum(_longest_is_correct(q) for q in questions),
                sum(q.kind == "single" for q in questions),
            ),
        },
        "multi_share": _share(totals["questions_multi"], len(questions)),
        "cues": _cues(questions),
        "panel": _panel(questions),
        "note_links": link_coverage(pack),
        "words": {"stem": _distribution(stem_words), "option": _distribution(option_words)},
        "coverage": {
            "bullets_without_notes": [b["id"] for b in all_bullets if b["notes"] == 0],
            "bullets_without_cards": [b["id"] for b in all_bullets if b["cards"] == 0],
            "bullets_under_3_questions": [b["id"] for b in all_bullets if b["questions"] < 3],
        },
        "sections": sections,
    }


def _iso(pack: Pack) -> str | None:
    return pack.meta.guide_date.isoformat() if pack.meta.guide_date else None


def _share(part: float, whole: int) -> float:
    return round(part / whole, 4) if whole else 0.0
