"""Drills generated from the bundled pack's fact tables, and practising them."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from examprep import services
from examprep.cli.app import app
from examprep.config import Settings
from examprep.content.drills import drill_id, is_drill, table_drills
from examprep.content.loader import Pack, load_pack
from examprep.content.schema import Table
from examprep.errors import InvalidInput
from examprep.services.context import Context

T0 = dt.datetime(2026, 11, 27, 9, 0, tzinfo=dt.UTC)
DRILL_ID = re.compile(r"^drill:t-[a-z0-9-]+:[a-z0-9-]+:\d+$")


def test_at_least_ten_tables_generate_drills(pack: Pack) -> None:
    tables = {q.id.split(":")[1] for q in pack.drills}
    assert len(tables) >= 10
    assert tables == {t.id for t in pack.tables if t.templates}


def test_every_drill_has_exactly_one_right_answer_taken_from_its_row(pack: Pack) -> None:
    tables = {t.id: t for t in pack.tables}
    for q in pack.drills:
        _, table_id, template_id, row = q.id.split(":")
        table = tables[table_id]
        template = next(t for t in table.templates if t.id == template_id)
        source = table.rows[int(row)]
        assert q.stem == template.prompt.replace("{given}", source[template.given])
        assert [o.text for o in q.options if o.correct] == [source[template.answer]]
        assert len({o.text for o in q.options}) == 4
        # No distractor is an answer the given value also has anywhere in the table.
        also_right = {
            r[template.answer] for r in table.rows if r[template.given] == source[template.given]
        }
        assert also_right == {source[template.answer]}
        assert all(o.why for o in q.options)


def test_drills_are_marked_generated_with_stable_ids(pack: Pack) -> None:
    ids = [q.id for q in pack.drills]
    assert len(ids) == len(set(ids))
    assert all(DRILL_ID.match(i) and len(i) <= 80 for i in ids), ids[:3]
    assert all(q.generated and "drill" in q.tags and q.section for q in pack.drills)
    assert all(is_drill(i) for i in ids)
    assert not any(q.generated or is_drill(q.id) for q in pack.questions)


def test_a_drill_is_found_by_id_and_its_options_do_not_change(pack: Pack) -> None:
    q = pack.question("drill:t-tf-distribute:variables-to-strategy:3")
    assert q.stem.startswith("Which tf.distribute strategy keeps model variables not mirrored")
    assert [o.text for o in q.options if o.correct] == ["CentralStorageStrategy"]
    again = load_pack().question(q.id)
    assert [o.text for o in again.options] == [o.text for o in q.options]
    with pytest.raises(KeyError):
        pack.question("drill:t-tf-distribute:variables-to-strategy:99")


def test_a_table_with_an_ambiguous_template_yields_no_wrong_drills() -> None:
    rows = [{"a": str(i), "b": f"v{i}"} for i in range(5)] + [{"a": "0", "b": "v4"}]
    table = Table.model_validate(
        {
            "id": "t-x",
            "title": "X",
            "covers": ["S1.1.a"],
            "sources": ["https://docs.example.org/x"],
            "key": "a",
            "columns": [{"id": "a", "label": "A"}, {"id": "b", "label": "B"}],
            "rows": rows,
            "templates": [{"id": "a-to-b", "given": "a", "answer": "b", "prompt": "{given}?"}],
        }
    )
    drills = table_drills(table, {"S1.1.a": "S1"})
    assert [q.id for q in drills] == [drill_id("t-x", "a-to-b", i) for i in (1, 2, 3, 4)]


def test_loading_the_pack_does_not_build_drills() -> None:
    fresh = load_pack()
    assert "drills" not in vars(fresh)
    fresh.question(fresh.questions[0].id)
    assert "drills" not in vars(fresh)


# --- practice --------------------------------------------------------------------------


@pytest.fixture
def ctx(db_url: str, tmp_path: Path) -> Iterator[Context]:
    settings = Settings(database_url=db_url, data_dir=tmp_path / "data")
    context = services.open_context(settings, clock=lambda: T0)
    yield context
    context.close()


def test_practice_with_drills_draws_only_drills(ctx: Context) -> None:
    view = services.start_practice(ctx, services.PracticeFilter(drills=True, count=5), seed=4)
    assert len(view.questions) == 5
    assert all(is_drill(q.id) for q in view.questions)
    key = services.feedback(ctx, view.attempt, 1).key
    assert services.answer(ctx, view.attempt, 1, key) is True
    fb = services.feedback(ctx, view.attempt, 1)
    assert fb.correct and fb.id == view.questions[0].id
    assert sum(o.correct for o in fb.options) == 1 and fb.sources
    done = services.submit(ctx, view.attempt)
    assert [q.correct for q in done.questions].count(True) == 1


def test_practice_filters_apply_to_drills(ctx: Context) -> None:
    view = services.start_practice(
        ctx, services.PracticeFilter(drills=True, bullet="S3.3.b", count=100), seed=7
    )
    assert view.questions and all(q.bullet == "S3.3.b" for q in view.questions)
    with pytest.raises(InvalidInput, match="no drills match"):
        services.start_practice(ctx, services.PracticeFilter(drills=True, tag="genai"), seed=7)


def test_practice_without_drills_and_exams_never_contain_drills(ctx: Context) -> None:
    practice = services.start_practice(ctx, services.PracticeFilter(count=200), seed=1)
    assert practice.questions and not any(is_drill(q.id) for q in practice.questions)
    exam = services.start_exam(ctx, seed=1)
    assert not any(is_drill(q.id) for q in exam.questions)


def test_practice_drills_cli(tmp_path: Path) -> None:
    result = CliRunner().invoke(
        app, ["practice", "--drills", "-n", "1", "--seed", "2"], input="q\n"
    )
    assert result.exit_code == 0, result.output
    assert "Question 1/1 · generated drill" in result.output


def test_pack_stats_count_drills(pack: Pack) -> None:
    from examprep.content.stats import pack_stats

    totals = pack_stats(pack)["totals"]
    assert totals["drills"] == len(pack.drills) > 0
    assert totals["tables_with_drills"] >= 10
