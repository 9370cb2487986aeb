"""Full-text search over the pack's notes, cards, fact tables, advisor, names and questions."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from examprep.content.search import build_index, words
from examprep.errors import InvalidInput
from examprep.services.context import Context

if TYPE_CHECKING:
    from examprep.content.search import Results

SEARCH_KINDS = ("note", "card", "table", "leaf", "name", "question")


def search(
    ctx: Context, query: str, limit: int = 10, kinds: Sequence[str] | None = None
) -> Results:
    """The best matches for `query`, best first, and the query respelt if a word was not found.

    Abbreviations, former product names, synonyms and other spellings find the same topics.
    """
    if not words(query):
        raise InvalidInput("the search query needs at least one word")
    if limit < 1:
        raise InvalidInput("--limit must be at least 1")
    kinds = kinds or SEARCH_KINDS
    unknown = sorted(set(kinds) - set(SEARCH_KINDS))
    if unknown:
        raise InvalidInput(f"unknown kind {unknown[0]!r}: choose from {', '.join(SEARCH_KINDS)}")
    index = build_index(ctx.pack)
    try:
        return index.find(query, limit=limit, kinds=kinds)
    finally:
        index.close()
