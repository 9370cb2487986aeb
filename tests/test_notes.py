"""`examprep notes` and `examprep names` over the bundled pack (no database involved)."""

from __future__ import annotations

import json

from typer.testing import CliRunner

from examprep.cli.app import app

from .conftest import MINI_PACK

runner = CliRunner()


def invoke_json(*args: str) -> dict[str, object]:
    result = runner.invoke(app, [*args, "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert isinstance(data, dict)
    return data


def test_contents_cover_every_bullet_with_notes_cards_and_questions() -> None:
    data = invoke_json("notes")
    sections = data["sections"]
    assert isinstance(sections, list) and [s["id"] for s in sections] == [
        "S1", "S2", "S3", "S4", "S5", "S6"
    ]  # fmt: skip
    bullets = [b for s in sections for b in s["bullets"]]
    assert len(bullets) == 52
    assert all(b["notes"] and b["cards"] > 0 and b["questions"] > 0 for b in bullets)
    s33b = next(b for b in bullets if b["id"] == "S3.3.b")
    assert "n-s3-distributed-training" in s33b["notes"]


def test_contents_table() -> None:
    result = runner.invoke(app, ["notes"], env={"COLUMNS": "120"})
    assert result.exit_code == 0, result.output
    assert "S3.3.b" in result.output and "Cards" in result.output


def test_notes_for_a_bullet_list_the_bullets_and_sources() -> None:
    notes = invoke_json("notes", "s3.3.b")["notes"]
    assert isinstance(notes, list)
    note = next(n for n in notes if n["id"] == "n-s3-distributed-training")
    assert {"id": "S3.3.b", "text": note["covers"][0]["text"]} in note["covers"]
    assert len(note["sources"]) >= 2 and note["body"].lstrip().startswith("##")


def test_notes_by_section_subsection_and_id() -> None:
    section = invoke_json("notes", "S6")["notes"]
    subsection = invoke_json("notes", "S6.2")["notes"]
    assert isinstance(section, list) and isinstance(subsection, list)
    assert {n["id"] for n in subsection} < {n["id"] for n in section}
    assert [n["id"] for n in invoke_json("notes", "n-s3-hardware")["notes"]] == ["n-s3-hardware"]
    assert [n["id"] for n in invoke_json("notes", "s3-hardware")["notes"]] == ["n-s3-hardware"]


def test_a_note_renders_as_markdown_in_the_terminal() -> None:
    result = runner.invoke(app, ["notes", "n-s3-hardware"], env={"COLUMNS": "100"})
    assert result.exit_code == 0, result.output
    assert "Choosing training hardware" in result.output
    assert "S3.3.a" in result.output and "Sources" in result.output
    assert "## " not in result.output  # headings rendered, not printed raw


def test_unknown_target_exits_2() -> None:
    result = runner.invoke(app, ["notes", "S9.9.z"])
    assert result.exit_code == 2
    assert "no note, bullet or section 'S9.9.z'" in result.output


def test_a_pack_without_notes_says_so() -> None:
    result = runner.invoke(app, ["notes", "S1"], env={"EXAMPREP_PACK_PATH": str(MINI_PACK)})
    assert result.exit_code == 2 and "no note covers" in result.output


def test_names_by_former_name() -> None:
    data = invoke_json("names", "cloud composer")
    products = data["products"]
    assert isinstance(products, list)
    first = products[0]
    assert first["name"] == "Managed Service for Apache Airflow"
    assert first["matched"] == "Cloud Composer"
    assert {"name": "Cloud Composer", "until": "2026-04-15", "note": None} in first["former"]


def test_names_rank_exact_matches_first_and_show_status() -> None:
    products = invoke_json("names", "AI Platform")["products"]
    assert isinstance(products, list)
    assert products[0]["id"] == "agent-platform" and products[0]["matched"] == "AI Platform"
    legacy = next(p for p in products if p["id"] == "legacy-ai-platform")
    assert legacy["status"] == "shut-down" and legacy["shutdown"] == "2025-01-31"


def test_names_without_a_query_list_the_whole_map() -> None:
    products = invoke_json("names")["products"]
    assert isinstance(products, list) and len(products) >= 30
    result = runner.invoke(app, ["names", "Vertex AI Pipelines"], env={"COLUMNS": "120"})
    assert result.exit_code == 0
    assert "Vertex AI Pipelines is now called Agent Platform Pipelines." in result.output


def test_names_errors_exit_2() -> None:
    assert runner.invoke(app, ["names", "no such product"]).exit_code == 2
    mini = runner.invoke(app, ["names"], env={"EXAMPREP_PACK_PATH": str(MINI_PACK)})
    assert mini.exit_code == 2 and "no rename map" in mini.output
