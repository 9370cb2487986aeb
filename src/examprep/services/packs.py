"""Pack use cases for authors: check a pack, its statistics, note links, the blind panel."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import yaml

from examprep.content.lint import lint_pack
from examprep.content.loader import load_pack, read_pack
from examprep.content.notelinks import Proposal, propose_links, write_links
from examprep.content.panel import blind_sheet, parse_answer, record_fact_check, record_reads
from examprep.content.stats import pack_stats as compute
from examprep.errors import InvalidInput, NotFound
from examprep.services.context import pack_dir as _pack_dir

if TYPE_CHECKING:
    from examprep.content.pack import Pack
    from examprep.content.problems import Problem


@dataclass(frozen=True)
class CheckReport:
    """The outcome of `pack check`."""

    path: Path
    problems: list[Problem]
    strict: bool

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "error" or self.strict]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "warning"]

    @property
    def ok(self) -> bool:
        return not self.errors


def check_pack(path: Path | None = None, strict: bool = False) -> CheckReport:
    """Validate a pack: schema, integrity and authoring rules, every problem with file and line."""
    root = _pack_dir(path)
    pack, problems = read_pack(root)
    if pack is not None:
        problems = problems + lint_pack(pack)
    return CheckReport(path=root, problems=sorted(problems), strict=strict)


def pack_stats(path: Path | None = None) -> dict[str, Any]:
    """Coverage and balance statistics of a pack (documented JSON shape)."""
    return compute(load_pack(_pack_dir(path)))


@dataclass(frozen=True)
class LinkReport:
    """The outcome of `pack link-notes`: every proposal, and the items given a link."""

    proposals: list[Proposal]
    chosen: list[str]
    written: bool

    def to_json(self) -> dict[str, Any]:
        return {
            "proposals": [p.to_json() for p in self.proposals],
            "chosen": self.chosen,
            "written": self.written,
        }


CONFIDENCE = ("low", "medium", "high")


def link_notes(
    path: Path | None = None,
    *,
    write: bool = False,
    min_confidence: str = "high",
    replace: bool = False,
) -> LinkReport:
    """Propose a `note:` link for each question and card; with `write`, put the sure ones in."""
    if min_confidence not in CONFIDENCE:
        raise InvalidInput(f"--min-confidence must be one of {', '.join(CONFIDENCE)}")
    pack = load_pack(_pack_dir(path))
    proposals = propose_links(pack, replace=replace)
    floor = CONFIDENCE.index(min_confidence)
    chosen = [p for p in proposals if CONFIDENCE.index(p.confidence) >= floor]
    if write and chosen:
        ids = [q.id for q in pack.questions] + [c.id for c in pack.cards]
        files = {i: Path(pack.origins[i].path) for i in ids if i in pack.origins}
        write_links(files, {p.item: p.link for p in chosen})
    return LinkReport(proposals, [p.item for p in chosen], write)


def panel_sheet(
    path: Path | None,
    role: str,
    *,
    section: str | None = None,
    ids: list[str] | None = None,
    unread: bool = False,
) -> tuple[str, int]:
    """A blind sheet for one panel role (no keys, no explanations) and how many items it holds.

    `unread` keeps only items whose current revision has no read of that role yet.
    """
    if role not in ("expert", "test-wise"):
        raise InvalidInput(f"role must be expert or test-wise, not {role!r}")
    pack = load_pack(_pack_dir(path))
    questions = list(pack.questions)
    if ids:
        known = {q.id for q in questions}
        missing = [i for i in ids if i not in known]
        if missing:
            raise NotFound(f"no such question: {', '.join(missing)}")
        questions = [q for q in questions if q.id in set(ids)]
    if section:
        questions = [q for q in questions if q.section == section.upper()]
    if unread:
        questions = [q for q in questions if not q.reads(role)]
    return blind_sheet(questions, role=role), len(questions)


def _fact_checks(
    pack: Pack, data: dict[str, Any], answers_file: Path, reader: str, date: Any
) -> list[str]:
    """`checked: [ids]`: items whose key and explanations the reader checked after answering."""
    checked = data.get("checked") or []
    if not isinstance(checked, list):
        raise InvalidInput(f"{answers_file}: checked must be a list of question ids")
    files = {q.id: Path(pack.origins[q.id].path) for q in pack.questions}
    record_fact_check(files, [str(i) for i in checked], by=reader, date=date)
    return []


def record_panel(path: Path | None, answers_file: Path) -> list[str]:
    """Record one reader's blind answers (YAML: reader, role, date, answers, facts) in the pack."""
    pack = load_pack(_pack_dir(path))
    try:
        data = yaml.safe_load(answers_file.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise InvalidInput(f"{answers_file}: cannot read answers: {exc}") from exc
    if not isinstance(data, dict) or not isinstance(data.get("answers"), dict):
        raise InvalidInput(f"{answers_file}: expected a mapping with reader, role, date, answers")
    role = data.get("role")
    reader = data.get("reader")
    if role not in ("expert", "test-wise") or not isinstance(reader, str) or not reader:
        raise InvalidInput(f"{answers_file}: reader (a name) and role (expert|test-wise) needed")
    date = data.get("date")
    if not isinstance(date, dt.date):
        raise InvalidInput(f"{answers_file}: date must be YYYY-MM-DD")
    try:
        reads = [parse_answer(str(k), v) for k, v in data["answers"].items()]
        files = {q.id: Path(pack.origins[q.id].path) for q in pack.questions}
        return record_reads(
            files,
            {q.id: q for q in pack.questions},
            reader=reader,
            role="expert" if role == "expert" else "test-wise",
            date=date,
            answers=reads,
            facts={str(k): str(v) for k, v in (data.get("facts") or {}).items()},
        ) + _fact_checks(pack, data, answers_file, reader, date)
    except ValueError as exc:
        raise InvalidInput(f"{answers_file}: {exc}") from exc
