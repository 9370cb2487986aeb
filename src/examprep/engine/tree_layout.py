"""Place the advisor tree on a grid for drawing: questions left to right, one row per leaf."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass

from examprep.engine.advisor import Tree

COLUMN = 300  # horizontal distance between depths (box width plus room for the choice)
ROW = 26  # vertical distance between leaf rows
MARGIN = 12


@dataclass(frozen=True)
class Box:
    """A question or a leaf as drawn; a leaf under two routes is drawn twice."""

    kind: str  # "question" or "leaf"
    ref: str  # node or leaf id
    x: int
    y: int  # centre line
    on_path: bool


@dataclass(frozen=True)
class Edge:
    """A choice: from its question's box to the box it leads to."""

    node: str
    choice: str
    label: str
    x1: int
    y1: int
    x2: int
    y2: int
    on_path: bool


@dataclass(frozen=True)
class Layout:
    width: int
    height: int
    boxes: list[Box]
    edges: list[Edge]


def layout_tree(tree: Tree, taken: Collection[tuple[str, str]] = ()) -> Layout:
    """Positions for every question, leaf and choice; `taken` ((node, choice) pairs) is marked."""
    boxes: list[Box] = []
    edges: list[Edge] = []
    rows = 0
    depth_max = 0

    def place(ref: str, is_leaf: bool, depth: int, on_path: bool) -> int:
        nonlocal rows, depth_max
        depth_max = max(depth_max, depth)
        x = MARGIN + depth * COLUMN
        if is_leaf:
            y = MARGIN + rows * ROW + ROW // 2
            rows += 1
            boxes.append(Box("leaf", ref, x, y, on_path))
            return y
        children = []
        for branch in tree.questions[ref].branches:
            child_on = on_path and (ref, branch.id) in taken
            target = branch.leaf if branch.leaf is not None else str(branch.next)
            cy = place(target, branch.leaf is not None, depth + 1, child_on)
            children.append((branch, cy, child_on))
        y = (children[0][1] + children[-1][1]) // 2
        boxes.append(Box("question", ref, x, y, on_path))
        for branch, cy, child_on in children:
            x2 = x + COLUMN
            edges.append(Edge(ref, branch.id, branch.label, x, y, x2, cy, child_on))
        return y

    place(tree.root, False, 0, True)
    width = 2 * MARGIN + (depth_max + 1) * COLUMN
    return Layout(width, 2 * MARGIN + rows * ROW, boxes, edges)
