"""The product-choice advisor: one question at a time, the recommendation, the whole tree."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse

from examprep.engine.advisor import NOT_SURE
from examprep.errors import InvalidInput
from examprep.services.advisor import advise, tree_diagram, tree_json
from examprep.web.pages import Ctx, render

if TYPE_CHECKING:
    from examprep.services.advisor import LeafView

router = APIRouter()
MAX_ANSWERS = 50


@dataclass(frozen=True)
class Link:
    label: str
    href: str


@dataclass(frozen=True)
class Step:
    question: str
    answer: str
    back: str  # the walk up to (not including) this answer


@dataclass(frozen=True)
class Ruled:
    """A product the walk ruled out, and the answer that would have led to it."""

    product: str
    would_need: str


@dataclass(frozen=True)
class TreeNode:
    """One node of the whole tree, drawn as nested lists."""

    question: str
    choices: list[tuple[str, TreeNode | None, str | None]]  # label, next node, or product


@dataclass(frozen=True)
class Unsure:
    """A question answered "not sure": what was assumed, and where the other answers lead."""

    question: str
    assumed: str
    otherwise: list[tuple[str, list[str]]]  # (answer, products)


@dataclass(frozen=True)
class AdvisorPage:
    question: str | None
    why: str | None
    choices: list[Link]
    path: list[Step]
    leaf: LeafView | None
    ruled_out: list[Ruled]
    tree: TreeNode
    not_sure: Link | None = None
    unsure: list[Unsure] = field(default_factory=list)
    diagram: str = ""  # SVG markup, every text escaped by content.advisor.render_svg
    restart: str = "/advisor"
    sources: list[str] = field(default_factory=list)


def parse_answers(pairs: list[str]) -> dict[str, str]:
    """["node:choice", ...] -> {node: choice}; a malformed pair is bad input."""
    answers: dict[str, str] = {}
    for pair in pairs[:MAX_ANSWERS]:
        node, sep, choice = pair.partition(":")
        if not sep or not node or not choice:
            raise InvalidInput(f"answer {pair!r} is not in the form node:choice")
        answers[node] = choice
    return answers


def walk_href(pairs: list[tuple[str, str]]) -> str:
    query = urlencode([("a", f"{node}:{choice}") for node, choice in pairs])
    return f"/advisor?{query}" if query else "/advisor"


def tree_of(data: dict[str, Any]) -> TreeNode:
    """The tree service's data as nested nodes, from the root."""
    nodes = {n["id"]: n for n in data["nodes"]}
    products = {x["id"]: x["product"] for x in data["leaves"]}

    def build(node_id: str) -> TreeNode:
        node = nodes[node_id]
        return TreeNode(
            node["question"],
            [
                (c["label"], build(c["next"]) if c["next"] else None, products.get(c["leaf"]))
                for c in node["choices"]
            ],
        )

    return build(data["root"])


@router.get("/advisor", response_class=HTMLResponse)
def show_advisor(
    request: Request,
    ctx: Ctx,
    a: Annotated[list[str] | None, Query(max_length=200)] = None,
) -> HTMLResponse:
    """Walk the decision tree: every answer is a link, so each step can be bookmarked."""
    advice = advise(ctx.pack, parse_answers(a or []))
    data = tree_json(ctx.pack)
    labels = {(n["id"], c["id"]): c["label"] for n in data["nodes"] for c in n["choices"]}
    taken = [(s["node"], NOT_SURE if s["unsure"] else s["choice"]) for s in advice.path]
    path = [
        Step(
            s["question"],
            f"Not sure (assumed: {s['label']})" if s["unsure"] else s["label"],
            walk_href(taken[:i]),
        )
        for i, s in enumerate(advice.path)
    ]
    nxt = advice.next
    page = AdvisorPage(
        question=nxt.text if nxt else None,
        why=nxt.why if nxt else None,
        choices=[Link(b.label, walk_href([*taken, (nxt.id, b.id)])) for b in nxt.branches]
        if nxt
        else [],
        path=path,
        leaf=advice.leaf,
        ruled_out=[
            Ruled(r["product"], labels.get((r["node"], r["would_need"]), r["would_need"]))
            for r in advice.ruled_out
        ],
        tree=tree_of(data),
        not_sure=Link(
            f"Not sure (goes on as if: {nxt.common_branch().label})",
            walk_href([*taken, (nxt.id, NOT_SURE)]),
        )
        if nxt
        else None,
        diagram=tree_diagram(ctx.pack, advice.path),
        unsure=[
            Unsure(
                n["question"],
                n["assumed"],
                [(o["answer"], o["products"]) for o in n["otherwise"]],
            )
            for n in advice.unsure
        ],
    )
    return render(request, "advisor.html", page, "Advisor")
