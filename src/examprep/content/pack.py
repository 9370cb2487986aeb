"""A loaded content pack and where its items were defined.

This is all a compiled (cached) pack needs to be unpickled: the YAML reader (`loader`) is not
imported here, and a file's line map is built only when a problem is reported
(`Origin.line_of` composes the file again).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING

from examprep.content.schema import (
    AdvisorTree,
    Bullet,
    Card,
    Note,
    PackMeta,
    Product,
    Question,
    SearchWords,
    Section,
    Table,
)

if TYPE_CHECKING:
    from examprep.content.yamlfile import YamlDocument

__all__ = ["Origin", "Pack", "bundled_pack_path"]


def bundled_pack_path() -> Path:
    """The directory of the pack shipped with examprep (gcp-pmle)."""
    return Path(__file__).resolve().parent.parent / "packs" / "gcp-pmle"


@dataclass(frozen=True)
class Origin:
    """Where an item was defined (file and key path), so checks can name file and line.

    The line is looked up only when asked for, that is when a problem is reported: from the
    parsed document while the pack is being read, from the file again for a loaded pack (which
    keeps no documents, so a cached pack stays small).
    """

    path: str
    loc: tuple[str | int, ...] = ()
    doc: YamlDocument | None = field(default=None, compare=False, repr=False)

    @property
    def line(self) -> int:
        return self.line_of()

    def line_of(self, *sub: str | int) -> int:
        doc = self.doc if self.doc is not None else _document(self.path)
        if doc is None:
            return 1
        return doc.line_of((*self.loc, *sub))

    def light(self) -> Origin:
        """This origin without its parsed document."""
        return Origin(self.path, self.loc)


def _document(path: str) -> YamlDocument | None:
    """The YAML document (or Markdown front matter) at `path`, for line numbers; None if gone.

    The YAML reader is imported here, on the error path only: a loaded pack never needs it.
    """
    from examprep.content.yamlfile import YamlFileError, read_yaml, split_front_matter

    file = Path(path)
    try:
        if file.suffix == ".md":
            return split_front_matter(file, file.read_text(encoding="utf-8"))[0]
        return read_yaml(file)
    except (OSError, UnicodeDecodeError, YamlFileError):
        return None


@dataclass(frozen=True)
class Pack:
    """A loaded content pack: exam outline plus questions, cards, notes, tables, names, advisor."""

    root: Path
    meta: PackMeta
    questions: tuple[Question, ...] = ()  # the questions in use
    retired: tuple[Question, ...] = ()  # no longer asked; kept for past attempts
    cards: tuple[Card, ...] = ()
    notes: tuple[Note, ...] = ()
    tables: tuple[Table, ...] = ()
    names: tuple[Product, ...] = ()
    advisor: AdvisorTree | None = None
    search: SearchWords = field(default_factory=SearchWords)
    origins: dict[str, Origin] = field(default_factory=dict, compare=False, repr=False)

    @property
    def id(self) -> str:
        return self.meta.id

    @property
    def sections(self) -> list[Section]:
        return self.meta.sections

    @property
    def bullets(self) -> dict[str, Bullet]:
        return {b.id: b for s in self.meta.sections for b in s.bullets}

    def section_of(self, bullet_id: str) -> str:
        """The section id a bullet belongs to."""
        for section in self.meta.sections:
            if any(b.id == bullet_id for b in section.bullets):
                return section.id
        raise KeyError(bullet_id)

    @cached_property
    def drills(self) -> tuple[Question, ...]:
        """Drill questions generated from the tables' templates (built on first use)."""
        from examprep.content.drills import pack_drills

        bullet_section = {b.id: s.id for s in self.meta.sections for b in s.bullets}
        return pack_drills(self.tables, bullet_section)

    @cached_property
    def _questions_by_id(self) -> dict[str, Question]:
        return {q.id: q for q in (*self.questions, *self.retired)}

    def question(self, item_id: str) -> Question:
        """An authored question (retired ones too, for past attempts), or a generated drill
        (ids starting with "drill:")."""
        if item_id.startswith("drill:"):
            for q in self.drills:
                if q.id == item_id:
                    return q
            raise KeyError(item_id)
        return self._questions_by_id[item_id]
