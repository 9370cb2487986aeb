"""Reading cues: signs that a question can be answered from its wording instead of knowledge.

All lengths are in characters. A simple test-wise solver combines three cues a clever reader
uses (the longest option, the option sharing most of the stem's terms, the most specific
option); its expected score on a bank should stay near chance.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from itertools import combinations

from examprep.content.schema import Question
from examprep.content.wording import STOP_WORDS

# Words that make a distractor a non-technical process, the shape authoring.md rules out.
NON_TECHNICAL = re.compile(
    r"\b(e-?mail(?:s|ed|ing)?|spreadsheets?|checklists?|meetings?|by hand|manually|"
    r"phone calls?|printed|wiki pages?|post-it|sticky notes?|ask (?:the|a) (?:team|colleague))\b",
    re.IGNORECASE,
)
# Search's stop words plus the filler of scenario stems, which says nothing about an option.
_STOP = STOP_WORDS | frozenset(
    [
        "all",
        "any",
        "been",
        "but",
        "can",
        "company",
        "could",
        "each",
        "has",
        "have",
        "if",
        "into",
        "its",
        "may",
        "more",
        "most",
        "must",
        "need",
        "needs",
        "new",
        "no",
        "not",
        "one",
        "only",
        "other",
        "our",
        "same",
        "should",
        "so",
        "some",
        "such",
        "team",
        "teams",
        "than",
        "that",
        "their",
        "them",
        "then",
        "there",
        "these",
        "they",
        "this",
        "those",
        "too",
        "two",
        "under",
        "up",
        "use",
        "used",
        "uses",
        "using",
        "wants",
        "was",
        "we",
        "where",
        "while",
        "will",
        "within",
        "without",
        "would",
        "you",
        "your",
    ]
)
_TERM = re.compile(r"[a-z][a-z0-9.+/-]*[a-z0-9]")
_SPECIFIC = re.compile(r"\d|[A-Z]{2,}|[a-z][A-Z]|\w[._]\w|,")


def terms(text: str) -> frozenset[str]:
    """Content words of a text (lower case, four letters or more, no stop words)."""
    return frozenset(t for t in _TERM.findall(text.lower()) if len(t) >= 4 and t not in _STOP)


@dataclass(frozen=True)
class Cues:
    """The reading cues of one question."""

    key_longest: bool  # single answer: the key is the single longest option by characters
    key_only_shared: bool  # only the key shares stem terms that no other option has
    length_spread: float  # longest option / shortest option, in characters
    non_technical: tuple[int, ...]  # distractors (authored index) worded as a non-technical step
    solver_score: float  # expected score of the test-wise solver (ties split)
    chance: float  # expected score of a blind guess


def _ranks_top(values: list[float], choose: int) -> list[set[int]]:
    """The option sets a solver picking the `choose` highest values would choose, with ties."""
    order = sorted(range(len(values)), key=lambda i: -values[i])
    cutoff = values[order[choose - 1]]
    sure = {i for i in order if values[i] > cutoff}
    tied = [i for i in order if values[i] == cutoff]
    need = choose - len(sure)
    if math.comb(len(tied), need) > 50:
        return [set(order[:choose])]

    return [sure | set(extra) for extra in combinations(tied, need)]


def question_cues(q: Question) -> Cues:
    """Reading cues of `q` (see the module docstring)."""
    lengths = [len(" ".join(o.text.split())) for o in q.options]
    key = set(q.key)
    top = max(lengths)
    key_longest = q.kind == "single" and lengths.count(top) == 1 and lengths.index(top) in key
    stem_terms = terms(q.stem)
    option_terms = [terms(o.text) & stem_terms for o in q.options]
    exclusive = [
        t - set().union(*(o for j, o in enumerate(option_terms) if j != i))
        for i, t in enumerate(option_terms)
    ]
    key_only_shared = bool(exclusive) and all(
        bool(exclusive[i]) == (i in key) for i in range(len(q.options))
    )
    non_technical = tuple(
        i for i, o in enumerate(q.options) if i not in key and NON_TECHNICAL.search(o.text)
    )
    # The solver: rank options by length, stem overlap and specificity; pick the best total.
    overlap = [len(t) for t in option_terms]
    specific = [len(_SPECIFIC.findall(o.text)) for o in q.options]
    score = [
        _rank(lengths)[i] + _rank(overlap)[i] + _rank(specific)[i] for i in range(len(lengths))
    ]
    picks = _ranks_top([float(s) for s in score], q.choose)
    solver = sum(p == key for p in picks) / len(picks)
    chance = 1 / math.comb(len(q.options), q.choose)
    return Cues(
        key_longest=key_longest,
        key_only_shared=key_only_shared,
        length_spread=round(top / max(1, min(lengths)), 3),
        non_technical=non_technical,
        solver_score=solver,
        chance=chance,
    )


def _rank(values: list[int]) -> list[float]:
    """Average ranks (0 = smallest), so ties share a rank."""
    ordered = sorted(values)
    return [
        sum(i for i, v in enumerate(ordered) if v == value) / ordered.count(value)
        for value in values
    ]
