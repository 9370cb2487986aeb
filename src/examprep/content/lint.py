"""Checks beyond the schema: integrity (always) and authoring rules (for pack check)."""

from __future__ import annotations

import re
from collections import defaultdict
from urllib.parse import urlparse

from examprep.content.cues import question_cues, terms
from examprep.content.notelinks import link_problem
from examprep.content.pack import Origin, Pack
from examprep.content.panel import panel_difficulty, technical_names
from examprep.content.problems import Problem, Severity
from examprep.content.schema import Card, Question

NEAR_DUPLICATE = 0.6  # Jaccard similarity of word 3-grams above which stems are near-duplicates
# Bank v2 limits (docs/authoring.md): per section, the key may be the single longest option in at
# most this share of single-answer items, and the test-wise solver may beat chance by at most
# SOLVER_MARGIN. The panel's bank-wide targets are reported by `pack stats`, not enforced here.
KEY_LONGEST_LIMIT = 0.30
SOLVER_MARGIN = 0.10
CUE_SAMPLE = 20  # section shares are judged only over at least this many items
SUSPECTED_FAMILY = 0.5  # Jaccard similarity of decisive-fact terms (same key names) for a family
# A model or feature named with its version ("Gemini 2.5 Flash"): versions retire within months.
VERSIONED_MODEL = re.compile(r"\b(?:Gemini|Gemma|Imagen|Veo|Claude|Llama)\s+\d+(?:\.\d+)*\b")


class _Checks:
    def __init__(self, pack: Pack) -> None:
        self.pack = pack
        self.problems: list[Problem] = []

    def add(
        self, item_id: str, fld: str, message: str, *sub: str | int, severity: Severity = "error"
    ) -> None:
        origin = self.pack.origins.get(item_id, Origin(str(self.pack.root)))
        self.problems.append(Problem(origin.path, origin.line_of(*sub), fld, message, severity))


def lint_pack(pack: Pack, only_errors: bool = False) -> list[Problem]:
    """Every problem in `pack`; with `only_errors`, just the integrity errors loading depends on."""
    checks = _Checks(pack)
    _check_covers(checks)
    _check_keys(checks)
    _check_tables(checks)
    _check_advisor(checks)
    _check_names(checks)
    if not only_errors:
        _check_sources(checks)
        _check_lengths(checks)
        _check_options(checks)
        _check_former_names(checks)
        _check_versions(checks)
        _check_duplicate_stems(checks)
        _check_cues(checks)
        _check_note_links(checks)
        if pack.meta.review.panel:
            _check_panel(checks)
        _check_families(checks)
    return sorted(checks.problems)


def _check_covers(checks: _Checks) -> None:
    bullets = checks.pack.bullets
    items: list[tuple[str, list[str]]] = [(q.id, q.covers) for q in checks.pack.questions]
    items += [(c.id, c.covers) for c in checks.pack.cards]
    items += [(n.id, n.meta.covers) for n in checks.pack.notes]
    items += [(t.id, t.covers) for t in checks.pack.tables]
    for item_id, covers in items:
        for index, bullet in enumerate(covers):
            if bullet not in bullets:
                checks.add(item_id, "covers", f"unknown bullet {bullet!r}", "covers", index)


def _check_keys(checks: _Checks) -> None:
    for q in checks.pack.questions:
        n = len(q.key)
        if n != q.choose:
            want = "exactly one correct option" if q.kind == "single" else f"{q.choose} correct"
            checks.add(q.id, "options", f"{q.kind} question needs {want}, found {n}", "options")


def _check_tables(checks: _Checks) -> None:
    for table in checks.pack.tables:
        columns = {c.id for c in table.columns}
        if table.key not in columns:
            checks.add(table.id, "key", f"key column {table.key!r} is not a declared column", "key")
        for index, row in enumerate(table.rows):
            missing = columns - set(row)
            unknown = set(row) - columns
            if missing:
                checks.add(table.id, "rows", f"row lacks {sorted(missing)}", "rows", index)
            if unknown:
                checks.add(table.id, "rows", f"unknown columns {sorted(unknown)}", "rows", index)
        for index, template in enumerate(table.templates):
            for role in ("given", "answer"):
                column = getattr(template, role)
                if column not in columns:
                    checks.add(
                        table.id,
                        f"templates.{template.id}.{role}",
                        f"unknown column {column!r}",
                        "templates",
                        index,
                        role,
                    )
            if template.given in columns and template.answer in columns:
                for message in template_problems(table.rows, template.given, template.answer):
                    checks.add(table.id, f"templates.{template.id}", message, "templates", index)


def template_problems(rows: list[dict[str, str]], given: str, answer: str) -> list[str]:
    """Why a drill template over `rows` would not have a unique answer (empty if it does)."""
    problems = []
    mapping: dict[str, set[str]] = defaultdict(set)
    for row in rows:
        if given in row and answer in row:
            mapping[row[given]].add(row[answer])
    for value, answers in sorted(mapping.items()):
        if len(answers) > 1:
            problems.append(f"ambiguous: {given}={value!r} fits several answers {sorted(answers)}")
    distinct = {a for answers in mapping.values() for a in answers}
    if len(distinct) < 4:
        problems.append(
            f"needs at least 4 distinct `{answer}` values (one key, three distractors), "
            f"has {len(distinct)}"
        )
    return problems


def _check_advisor(checks: _Checks) -> None:
    tree = checks.pack.advisor
    if tree is None:
        return
    nodes = {n.id: n for n in tree.nodes}
    leaves = {leaf.id: leaf for leaf in tree.leaves}
    questions = {q.id for q in checks.pack.questions}
    products = {p.id for p in checks.pack.names}
    for dup in {n.id for n in tree.nodes} & set(leaves):
        checks.add("advisor", "advisor", f"id {dup!r} is both a node and a leaf")
    if tree.root not in nodes:
        checks.add("advisor", "root", f"root {tree.root!r} is not a node", "root")
        return
    for ni, node in enumerate(tree.nodes):
        for ci, choice in enumerate(node.choices):
            where = ("nodes", ni, "choices", ci)
            if choice.next is not None and choice.next not in nodes:
                checks.add(
                    "advisor", f"{node.id}.{choice.id}", f"unknown node {choice.next!r}", *where
                )
            if choice.leaf is not None and choice.leaf not in leaves:
                checks.add(
                    "advisor", f"{node.id}.{choice.id}", f"unknown leaf {choice.leaf!r}", *where
                )
    for li, leaf in enumerate(tree.leaves):
        for alt in leaf.instead:
            if alt.leaf not in leaves:
                checks.add(
                    "advisor", f"{leaf.id}.instead", f"unknown leaf {alt.leaf!r}", "leaves", li
                )
        for qid in leaf.questions:
            if qid not in questions:
                checks.add(
                    "advisor", f"{leaf.id}.questions", f"unknown question {qid!r}", "leaves", li
                )
        for fld, pid in [("name", leaf.name), *(("uses", p) for p in leaf.uses)]:
            if pid is not None and pid not in products:
                checks.add("advisor", f"{leaf.id}.{fld}", f"unknown product {pid!r}", "leaves", li)
    # Reachability and cycles: depth-first walk from the root.
    reached_nodes: set[str] = set()
    reached_leaves: set[str] = set()

    def walk(node_id: str, path: tuple[str, ...]) -> None:
        if node_id in path:
            checks.add("advisor", "nodes", f"cycle: {' -> '.join((*path, node_id))}")
            return
        if node_id not in nodes or node_id in reached_nodes:
            return
        reached_nodes.add(node_id)
        for choice in nodes[node_id].choices:
            if choice.leaf is not None:
                reached_leaves.add(choice.leaf)
            if choice.next is not None:
                walk(choice.next, (*path, node_id))

    walk(tree.root, ())
    for ni, node in enumerate(tree.nodes):
        if node.id not in reached_nodes:
            checks.add("advisor", node.id, "node is not reachable from the root", "nodes", ni)
    for li, leaf in enumerate(tree.leaves):
        if leaf.id not in reached_leaves:
            checks.add("advisor", leaf.id, "leaf is not reachable from the root", "leaves", li)


def _check_names(checks: _Checks) -> None:
    ids = {p.id for p in checks.pack.names}
    for p in checks.pack.names:
        if p.successor is not None and p.successor not in ids:
            checks.add(p.id, "successor", f"unknown product {p.successor!r}", "successor")
        if p.status == "deprecated" and p.deprecated is None:
            checks.add(p.id, "deprecated", "status deprecated needs a deprecated date", "status")
        if p.status == "shut-down" and p.shutdown is None:
            checks.add(p.id, "shutdown", "status shut-down needs a shutdown date", "status")


def _official(url: str, domains: list[str]) -> bool:
    host = (urlparse(url).hostname or "").lower()
    return any(host == d or host.endswith("." + d) for d in domains)


def _check_sources(checks: _Checks) -> None:
    pack = checks.pack
    domains = [d.lower() for d in pack.meta.source_domains]
    if not domains:
        return
    official = ", ".join(domains[:3]) + ", ..."
    for q in pack.questions:
        if not any(_official(u, domains) for u in q.sources):
            checks.add(
                q.id, "sources", f"needs at least one official source ({official})", "sources"
            )
        if q.verified is None:
            checks.add(q.id, "verified", "no verified date", severity="warning")
    for c in pack.cards:
        if not _official(c.source, domains):
            checks.add(c.id, "source", f"not an official source: {c.source}", "source")
    for n in pack.notes:
        count = sum(_official(u, domains) for u in n.meta.sources)
        if count < 2:
            checks.add(
                n.id,
                "sources",
                f"a note cites at least two official sources, has {count}",
                "sources",
            )
    for t in pack.tables:
        if not any(_official(u, domains) for u in t.sources):
            checks.add(t.id, "sources", "needs at least one official source", "sources")


def _words(text: str) -> int:
    return len(text.split())


def _check_lengths(checks: _Checks) -> None:
    style = checks.pack.meta.style
    for q in checks.pack.questions:
        _check_length(checks, q.id, "stem", _words(q.stem), style.stem_words, ("stem",))
        for i, option in enumerate(q.options):
            bounds = style.option_words
            where = ("options", i, "text")
            _check_length(checks, q.id, f"options[{i}]", _words(option.text), bounds, where)


def _check_length(
    checks: _Checks,
    item: str,
    fld: str,
    n: int,
    bounds: tuple[int, int],
    where: tuple[str | int, ...],
) -> None:
    low, high = bounds
    if n < low:
        checks.add(item, fld, f"{n} words, below the floor of {low}", *where)
    elif n > high:
        checks.add(item, fld, f"{n} words, above the ceiling of {high}", *where, severity="warning")


ABBREVIATIONS = re.compile(r"\b(?:e\.g|i\.e|vs|etc|approx|cf)\.", re.IGNORECASE)
SENTENCE_END = re.compile(r"[.!?](?=\s+\S|\s*$)")


def count_sentences(text: str) -> int:
    """Sentences in an explanation (abbreviations such as "e.g." do not end one)."""
    return len(SENTENCE_END.findall(ABBREVIATIONS.sub("", text.strip())))


def _check_options(checks: _Checks) -> None:
    low, high = checks.pack.meta.style.why_sentences
    for q in checks.pack.questions:
        for i, option in enumerate(q.options):
            n = count_sentences(option.why)
            if not low <= n <= high:
                checks.add(
                    q.id,
                    f"options[{i}].why",
                    f"{n} sentence(s); explanations have {low}-{high}",
                    "options",
                    i,
                    "why",
                    severity="warning",
                )
        texts = [" ".join(o.text.lower().split()) for o in q.options]
        whys = [" ".join(o.why.lower().split()) for o in q.options]
        for i in range(len(q.options)):
            if texts[i] in texts[:i]:
                checks.add(q.id, f"options[{i}]", "same text as an earlier option", "options", i)
            if whys[i] in whys[:i]:
                checks.add(
                    q.id,
                    f"options[{i}].why",
                    "same explanation as an earlier option",
                    "options",
                    i,
                    "why",
                )


# "formerly X", "formerly called X", and later names of one list: "formerly A / B", "A, B or C".
FORMERLY = re.compile(
    r"formerly\s+(?:called\s+|known as\s+)?(?:[^().;]*?(?:/|,|\band\b|\bor\b)\s*)?$"
)


def former_name_hits(text: str, former: list[str], current: list[str]) -> list[str]:
    """Former product names used in `text` other than as "formerly X" or inside a current name."""
    protected: list[tuple[int, int]] = []
    for name in current:
        for m in re.finditer(rf"(?<!\w){re.escape(name)}(?!\w)", text):
            protected.append(m.span())
    hits = []
    for name in sorted(set(former), key=len, reverse=True):
        for m in re.finditer(rf"(?<!\w){re.escape(name)}(?!\w)", text):
            start, end = m.span()
            if any(s <= start and end <= e for s, e in protected):
                continue
            if re.search(FORMERLY, text[max(0, start - 80) : start]):
                protected.append((start, end))
                continue
            hits.append(name)
            protected.append((start, end))
    return hits


def _texts(pack: Pack) -> list[tuple[str, str, str, tuple[str | int, ...]]]:
    """(item id, field, text, location) for every learner-facing text a name can appear in."""
    out: list[tuple[str, str, str, tuple[str | int, ...]]] = []
    for q in pack.questions:
        out.append((q.id, "stem", q.stem, ("stem",)))
        out += [(q.id, f"options[{i}]", o.text, ("options", i)) for i, o in enumerate(q.options)]
    for c in pack.cards:
        out += [(c.id, "front", c.front, ("front",)), (c.id, "back", c.back, ("back",))]
    for n in pack.notes:
        out.append((n.id, "body", n.body, ()))
    for t in pack.tables:
        for ri, row in enumerate(t.rows):
            # A column named `former` lists former names by design (the rename table).
            out += [
                (t.id, f"rows[{ri}].{k}", v, ("rows", ri, k))
                for k, v in row.items()
                if k != "former"
            ]
    if pack.advisor is not None:
        for ni, node in enumerate(pack.advisor.nodes):
            out.append(("advisor", f"{node.id}.question", node.question, ("nodes", ni)))
            for ci, ch in enumerate(node.choices):
                where = ("nodes", ni, "choices", ci)
                out.append(("advisor", f"{node.id}.{ch.id}", ch.label, where))
        for li, leaf in enumerate(pack.advisor.leaves):
            if leaf.use is not None:
                out.append(("advisor", f"{leaf.id}.use", leaf.use, ("leaves", li)))
    return out


# A sentence that explains a rename may name the former product (notes, cards, tables, advisor).
RENAME_CONTEXT = re.compile(
    r"formerly|renamed|old(?:er)? names?|now called|called now|was called|current name|previously|"
    r"predecessor|"
    r"retired|shut down|→|->",
    re.IGNORECASE,
)


def _paragraphs(text: str) -> list[tuple[int, str]]:
    """(first line, text) of each paragraph; a Markdown table row or list item is its own."""
    out: list[tuple[int, str]] = []
    for number, line in enumerate(text.splitlines() or [text], start=1):
        stripped = line.strip()
        starts = stripped.startswith(("|", "- ", "* ", "#")) or re.match(r"\d+\. ", stripped)
        if not stripped:
            out.append((number + 1, ""))
        elif starts or not out or not out[-1][1]:
            out.append((number, stripped))
        else:
            out[-1] = (out[-1][0], f"{out[-1][1]} {stripped}")
    return [(n, t) for n, t in out if t]


def _check_former_names(checks: _Checks) -> None:
    products = checks.pack.names
    current = [p.name for p in products] + [p.short for p in products if p.short]
    former = [f.name for p in products for f in p.former if f.name not in current]
    now = {f.name: [p.name, *([p.short] if p.short else [])] for p in products for f in p.former}
    retired = [p.name for p in products if p.status == "shut-down"]
    for item, fld, text, where in _texts(checks.pack):
        question = item.startswith("q-")
        for number, paragraph in _paragraphs(text):
            for sentence in re.split(r"(?<=[.!?])\s+", paragraph):
                hits = former_name_hits(sentence, former, current)
                if not question:
                    # Outside questions a sentence that explains the rename may use the old name.
                    hits = [
                        h
                        for h in hits
                        if not RENAME_CONTEXT.search(sentence)
                        and not any(c in sentence for c in now.get(h, []))
                    ]
                label = f"{fld} line {number}" if fld == "body" else fld
                for name in hits:
                    checks.add(
                        item,
                        label,
                        f"former product name {name!r}: use the current name "
                        '(former names only in explanations, as "formerly ...")',
                        *where,
                    )
                if question or item.startswith("c-"):
                    for name in former_name_hits(sentence, retired, []):
                        checks.add(
                            item,
                            label,
                            f"{name!r} is shut down (names.yaml): name what replaced it",
                            *where,
                            severity="warning",
                        )


def _check_versions(checks: _Checks) -> None:
    for q in checks.pack.questions:
        parts: list[tuple[str, str, tuple[str | int, ...]]] = [("stem", q.stem, ("stem",))]
        parts += [(f"options[{i}]", o.text, ("options", i)) for i, o in enumerate(q.options)]
        for fld, text, where in parts:
            for m in VERSIONED_MODEL.finditer(text):
                checks.add(
                    q.id,
                    fld,
                    f"{m.group()!r}: name the model without its version unless the version is "
                    "the point (versions retire within months)",
                    *where,
                    severity="warning",
                )


def _check_cues(checks: _Checks) -> None:
    """Reading cues per item (non-technical distractors) and per section (longest key, solver)."""
    by_section: dict[str, list[Question]] = defaultdict(list)
    for q in checks.pack.questions:
        by_section[q.section].append(q)
        cues = question_cues(q)
        for i in cues.non_technical:
            checks.add(
                q.id,
                f"options[{i}]",
                "a distractor worded as a non-technical process (email, spreadsheet, manually, "
                "...) is ruled out by reading, not knowledge",
                "options",
                i,
                severity="warning",
            )
    for section, questions in sorted(by_section.items()):
        single = [question_cues(q) for q in questions if q.kind == "single"]
        if len(questions) < CUE_SAMPLE:
            continue
        longest = sum(c.key_longest for c in single) / len(single) if single else 0.0
        if longest > KEY_LONGEST_LIMIT:
            checks.add(
                questions[0].id,
                "options",
                f"{section}: the key is the single longest option (characters) in {longest:.0%} "
                f"of single-answer items (limit {KEY_LONGEST_LIMIT:.0%})",
                severity="warning",
            )
        every = [question_cues(q) for q in questions]
        solver = sum(c.solver_score for c in every) / len(every)
        chance = sum(c.chance for c in every) / len(every)
        if solver > chance + SOLVER_MARGIN:
            checks.add(
                questions[0].id,
                "options",
                f"{section}: a test-wise solver (longest, stem overlap, most specific) scores "
                f"{solver:.0%} against chance {chance:.0%}",
                severity="warning",
            )


def _check_panel(checks: _Checks) -> None:
    """Blind reads of the current revision, a decisive fact, and the difficulty the panel shows."""
    questions = checks.pack.questions
    for q in questions:
        if not q.decisive_fact:
            checks.add(q.id, "decisive_fact", "no decisive fact", severity="warning")
        experts, testwise = q.reads("expert"), q.reads("test-wise")
        missing = [r for r, reads in (("expert", experts), ("test-wise", testwise)) if not reads]
        if missing:
            checks.add(
                q.id,
                "panel",
                f"revision {q.revision} has no blind read by {' or '.join(missing)} reader",
                severity="warning",
            )
        derived = panel_difficulty(q)
        if derived is not None and derived != q.difficulty:
            checks.add(
                q.id,
                "difficulty",
                f"difficulty {q.difficulty}, but the panel shows {derived} (docs/authoring.md)",
                "difficulty",
                severity="warning",
            )


def _check_note_links(checks: _Checks) -> None:
    """A `note:` link names an existing note section (an error otherwise); a pack that opts in
    with `review.note_links` gets a warning for every question and card without one."""
    pack = checks.pack
    required = pack.meta.review.note_links
    items: list[Question | Card] = [*pack.questions, *pack.cards]
    for item in items:
        if item.note is None:
            if required and not (isinstance(item, Question) and item.generated):
                checks.add(
                    item.id,
                    "note",
                    "no link to the note section that teaches its fact",
                    severity="warning",
                )
            continue
        problem = link_problem(pack, item.note)
        if problem is not None:
            checks.add(item.id, "note", problem, "note")


def _key_names(q: Question) -> frozenset[str]:
    return frozenset(n for i in q.key for n in technical_names(q.options[i].text))


def _check_families(checks: _Checks) -> None:
    """A family has two or more members; items that look like one family but are not, flagged."""
    questions = checks.pack.questions
    members: dict[str, list[str]] = defaultdict(list)
    for q in questions:
        if q.family:
            members[q.family].append(q.id)
    for family, ids in sorted(members.items()):
        if len(ids) == 1:
            checks.add(
                ids[0], "family", f"family {family!r} has one member", "family", severity="warning"
            )
    facts = [(q, terms(q.decisive_fact or ""), _key_names(q)) for q in questions]
    for i, (a, fa, na) in enumerate(facts):
        if not fa or not na:
            continue
        for b, fb, nb in facts[:i]:
            if not fb or na != nb or (a.family and a.family == b.family):
                continue
            sim = len(fa & fb) / len(fa | fb)
            if sim >= SUSPECTED_FAMILY:
                checks.add(
                    a.id,
                    "family",
                    f"same key names and decisive fact as {b.id} ({sim:.0%} of fact terms "
                    "shared): one family, or a different fact?",
                    severity="warning",
                )


def _shingles(text: str) -> frozenset[str]:
    words = re.findall(r"[a-z0-9]+", text.lower())
    return frozenset(" ".join(words[i : i + 3]) for i in range(max(1, len(words) - 2)))


def _check_duplicate_stems(checks: _Checks) -> None:
    questions: list[Question] = list(checks.pack.questions)
    shingles = [_shingles(q.stem) for q in questions]
    seen: dict[str, str] = {}
    for q in questions:
        norm = " ".join(re.findall(r"[a-z0-9]+", q.stem.lower()))
        if norm in seen:
            checks.add(q.id, "stem", f"same stem as {seen[norm]}", "stem")
        else:
            seen[norm] = q.id
    for i in range(len(questions)):
        a = shingles[i]
        for j in range(i):
            b = shingles[j]
            inter = len(a & b)
            if not inter:
                continue
            sim = inter / len(a | b)
            if NEAR_DUPLICATE <= sim < 1.0:
                checks.add(
                    questions[i].id,
                    "stem",
                    f"near-duplicate of {questions[j].id} ({sim:.0%} of word triples shared)",
                    "stem",
                    severity="warning",
                )
