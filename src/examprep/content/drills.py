"""Turn the question templates of a pack's fact tables into generated drill questions."""

from __future__ import annotations

import random
from collections.abc import Iterable, Mapping

from examprep.content.schema import Option, Question, Table, Template
from examprep.engine.drills import Drill, make_drills

DRILL_PREFIX = "drill:"
DRILL_TAG = "drill"


def drill_id(table_id: str, template_id: str, row: int) -> str:
    """The stable id of the drill on `row` (0-based) of a table template."""
    return f"{DRILL_PREFIX}{table_id}:{template_id}:{row}"


def is_drill(item_id: str) -> bool:
    """Whether an item id names a generated drill rather than an authored question."""
    return item_id.startswith(DRILL_PREFIX)


def table_drills(table: Table, bullet_section: Mapping[str, str]) -> list[Question]:
    """Every drill of every template of `table`, in template then row order."""
    questions: list[Question] = []
    for template in table.templates:
        # A string seed is hashed with SHA-512, so the options are the same on every run.
        rng = random.Random(f"{table.id}:{template.id}")
        for drill in make_drills(table.rows, template.given, template.answer, rng):
            questions.append(_question(table, template, drill, bullet_section))
    return questions


def pack_drills(tables: Iterable[Table], bullet_section: Mapping[str, str]) -> tuple[Question, ...]:
    """The drills of all tables."""
    return tuple(q for table in tables for q in table_drills(table, bullet_section))


def _question(
    table: Table, template: Template, drill: Drill, bullet_section: Mapping[str, str]
) -> Question:
    labels = {c.id: c.label.lower() for c in table.columns}
    given_label = labels.get(template.given, template.given)
    answer_label = labels.get(template.answer, template.answer)
    options = []
    for option in drill.options:
        if option.correct:
            why = (
                f"The fact table {table.title!r} pairs {given_label} {drill.given!r} "
                f"with {answer_label} {option.value!r}."
            )
        else:
            owner = table.rows[option.row].get(template.given, "")
            why = f"{option.value!r} goes with {given_label} {owner!r}, not {drill.given!r}."
        options.append(Option(text=option.value, correct=option.correct, why=why))
    # The drill id holds colons, which authored ids may not: build without re-validating.
    return Question.model_construct(
        id=drill_id(table.id, template.id, drill.row),
        covers=list(table.covers),
        kind="single",
        choose=1,
        difficulty=2,
        tags=[DRILL_TAG],
        stem=template.prompt.replace("{given}", drill.given),
        options=options,
        sources=list(table.sources),
        verified=table.verified,
        author=None,
        reviewed=None,
        section=bullet_section.get(table.covers[0], ""),
        generated=True,
    )
