"""Full-text search over the pack's notes, cards, fact tables and questions."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from examprep.content.search import build_index, words
from examprep.errors import InvalidInput
from examprep.services.context import Context

if TYPE_CHECKING:
    from examprep.content.search import Hit

SEARCH_KINDS = ("note", "card", "table", "question")


def search(
    ctx: Context, query: str, limit: int = 10, kinds: Sequence[str] | None = None
) -> list[Hit]:
    """The best matches for `query`, best first (former product names find today's topics)."""
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
        return index.search(query, limit=limit, kinds=kinds)
    finally:
        index.close()
