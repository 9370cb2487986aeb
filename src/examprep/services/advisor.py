"""The product-choice advisor: walk the pack's decision tree, print it, drill on it."""

from __future__ import annotations

import random
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from examprep.engine.advisor import (
    Branch,
    Question,
    Tree,
    WalkError,
    leaf_answers,
    make_drill,
    walk,
)
from examprep.errors import InvalidInput, NotFound

if TYPE_CHECKING:
    from examprep.content.loader import Pack
    from examprep.content.schema import AdvisorTree, Leaf


def _tree(pack: Pack) -> AdvisorTree:
    if pack.advisor is None:
        raise NotFound(f"pack {pack.id!r} has no advisor tree (advisor.yaml)")
    return pack.advisor


def engine_tree(pack: Pack) -> Tree:
    """The pack's advisor.yaml as the engine's tree."""
    data = _tree(pack)
    questions = {
        n.id: Question(
            n.id,
            n.question,
            n.why,
            tuple(Branch(c.id, c.label, c.next, c.leaf, c.situation) for c in n.choices),
        )
        for n in data.nodes
    }
    return Tree(root=data.root, questions=questions, leaves=frozenset(x.id for x in data.leaves))


def leaf_walk(pack: Pack, leaf_id: str) -> dict[str, str]:
    """The answers ({node: choice}) that walk the advisor to `leaf_id`; NotFound if none do."""
    answers = leaf_answers(engine_tree(pack)).get(leaf_id)
    if answers is None:
        raise NotFound(f"no advisor recommendation {leaf_id!r} in pack {pack.id!r}")
    return answers


@dataclass(frozen=True)
class LeafView:
    id: str
    product: str
    former_names: list[str]
    why: str
    instead: list[dict[str, str]]
    sources: list[str]
    questions: list[str]


def leaf_view(pack: Pack, leaf: Leaf) -> LeafView:
    products = {p.id: p for p in pack.names}
    former = [f.name for pid in leaf.names if pid in products for f in products[pid].former]
    leaves = {x.id: x for x in _tree(pack).leaves}
    instead = [
        {
            "leaf": alt.leaf,
            "product": leaves[alt.leaf].product if alt.leaf in leaves else alt.leaf,
            "when": alt.when,
        }
        for alt in leaf.instead
    ]
    return LeafView(
        leaf.id, leaf.product, former, leaf.why, instead, list(leaf.sources), list(leaf.questions)
    )


@dataclass(frozen=True)
class Advice:
    """Where a walk got to: the next question, or the recommendation, path and ruled-out leaves."""

    next: Question | None
    leaf: LeafView | None
    path: list[dict[str, str]]
    ruled_out: list[dict[str, str]]

    def to_json(self) -> dict[str, Any]:
        nxt = None
        if self.next is not None:
            nxt = {
                "id": self.next.id,
                "question": self.next.text,
                "why": self.next.why,
                "choices": [{"id": b.id, "label": b.label} for b in self.next.branches],
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
        {"node": s.node, "question": s.question, "choice": s.choice, "label": s.label}
        for s in done.path
    ]
    ruled = [
        {
            "leaf": r.leaf,
            "product": leaves[r.leaf].product,
            "node": r.node,
            "answered": r.by_choice,
            "would_need": r.alternative,
        }
        for r in done.ruled_out
    ]
    leaf = leaf_view(pack, leaves[done.leaf]) if done.leaf is not None else None
    return Advice(next=done.next, leaf=leaf, path=path, ruled_out=ruled)


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
    data = _tree(pack)
    nodes = {n.id: n for n in data.nodes}
    leaves = {x.id: x for x in data.leaves}
    lines: list[str] = []

    def visit(node_id: str, depth: int) -> None:
        node = nodes[node_id]
        lines.append(f"{'  ' * depth}? {node.question}")
        for choice in node.choices:
            if choice.leaf is not None:
                lines.append(
                    f"{'  ' * (depth + 1)}- {choice.label} => {leaves[choice.leaf].product}"
                )
            else:
                lines.append(f"{'  ' * (depth + 1)}- {choice.label}")
                visit(str(choice.next), depth + 2)

    visit(data.root, 0)
    return lines


def tree_mermaid(pack: Pack) -> str:
    """The tree as a Mermaid flowchart (for docs and the web page)."""
    data = _tree(pack)

    def label(text: str) -> str:
        return text.replace('"', "'")

    lines = ["flowchart TD"]
    for node in data.nodes:
        lines.append(f'  {node.id.replace("-", "_")}{{"{label(node.question)}"}}')
    for leaf in data.leaves:
        lines.append(f'  {leaf.id.replace("-", "_")}["{label(leaf.product)}"]')
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
    others = [
        x for x in leaves if x != made.leaf and leaves[x].product != leaves[made.leaf].product
    ]
    picks = [made.leaf, *rng.sample(others, min(options - 1, len(others)))]
    rng.shuffle(picks)
    return DrillView(
        made.scenario,
        leaf_view(pack, leaves[made.leaf]),
        [(p, leaves[p].product) for p in picks],
        made.answers,
    )
