"""`pack check`: every kind of problem is reported with the right file, line and field."""

from __future__ import annotations

import shutil
import textwrap
from pathlib import Path

import pytest

from examprep.content.lint import former_name_hits, template_problems
from examprep.content.loader import bundled_pack_path, load_pack, read_pack
from examprep.content.problems import PackError
from examprep.services import check_pack

from .conftest import MINI_PACK

GOOD_OPTIONS = """\
    options:
      - {text: Keep it in a bucket, correct: true, why: Buckets hold objects.}
      - {text: Keep it on a disk, why: Disks hold blocks.}
      - {text: Keep it in memory, why: Memory is volatile.}
      - {text: Keep it on tape, why: Tape is slow.}
"""


def question(
    qid: str,
    stem: str = "Where should a team keep large media files for the web?",
    extra: str = "",
    options: str = GOOD_OPTIONS,
    sources: str = "https://docs.example.org/storage",
) -> str:
    return (
        f"  - id: {qid}\n    covers: [S1.1.a]\n    stem: {stem}\n{extra}{options}"
        f"    sources: [{sources}]\n    verified: 2026-01-02\n"
    )


def make_pack(tmp_path: Path, files: dict[str, str]) -> Path:
    root = tmp_path / "pack"
    root.mkdir()
    shutil.copy(MINI_PACK / "pack.yaml", root / "pack.yaml")
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return root


def messages(root: Path, strict: bool = False) -> list[str]:
    report = check_pack(root, strict=strict)
    return [
        f"{Path(p.path).relative_to(root)}:{p.line}: {p.field}: {p.message}" for p in report.errors
    ]


def test_bundled_pack_passes_strict() -> None:
    report = check_pack(bundled_pack_path(), strict=True)
    assert [str(p) for p in report.problems] == []


def test_fixture_pack_is_clean() -> None:
    assert check_pack(MINI_PACK, strict=True).problems == []


def test_malformed_yaml_names_file_and_line(tmp_path: Path) -> None:
    root = make_pack(
        tmp_path, {"questions/a.yaml": "questions:\n  - id: q-1\n    stem: [unclosed\n"}
    )
    [msg] = messages(root)
    assert msg.startswith("questions/a.yaml:4: file: malformed YAML")


def test_schema_errors_point_at_the_field(tmp_path: Path) -> None:
    text = "questions:\n" + question("q-1", extra="    difficulty: 9\n    colour: red\n")
    root = make_pack(tmp_path, {"questions/a.yaml": text})
    assert messages(root) == [
        "questions/a.yaml:5: q-1.difficulty: Input should be less than or equal to 5",
        "questions/a.yaml:6: q-1.colour: unknown field",
    ]


def test_missing_explanation(tmp_path: Path) -> None:
    options = GOOD_OPTIONS.replace(", why: Tape is slow.", "")
    root = make_pack(
        tmp_path, {"questions/a.yaml": "questions:\n" + question("q-1", options=options)}
    )
    assert messages(root) == ["questions/a.yaml:9: q-1.options[3].why: Field required"]


def test_duplicate_ids_across_files(tmp_path: Path) -> None:
    root = make_pack(
        tmp_path,
        {
            "questions/a.yaml": "questions:\n" + question("q-1"),
            "questions/b.yaml": "questions:\n"
            + question("q-1", stem="Which storage suits nightly database backups kept for years?"),
        },
    )
    [msg] = messages(root)
    assert msg.startswith("questions/b.yaml:2: id: duplicate id 'q-1' (first defined at ")
    assert msg.endswith("a.yaml:2)")


def test_unknown_bullet(tmp_path: Path) -> None:
    text = "questions:\n" + question("q-1").replace("[S1.1.a]", "[S1.1.a, S9.9.z]")
    root = make_pack(tmp_path, {"questions/a.yaml": text})
    assert messages(root) == ["questions/a.yaml:3: covers: unknown bullet 'S9.9.z'"]


def test_wrong_number_of_correct_options(tmp_path: Path) -> None:
    two = GOOD_OPTIONS.replace("Keep it on a disk, why", "Keep it on a disk, correct: true, why")
    multi = "    kind: multi\n    choose: 2\n"
    text = (
        "questions:\n"
        + question("q-1", options=two)
        + question(
            "q-2",
            stem="Which two storage classes suit rarely read archives kept for compliance?",
            extra=multi,
        )
    )
    root = make_pack(tmp_path, {"questions/a.yaml": text})
    assert messages(root) == [
        "questions/a.yaml:5: options: single question needs exactly one correct option, found 2",
        "questions/a.yaml:17: options: multi question needs 2 correct, found 1",
    ]


def test_single_with_choose_two_is_a_schema_error(tmp_path: Path) -> None:
    text = "questions:\n" + question("q-1", extra="    choose: 2\n")
    root = make_pack(tmp_path, {"questions/a.yaml": text})
    assert messages(root) == ["questions/a.yaml:2: q-1: a single-answer question has choose: 1"]


def test_unofficial_source(tmp_path: Path) -> None:
    text = "questions:\n" + question("q-1", sources="https://someblog.example.com/post")
    root = make_pack(tmp_path, {"questions/a.yaml": text})
    [msg] = messages(root)
    assert msg.startswith("questions/a.yaml:10: sources: needs at least one official source")


def test_word_floors_and_ceilings(tmp_path: Path) -> None:
    long_stem = " ".join(["word"] * 61)
    short_option = GOOD_OPTIONS.replace("Keep it in memory", "Memory")
    text = (
        "questions:\n"
        + question("q-1", stem="Too short a stem.")
        + question("q-2", stem=long_stem, options=short_option)
    )
    root = make_pack(tmp_path, {"questions/a.yaml": text})
    assert messages(root) == [
        "questions/a.yaml:4: stem: 4 words, below the floor of 6",
    ]
    assert messages(root, strict=True) == [
        "questions/a.yaml:4: stem: 4 words, below the floor of 6",
        "questions/a.yaml:14: stem: 61 words, above the ceiling of 60",
    ]


NAMES = """\
products:
  - id: pipelines
    name: Agent Platform Pipelines
    former:
      - {name: Vertex AI Pipelines, until: 2026-04-22}
      - {name: Vertex AI}
"""


def test_former_names_outside_formerly(tmp_path: Path) -> None:
    ok_stem = "Your team runs Agent Platform Pipelines (formerly Vertex AI Pipelines) every night."
    bad_stem = "Your team schedules training jobs in Vertex AI Pipelines every night."
    bad_option = GOOD_OPTIONS.replace("Keep it in memory", "Keep it in Vertex AI memory")
    text = (
        "questions:\n"
        + question("q-1", stem=ok_stem)
        + question("q-2", stem=bad_stem, options=bad_option)
    )
    root = make_pack(tmp_path, {"questions/a.yaml": text, "names.yaml": NAMES})
    assert [m.split(": use")[0] for m in messages(root)] == [
        "questions/a.yaml:14: stem: former product name 'Vertex AI Pipelines'",
        "questions/a.yaml:18: options[2]: former product name 'Vertex AI'",
    ]


def test_former_name_matching_rules() -> None:
    former, current = ["Vertex AI", "Dataproc"], ["Agent Platform"]
    assert former_name_hits("Use Vertex AI.", former, current) == ["Vertex AI"]
    assert former_name_hits("Use Agent Platform (formerly Vertex AI).", former, current) == []
    assert former_name_hits("Use Vertex AIR and Dataprocs.", former, current) == []
    assert former_name_hits("Use Dataproc then Dataproc.", former, current) == [
        "Dataproc",
        "Dataproc",
    ]


def test_duplicate_and_near_duplicate_stems(tmp_path: Path) -> None:
    stem = "A media company stores large video files and serves them to viewers around the world daily."
    near = stem.replace("daily", "every day")
    text = (
        "questions:\n"
        + question("q-1", stem=stem)
        + question("q-2", stem=stem)
        + question("q-3", stem=near)
    )
    root = make_pack(tmp_path, {"questions/a.yaml": text})
    assert messages(root) == ["questions/a.yaml:14: stem: same stem as q-1"]
    strict = messages(root, strict=True)
    assert "questions/a.yaml:24: stem: near-duplicate of q-1 (81% of word triples shared)" in strict


TABLE = """\
id: t-storage
title: Storage kinds
covers: [S1.1.a]
sources: [https://docs.example.org/storage]
key: kind
columns:
  - {id: kind, label: Kind}
  - {id: unit, label: Unit}
rows:
  - {kind: object, unit: object}
  - {kind: block, unit: block}
  - {kind: file, unit: block}
  - {kind: tape, unit: cartridge}
templates:
  - {id: unit-to-kind, given: unit, answer: kind, prompt: "Which storage kind stores data as {given}s?"}
  - {id: kind-to-unit, given: kind, answer: unit, prompt: "What unit does {given} storage use?"}
"""


def test_ambiguous_table_template(tmp_path: Path) -> None:
    root = make_pack(tmp_path, {"tables/storage.yaml": TABLE})
    assert messages(root) == [
        "tables/storage.yaml:15: templates.unit-to-kind: ambiguous: unit='block' fits several "
        "answers ['block', 'file']",
        "tables/storage.yaml:16: templates.kind-to-unit: needs at least 4 distinct `unit` values "
        "(one key, three distractors), has 3",
    ]


def test_template_problems_accepts_a_functional_column() -> None:
    rows = [{"k": str(i), "v": f"v{i}"} for i in range(5)]
    assert template_problems(rows, "k", "v") == []


ADVISOR = """\
root: d-a
nodes:
  - id: d-a
    question: First?
    why: Because.
    common: one
    choices:
      - {id: one, label: One, next: d-b}
      - {id: two, label: Two, leaf: l-x}
  - id: d-b
    question: Second?
    why: Because.
    common: out
    choices:
      - {id: back, label: Back, next: d-a}
      - {id: out, label: Out, leaf: l-x}
  - id: d-lonely
    question: Never asked?
    why: Because.
    common: a
    choices:
      - {id: a, label: A, leaf: l-x}
      - {id: b, label: B, leaf: l-x}
leaves:
  - id: l-x
    name: x-store
    why: It fits.
    sources: [https://docs.example.org/x]
    questions: [q-404]
  - id: l-orphan
    use: Y
    why: Never reached.
    sources: [https://docs.example.org/y]
"""


def test_advisor_structure(tmp_path: Path) -> None:
    root = make_pack(tmp_path, {"advisor.yaml": ADVISOR})
    assert messages(root) == [
        "advisor.yaml:1: nodes: cycle: d-a -> d-b -> d-a",
        "advisor.yaml:17: d-lonely: node is not reachable from the root",
        "advisor.yaml:25: l-x.name: unknown product 'x-store'",
        "advisor.yaml:25: l-x.questions: unknown question 'q-404'",
        "advisor.yaml:30: l-orphan: leaf is not reachable from the root",
    ]


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        ("    common: one\n", "    common: three\n", "common 'three' is not one of the choices"),
        ("{id: two,", "{id: not-sure,", "reserved for the 'not sure' answer"),
        ("    use: Y\n", "    use: Y (formerly Z)\n", "must not give former names"),
        ("    use: Y\n", "", "a leaf needs `name`"),
    ],
)
def test_advisor_nodes_and_leaves_are_checked(
    tmp_path: Path, old: str, new: str, message: str
) -> None:
    root = make_pack(tmp_path, {"advisor.yaml": ADVISOR.replace(old, new, 1)})
    assert any(message in m for m in messages(root)), messages(root)


def test_note_front_matter(tmp_path: Path) -> None:
    note = "---\nid: n-one\ntitle: One\ncovers: [S1.1.z]\nsources: [https://docs.example.org/a]\n---\n# One\n"
    root = make_pack(tmp_path, {"notes/one.md": note, "notes/two.md": "# no front matter\n"})
    assert messages(root) == [
        "notes/one.md:4: covers: unknown bullet 'S1.1.z'",
        "notes/one.md:5: sources: a note cites at least two official sources, has 1",
        "notes/two.md:1: front matter: missing YAML front matter (the file must start with ---)",
    ]


def test_missing_pack_yaml(tmp_path: Path) -> None:
    (tmp_path / "empty").mkdir()
    assert messages(tmp_path / "empty") == [
        "pack.yaml:1: file: missing: every pack needs pack.yaml"
    ]


def test_load_pack_raises_with_every_error(tmp_path: Path) -> None:
    text = "questions:\n" + question("q-1").replace("[S1.1.a]", "[S7.1.a]")
    root = make_pack(tmp_path, {"questions/a.yaml": text})
    with pytest.raises(PackError) as caught:
        load_pack(root)
    assert "unknown bullet 'S7.1.a'" in str(caught.value)


def test_minimal_pack_loads_without_notes() -> None:
    pack = load_pack(MINI_PACK)
    assert len(pack.questions) == 12
    assert pack.notes == () and pack.advisor is None
    assert {q.section for q in pack.questions} == {"S1", "S2"}


def test_read_pack_keeps_line_map() -> None:
    pack, problems = read_pack(MINI_PACK)
    assert problems == [] and pack is not None
    origin = pack.origins["q-002"]
    assert origin.path.endswith("bank.yaml") and origin.line > 20
    assert textwrap.dedent("x") == "x"


def test_explanation_sentence_range_is_a_warning(tmp_path: Path) -> None:
    root = make_pack(tmp_path, {"questions/a.yaml": "questions:\n" + question("q-1")})
    meta = (
        (root / "pack.yaml")
        .read_text()
        .replace("  option_words: [1, 20]\n", "  option_words: [1, 20]\n  why_sentences: [2, 4]\n")
    )
    (root / "pack.yaml").write_text(meta)
    assert messages(root) == []
    strict = messages(root, strict=True)
    assert strict[0] == "questions/a.yaml:6: options[0].why: 1 sentence(s); explanations have 2-4"
    assert len(strict) == 4


def test_sentence_counting() -> None:
    from examprep.content.lint import count_sentences

    assert count_sentences("One. Two.") == 2
    assert count_sentences("Use a tool, e.g. a linter. Then ship it.") == 2
    assert count_sentences("gRPC is fast. gRPC is also typed!") == 2
    assert count_sentences("No terminator") == 0
