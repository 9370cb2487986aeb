"""Links from questions and cards to the note section that teaches their fact (`note:`).

`link_problem` checks one link; `link_coverage` counts the items that have one; `propose_links`
finds, for each item without a link, the note section whose words best match the item's
decisive fact (or a card's front and back) with the pack's own search; `write_links` puts the
chosen links into the YAML files the way `pack record` writes panel reads, line by line, so
a diff shows one added line per item.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Iterable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from examprep.content.pack import Pack
from examprep.content.schema import Card, Question
from examprep.content.search import Document, SearchIndex
from examprep.content.sections import sections, split_link

Confidence = Literal["high", "medium", "low"]
COVERS_BONUS = 1.5  # a section of a note that covers one of the item's bullets
SUMMARY_FACTOR = 0.7  # "Exam angle" restates the note; the section that teaches comes first
SUMMARY_SECTIONS = frozenset(["exam-angle"])
# High confidence: the best section has this share of the fact's words and beats the best
# section of any other note by this factor; medium: one of the two.
HIGH_COVERAGE = 0.6
HIGH_MARGIN = 1.5


def link_problem(pack: Pack, link: str) -> str | None:
    """Why `link` (note-id#section) leads nowhere, or None when it names a section of a note."""
    note_id, section = split_link(link)
    note = next((n for n in pack.notes if n.id == note_id), None)
    if note is None:
        return f"links to {link!r}, but there is no note {note_id!r}"
    slugs = [s.slug for s in sections(note.body)]
    if section not in slugs:
        return f"links to {link!r}, but note {note_id!r} has no section {section!r}"
    return None


def link_coverage(pack: Pack) -> dict[str, float | int]:
    """How many questions and cards link to a note section, and their shares."""
    questions = [q for q in pack.questions if not q.generated]
    linked_q = sum(q.note is not None for q in questions)
    linked_c = sum(c.note is not None for c in pack.cards)
    return {
        "questions": linked_q,
        "questions_share": round(linked_q / len(questions), 4) if questions else 0.0,
        "cards": linked_c,
        "cards_share": round(linked_c / len(pack.cards), 4) if pack.cards else 0.0,
    }


@dataclass(frozen=True)
class Proposal:
    """The note section proposed for one item, with how sure the match is."""

    item: str
    link: str
    section: str  # the section's heading
    coverage: float  # share of the query's concepts the section has
    margin: float  # best score over the best score of another note's section
    confidence: Confidence

    def to_json(self) -> dict[str, object]:
        return {
            "item": self.item,
            "link": self.link,
            "section": self.section,
            "coverage": round(self.coverage, 3),
            "margin": round(self.margin, 3),
            "confidence": self.confidence,
        }


def section_documents(pack: Pack) -> Iterator[Document]:
    """Each `##` section of each note as a searchable document, its id the link to it."""
    for note in pack.notes:
        for s in sections(note.body):
            yield Document("section", f"{note.id}#{s.slug}", s.title, s.text)


def _query(item: Question | Card) -> str:
    if isinstance(item, Card):
        return f"{item.front} {item.back}"
    if item.decisive_fact:
        return item.decisive_fact
    right = " ".join(o.text for o in item.options if o.correct)
    return f"{item.stem} {right}"


def propose_links(
    pack: Pack, replace: bool = False, only: Collection[str] | None = None
) -> list[Proposal]:
    """A note section for every question and card without a `note:` (every one if `replace`),
    or for the items named in `only`."""
    index = SearchIndex(section_documents(pack), pack.names, pack.search)
    covers = {n.id: set(n.meta.covers) for n in pack.notes}
    items: list[Question | Card] = [q for q in pack.questions if not q.generated]
    items += list(pack.cards)
    try:
        return [
            proposal
            for item in items
            if (replace or item.note is None) and (only is None or item.id in only)
            for proposal in [_propose(index, item, covers)]
            if proposal is not None
        ]
    finally:
        index.close()


def _propose(
    index: SearchIndex, item: Question | Card, covers: Mapping[str, set[str]]
) -> Proposal | None:
    hits = index.find(_query(item), limit=20, kinds=["section"], correct=False).hits
    scored: list[tuple[float, str, str, float]] = []  # (score, link, heading, coverage)
    for hit in hits:
        note_id, slug = split_link(hit.id)
        score = hit.score * (COVERS_BONUS if covers.get(note_id, set()) & set(item.covers) else 1)
        score *= SUMMARY_FACTOR if slug in SUMMARY_SECTIONS else 1.0
        scored.append((score, hit.id, hit.title, hit.coverage))
    if not scored:
        return None
    scored.sort(key=lambda row: (-row[0], row[1]))
    best, link, heading, coverage = scored[0]
    note_id = split_link(link)[0]
    rival = next((s for s, other, _, _ in scored if split_link(other)[0] != note_id), 0.0)
    margin = best / rival if rival else float("inf")
    sure = (coverage >= HIGH_COVERAGE) + (margin >= HIGH_MARGIN)
    confidence: Confidence = ("low", "medium", "high")[sure]
    return Proposal(item.id, link, heading, coverage, margin, confidence)


def write_links(files: Mapping[str, Path], links: Mapping[str, str]) -> list[str]:
    """Set `note: LINK` on each item in its YAML file; return the items changed.

    The line goes after the item's `decisive_fact` (questions) or `source` (cards), or replaces
    the item's `note:` line; nothing else in the file changes.
    """
    by_file: dict[Path, list[str]] = {}
    for item in links:
        if item not in files:
            raise ValueError(f"{item}: no such question or card")
        by_file.setdefault(files[item], []).append(item)
    changed: list[str] = []
    for path, items in by_file.items():
        lines = path.read_text(encoding="utf-8").splitlines()
        for item in items:
            lines = _set_note(lines, item, links[item])
            changed.append(item)
        path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return changed


def _set_note(lines: list[str], item: str, link: str) -> list[str]:
    start = next((i for i, ln in enumerate(lines) if ln.strip() == f"- id: {item}"), None)
    if start is None:
        raise ValueError(f"{item}: not found in its file")
    dash = lines[start].index("-")
    field = " " * (dash + 2)
    end = start + 1
    while end < len(lines) and (not lines[end].strip() or _indent(lines[end]) > dash):
        end += 1
    while lines[end - 1].strip() == "":
        end -= 1
    block = [lines[start].replace("- id:", " " * 2 + "id:", 1), *lines[start + 1 : end]]
    fields = _fields(block, field)
    new = f"{field}note: {link}"
    if "note" in fields:
        at, stop = fields["note"]
        block[at:stop] = [new]
    else:
        anchor = next((k for k in ("decisive_fact", "source", "back") if k in fields), "id")
        at = fields[anchor][1]
        block.insert(at, new)
    block[0] = lines[start]
    return [*lines[:start], *block, *lines[end:]]


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip(" "))


def _fields(block: Iterable[str], field: str) -> dict[str, tuple[int, int]]:
    """Each top-level key of an item's block -> (first line, line after its value)."""
    key = re.compile(rf"^{field}([a-z_]+):(?:\s|$)")
    out: dict[str, tuple[int, int]] = {}
    current: str | None = None
    for i, line in enumerate(block):
        match = key.match(line)
        if match:
            current = match.group(1)
            out[current] = (i, i + 1)
        elif current is not None and line.strip():
            out[current] = (out[current][0], i + 1)
    return out
