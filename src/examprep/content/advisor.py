"""Advisor text and drawing: leaf headings from names.yaml, and the tree as an SVG diagram."""

from __future__ import annotations

import html
from collections.abc import Collection
from typing import TYPE_CHECKING

from examprep.engine.advisor import Branch, Question, Tree
from examprep.engine.tree_layout import COLUMN, ROW, Layout, layout_tree

if TYPE_CHECKING:
    from examprep.content.pack import Pack
    from examprep.content.schema import AdvisorTree, Leaf

BOX_WIDTH = COLUMN - 90  # the rest of a column is the choice's line and label
BOX_HEIGHT = ROW - 6
HIGHLIGHT = "#c2410c"


def leaf_title(pack: Pack, leaf: Leaf) -> str:
    """The leaf's heading: the product's current name from names.yaml, then how it is used."""
    products = {p.id: p for p in pack.names}
    name = products[leaf.name].name if leaf.name in products else None
    if name and leaf.use:
        return f"{name}: {leaf.use}"
    return name or leaf.use or leaf.id


def advisor_tree(data: AdvisorTree) -> Tree:
    """advisor.yaml as the engine's tree."""
    questions = {
        n.id: Question(
            n.id,
            n.question,
            n.why,
            tuple(Branch(c.id, c.label, c.next, c.leaf, c.situation) for c in n.choices),
            n.common,
        )
        for n in data.nodes
    }
    return Tree(root=data.root, questions=questions, leaves=frozenset(x.id for x in data.leaves))


def outline_lines(pack: Pack) -> list[str]:
    """The tree as indented lines, depth-first from the root."""
    assert pack.advisor is not None
    data = pack.advisor
    nodes = {n.id: n for n in data.nodes}
    leaves = {x.id: x for x in data.leaves}
    lines: list[str] = []

    def visit(node_id: str, depth: int) -> None:
        node = nodes[node_id]
        lines.append(f"{'  ' * depth}? {node.question}")
        for choice in node.choices:
            if choice.leaf is not None:
                title = leaf_title(pack, leaves[choice.leaf])
                lines.append(f"{'  ' * (depth + 1)}- {choice.label} => {title}")
            else:
                lines.append(f"{'  ' * (depth + 1)}- {choice.label}")
                visit(str(choice.next), depth + 2)

    visit(data.root, 0)
    return lines


def _short(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def tree_svg(pack: Pack, taken: Collection[tuple[str, str]] = ()) -> str:
    """The whole tree as an SVG drawing, the choices in `taken` and their boxes highlighted.

    Every string is escaped; full question, choice and product texts are in <title> tooltips.
    """
    assert pack.advisor is not None
    tree = advisor_tree(pack.advisor)
    titles = {leaf.id: leaf_title(pack, leaf) for leaf in pack.advisor.leaves}
    return render_svg(layout_tree(tree, set(taken)), tree, titles)


def render_svg(layout: Layout, tree: Tree, titles: dict[str, str]) -> str:
    """SVG markup for a layout (viewBox in layout units, so CSS can scale it)."""
    esc = html.escape
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="tree-diagram" role="img" '
        f'viewBox="0 0 {layout.width} {layout.height}" width="{layout.width}" '
        f'height="{layout.height}" font-family="sans-serif" font-size="11">',
        "<title>The product-choice decision tree</title>",
    ]
    for e in layout.edges:
        x1, x2 = e.x1 + BOX_WIDTH, e.x2
        mid = (x1 + x2) // 2
        colour, stroke = (HIGHLIGHT, 2.5) if e.on_path else ("#9aa5b5", 1)
        out.append(
            f'<g class="edge{" on" if e.on_path else ""}"><title>{esc(e.label)}</title>'
            f'<path d="M{x1},{e.y1} C{mid},{e.y1} {mid},{e.y2} {x2},{e.y2}" fill="none" '
            f'stroke="{colour}" stroke-width="{stroke}"/>'
            f'<text x="{x2 - 4}" y="{e.y2 - 3}" text-anchor="end" font-size="8" '
            f'fill="#556">{esc(_short(e.label, 16))}</text></g>'
        )
    for b in layout.boxes:
        full = tree.questions[b.ref].text if b.kind == "question" else titles[b.ref]
        fill = "#eef2f8" if b.kind == "question" else "#eef6ea"
        colour, stroke = (HIGHLIGHT, 2.5) if b.on_path else ("#7a8aa6", 1)
        if b.on_path:
            fill = "#fff1e6"
        top = b.y - BOX_HEIGHT // 2
        out.append(
            f'<g class="{b.kind}{" on" if b.on_path else ""}"><title>{esc(full)}</title>'
            f'<rect x="{b.x}" y="{top}" width="{BOX_WIDTH}" height="{BOX_HEIGHT}" rx="4" '
            f'fill="{fill}" stroke="{colour}" stroke-width="{stroke}"/>'
            f'<text x="{b.x + 5}" y="{b.y + 4}" fill="#111">{esc(_short(full, 34))}</text></g>'
        )
    out.append("</svg>")
    return "\n".join(out)
