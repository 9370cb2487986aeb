"""Walk the product-choice decision tree: answers in, next question or recommendation out."""

from __future__ import annotations

import random
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Branch:
    id: str
    label: str
    next: str | None
    leaf: str | None
    situation: str | None = None


NOT_SURE = "not-sure"  # the answer every question accepts: follow its more common branch


@dataclass(frozen=True)
class Question:
    id: str
    text: str
    why: str
    branches: tuple[Branch, ...]
    common: str | None = None  # the branch "not sure" follows (default: the first)

    def common_branch(self) -> Branch:
        """The branch taken when the answer is "not sure"."""
        return next((b for b in self.branches if b.id == self.common), self.branches[0])


@dataclass(frozen=True)
class Tree:
    root: str
    questions: Mapping[str, Question]
    leaves: frozenset[str]


@dataclass(frozen=True)
class Step:
    """One answered question on the way to the recommendation."""

    node: str
    question: str
    choice: str
    label: str
    unsure: bool = False  # answered "not sure": `choice` is the common branch it followed


@dataclass(frozen=True)
class RuledOut:
    """A leaf that an answer excluded: which node, which answer, which choice would lead there."""

    leaf: str
    node: str
    by_choice: str
    alternative: str


@dataclass(frozen=True)
class Walk:
    path: list[Step]
    next: Question | None
    leaf: str | None
    ruled_out: list[RuledOut]
    # Leaves behind the other branches of questions answered "not sure": still possible.
    open: list[RuledOut] = field(default_factory=list)


class WalkError(ValueError):
    """An answer names an unknown node or choice, or a node off the walked path."""


def reachable_leaves(tree: Tree, node: str) -> list[str]:
    """Leaves reachable from `node`, in tree order (depth first, choices in order)."""
    out: list[str] = []
    seen: set[str] = set()

    def visit(current: str) -> None:
        if current in seen:
            return
        seen.add(current)
        for branch in tree.questions[current].branches:
            if branch.leaf is not None and branch.leaf not in out:
                out.append(branch.leaf)
            if branch.next is not None:
                visit(branch.next)

    visit(node)
    return out


def walk(tree: Tree, answers: Mapping[str, str]) -> Walk:
    """Follow `answers` (node id -> choice id, or "not-sure") from the root as far as they go.

    "not-sure" follows the question's common branch; the leaves behind its other branches are
    reported as still open rather than ruled out.
    """
    unknown = [n for n in answers if n not in tree.questions]
    if unknown:
        raise WalkError(f"unknown question {unknown[0]!r}")
    path: list[Step] = []
    ruled: list[RuledOut] = []
    still_open: list[RuledOut] = []
    node = tree.root
    used: set[str] = set()
    while True:
        question = tree.questions[node]
        choice_id = answers.get(node)
        if choice_id is None:
            _unused(answers, used)
            return Walk(path, question, None, ruled, still_open)
        used.add(node)
        unsure = choice_id == NOT_SURE
        branch = _branch(question, choice_id)
        path.append(Step(node, question.text, branch.id, branch.label, unsure))
        # A leaf that the chosen branch can still reach is not excluded by this answer.
        still = set(_leaves_of(tree, branch))
        for other in question.branches:
            if other.id == branch.id:
                continue
            targets = [leaf for leaf in _leaves_of(tree, other) if leaf not in still]
            excluded = [RuledOut(leaf, node, choice_id, other.id) for leaf in targets]
            if unsure:
                still_open += excluded
            else:
                ruled += excluded
        if branch.leaf is not None:
            _unused(answers, used)
            out = _distinct(ruled, branch.leaf)
            gone = {r.leaf for r in out}
            maybe = [r for r in _distinct(still_open, branch.leaf) if r.leaf not in gone]
            return Walk(path, None, branch.leaf, out, maybe)
        node = str(branch.next)


def _leaves_of(tree: Tree, branch: Branch) -> list[str]:
    return [branch.leaf] if branch.leaf else reachable_leaves(tree, str(branch.next))


def _branch(question: Question, choice_id: str) -> Branch:
    if choice_id == NOT_SURE:
        return question.common_branch()
    branch = next((b for b in question.branches if b.id == choice_id), None)
    if branch is None:
        options = ", ".join([*(b.id for b in question.branches), NOT_SURE])
        raise WalkError(f"{question.id}: no choice {choice_id!r} (choices: {options})")
    return branch


def _distinct(ruled: list[RuledOut], reached: str) -> list[RuledOut]:
    """Each excluded leaf once (first answer that excluded it), never the leaf reached."""
    seen: set[str] = set()
    out = []
    for r in ruled:
        if r.leaf != reached and r.leaf not in seen:
            seen.add(r.leaf)
            out.append(r)
    return out


def _unused(answers: Mapping[str, str], used: set[str]) -> None:
    extra = [n for n in answers if n not in used]
    if extra:
        raise WalkError(f"answer for {extra[0]!r} is not on the path these answers take")


def drill_paths(tree: Tree) -> list[list[Branch]]:
    """Every root-to-leaf path whose choices all carry a scenario sentence."""
    paths: list[list[Branch]] = []

    def visit(node: str, taken: list[Branch]) -> None:
        for branch in tree.questions[node].branches:
            if branch.situation is None:
                continue
            if branch.leaf is not None:
                paths.append([*taken, branch])
            elif branch.next is not None:
                visit(branch.next, [*taken, branch])

    visit(tree.root, [])
    return paths


def leaf_answers(tree: Tree) -> dict[str, dict[str, str]]:
    """For each leaf, the answers ({node: choice}) of the first walk from the root that ends
    there, in the tree's order: a link to the leaf's recommendation."""
    found: dict[str, dict[str, str]] = {}

    def visit(node: str, taken: dict[str, str]) -> None:
        for branch in tree.questions[node].branches:
            answers = {**taken, node: branch.id}
            if branch.leaf is not None:
                found.setdefault(branch.leaf, answers)
            elif branch.next is not None and branch.next not in taken:
                visit(branch.next, answers)

    visit(tree.root, {})
    return found


@dataclass(frozen=True)
class Drill:
    scenario: str
    answers: dict[str, str]
    leaf: str


def make_drill(tree: Tree, rng: random.Random) -> Drill | None:
    """A scenario built from one random path's situation sentences; its answer is that leaf.

    Unambiguous by construction: every question on the path is answered by one sentence, and
    the walk those answers take ends at exactly one leaf.
    """
    paths = drill_paths(tree)
    if not paths:
        return None
    path = rng.choice(paths)
    answers: dict[str, str] = {}
    node = tree.root
    for branch in path:
        answers[node] = branch.id
        if branch.next is not None:
            node = branch.next
    leaf = path[-1].leaf
    assert leaf is not None
    return Drill(" ".join(str(b.situation) for b in path), answers, leaf)


def answers_from_pairs(pairs: Sequence[str]) -> dict[str, str]:
    """["node=choice", ...] -> {node: choice}; WalkError on a malformed pair."""
    out: dict[str, str] = {}
    for pair in pairs:
        node, sep, choice = pair.partition("=")
        if not sep or not node.strip() or not choice.strip():
            raise WalkError(f"expected NODE=CHOICE, got {pair!r}")
        out[node.strip()] = choice.strip()
    return out


def answers_along(tree: Tree, choices: Sequence[str]) -> dict[str, str]:
    """Choice ids in the order the questions come (or "not-sure") -> {node: choice}.

    WalkError when a choice is not offered by the question it meets, or when choices are left
    over after a leaf.
    """
    answers: dict[str, str] = {}
    node: str | None = tree.root
    for choice in choices:
        if node is None:
            raise WalkError(f"choice {choice!r} comes after the walk reached a leaf")
        question = tree.questions[node]
        branch = _branch(question, choice)
        answers[node] = choice
        node = branch.next
    return answers
