"""Search over notes, cards, tables, the advisor, names and questions, matches highlighted."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Annotated
from urllib.parse import quote, urlencode

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse

from examprep.content.pack import Pack
from examprep.errors import InvalidInput
from examprep.services import search
from examprep.services.advisor import leaf_walk
from examprep.web.advisor import walk_href
from examprep.web.pages import Ctx, render

router = APIRouter()
# (kind, label of the filter choice)
KINDS = (
    ("note", "Notes"),
    ("card", "Cards"),
    ("table", "Tables"),
    ("leaf", "Advisor recommendations"),
    ("name", "Product names"),
    ("question", "Questions"),
)
LIMIT = 20
MARK = re.compile(r"\*\*(.+?)\*\*")


@dataclass(frozen=True)
class Result:
    kind: str
    title: str
    href: str
    snippet: list[tuple[str, bool]]  # pieces of text; True for a matched word (highlighted)


@dataclass(frozen=True)
class SearchPage:
    query: str
    kind: str
    kinds: tuple[tuple[str, str], ...]
    results: list[Result]
    searched: bool
    error: str | None = None
    did_you_mean: str | None = None


def pieces(snippet: str) -> list[tuple[str, bool]]:
    """Split a snippet whose matches are marked **like this** into plain and matched pieces."""
    out: list[tuple[str, bool]] = []
    last = 0
    for match in MARK.finditer(snippet):
        if match.start() > last:
            out.append((snippet[last : match.start()], False))
        out.append((match.group(1), True))
        last = match.end()
    if last < len(snippet):
        out.append((snippet[last:], False))
    return out


PLACES = {"note": "/notes/", "card": "/cards/", "table": "/tables/", "question": "/questions/"}


def _href(pack: Pack, kind: str, item: str, title: str) -> str:
    """Where a hit lives: a page of its own, the advisor walked to a leaf, the rename map."""
    if kind == "leaf":
        return walk_href(list(leaf_walk(pack, item).items()))
    if kind == "name":
        return "/names?" + urlencode({"q": title})
    return PLACES[kind] + quote(item, safe="")


@router.get("/search", response_class=HTMLResponse)
def show_search(
    request: Request,
    ctx: Ctx,
    q: Annotated[str, Query(max_length=200)] = "",
    kind: Annotated[str, Query(max_length=20)] = "",
) -> HTMLResponse:
    """The search form and, for a query, the best matches first."""
    if not q.strip():
        return render(request, "search.html", SearchPage(q, kind, KINDS, [], False), "Search")
    try:
        found = search(ctx, q, limit=LIMIT, kinds=[kind] if kind else None)
    except InvalidInput as exc:
        page = SearchPage(q, kind, KINDS, [], False, str(exc))
        return render(request, "search.html", page, "Search", 400)
    results = [
        Result(h.kind, h.title, _href(ctx.pack, h.kind, h.id, h.title), pieces(h.snippet))
        for h in found.hits
    ]
    page = SearchPage(q, kind, KINDS, results, True, did_you_mean=found.did_you_mean)
    return render(request, "search.html", page, "Search")
