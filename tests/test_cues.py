"""Reading cues and the blind panel: the checks that tell reading from knowledge."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from examprep.content.cues import question_cues
from examprep.content.loader import load_pack
from examprep.content.panel import (
    blind_sheet,
    mask_names,
    panel_difficulty,
    parse_answer,
    record_reads,
)
from examprep.content.schema import Option, PanelRead, Question
from examprep.content.stats import pack_stats, panel_shares
from examprep.services import check_pack

from .test_pack_check import make_pack, question


def make_question(texts: list[str], key: int = 0, stem: str = "Pick the storage.") -> Question:
    options = [Option(text=t, correct=i == key, why="Because.") for i, t in enumerate(texts)]
    return Question(id="q-x", covers=["S1.1.a"], stem=stem, options=options)


def read(role: str, answer: list[str], hesitant: bool = False, revision: int = 1) -> PanelRead:
    return PanelRead(
        reader=f"r-{role}",
        role=role,  # type: ignore[arg-type]
        date=dt.date(2026, 12, 6),
        revision=revision,
        answer=answer,
        hesitant=hesitant,
    )


def test_key_longest_is_measured_in_characters_not_words() -> None:
    # The key has the fewest words but the most characters.
    q = make_question(
        ["Use internationalization", "Use a b c d", "Use e f g h", "Use i j k l"], key=0
    )
    assert question_cues(q).key_longest
    assert not question_cues(make_question(["Use a b c d", "Use internationalization"])).key_longest


def test_solver_finds_a_key_that_is_longest_specific_and_echoes_the_stem() -> None:
    stem = "A retailer must encrypt customer records with customer-managed keys."
    cued = make_question(
        [
            "Encrypt the customer records with customer-managed keys (CMEK), rotated every 90 days",
            "Use defaults",
            "Add a cache",
            "Shard tables",
        ],
        stem=stem,
    )
    flat = make_question(["Use tool one", "Use tool two", "Use tool six", "Use tool ten"])
    assert question_cues(cued).solver_score == 1.0
    assert question_cues(flat).solver_score == pytest.approx(0.25)
    assert question_cues(flat).chance == pytest.approx(0.25)


def test_non_technical_distractors_are_flagged_but_not_the_key() -> None:
    q = make_question(
        ["Email the team a spreadsheet", "Turn on logging", "Manually review logs", "Add alerts"],
        key=0,
    )
    assert question_cues(q).non_technical == (2,)


def test_masking_is_consistent_within_an_item_and_keeps_sentence_starts() -> None:
    stem, a, b = mask_names(
        [
            "The team trains in BigQuery ML and serves on Agent Platform endpoints.",
            "Export the model from BigQuery ML to Cloud Storage.",
            "Deploy the model with ML.PREDICT and tf.data pipelines.",
        ]
    )
    assert stem == "The team trains in [N1] and serves on [N2] endpoints."
    assert a == "Export the model from [N1] to [N3]."
    assert b == "Deploy the model with [N4] and [N5] pipelines."


def test_blind_sheet_shows_no_key_and_masks_only_for_the_test_wise_role() -> None:
    q = make_question(["Use BigQuery ML", "Use Dataflow", "Use Dataproc", "Use Spanner"])
    expert = blind_sheet([q], role="expert")
    testwise = blind_sheet([q], role="test-wise")
    assert "## q-x@1" in expert and "A. Use BigQuery ML" in expert
    assert "BigQuery" not in testwise and "A. Use [N1]" in testwise
    assert "correct" not in expert and "Because" not in expert


def test_parse_answer_reads_letters_and_hesitation() -> None:
    assert parse_answer("q-s1-001@2", "c,a?").answer == ("A", "C")
    assert parse_answer("q-s1-001@2", "c,a?").hesitant
    assert parse_answer("q-s1-001@2", ["B"]).revision == 2
    with pytest.raises(ValueError, match="ITEM@REVISION"):
        parse_answer("q-s1-001", "B")
    with pytest.raises(ValueError, match="not an answer"):
        parse_answer("q-s1-001@1", "Z")


@pytest.mark.parametrize(
    ("reads", "difficulty"),
    [
        ([read("expert", ["A"])], None),  # one role only: not decided yet
        ([read("expert", ["A"]), read("test-wise", ["A"])], 1),
        ([read("expert", ["A"], hesitant=True), read("test-wise", ["A"])], 2),
        ([read("expert", ["A"]), read("test-wise", ["A"], hesitant=True)], 3),  # a lucky guess
        ([read("expert", ["A"]), read("test-wise", ["B"])], 3),
        ([read("expert", ["A"], hesitant=True), read("test-wise", ["B"])], 4),
        ([read("expert", ["C"]), read("test-wise", ["B"])], 5),
        ([read("expert", ["C"], revision=2), read("test-wise", ["B"])], None),  # other revision
    ],
)
def test_difficulty_follows_the_panel(reads: list[PanelRead], difficulty: int | None) -> None:
    q = make_question(["a1", "b2", "c3", "d4"]).model_copy(update={"panel": reads})
    assert panel_difficulty(q) == difficulty


PANEL_PACK_YAML = "review:\n  panel: true\n"


def panel_pack(tmp_path: Path) -> Path:
    root = make_pack(tmp_path, {"questions/q.yaml": "questions:\n" + question("q-one")})
    meta = root / "pack.yaml"
    meta.write_text(meta.read_text().replace("sections:", PANEL_PACK_YAML + "sections:", 1))
    return root


def test_a_panel_pack_requires_reads_and_a_decisive_fact(tmp_path: Path) -> None:
    root = panel_pack(tmp_path)
    found = [p.message for p in check_pack(root).problems]
    assert "no decisive fact" in found
    assert "revision 1 has no blind read by expert or test-wise reader" in found


def test_a_retired_item_needs_no_reads_and_counts_in_no_figure(tmp_path: Path) -> None:
    retired = "    retired: {date: 2026-12-06, reason: The key no longer holds.}\n"
    root = panel_pack(tmp_path)
    bank = root / "questions" / "q.yaml"
    bank.write_text(bank.read_text().replace("  - id: q-one\n", "  - id: q-one\n" + retired))
    assert check_pack(root, strict=True).problems == []  # no reads, no decisive fact needed
    stats = pack_stats(load_pack(root))
    assert stats["totals"]["questions"] == 0 and stats["totals"]["questions_retired"] == 1


def test_recorded_reads_land_in_the_file_and_set_the_difficulty(tmp_path: Path) -> None:
    root = panel_pack(tmp_path)
    pack = load_pack(root)
    files = {q.id: Path(pack.origins[q.id].path) for q in pack.questions}
    current = {q.id: q for q in pack.questions}
    day = dt.date(2026, 12, 6)
    record_reads(
        files,
        current,
        reader="ex-1",
        role="expert",
        date=day,
        answers=[parse_answer("q-one@1", "A?")],
        facts={"q-one": "Buckets hold objects of any size."},
    )
    pack = load_pack(root)
    current = {q.id: q for q in pack.questions}
    record_reads(
        files,
        current,
        reader="tw-1",
        role="test-wise",
        date=day,
        answers=[parse_answer("q-one@1", "C")],
    )
    q = load_pack(root).questions[0]
    assert [(r.reader, r.answer, r.hesitant) for r in q.panel] == [
        ("ex-1", ["A"], True),
        ("tw-1", ["C"], False),
    ]
    assert q.decisive_fact == "Buckets hold objects of any size."
    assert q.difficulty == 4  # the expert hesitated, the test-wise reader missed
    assert check_pack(root, strict=True).problems == []
    with pytest.raises(ValueError, match="already recorded"):
        record_reads(
            files,
            {q.id: q},
            reader="tw-1",
            role="test-wise",
            date=day,
            answers=[parse_answer("q-one@1", "C")],
        )
    with pytest.raises(ValueError, match="current is 1"):
        record_reads(
            files,
            {q.id: q},
            reader="tw-2",
            role="test-wise",
            date=day,
            answers=[parse_answer("q-one@2", "C")],
        )


def test_panel_shares_count_each_item_once_however_often_it_was_read() -> None:
    # Item one: read three times, always solved. Item two: read once, missed with a guess.
    # Per read that is 3 of 4 (75 %); per item it is (1 + 0) / 2 = 50 %.
    solved = make_question(["A", "B", "C", "D"]).model_copy(
        update={"id": "q-one", "panel": [read("test-wise", ["A"]) for _ in range(3)]}
    )
    missed = make_question(["A", "B", "C", "D"]).model_copy(
        update={"id": "q-two", "panel": [read("test-wise", ["B"], hesitant=True)]}
    )
    unread = make_question(["A", "B", "C", "D"]).model_copy(update={"id": "q-three"})
    assert panel_shares([solved, missed, unread], "test-wise") == (0.5, 0.5, 2)
    assert panel_shares([solved, missed, unread], "expert") == (0.0, 0.0, 0)


def test_pack_stats_reports_cues_per_section(tmp_path: Path) -> None:
    stats = pack_stats(load_pack(panel_pack(tmp_path)))
    cues = stats["sections"][0]["cues"]
    assert set(cues) >= {"key_longest", "solver", "chance", "non_technical", "length_spread"}
    assert stats["panel"]["items_read"] == {"expert": 0, "test-wise": 0}


LONG_KEY = """\
    options:
      - {text: Keep the objects in a regional bucket with versioning, correct: true, why: Fits.}
      - {text: Keep it on a disk, why: Blocks.}
      - {text: Keep it in memory, why: Volatile.}
      - {text: Keep it on tape, why: Slow.}
"""


def test_a_section_whose_keys_are_the_longest_options_is_reported(tmp_path: Path) -> None:
    each = [
        question(
            f"q-{i:02d}", stem=f"Where should team {i} keep large media files?", options=LONG_KEY
        )
        for i in range(20)
    ]
    items = "".join(each)
    root = make_pack(tmp_path, {"questions/q.yaml": "questions:\n" + items})
    found = [p.message for p in check_pack(root).problems]
    assert (
        "S1: the key is the single longest option (characters) in 100% of single-answer items (limit 30%)"
        in found
    )
    assert any(m.startswith("S1: a test-wise solver") for m in found)
    # Fewer than 20 items: too few to judge a share.
    (tmp_path / "few").mkdir()
    few = make_pack(tmp_path / "few", {"questions/q.yaml": "questions:\n" + "".join(each[:10])})
    assert not any(m.startswith("S1:") for m in (p.message for p in check_pack(few).problems))


NAMES = """\
products:
  - id: airflow
    name: Managed Service for Apache Airflow
    former: [{name: Cloud Composer}]
"""


def test_former_names_are_caught_in_cards_and_notes_unless_a_sentence_explains_the_rename(
    tmp_path: Path,
) -> None:
    cards = """\
cards:
  - {id: c-1, covers: [S1.1.a], front: Which service runs DAGs?, back: Cloud Composer runs them., source: https://docs.example.org/a}
  - {id: c-2, covers: [S1.1.a], front: What is Cloud Composer called now?, back: Managed Service for Apache Airflow., source: https://docs.example.org/a}
"""
    note = (
        "---\nid: n-1\ntitle: Orchestration\ncovers: [S1.1.a]\n---\n"
        "Schedule DAGs with Cloud Composer.\n\nCloud Composer was renamed in 2026.\n"
    )
    root = make_pack(tmp_path, {"names.yaml": NAMES, "cards/c.yaml": cards, "notes/n-1.md": note})
    found = [(p.field, p.message.split(":")[0]) for p in check_pack(root).problems]
    assert ("back", "former product name 'Cloud Composer'") in found
    assert ("body line 1", "former product name 'Cloud Composer'") in found
    assert (
        "front",
        "former product name 'Cloud Composer'",
    ) not in found  # c-2 asks about the rename
    assert ("body line 3", "former product name 'Cloud Composer'") not in found


def test_versioned_model_names_are_flagged_in_questions(tmp_path: Path) -> None:
    root = make_pack(
        tmp_path,
        {
            "questions/q.yaml": "questions:\n"
            + question(
                "q-v", stem="Which deployment suits a Gemini 2.5 Flash prompt for media files?"
            )
        },
    )
    found = [p.message for p in check_pack(root).problems]
    assert any(m.startswith("'Gemini 2.5': name the model without its version") for m in found)


def test_a_fact_check_replaces_the_reviewed_record(tmp_path: Path) -> None:
    from examprep.content.panel import record_fact_check

    root = panel_pack(tmp_path)
    pack = load_pack(root)
    files = {q.id: Path(pack.origins[q.id].path) for q in pack.questions}
    record_fact_check(files, ["q-one"], by="ex-2", date=dt.date(2026, 12, 6))
    record_fact_check(files, ["q-one"], by="ex-3", date=dt.date(2026, 12, 7))
    reviewed = load_pack(root).questions[0].reviewed
    assert reviewed is not None and (reviewed.by, reviewed.date) == ("ex-3", dt.date(2026, 12, 7))
    with pytest.raises(ValueError, match="no such question"):
        record_fact_check(files, ["q-none"], by="ex-2", date=dt.date(2026, 12, 6))


def test_masking_hides_hyphenated_flags_but_not_everyday_compounds() -> None:
    (text,) = mask_names(
        ["Set the metadata key container-allow-fuse to true for an end-to-end check."]
    )
    assert "container-allow-fuse" not in text and "[N1]" in text
    assert "end-to-end" in text
