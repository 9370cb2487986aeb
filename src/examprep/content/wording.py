"""How a learner's words map onto the pack's: aliases, former names, synonyms and spellings.

Pure text work, no index: `variants` rewrites a query (aliases, then former product names to
today's), `concepts` splits one variant into the things it asks for, each with every way of
writing it (synonym groups from the pack's search.yaml, British and American spellings).
Suffixes are left to the index's Porter stemmer ("drifting" finds "drift").
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from examprep.content.schema import Product, SearchWords

FORMER_NAME_WEIGHT = 0.3
STOP_WORDS = frozenset(
    [
        "a",
        "an",
        "and",
        "are",
        "as",
        "at",
        "be",
        "by",
        "do",
        "does",
        "for",
        "from",
        "how",
        "i",
        "in",
        "is",
        "it",
        "of",
        "on",
        "or",
        "the",
        "to",
        "vs",
        "what",
        "when",
        "which",
        "who",
        "why",
        "with",
    ]
)
_WORD = re.compile(r"\w+", re.UNICODE)
# British -> American endings, tried in this order; each spelling finds the other.
_SPELLINGS = (
    ("isation", "ization"),
    ("isations", "izations"),
    ("ising", "izing"),
    ("ised", "ized"),
    ("ise", "ize"),
    ("ises", "izes"),
    ("iser", "izer"),
    ("isers", "izers"),
    ("yse", "yze"),
    ("ysed", "yzed"),
    ("ysing", "yzing"),
    ("our", "or"),
    ("ours", "ors"),
    ("elled", "eled"),
    ("elling", "eling"),
    ("ogue", "og"),
    ("ogues", "ogs"),
    ("tre", "ter"),
    ("tres", "ters"),
    ("ence", "ense"),
)


def words(text: str) -> list[str]:
    """The lower-cased words of `text` without stop words (all of them if only stop words)."""
    every = [m.lower() for m in _WORD.findall(text)]
    return [w for w in every if w not in STOP_WORDS] or every


def spellings(word: str) -> list[str]:
    """`word` and its other spelling (British <-> American): "normalise" -> "normalize"."""
    out = [word]
    if len(word) < 5:
        return out
    for british, american in _SPELLINGS:
        for a, b in ((british, american), (american, british)):
            if word.endswith(a) and len(word) - len(a) >= 3:
                out.append(word[: -len(a)] + b)
    return list(dict.fromkeys(out))


def _replace(query: str, pairs: Iterable[tuple[str, str]]) -> str:
    """`query` with each `old` (whole words, any case) replaced by `new`; longest first."""
    claimed: list[tuple[int, int, str]] = []  # (start, end, replacement)
    for old, new in sorted(pairs, key=lambda pair: -len(pair[0])):
        pattern = re.compile(rf"(?<!\w){re.escape(old)}(?!\w)", re.IGNORECASE)
        for match in pattern.finditer(query):
            start, end = match.span()
            # Longest names claim their words first: "Vertex AI Pipelines" before "Vertex AI".
            if all(end <= s or start >= e for s, e, _ in claimed):
                claimed.append((start, end, new))
    out, last = [], 0
    for start, end, new in sorted(claimed):
        out += [query[last:start], new]
        last = end
    out.append(query[last:])
    return "".join(out)


def renames(products: Iterable[Product]) -> list[tuple[str, str]]:
    """(former name, current name) pairs from the rename map."""
    return [(f.name, p.short or p.name) for p in products for f in p.former]


def expand_query(query: str, products: Iterable[Product]) -> list[str]:
    """The query, then the query with each former product name in it replaced by today's."""
    renamed = _replace(query, renames(products))
    return [query] if renamed == query else [query, renamed]


def variants(
    query: str, products: Iterable[Product], aliases: Mapping[str, str]
) -> list[tuple[str, float]]:
    """(variant, weight): the query as typed, with aliases spelled out, and with today's names.

    The last variant counts fully and earlier ones at FORMER_NAME_WEIGHT: a learner typing a
    former name or an abbreviation wants today's topic first.
    """
    spelled = _replace(query, aliases.items())
    found = list(dict.fromkeys([query, *expand_query(spelled, products)]))
    return [(v, 1.0 if i == len(found) - 1 else FORMER_NAME_WEIGHT) for i, v in enumerate(found)]


@dataclass(frozen=True)
class Concept:
    """One thing a query asks for, with every phrase that names it (lower-case words)."""

    typed: str
    phrases: tuple[str, ...]


def synonym_table(search: SearchWords) -> dict[str, tuple[str, ...]]:
    """Each synonym phrase (lower-case words joined by spaces) -> every phrase of its group."""
    table: dict[str, tuple[str, ...]] = {}
    for group in search.synonyms:
        phrases = tuple(dict.fromkeys(" ".join(_lower_words(t)) for t in group))
        for phrase in phrases:
            table[phrase] = tuple(dict.fromkeys([*table.get(phrase, ()), *phrases]))
    return table


def _lower_words(text: str) -> list[str]:
    return [m.lower() for m in _WORD.findall(text)]


def concepts(variant: str, synonyms: Mapping[str, tuple[str, ...]]) -> list[Concept]:
    """The concepts of one query variant: synonym phrases (longest first), then single words."""
    tokens = _lower_words(variant)
    longest = max((len(p.split()) for p in synonyms), default=1)
    out: list[Concept] = []
    i = 0
    while i < len(tokens):
        for size in range(min(longest, len(tokens) - i), 0, -1):
            phrase = " ".join(tokens[i : i + size])
            if phrase in synonyms and (size > 1 or phrase not in STOP_WORDS):
                forms = [s for p in synonyms[phrase] for s in _spelled_phrase(p)]
                out.append(Concept(phrase, tuple(dict.fromkeys(forms))))
                i += size
                break
        else:
            out.append(Concept(tokens[i], tuple(spellings(tokens[i]))))
            i += 1
    meaningful = [c for c in out if c.typed not in STOP_WORDS]
    return list({c.typed: c for c in meaningful or out}.values())


def _spelled_phrase(phrase: str) -> list[str]:
    """A phrase and, for a one-word phrase, its other spelling."""
    return spellings(phrase) if " " not in phrase else [phrase]
