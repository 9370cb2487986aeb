"""Questions and cards link to the note section that teaches their fact: sections and anchors,
the `pack check` rule, coverage in `pack stats`, proposing and writing links, the CLI."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from rich.console import Console
from typer.testing import CliRunner

from examprep.cli.app import app
from examprep.cli.screens import feedback_screen
from examprep.content.loader import load_pack
from examprep.content.notelinks import link_problem, propose_links, write_links
from examprep.content.sections import note_href, sections, slug, split_link
from examprep.services import check_pack, pack_stats
from examprep.services.views import ExplainedOption, Feedback

from .conftest import MINI_PACK

runner = CliRunner()

NOTE = """\
---
id: n-objects
title: Object storage
covers: [S1.1.a]
sources: [https://docs.example.org/S1.1.a, https://docs.example.org/buckets]
verified: 2026-01-02
---
Intro before any section.

## Buckets and **keys**

Objects live in buckets and are addressed by key.

```text
## not a heading inside a fence
```

## Exam angle

Buckets hold objects.

## Exam angle

Said twice.
"""


def linked_pack(tmp_path: Path) -> Path:
    root = tmp_path / "pack"
    shutil.copytree(MINI_PACK, root)
    (root / "notes").mkdir()
    (root / "notes" / "objects.md").write_text(NOTE, encoding="utf-8")
    (root / "cards").mkdir()
    (root / "cards" / "cards.yaml").write_text(
        "cards:\n"
        "  - id: c-001\n"
        "    covers: [S1.1.a]\n"
        "    front: Where do objects live?\n"
        "    back: In buckets,\n"
        "      addressed by key.\n"
        "    source: https://docs.example.org/S1.1.a\n"
        "  - id: c-002\n"
        "    covers: [S1.1.a]\n"
        "    front: What addresses an object?\n"
        "    back: Its key.\n"
        "    source: https://docs.example.org/S1.1.a\n",
        encoding="utf-8",
    )
    return root


def test_sections_slugs_and_links() -> None:
    found = sections(NOTE.split("---\n", 2)[2])
    assert [(s.slug, s.title) for s in found] == [
        ("buckets-and-keys", "Buckets and keys"),
        ("exam-angle", "Exam angle"),
        ("exam-angle-2", "Exam angle"),
    ]
    assert found[0].text.startswith("## Buckets") and "not a heading" in found[0].text
    assert slug("Option 2: BigQuery ML TRANSFORM") == "option-2-bigquery-ml-transform"
    assert split_link("n-a#b-c") == ("n-a", "b-c")
    assert note_href("n-a#b-c") == "/notes/n-a#n-a-b-c"


def test_a_link_must_name_an_existing_note_section(tmp_path: Path) -> None:
    pack = load_pack(linked_pack(tmp_path))
    assert link_problem(pack, "n-objects#buckets-and-keys") is None
    assert "no note 'n-nothing'" in str(link_problem(pack, "n-nothing#buckets"))
    assert "has no section 'lockers'" in str(link_problem(pack, "n-objects#lockers"))


def test_pack_check_reports_broken_links_as_errors(tmp_path: Path) -> None:
    root = linked_pack(tmp_path)
    write_links(
        {"q-001": root / "questions" / "bank.yaml", "c-002": root / "cards" / "cards.yaml"},
        {"q-001": "n-objects#lockers", "c-002": "n-gone#buckets-and-keys"},
    )
    report = check_pack(root)
    broken = sorted(f"{Path(p.path).name}: {p.field}: {p.message}" for p in report.errors)
    assert broken == [
        "bank.yaml: note: links to 'n-objects#lockers', but note 'n-objects' has no section "
        "'lockers'",
        "cards.yaml: note: links to 'n-gone#buckets-and-keys', but there is no note 'n-gone'",
    ]
    assert report.warnings == []  # missing links warn only when the pack asks for them


def test_a_malformed_link_is_a_schema_error(tmp_path: Path) -> None:
    root = linked_pack(tmp_path)
    write_links({"c-001": root / "cards" / "cards.yaml"}, {"c-001": "n-objects"})
    assert any("note" in p.field for p in check_pack(root).errors)


def test_a_pack_that_asks_for_links_warns_for_each_missing_one(tmp_path: Path) -> None:
    root = linked_pack(tmp_path)
    meta = root / "pack.yaml"
    meta.write_text(meta.read_text() + "review: {note_links: true}\n", encoding="utf-8")
    report = check_pack(root, strict=True)
    missing = [p for p in report.warnings if "no link to the note section" in p.message]
    pack = load_pack(root)
    assert {p.field for p in missing} == {"note"}
    assert len(missing) == len(pack.questions) + len(pack.cards) == 12 + 2


def test_writing_links_adds_one_line_per_item_and_loads(tmp_path: Path) -> None:
    root = linked_pack(tmp_path)
    cards = root / "cards" / "cards.yaml"
    bank = root / "questions" / "bank.yaml"
    before = bank.read_text().splitlines()
    changed = write_links(
        {"q-002": bank, "c-001": cards},
        {"q-002": "n-objects#buckets-and-keys", "c-001": "n-objects#buckets-and-keys"},
    )
    assert changed == ["q-002", "c-001"]
    after = bank.read_text().splitlines()
    assert len(after) == len(before) + 1
    added = [line for line in after if line not in before]
    assert added == ["  note: n-objects#buckets-and-keys"]
    card_lines = cards.read_text().splitlines()
    source = card_lines.index("    source: https://docs.example.org/S1.1.a")
    assert card_lines[source + 1] == "    note: n-objects#buckets-and-keys"
    write_links({"c-001": cards}, {"c-001": "n-objects#exam-angle"})  # replaced, not added
    assert cards.read_text().count("note:") == 1
    pack = load_pack(root)
    assert pack.question("q-002").note == "n-objects#buckets-and-keys"
    assert next(c for c in pack.cards if c.id == "c-001").note == "n-objects#exam-angle"
    assert check_pack(root, strict=True).problems == []
    stats = pack_stats(root)["note_links"]
    assert stats == {"questions": 1, "questions_share": 0.0833, "cards": 1, "cards_share": 0.5}


def test_proposals_find_the_teaching_section_of_the_bundled_pack() -> None:
    pack = load_pack()
    wanted = {"q-s3-117", "c-s2-024", "c-s3-059"}
    proposals = {p.item: p for p in propose_links(pack, replace=True, only=wanted)}
    assert set(proposals) == wanted
    assert proposals["q-s3-117"].link.startswith("n-s3-training-problems#")
    assert proposals["c-s2-024"].link.startswith("n-s2-privacy#")
    assert proposals["c-s3-059"].link.startswith("n-s3-custom-training#")
    assert proposals["c-s3-059"].confidence == "high"


def test_cli_link_notes_proposes_then_writes(tmp_path: Path) -> None:
    root = linked_pack(tmp_path)
    dry = runner.invoke(app, ["pack", "link-notes", str(root), "--json"])
    assert dry.exit_code == 0, dry.output
    data = json.loads(dry.output)
    proposed = {p["item"] for p in data["proposals"]}
    assert data["written"] is False and {"c-001", "c-002"} <= proposed
    assert all(p["link"] == "n-objects#buckets-and-keys" for p in data["proposals"])
    assert "note:" not in (root / "cards" / "cards.yaml").read_text()
    wet = runner.invoke(
        app, ["pack", "link-notes", str(root), "--write", "--min-confidence", "low"]
    )
    assert wet.exit_code == 0, wet.output
    assert f"{len(proposed)} of low confidence or better written" in wet.output
    pack = load_pack(root)
    linked = {q.id for q in pack.questions if q.note} | {c.id for c in pack.cards if c.note}
    assert linked == proposed
    again = runner.invoke(app, ["pack", "link-notes", str(root), "--json"])
    assert json.loads(again.output)["proposals"] == []
    bad = runner.invoke(app, ["pack", "link-notes", str(root), "--min-confidence", "sure"])
    assert bad.exit_code == 2


def test_notes_prints_one_section_for_a_link() -> None:
    result = runner.invoke(
        app, ["notes", "n-s3-training-problems#class-imbalance-downsample-and-upweight", "--json"]
    )
    assert result.exit_code == 0, result.output
    body = json.loads(result.output)["notes"][0]["body"]
    assert body.startswith("## Class imbalance") and "## Data leakage" not in body
    missing = runner.invoke(app, ["notes", "n-s3-training-problems#nothing-here"])
    assert missing.exit_code != 0 and "no section 'nothing-here'" in missing.output


@pytest.mark.parametrize(
    ("note", "study"),
    [("n-objects#buckets-and-keys", "n-objects#buckets-and-keys"), (None, "S1.1.a")],
)
def test_feedback_names_what_to_study(note: str | None, study: str) -> None:
    fb = Feedback(
        position=1,
        id="q-001",
        stem="Where?",
        kind="single",
        chosen="B",
        key="A",
        correct=False,
        options=[ExplainedOption("A", "Bucket", True, False, "Objects.")],
        sources=["https://docs.example.org/S1.1.a"],
        bullet="S1.1.a",
        section="S1",
        note=note,
    )
    out = Console(width=120, record=True)
    out.print(feedback_screen(fb))
    assert f"Study: examprep notes {study}" in out.export_text()
    assert fb.to_json()["note"] == note
    anchor = "/notes/n-objects#n-objects-buckets-and-keys" if note else None
    assert fb.note_anchor == anchor
