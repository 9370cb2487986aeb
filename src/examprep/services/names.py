"""The product rename map: what a product is called now, what it was called, and its status."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING

from examprep.errors import NotFound
from examprep.services.context import Context

if TYPE_CHECKING:
    from examprep.content.schema import Product


@dataclass(frozen=True)
class FormerNameView:
    name: str
    until: dt.date | None
    note: str | None


@dataclass(frozen=True)
class NameView:
    """One product of names.yaml, with the name a query matched (if it was a former one)."""

    id: str
    name: str
    short: str | None
    former: list[FormerNameView]
    status: str
    deprecated: dt.date | None
    shutdown: dt.date | None
    successor: str | None  # the successor's current name
    note: str | None
    sources: list[str]
    matched: str | None = None

    def to_json(self) -> dict[str, object]:
        def day(value: dt.date | None) -> str | None:
            return value.isoformat() if value else None

        return {
            "id": self.id,
            "name": self.name,
            "short": self.short,
            "former": [
                {"name": f.name, "until": day(f.until), "note": f.note} for f in self.former
            ],
            "status": self.status,
            "deprecated": day(self.deprecated),
            "shutdown": day(self.shutdown),
            "successor": self.successor,
            "note": self.note,
            "sources": self.sources,
            "matched": self.matched,
        }


def _matches(name: str, query: str, tier: int) -> bool:
    folded = name.casefold()
    if tier == 0:
        return folded == query
    return folded.startswith(query) if tier == 1 else query in folded


def _rank(product: Product, query: str) -> tuple[int, str | None] | None:
    """How well `query` names `product` (lower is better) and the former name it matched."""
    current = [n for n in (product.name, product.short, product.id) if n]
    former = [f.name for f in product.former]
    for tier in range(3):
        if any(_matches(n, query, tier) for n in current):
            return (2 * tier, None)
        hit = next((n for n in former if _matches(n, query, tier)), None)
        if hit is not None:
            return (2 * tier + 1, hit)
    return None


def find_names(ctx: Context, query: str | None = None) -> list[NameView]:
    """Products whose current, short or former name contains `query` (all without one)."""
    products = ctx.pack.names
    if not products:
        raise NotFound(f"pack {ctx.pack.id!r} has no rename map (names.yaml)")
    by_id = {p.id: p for p in products}
    folded = (query or "").strip().casefold()
    ranked: list[tuple[int, int, Product, str | None]] = []
    for index, product in enumerate(products):
        rank = _rank(product, folded) if folded else (0, None)
        if rank is not None:
            ranked.append((rank[0], index, product, rank[1]))
    if not ranked:
        raise NotFound(
            f"no product name matches {query!r} in the rename map of pack {ctx.pack.id!r}"
        )
    ranked.sort(key=lambda r: (r[0], r[1]))
    return [_view(p, by_id, matched) for _, _, p, matched in ranked]


def _view(product: Product, by_id: dict[str, Product], matched: str | None) -> NameView:
    successor = by_id[product.successor].name if product.successor in by_id else None
    return NameView(
        id=product.id,
        name=product.name,
        short=product.short,
        former=[FormerNameView(f.name, f.until, f.note) for f in product.former],
        status=product.status,
        deprecated=product.deprecated,
        shutdown=product.shutdown,
        successor=successor or product.successor,
        note=product.note,
        sources=list(product.sources),
        matched=matched,
    )
