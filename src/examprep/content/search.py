"""Full-text search over a pack: an in-memory SQLite FTS5 index, built from the pack alone.

The index lives in a private in-memory SQLite database, whatever database the learner uses, so
search works the same on SQLite and PostgreSQL installations. It forgives wording
(content/wording.py): abbreviations and former product names lead to today's names, synonyms
and British or American spellings count as the same word, the Porter stemmer folds suffixes,
and a misspelt word is read as the closest word of the index ("did you mean"). Ranking is BM25
times a coverage factor: a document with every concept of the query comes first, and one with
only some of them still appears below it.
"""

from __future__ import annotations

import difflib
import re
import sqlite3
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import cached_property

from examprep.content.advisor import leaf_title
from examprep.content.pack import Pack
from examprep.content.schema import Product, SearchWords
from examprep.content.wording import (
    STOP_WORDS,
    Concept,
    concepts,
    expand_query,
    synonym_table,
    variants,
    words,
)

__all__ = [
    "KINDS",
    "STOP_WORDS",
    "Document",
    "Hit",
    "Results",
    "SearchIndex",
    "build_index",
    "documents",
    "expand_query",
    "plain_text",
    "words",
]

KINDS = ("note", "card", "table", "leaf", "name", "question")
# Column weights for bm25 (title, body) and a per-kind factor: a note is the place to learn a
# topic, so for the same text match it should outrank a card or a question that mentions it.
TITLE_WEIGHT = 4.0
BODY_WEIGHT = 1.0
KIND_WEIGHT = {"note": 5.0, "table": 2.0, "leaf": 2.5, "card": 1.0, "name": 1.0, "question": 0.8}
# A document matching a share c of the query's concepts scores bm25 * c ** COVERAGE_POWER.
COVERAGE_POWER = 3
CANDIDATES = 400  # bm25 candidates per query variant, re-ranked by coverage
MARK_OPEN, MARK_CLOSE = "\x02", "\x03"
_WORD = re.compile(r"\w+", re.UNICODE)
_CORRECTABLE = re.compile(r"[a-z]{4,}")  # only plain words of four letters or more are corrected


@dataclass(frozen=True)
class Hit:
    """One search result; `snippet` marks matched words with **bold** (Markdown)."""

    kind: str
    id: str
    title: str
    snippet: str
    score: float
    coverage: float = 1.0  # share of the query's concepts the item has

    def to_json(self) -> dict[str, object]:
        return {
            "kind": self.kind,
            "id": self.id,
            "title": self.title,
            "snippet": self.snippet,
            "score": self.score,
        }


@dataclass(frozen=True)
class Results:
    """The hits for a query, best first, and the query respelt when a word was not found."""

    hits: list[Hit]
    did_you_mean: str | None = None


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
    """Every searchable item: notes, cards, tables, advisor leaves, product names, questions."""
    for note in pack.notes:
        yield Document("note", note.id, note.meta.title, plain_text(note.body))
    for card in pack.cards:
        yield Document("card", card.id, card.front, card.back)
    for table in pack.tables:
        cells = [c.label for c in table.columns]
        cells += [value for row in table.rows for value in row.values()]
        yield Document("table", table.id, table.title, "\n".join([*cells, table.note or ""]))
    if pack.advisor is not None:
        for leaf in pack.advisor.leaves:
            body = "\n".join([leaf.why, *(alt.when for alt in leaf.instead)])
            yield Document("leaf", leaf.id, leaf_title(pack, leaf), body)
    for product in pack.names:
        former = [f"formerly {f.name}" + (f" ({f.note})" if f.note else "") for f in product.former]
        body = "\n".join([product.short or "", *former, product.status, product.note or ""])
        yield Document("name", product.id, product.name, body)
    for q in pack.questions:
        body = "\n".join([q.stem, *(o.text for o in q.options)])
        yield Document("question", q.id, _shorten(q.stem, 100), body)


def _shorten(text: str, limit: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rsplit(" ", 1)[0] + "…"


def _phrase(words_: str) -> str:
    return '"' + " ".join(_WORD.findall(words_)) + '"'


def match_expression(concept: Concept) -> str:
    """An FTS5 MATCH expression for one concept: any of its phrases, each quoted."""
    return " OR ".join(dict.fromkeys(_phrase(p) for p in concept.phrases if _WORD.search(p)))


class SearchIndex:
    """An FTS5 index of a pack's searchable items in an in-memory database."""

    def __init__(
        self,
        docs: Iterable[Document],
        products: Iterable[Product] = (),
        wording: SearchWords | None = None,
    ) -> None:
        self._products = tuple(products)
        self._wording = wording or SearchWords()
        self._synonyms = synonym_table(self._wording)
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
        """The best `limit` hits for `query`, best first (see `find`)."""
        return self.find(query, limit, kinds).hits

    def find(
        self, query: str, limit: int = 10, kinds: Iterable[str] = KINDS, correct: bool = True
    ) -> Results:
        """The best `limit` hits for `query` and, for a misspelt word, the respelt query.

        Each variant of the query (as typed, aliases spelled out, former names replaced) is
        scored by bm25 times its coverage of the variant's concepts; a document keeps its best
        variant. A word found nowhere is also searched as the index's closest word (unless
        `correct` is false: long texts used as queries have many words no note uses).
        """
        wanted = tuple(kinds)
        forms = variants(query, self._products, self._wording.aliases)
        corrections = self._corrections(forms[-1][0]) if correct else {}
        best: dict[tuple[str, str], Hit] = {}
        for variant, weight in forms:
            found = concepts(variant, self._synonyms)
            found = [_corrected(c, corrections) for c in found]
            for hit in self._ranked(found, wanted, weight):
                known = best.get((hit.kind, hit.id))
                if known is None or hit.score > known.score:
                    best[(hit.kind, hit.id)] = hit
        hits = sorted(best.values(), key=lambda h: (-h.score, h.id))[:limit]
        return Results(hits, _respelt(query, corrections))

    def _ranked(self, found: list[Concept], kinds: tuple[str, ...], weight: float) -> list[Hit]:
        expressions = [e for e in (match_expression(c) for c in found) if e]
        if not expressions or not kinds:
            return []
        covered: dict[int, int] = {}
        for expression in expressions:
            for (rowid,) in self._db.execute(
                "SELECT rowid FROM docs WHERE docs MATCH ?", (expression,)
            ):
                covered[rowid] = covered.get(rowid, 0) + 1
        marks = ",".join("?" * len(kinds))
        cases = " ".join(f"WHEN '{k}' THEN {w}" for k, w in KIND_WEIGHT.items())
        sql = (
            "SELECT rowid, kind, id, title, snippet(docs, -1, ?, ?, '…', 16), "
            f"-bm25(docs, {TITLE_WEIGHT}, {BODY_WEIGHT}) * (CASE kind {cases} ELSE 1 END) AS s "
            f"FROM docs WHERE docs MATCH ? AND kind IN ({marks}) ORDER BY s DESC, id LIMIT ?"
        )
        either = " OR ".join(f"({e})" for e in expressions)
        rows = self._db.execute(sql, (MARK_OPEN, MARK_CLOSE, either, *kinds, CANDIDATES))
        hits = []
        for rowid, kind, item, title, snippet, score in rows:
            coverage = covered.get(rowid, 0) / len(expressions)
            scaled = score * weight * coverage**COVERAGE_POWER
            hits.append(Hit(kind, item, title, _bold(snippet), round(scaled, 3), coverage))
        return hits

    def _corrections(self, query: str) -> dict[str, str]:
        """Each query word found nowhere in the index -> the closest word that is there."""
        out: dict[str, str] = {}
        for word in words(query):
            if not _CORRECTABLE.fullmatch(word) or word in self._synonyms or self._count(word):
                continue
            match = _closest(word, self.vocabulary)
            if match:
                out[word] = match
        return out

    def _count(self, word: str) -> int:
        row = self._db.execute("SELECT count(*) FROM docs WHERE docs MATCH ?", (_phrase(word),))
        return int(row.fetchone()[0])

    @cached_property
    def vocabulary(self) -> Counter[str]:
        """How often each lower-case word occurs in the index (built on the first misspelling)."""
        out: Counter[str] = Counter()
        for title, body in self._db.execute("SELECT title, body FROM docs"):
            out.update(_CORRECTABLE.findall(f"{title} {body}".lower()))
        return out

    def close(self) -> None:
        self._db.close()


def _closest(word: str, vocabulary: Counter[str]) -> str | None:
    """The index word a misspelt `word` most likely meant: similar letters, the same first
    letter and the same letters (a swap) first, then the more frequent word."""
    near = [w for w in vocabulary if abs(len(w) - len(word)) <= 2]
    options = difflib.get_close_matches(word, near, n=8, cutoff=0.75)
    if not options:
        return None

    def likely(w: str) -> tuple[bool, bool, float, int]:
        ratio = difflib.SequenceMatcher(None, word, w).ratio()
        return (w[0] == word[0], sorted(w) == sorted(word), ratio, vocabulary[w])

    return max(options, key=likely)


def _corrected(concept: Concept, corrections: dict[str, str]) -> Concept:
    fixed = corrections.get(concept.typed)
    return Concept(concept.typed, (*concept.phrases, fixed)) if fixed else concept


def _respelt(query: str, corrections: dict[str, str]) -> str | None:
    if not corrections:
        return None
    return _WORD.sub(lambda m: corrections.get(m.group().lower(), m.group()), query)


def _bold(snippet: str) -> str:
    text = " ".join(snippet.split())
    return text.replace(MARK_OPEN, "**").replace(MARK_CLOSE, "**")


def build_index(pack: Pack) -> SearchIndex:
    """An in-memory search index over `pack` (a fraction of a second for the bundled pack)."""
    return SearchIndex(documents(pack), pack.names, pack.search)
