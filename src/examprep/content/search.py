"""Full-text search over a pack: an in-memory SQLite FTS5 index, built from the pack alone.

The index lives in a private in-memory SQLite database, whatever database the learner uses, so
search works the same on SQLite and PostgreSQL installations. Queries that use a product's
former name ("AI Platform", "Cloud Composer") are widened with its current name from
names.yaml, so old blog posts still lead to the right notes.
"""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from examprep.content.loader import Pack
from examprep.content.schema import Product

KINDS = ("note", "card", "table", "question")
# Column weights for bm25 (title, body) and a per-kind factor: a note is the place to learn a
# topic, so for the same text match it should outrank a card or a question that mentions it.
TITLE_WEIGHT = 4.0
BODY_WEIGHT = 1.0
KIND_WEIGHT = {"note": 5.0, "table": 2.0, "card": 1.0, "question": 0.8}
FORMER_NAME_WEIGHT = 0.3
MARK_OPEN, MARK_CLOSE = "\x02", "\x03"
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


@dataclass(frozen=True)
class Hit:
    """One search result; `snippet` marks matched words with **bold** (Markdown)."""

    kind: str
    id: str
    title: str
    snippet: str
    score: float

    def to_json(self) -> dict[str, object]:
        return {
            "kind": self.kind,
            "id": self.id,
            "title": self.title,
            "snippet": self.snippet,
            "score": self.score,
        }


@dataclass(frozen=True)
class Document:
    """What the index stores for one item."""

    kind: str
    id: str
    title: str
    body: str


def plain_text(markdown: str) -> str:
    """Markdown reduced to its words: link targets, emphasis, code marks and table rules go."""
    text = re.sub(r"!?\[([^\]]*)\]\([^)]*\)", r"\1", markdown)
    text = re.sub(r"https?://\S+", " ", text)
    text = re.sub(r"^\s*\|?[\s:|-]+\|[\s:|-]*$", " ", text, flags=re.MULTILINE)
    text = re.sub(r"[*`#>|]+", " ", text)
    return re.sub(r"[ \t]+", " ", text)


def documents(pack: Pack) -> Iterator[Document]:
    """Every searchable item of `pack`: notes, cards, fact tables and authored questions."""
    for note in pack.notes:
        yield Document("note", note.id, note.meta.title, plain_text(note.body))
    for card in pack.cards:
        yield Document("card", card.id, card.front, card.back)
    for table in pack.tables:
        cells = [c.label for c in table.columns]
        cells += [value for row in table.rows for value in row.values()]
        yield Document("table", table.id, table.title, "\n".join([*cells, table.note or ""]))
    for q in pack.questions:
        body = "\n".join([q.stem, *(o.text for o in q.options)])
        yield Document("question", q.id, _shorten(q.stem, 100), body)


def _shorten(text: str, limit: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rsplit(" ", 1)[0] + "…"


def words(text: str) -> list[str]:
    """The lower-cased words of `text` without stop words (all of them if only stop words)."""
    every = [m.lower() for m in _WORD.findall(text)]
    return [w for w in every if w not in STOP_WORDS] or every


def _phrase(text: str) -> str:
    return '"' + " ".join(m.lower() for m in _WORD.findall(text)) + '"'


def _renames(products: Iterable[Product]) -> list[tuple[str, str]]:
    """(former name, current name) pairs, longest former name first."""
    pairs = [(f.name, p.short or p.name) for p in products for f in p.former]
    return sorted(pairs, key=lambda pair: -len(pair[0]))


def expand_query(query: str, products: Iterable[Product]) -> list[str]:
    """The query, then the query with each former product name in it replaced by today's."""
    claimed: list[tuple[int, int, str]] = []  # (start, end, current name)
    for former, now in _renames(products):
        pattern = re.compile(rf"(?<!\w){re.escape(former)}(?!\w)", re.IGNORECASE)
        for match in pattern.finditer(query):
            start, end = match.span()
            # Longest names claim their words first: "Vertex AI Pipelines" before "Vertex AI".
            if all(end <= s or start >= e for s, e, _ in claimed):
                claimed.append((start, end, now))
    if not claimed:
        return [query]
    expanded, last = [], 0
    for start, end, now in sorted(claimed):
        expanded += [query[last:start], now]
        last = end
    expanded.append(query[last:])
    return [query, "".join(expanded)]


def match_expression(variants: list[str], require_all: bool) -> str:
    """An FTS5 MATCH expression: each variant's words (AND or OR), variants OR-ed together."""
    clauses = []
    for variant in variants:
        terms = [_phrase(w) for w in words(variant)]
        if terms:
            joiner = " AND " if require_all else " OR "
            clauses.append("(" + joiner.join(terms) + ")")
    return " OR ".join(dict.fromkeys(clauses))


class SearchIndex:
    """An FTS5 index of a pack's notes, cards, tables and questions in an in-memory database."""

    def __init__(self, docs: Iterable[Document], products: Iterable[Product] = ()) -> None:
        self._products = tuple(products)
        self._db = sqlite3.connect(":memory:")
        self._db.execute(
            "CREATE VIRTUAL TABLE docs USING fts5("
            "kind UNINDEXED, id UNINDEXED, title, body, tokenize='porter unicode61')"
        )
        self._db.executemany(
            "INSERT INTO docs (kind, id, title, body) VALUES (?, ?, ?, ?)",
            ((d.kind, d.id, d.title, d.body) for d in docs),
        )

    def search(self, query: str, limit: int = 10, kinds: Iterable[str] = KINDS) -> list[Hit]:
        """The best `limit` hits for `query`, best first: every word first, then any word.

        When the query uses a former product name, matches of the current name count fully
        and matches of the words as typed count half: the learner wants today's topic.
        """
        variants = expand_query(query, self._products)
        weights = [1.0] if len(variants) == 1 else [FORMER_NAME_WEIGHT, 1.0]
        wanted = tuple(kinds)
        for require_all in (True, False):
            best: dict[tuple[str, str], Hit] = {}
            for variant, weight in zip(variants, weights, strict=True):
                expression = match_expression([variant], require_all)
                for hit in self._run(expression, limit, wanted, weight):
                    known = best.get((hit.kind, hit.id))
                    if known is None or hit.score > known.score:
                        best[(hit.kind, hit.id)] = hit
            if best:
                return sorted(best.values(), key=lambda h: (-h.score, h.id))[:limit]
        return []

    def _run(self, expression: str, limit: int, kinds: tuple[str, ...], weight: float) -> list[Hit]:
        if not expression or not kinds:
            return []
        marks = ",".join("?" * len(kinds))
        cases = " ".join(f"WHEN '{k}' THEN {w}" for k, w in KIND_WEIGHT.items())
        sql = (
            "SELECT kind, id, title, snippet(docs, -1, ?, ?, '…', 16), "
            f"-bm25(docs, {TITLE_WEIGHT}, {BODY_WEIGHT}) * (CASE kind {cases} ELSE 1 END) AS s "
            f"FROM docs WHERE docs MATCH ? AND kind IN ({marks}) ORDER BY s DESC, id LIMIT ?"
        )
        rows = self._db.execute(sql, (MARK_OPEN, MARK_CLOSE, expression, *kinds, limit))
        return [
            Hit(kind, item, title, _bold(snippet), round(score * weight, 3))
            for kind, item, title, snippet, score in rows
        ]

    def close(self) -> None:
        self._db.close()


def _bold(snippet: str) -> str:
    text = " ".join(snippet.split())
    return text.replace(MARK_OPEN, "**").replace(MARK_CLOSE, "**")


def build_index(pack: Pack) -> SearchIndex:
    """An in-memory search index over `pack` (about a second's work for the bundled pack)."""
    return SearchIndex(documents(pack), pack.names)
