"""Blind review: sheets for the panel's readers and the recording of their answers in the pack.

Every question is answered blind by two kinds of reader who did not write it (docs/authoring.md):
an *expert* (is the key right?) and a *test-wise* reader who may use only wording, constraints
and option shape (is knowledge needed?). The test-wise sheet masks every product and technical
name, consistently within an item, so that reader cannot fall back on product knowledge while
still seeing which options repeat the stem's terms.
"""

from __future__ import annotations

import datetime as dt
import re
import textwrap
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from examprep.content.schema import PanelRead, Question

__all__ = [
    "ReadAnswer",
    "blind_sheet",
    "mask_names",
    "panel_difficulty",
    "parse_answer",
    "record_fact_check",
    "record_reads",
    "technical_names",
]


def panel_difficulty(q: Question, reads: Iterable[PanelRead] = ()) -> int | None:
    """Difficulty 1-5 from the blind reads of the current revision (None until both roles read).

    A test-wise reader who reached the key without guessing makes it at most 2 (1 if every
    expert was also sure); an expert who missed the key makes it 5, one who hesitated 4;
    otherwise 3. docs/authoring.md states the rule.
    """
    current = [*q.reads("expert"), *q.reads("test-wise")]
    current += [r for r in reads if r.revision == q.revision]
    experts = [r for r in current if r.role == "expert"]
    testwise = [r for r in current if r.role == "test-wise"]
    if not experts or not testwise:
        return None
    key = q.key_letters
    if any(sorted(r.answer) == key and not r.hesitant for r in testwise):
        return 1 if all(sorted(r.answer) == key and not r.hesitant for r in experts) else 2
    if any(sorted(r.answer) != key for r in experts):
        return 5
    if any(r.hesitant for r in experts):
        return 4
    return 3


# A technical name: a word with a capital letter after its first character (BigQuery, AutoML),
# an all-capitals word of two or more letters (TPU, SQL), a dotted or underscored identifier
# (ML.EVALUATE, tf.data, max_iterations), a word with digits (A100, v5e), a lower-case word of
# three or more hyphenated parts (container-allow-fuse: flags and metadata keys, unless it is an
# everyday compound such as end-to-end) or a capitalised word that is not the first of its
# sentence; runs of such words ("Agent Platform Pipelines") are one name.
_WORD = r"[A-Za-z0-9][A-Za-z0-9._/+-]*[A-Za-z0-9]|[A-Za-z0-9]"
_TOKEN = re.compile(_WORD)
_SENTENCE_END = re.compile(r"[.!?:]\s*$")
_EVERYDAY_COMPOUNDS = frozenset(
    [
        "end-to-end",
        "up-to-date",
        "out-of-date",
        "day-to-day",
        "state-of-the-art",
        "one-to-one",
        "one-to-many",
        "many-to-many",
        "word-for-word",
        "face-to-face",
        "all-or-nothing",
    ]
)


def _is_technical(word: str, sentence_start: bool) -> bool:
    if re.search(r"[a-z][A-Z]|[A-Z]{2,}|\w[._/]\w|\d", word):
        return True
    if word.count("-") >= 2 and word.lower() not in _EVERYDAY_COMPOUNDS:
        return True
    return word[0].isupper() and not sentence_start


def mask_names(texts: Iterable[str]) -> list[str]:
    """Replace technical names with placeholders ([N1], [N2], ...) consistent across `texts`."""
    names: dict[str, str] = {}
    return [_mask(text, names) for text in texts]


def _mask(text: str, names: dict[str, str]) -> str:
    spans: list[tuple[int, int]] = []  # runs of technical words separated by single spaces
    for match in _TOKEN.finditer(text):
        before = text[: match.start()]
        sentence_start = not before.strip() or bool(_SENTENCE_END.search(before))
        if not _is_technical(match.group(), sentence_start):
            continue
        if spans and text[spans[-1][1] : match.start()] == " ":
            spans[-1] = (spans[-1][0], match.end())
        else:
            spans.append((match.start(), match.end()))
    pieces: list[str] = []
    pos = 0
    for start, end in spans:
        label = names.setdefault(text[start:end], f"[N{len(names) + 1}]")
        pieces += [text[pos:start], label]
        pos = end
    return "".join([*pieces, text[pos:]])


def technical_names(text: str) -> list[str]:
    """The technical names in `text`, as the test-wise sheet would mask them."""
    names: dict[str, str] = {}
    _mask(text, names)
    return list(names)


def blind_sheet(questions: Iterable[Question], *, role: str) -> str:
    """A Markdown sheet of questions without keys or explanations, for one reader role."""
    masked = role == "test-wise"
    parts: list[str] = []
    for q in questions:
        texts = [q.stem, *(o.text for o in q.options)]
        if masked:
            texts = mask_names(texts)
        ask = f" (choose {q.choose})" if q.kind == "multi" else ""
        parts.append(f"## {q.id}@{q.revision}{ask}\n\n{_fill(texts[0])}\n")
        for i, text in enumerate(texts[1:]):
            parts.append(f"{chr(ord('A') + i)}. {_fill(text)}\n")
        parts.append("")
    return "\n".join(parts)


def _fill(text: str) -> str:
    return textwrap.fill(" ".join(text.split()), width=100, subsequent_indent="   ")


@dataclass(frozen=True)
class ReadAnswer:
    """One reader's answer to one revision of one question."""

    item: str
    revision: int
    answer: tuple[str, ...]
    hesitant: bool


def parse_answer(key: str, value: object) -> ReadAnswer:
    """`q-s1-001@2: "A,C?"` -> the letters, and whether the reader hesitated (a trailing ?)."""
    match = re.fullmatch(r"([a-z0-9][a-z0-9-]*)@([1-9][0-9]*)", key)
    if match is None:
        raise ValueError(f"{key!r}: expected ITEM@REVISION, e.g. q-s1-001@1")
    text = ",".join(value) if isinstance(value, list) else str(value)
    hesitant = text.strip().endswith("?")
    letters = tuple(sorted(x.strip().upper() for x in text.strip().rstrip("?").split(",")))
    if not letters or any(not re.fullmatch(r"[A-F]", x) for x in letters):
        raise ValueError(f"{key}: {value!r} is not an answer like B, A,C or B?")
    return ReadAnswer(match.group(1), int(match.group(2)), letters, hesitant)


def record_reads(
    files: Mapping[str, Path],
    current: Mapping[str, Question],
    *,
    reader: str,
    role: Literal["expert", "test-wise"],
    date: dt.date,
    answers: Iterable[ReadAnswer],
    facts: Mapping[str, str] | None = None,
) -> list[str]:
    """Append each answer to its item's `panel:` list in the YAML files; return the items changed.

    An answer to an older revision than the item's current one is refused, and so is a second
    read of the same revision by the same reader: the pack keeps one read per reader and text.
    `facts` fills `decisive_fact` on items that have none yet.
    """
    by_file: dict[Path, list[ReadAnswer]] = {}
    new_reads: dict[str, list[PanelRead]] = {}
    for a in answers:
        q = current.get(a.item)
        if q is None:
            raise ValueError(f"{a.item}: no such question")
        if a.revision != q.revision:
            raise ValueError(f"{a.item}: read revision {a.revision}, current is {q.revision}")
        if any(r.reader == reader and r.revision == a.revision for r in q.panel):
            raise ValueError(f"{a.item}@{a.revision}: {reader} already recorded")
        if len(a.answer) > len(q.options) or any(
            ord(x) - ord("A") >= len(q.options) for x in a.answer
        ):
            raise ValueError(f"{a.item}: answer {','.join(a.answer)} names a missing option")
        by_file.setdefault(files[a.item], []).append(a)
        new_reads.setdefault(a.item, []).append(
            PanelRead(
                reader=reader,
                role=role,
                date=date,
                revision=a.revision,
                answer=list(a.answer),
                hesitant=a.hesitant,
            )
        )
    changed: list[str] = []
    for path, reads in by_file.items():
        lines = path.read_text(encoding="utf-8").splitlines()
        for a in reads:
            entry = (
                f"      - {{reader: {reader}, role: {role}, date: {date.isoformat()}, "
                f"revision: {a.revision}, answer: [{', '.join(a.answer)}]"
                + (", hesitant: true" if a.hesitant else "")
                + "}"
            )
            fact = (facts or {}).get(a.item)
            q = current[a.item]
            difficulty = panel_difficulty(q, new_reads[a.item])
            lines = _insert_read(
                lines, a.item, entry, None if q.decisive_fact else fact, difficulty
            )
            changed.append(a.item)
        path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return changed


def _insert_read(
    lines: list[str], item: str, entry: str, fact: str | None, difficulty: int | None
) -> list[str]:
    start = next((i for i, ln in enumerate(lines) if ln.strip() == f"- id: {item}"), None)
    if start is None:
        raise ValueError(f"{item}: not found in its file")
    end = start + 1
    while end < len(lines) and not lines[end].startswith("  - "):
        end += 1
    while lines[end - 1].strip() == "":
        end -= 1
    block = lines[start:end]
    panel = next((i for i, ln in enumerate(block) if ln.rstrip() == "    panel:"), None)
    if panel is None:
        block.extend(["    panel:", entry])
    else:
        last = panel + 1
        while last < len(block) and block[last].startswith("      - "):
            last += 1
        block.insert(last, entry)
    if difficulty is not None:
        line = f"    difficulty: {difficulty}"
        at = next((i for i, ln in enumerate(block) if ln.startswith("    difficulty:")), None)
        if at is None:
            block.insert(1, line)
        else:
            block[at] = line
    if fact is not None:
        tags = next((i for i, ln in enumerate(block) if ln.startswith("    tags:")), 0)
        wrapped = textwrap.wrap(" ".join(fact.split()), width=92)
        block[tags + 1 : tags + 1] = ["    decisive_fact: >-", *(f"      {w}" for w in wrapped)]
    return [*lines[:start], *block, *lines[end:]]


def record_fact_check(
    files: Mapping[str, Path], items: Iterable[str], *, by: str, date: dt.date
) -> list[str]:
    """Set `reviewed` (the fact check of the current text) on each item to `by` on `date`."""
    changed: list[str] = []
    by_file: dict[Path, list[str]] = {}
    for item in items:
        if item not in files:
            raise ValueError(f"{item}: no such question")
        by_file.setdefault(files[item], []).append(item)
    for path, ids in by_file.items():
        lines = path.read_text(encoding="utf-8").splitlines()
        for item in ids:
            lines = _set_reviewed(lines, item, by, date)
            changed.append(item)
        path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return changed


def _set_reviewed(lines: list[str], item: str, by: str, date: dt.date) -> list[str]:
    start = next((i for i, ln in enumerate(lines) if ln.strip() == f"- id: {item}"), None)
    if start is None:
        raise ValueError(f"{item}: not found in its file")
    end = start + 1
    while end < len(lines) and not lines[end].startswith("  - "):
        end += 1
    block = lines[start:end]
    new = ["    reviewed:", f"      by: {by}", f"      date: {date.isoformat()}"]
    at = next((i for i, ln in enumerate(block) if ln.rstrip() == "    reviewed:"), None)
    if at is None:
        at = next((i for i, ln in enumerate(block) if ln.rstrip() == "    panel:"), len(block))
        while at > 0 and block[at - 1].strip() == "":
            at -= 1
        block[at:at] = new
    else:
        stop = at + 1
        while stop < len(block) and block[stop].startswith("      "):
            stop += 1
        block[at:stop] = new
    return [*lines[:start], *block, *lines[end:]]
