"""The product-choice advisor: walk the pack's decision tree, print it, drill on it."""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from examprep.content.advisor import advisor_tree, leaf_title, outline_lines, tree_svg
from examprep.engine.advisor import (
    NOT_SURE,
    Question,
    RuledOut,
    Tree,
    WalkError,
    leaf_answers,
    make_drill,
    walk,
)
from examprep.errors import InvalidInput, NotFound

if TYPE_CHECKING:
    from examprep.content.pack import Pack
    from examprep.content.schema import AdvisorTree, Leaf


def _tree(pack: Pack) -> AdvisorTree:
    if pack.advisor is None:
        raise NotFound(f"pack {pack.id!r} has no advisor tree (advisor.yaml)")
    return pack.advisor


def engine_tree(pack: Pack) -> Tree:
    """The pack's advisor.yaml as the engine's tree."""
    return advisor_tree(_tree(pack))


def tree_diagram(pack: Pack, path: list[dict[str, Any]] | None = None) -> str:
    """The tree as SVG, with the choices of a walk's `path` highlighted."""
    _tree(pack)
    return tree_svg(pack, [(s["node"], s["choice"]) for s in path or []])


def leaf_walk(pack: Pack, leaf_id: str) -> dict[str, str]:
    """The answers ({node: choice}) that walk the advisor to `leaf_id`; NotFound if none do."""
    answers = leaf_answers(engine_tree(pack)).get(leaf_id)
    if answers is None:
        raise NotFound(f"no advisor recommendation {leaf_id!r} in pack {pack.id!r}")
    return answers


@dataclass(frozen=True)
class LeafView:
    id: str
    product: str  # the heading (leaf_title)
    former_names: list[str]  # of the recommended product only, from names.yaml
    uses: list[str]  # current names of the products it works with
    why: str
    instead: list[dict[str, str]]
    sources: list[str]
    questions: list[str]


def leaf_view(pack: Pack, leaf: Leaf) -> LeafView:
    products = {p.id: p for p in pack.names}
    named = products.get(leaf.name) if leaf.name else None
    former = [f.name for f in named.former] if named else []
    uses = [products[pid].name for pid in leaf.uses if pid in products and pid != leaf.name]
    leaves = {x.id: x for x in _tree(pack).leaves}
    instead = [
        {
            "leaf": alt.leaf,
            "product": leaf_title(pack, leaves[alt.leaf]) if alt.leaf in leaves else alt.leaf,
            "when": alt.when,
        }
        for alt in leaf.instead
    ]
    return LeafView(
        leaf.id,
        leaf_title(pack, leaf),
        former,
        uses,
        leaf.why,
        instead,
        list(leaf.sources),
        list(leaf.questions),
    )


@dataclass(frozen=True)
class Advice:
    """Where a walk got to: the next question, or the recommendation, path and ruled-out leaves."""

    next: Question | None
    leaf: LeafView | None
    path: list[dict[str, Any]]
    ruled_out: list[dict[str, str]]
    unsure: list[dict[str, Any]] = field(default_factory=list)  # see `unsure_notes`

    def to_json(self) -> dict[str, Any]:
        nxt = None
        if self.next is not None:
            nxt = {
                "id": self.next.id,
                "question": self.next.text,
                "why": self.next.why,
                "choices": [{"id": b.id, "label": b.label} for b in self.next.branches],
                "not_sure": {"id": NOT_SURE, "follows": self.next.common_branch().id},
            }
        result = None
        if self.leaf is not None:
            result = {
                "leaf": self.leaf.id,
                "product": self.leaf.product,
                "former_names": self.leaf.former_names,
                "why": self.leaf.why,
                "instead": self.leaf.instead,
                "sources": self.leaf.sources,
                "questions": self.leaf.questions,
                "path": self.path,
                "ruled_out": self.ruled_out,
                "unsure": self.unsure,
            }
        return {"next": nxt, "result": result, "path": self.path}


def advise(pack: Pack, answers: dict[str, str]) -> Advice:
    """Walk the tree with `answers` (node id -> choice id)."""
    tree = engine_tree(pack)
    try:
        done = walk(tree, answers)
    except WalkError as exc:
        raise InvalidInput(str(exc)) from None
    leaves = {x.id: x for x in _tree(pack).leaves}
    path = [
        {
            "node": s.node,
            "question": s.question,
            "choice": s.choice,
            "label": s.label,
            "unsure": s.unsure,
        }
        for s in done.path
    ]
    ruled = [
        {
            "leaf": r.leaf,
            "product": leaf_title(pack, leaves[r.leaf]),
            "node": r.node,
            "answered": r.by_choice,
            "would_need": r.alternative,
        }
        for r in done.ruled_out
    ]
    leaf = leaf_view(pack, leaves[done.leaf]) if done.leaf is not None else None
    unsure = unsure_notes(pack, tree, done.open) if done.leaf is not None else []
    return Advice(next=done.next, leaf=leaf, path=path, ruled_out=ruled, unsure=unsure)


def unsure_notes(pack: Pack, tree: Tree, still_open: list[RuledOut]) -> list[dict[str, Any]]:
    """For each question answered "not sure": the answers not assumed and where they lead."""
    leaves = {x.id: x for x in _tree(pack).leaves}
    notes: dict[str, dict[str, Any]] = {}
    for r in still_open:
        question = tree.questions[r.node]
        note = notes.setdefault(
            r.node,
            {
                "node": r.node,
                "question": question.text,
                "assumed": question.common_branch().label,
                "otherwise": {},
            },
        )
        label = next(b.label for b in question.branches if b.id == r.alternative)
        note["otherwise"].setdefault(label, []).append(leaf_title(pack, leaves[r.leaf]))
    return [
        {**n, "otherwise": [{"answer": a, "products": p} for a, p in n["otherwise"].items()]}
        for n in notes.values()
    ]


def tree_json(pack: Pack) -> dict[str, Any]:
    """The whole tree as data (documented shape)."""
    data = _tree(pack)
    return {
        "root": data.root,
        "nodes": [
            {
                "id": n.id,
                "question": n.question,
                "why": n.why,
                "sources": n.sources,
                "common": n.common,
                "choices": [
                    {"id": c.id, "label": c.label, "next": c.next, "leaf": c.leaf}
                    for c in n.choices
                ],
            }
            for n in data.nodes
        ],
        "leaves": [leaf_view(pack, x).__dict__ for x in data.leaves],
    }


def tree_outline(pack: Pack) -> list[str]:
    """The tree as indented lines, depth-first from the root."""
    _tree(pack)
    return outline_lines(pack)


def tree_mermaid(pack: Pack) -> str:
    """The tree as a Mermaid flowchart (for docs and the web page)."""
    data = _tree(pack)

    def label(text: str) -> str:
        return text.replace('"', "'")

    lines = ["flowchart TD"]
    for node in data.nodes:
        lines.append(f'  {node.id.replace("-", "_")}{{"{label(node.question)}"}}')
    for leaf in data.leaves:
        lines.append(f'  {leaf.id.replace("-", "_")}["{label(leaf_title(pack, leaf))}"]')
    for node in data.nodes:
        for choice in node.choices:
            target = (choice.next or choice.leaf or "").replace("-", "_")
            lines.append(f'  {node.id.replace("-", "_")} -->|"{label(choice.label)}"| {target}')
    return "\n".join(lines)


@dataclass(frozen=True)
class DrillView:
    scenario: str
    answer: LeafView
    choices: list[tuple[str, str]]  # (leaf id, product) to pick from, shuffled
    answers: dict[str, str]


def drill(pack: Pack, seed: int | None = None, options: int = 4) -> DrillView:
    """A scenario from a random path; the learner names the product among a few leaves."""
    rng = random.Random(seed)
    made = make_drill(engine_tree(pack), rng)
    if made is None:
        raise NotFound("the advisor tree has no choices with scenario sentences to drill on")
    leaves = {x.id: x for x in _tree(pack).leaves}
    titles = {x: leaf_title(pack, leaf) for x, leaf in leaves.items()}
    others = [x for x in leaves if x != made.leaf and titles[x] != titles[made.leaf]]
    picks = [made.leaf, *rng.sample(others, min(options - 1, len(others)))]
    rng.shuffle(picks)
    return DrillView(
        made.scenario,
        leaf_view(pack, leaves[made.leaf]),
        [(p, titles[p]) for p in picks],
        made.answers,
    )
