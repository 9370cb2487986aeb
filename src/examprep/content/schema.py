"""Pydantic models for every file of a content pack (format: docs/pack-format.md)."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    field_validator,
    model_validator,
)

from examprep.engine.advisor import NOT_SURE

Id = Annotated[str, StringConstraints(pattern=r"^[a-z0-9][a-z0-9-]*$", max_length=80)]
ColumnId = Annotated[str, StringConstraints(pattern=r"^[a-z0-9][a-z0-9_-]*$", max_length=80)]
BulletId = Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9][A-Za-z0-9.-]*$", max_length=40)]
Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]
Url = Annotated[str, StringConstraints(pattern=r"^https?://[^\s/]+\S*$")]
# A note section that teaches a fact: `note-id#section-slug` (content/sections.py).
NoteLink = Annotated[
    str, StringConstraints(pattern=r"^[a-z0-9][a-z0-9-]*#[a-z0-9][a-z0-9-]*$", max_length=200)
]


class Model(BaseModel):
    """Base: unknown fields are errors, instances are immutable."""

    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)


# --- pack.yaml -------------------------------------------------------------------------


class Bullet(Model):
    id: BulletId
    text: Text


class Subsection(Model):
    id: BulletId
    title: Text
    bullets: list[Bullet] = Field(min_length=1)


class Section(Model):
    id: BulletId
    title: Text
    weight: float = Field(gt=0)
    subsections: list[Subsection] = Field(min_length=1)

    @property
    def bullets(self) -> list[Bullet]:
        return [b for sub in self.subsections for b in sub.bullets]


class QuestionCount(Model):
    min: int = Field(ge=1)
    max: int = Field(ge=1)
    default: int = Field(ge=1)

    @model_validator(mode="after")
    def _ordered(self) -> QuestionCount:
        if not self.min <= self.default <= self.max:
            raise ValueError("need min <= default <= max")
        return self


class Style(Model):
    stem_words: tuple[int, int] = (1, 10_000)
    option_words: tuple[int, int] = (1, 10_000)
    why_sentences: tuple[int, int] = (1, 100)


class ReviewPolicy(Model):
    """How a pack's questions are reviewed; `pack check` enforces what the pack declares."""

    # Every question's current revision has a blind read by an expert and by a test-wise reader,
    # a decisive fact, and the difficulty the panel shows (docs/authoring.md).
    panel: bool = False
    # Every question and card links to the note section that teaches its fact (`note:`).
    note_links: bool = False


class ExamOffsetPrior(Model):
    """How much harder the real exam is believed to be than this bank, in ability units (logits).

    A prior: readiness integrates P(pass) over N(mean, sd^2) until `examprep calibrate
    --outcomes` fits the offset from reported exam results. The default (0, 0) assumes the
    exam is exactly as hard as the bank.
    """

    mean: float = Field(default=0.0, ge=-3, le=3)
    sd: float = Field(default=0.0, ge=0, le=2)
    note: Text | None = None


class PackMeta(Model):
    id: Id
    title: Text
    provider: Text | None = None
    guide_date: dt.date | None = None
    guide_url: Url | None = None
    exam_url: Url | None = None
    questions: QuestionCount
    minutes: int = Field(gt=0)
    pass_mark: float = Field(gt=0, lt=1)
    pass_mark_note: Text
    exam_offset: ExamOffsetPrior = ExamOffsetPrior()
    source_domains: list[str] = Field(default_factory=list)
    style: Style = Style()
    review: ReviewPolicy = ReviewPolicy()
    sections: list[Section] = Field(min_length=1)


# --- questions -------------------------------------------------------------------------


class Option(Model):
    text: Text
    correct: bool = False
    why: Text


class Review(Model):
    """The fact check: a second reader checked the key and every explanation against sources."""

    by: Text
    date: dt.date
    notes: str | None = None


class Retirement(Model):
    """Why and when a question stopped being asked (its key or premise no longer holds)."""

    date: dt.date
    reason: Text


Letter = Annotated[str, StringConstraints(pattern=r"^[A-F]$")]


class PanelRead(Model):
    """One blind answer to one revision of a question, by a reader who did not write it.

    An `expert` reader answers with product knowledge (is the key right?); a `test-wise` reader
    answers from wording, constraints and option shape alone (is knowledge needed?).
    """

    reader: Text
    role: Literal["expert", "test-wise"]
    date: dt.date
    revision: int = Field(ge=1)
    answer: list[Letter] = Field(min_length=1)
    hesitant: bool = False  # the reader was unsure or needed the docs
    note: str | None = None


class Question(Model):
    id: Id
    covers: list[BulletId] = Field(min_length=1)
    kind: Literal["single", "multi"] = "single"
    choose: int = Field(default=1, ge=1)
    difficulty: int = Field(default=3, ge=1, le=5)
    # Bumped whenever the stem, an option or the key changes what an answer means; stored with
    # every answer so that evidence about an older text never informs the new one.
    revision: int = Field(default=1, ge=1)
    tags: list[Id] = Field(default_factory=list)
    decisive_fact: Text | None = None  # the one fact a learner must know to reach the key
    note: NoteLink | None = None  # the note section that teaches the decisive fact
    family: Id | None = None  # items that turn on the same fact with the same answer
    stem: Text
    options: list[Option] = Field(min_length=2, max_length=6)
    sources: list[Url] = Field(default_factory=list)
    verified: dt.date | None = None
    author: str | None = None
    reviewed: Review | None = None
    panel: list[PanelRead] = Field(default_factory=list)
    # A retired question is never asked again and counts for nothing, but stays in the pack so
    # that past attempts, results and exports that name it still show it (docs/authoring.md).
    retired: Retirement | None = None
    # Filled in by the loader from the pack outline (not written in question files).
    section: str = Field(default="", exclude=True)
    generated: bool = Field(default=False, exclude=True)

    @model_validator(mode="after")
    def _kind_matches_choose(self) -> Question:
        if self.kind == "single" and self.choose != 1:
            raise ValueError("a single-answer question has choose: 1")
        if self.kind == "multi" and not 2 <= self.choose < len(self.options):
            raise ValueError("a multi-select question has 2 <= choose < number of options")
        return self

    @property
    def key(self) -> tuple[int, ...]:
        """Indexes (authored order) of the correct options."""
        return tuple(i for i, o in enumerate(self.options) if o.correct)

    @property
    def key_letters(self) -> list[str]:
        """The key as letters in authored order ("A", "C")."""
        return [chr(ord("A") + i) for i in self.key]

    def reads(self, role: str) -> list[PanelRead]:
        """Blind reads of the current revision by readers of one role."""
        return [r for r in self.panel if r.role == role and r.revision == self.revision]


class QuestionFile(Model):
    questions: list[Question]


# --- cards -----------------------------------------------------------------------------


class Card(Model):
    id: Id
    covers: list[BulletId] = Field(min_length=1)
    front: Text
    back: Text
    source: Url
    table: Id | None = None
    tags: list[Id] = Field(default_factory=list)
    note: NoteLink | None = None  # the note section that teaches the card's fact


class CardFile(Model):
    cards: list[Card]


# --- notes -----------------------------------------------------------------------------


class NoteMeta(Model):
    id: Id
    title: Text
    covers: list[BulletId] = Field(min_length=1)
    sources: list[Url] = Field(default_factory=list)
    verified: dt.date | None = None
    tags: list[Id] = Field(default_factory=list)


class Note(Model):
    meta: NoteMeta
    body: str
    path: str

    @property
    def id(self) -> str:
        return self.meta.id


# --- tables ----------------------------------------------------------------------------


class Column(Model):
    id: ColumnId
    label: Text


class Template(Model):
    id: Id
    given: ColumnId
    answer: ColumnId
    prompt: Text

    @field_validator("prompt")
    @classmethod
    def _has_placeholder(cls, value: str) -> str:
        if "{given}" not in value:
            raise ValueError("a template prompt must contain {given}")
        return value


class Table(Model):
    id: Id
    title: Text
    covers: list[BulletId] = Field(min_length=1)
    sources: list[Url] = Field(min_length=1)
    verified: dt.date | None = None
    key: ColumnId
    columns: list[Column] = Field(min_length=2)
    rows: list[dict[str, str]] = Field(min_length=2)
    templates: list[Template] = Field(default_factory=list)
    note: str | None = None


# --- names -----------------------------------------------------------------------------


class FormerName(Model):
    name: Text
    until: dt.date | None = None
    note: str | None = None


class Product(Model):
    id: Id
    name: Text
    short: str | None = None
    former: list[FormerName] = Field(default_factory=list)
    status: Literal["ga", "preview", "deprecated", "shut-down"] = "ga"
    deprecated: dt.date | None = None
    shutdown: dt.date | None = None
    successor: Id | None = None
    note: str | None = None
    sources: list[Url] = Field(default_factory=list)


class NamesFile(Model):
    products: list[Product]


# --- search.yaml -----------------------------------------------------------------------


class SearchWords(Model):
    """How learners word things: abbreviations and informal names, and words meaning the same."""

    # What a learner may type -> the name the material uses ("BQML" -> "BigQuery ML"); a former
    # product name is then widened to today's from names.yaml.
    aliases: dict[Text, Text] = Field(default_factory=dict)
    # Words or phrases that mean the same here; a query with one also finds the others.
    synonyms: list[list[Text]] = Field(default_factory=list)

    @field_validator("synonyms")
    @classmethod
    def _groups(cls, value: list[list[str]]) -> list[list[str]]:
        for group in value:
            if len(group) < 2:
                raise ValueError(f"a synonym group needs at least two terms: {group}")
        return value


# --- advisor ---------------------------------------------------------------------------


class Choice(Model):
    id: Id
    label: Text
    situation: Text | None = None  # the choice described as a fact of a scenario (for drills)
    next: Id | None = None
    leaf: Id | None = None

    @model_validator(mode="after")
    def _one_target(self) -> Choice:
        if (self.next is None) == (self.leaf is None):
            raise ValueError("a choice leads to exactly one of `next` (a node) or `leaf`")
        return self


class Node(Model):
    id: Id
    question: Text
    why: Text
    sources: list[Url] = Field(default_factory=list)
    choices: list[Choice] = Field(min_length=2)
    common: Id  # the choice that "not sure" follows: the more common situation

    @model_validator(mode="after")
    def _common_is_a_choice(self) -> Node:
        ids = [c.id for c in self.choices]
        if NOT_SURE in ids:
            raise ValueError(f"choice id {NOT_SURE!r} is reserved for the 'not sure' answer")
        if self.common not in ids:
            raise ValueError(f"common {self.common!r} is not one of the choices {ids}")
        return self


class Alternative(Model):
    leaf: Id
    when: Text


class Leaf(Model):
    """A recommendation. Product names come from names.yaml: `name` is the product recommended
    (its current and former names are shown), `uses` the products it works with, `use` how."""

    id: Id
    name: Id | None = None
    use: Text | None = None
    uses: list[Id] = Field(default_factory=list)
    why: Text
    instead: list[Alternative] = Field(default_factory=list)
    sources: list[Url] = Field(min_length=1)
    questions: list[Id] = Field(default_factory=list)

    @model_validator(mode="after")
    def _named(self) -> Leaf:
        if self.name is None and self.use is None:
            raise ValueError("a leaf needs `name` (a names.yaml id), `use`, or both")
        if self.use is not None and "formerly" in self.use.lower():
            raise ValueError("`use` must not give former names: they come from names.yaml")
        return self


class AdvisorTree(Model):
    root: Id
    nodes: list[Node] = Field(min_length=1)
    leaves: list[Leaf] = Field(min_length=1)
