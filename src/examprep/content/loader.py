"""Load a pack directory into validated models, collecting every problem with its file and line."""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from examprep.content.pack import Origin, Pack, bundled_pack_path
from examprep.content.problems import PackError, Problem
from examprep.content.schema import (
    AdvisorTree,
    Card,
    Note,
    NoteMeta,
    PackMeta,
    Product,
    Question,
    SearchWords,
    Table,
)
from examprep.content.yamlfile import YamlDocument, YamlFileError, read_yaml, split_front_matter

__all__ = ["Origin", "Pack", "PackError", "bundled_pack_path", "load_pack", "read_pack"]

M = TypeVar("M", bound=BaseModel)


class _Reader:
    """Accumulates problems while reading the files of one pack."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.problems: list[Problem] = []

    def display(self, path: Path) -> str:
        return str(path)

    def error(self, path: Path, line: int, fld: str, message: str) -> None:
        self.problems.append(Problem(self.display(path), line, fld, message))

    def files(self, folder: Path, suffix: str) -> list[Path]:
        """The files of `folder` ending in `suffix`, sorted; an unreadable folder is a problem."""
        if not folder.exists():
            return []
        try:
            names = os.listdir(folder)
        except OSError as exc:
            self.error(folder, 1, "folder", f"cannot read: {exc.strerror or exc}")
            return []
        return sorted(folder / n for n in names if n.endswith(suffix) and not n.startswith("."))

    def read(self, path: Path) -> YamlDocument | None:
        try:
            return read_yaml(path)
        except YamlFileError as exc:
            self.error(path, exc.line, "file", exc.message)
            return None

    def validate(
        self, model: type[M], data: Any, doc: YamlDocument, loc: tuple[str | int, ...], name: str
    ) -> M | None:
        try:
            return model.model_validate(data)
        except ValidationError as exc:
            for err in exc.errors():
                sub = tuple(err["loc"])
                full = (*loc, *sub)
                fld = ".".join([name, *(_loc_part(p) for p in sub)]).replace(".[", "[")
                self.error(doc.path, doc.line_of(full), fld, _message(err))
            return None

    def register(self, origins: dict[str, Origin], item_id: str, origin: Origin) -> None:
        """Remember where `item_id` is defined; a second definition is an error."""
        first = origins.get(item_id)
        if first is None:
            origins[item_id] = origin
        else:
            self.problems.append(
                Problem(
                    origin.path,
                    origin.line,
                    "id",
                    f"duplicate id {item_id!r} (first defined at {first.path}:{first.line})",
                )
            )

    def items(
        self, doc: YamlDocument, key: str
    ) -> Iterator[tuple[int, Any, tuple[str | int, ...]]]:
        data = doc.data
        if not isinstance(data, dict) or key not in data:
            self.error(doc.path, 1, key, f"expected a mapping with a `{key}:` list")
            return
        extra = sorted(str(k) for k in data if k != key)
        if extra:
            self.error(
                doc.path, 1, extra[0], f"unexpected top-level key (only `{key}:` is allowed)"
            )
        values = data[key]
        if not isinstance(values, list):
            self.error(doc.path, doc.line_of((key,)), key, "expected a list")
            return
        for index, value in enumerate(values):
            yield index, value, (key, index)


def _loc_part(part: str | int) -> str:
    return f"[{part}]" if isinstance(part, int) else str(part)


def _message(err: Any) -> str:
    msg = str(err["msg"])
    if msg.startswith("Value error, "):
        msg = msg[len("Value error, ") :]
    if err["type"] == "extra_forbidden":
        msg = "unknown field"
    return msg


def _item_name(value: Any, fallback: str) -> str:
    if isinstance(value, dict) and isinstance(value.get("id"), str):
        return str(value["id"])
    return fallback


def read_pack(path: Path | str | None = None) -> tuple[Pack | None, list[Problem]]:
    """Read a pack; return it (None if pack.yaml is unusable) and every schema problem found."""
    root = Path(path) if path is not None else bundled_pack_path()
    reader = _Reader(root)
    if not root.is_dir():
        reader.error(root, 1, "pack", "not a directory (expected a pack with pack.yaml)")
        return None, reader.problems
    meta_doc = reader.read(root / "pack.yaml") if (root / "pack.yaml").is_file() else None
    if meta_doc is None:
        if not (root / "pack.yaml").is_file():
            reader.error(root / "pack.yaml", 1, "file", "missing: every pack needs pack.yaml")
        return None, reader.problems
    meta = reader.validate(PackMeta, meta_doc.data, meta_doc, (), "pack")
    if meta is None:
        return None, reader.problems

    bullet_section = {b.id: s.id for s in meta.sections for b in s.bullets}
    origins: dict[str, Origin] = {}
    questions: list[Question] = []
    retired: list[Question] = []
    cards: list[Card] = []
    tables: list[Table] = []
    names: list[Product] = []

    for file in reader.files(root / "questions", ".yaml"):
        doc = reader.read(file)
        if doc is None:
            continue
        for index, value, loc in reader.items(doc, "questions"):
            name = _item_name(value, f"questions[{index}]")
            q = reader.validate(Question, value, doc, loc, name)
            if q is not None:
                section = bullet_section.get(q.covers[0], "")
                kept = retired if q.retired else questions
                kept.append(q.model_copy(update={"section": section}))
                reader.register(origins, q.id, Origin(str(file), loc, doc))

    for file in reader.files(root / "cards", ".yaml"):
        doc = reader.read(file)
        if doc is None:
            continue
        for index, value, loc in reader.items(doc, "cards"):
            card = reader.validate(Card, value, doc, loc, _item_name(value, f"cards[{index}]"))
            if card is not None:
                cards.append(card)
                reader.register(origins, card.id, Origin(str(file), loc, doc))

    for file in reader.files(root / "tables", ".yaml"):
        doc = reader.read(file)
        if doc is not None:
            table = reader.validate(Table, doc.data, doc, (), _item_name(doc.data, file.stem))
            if table is not None:
                tables.append(table)
                reader.register(origins, table.id, Origin(str(file), (), doc))

    notes = _read_notes(root, reader, origins)

    names_path = root / "names.yaml"
    if names_path.is_file():
        doc = reader.read(names_path)
        if doc is not None:
            for index, value, loc in reader.items(doc, "products"):
                name = _item_name(value, f"products[{index}]")
                product = reader.validate(Product, value, doc, loc, name)
                if product is not None:
                    names.append(product)
                    reader.register(origins, product.id, Origin(str(names_path), loc, doc))

    advisor = None
    advisor_path = root / "advisor.yaml"
    if advisor_path.is_file():
        doc = reader.read(advisor_path)
        if doc is not None:
            advisor = reader.validate(AdvisorTree, doc.data, doc, (), "advisor")
            if advisor is not None:
                reader.register(origins, "advisor", Origin(str(advisor_path), (), doc))

    search = SearchWords()
    search_path = root / "search.yaml"
    if search_path.is_file():
        doc = reader.read(search_path)
        if doc is not None:
            search = reader.validate(SearchWords, doc.data, doc, (), "search") or search

    pack = Pack(
        root=root,
        meta=meta,
        questions=tuple(questions),
        retired=tuple(retired),
        cards=tuple(cards),
        notes=tuple(notes),
        tables=tuple(tables),
        names=tuple(names),
        advisor=advisor,
        search=search,
        origins=origins,
    )
    return pack, reader.problems


def _read_notes(root: Path, reader: _Reader, origins: dict[str, Origin]) -> list[Note]:
    notes: list[Note] = []
    for file in reader.files(root / "notes", ".md"):
        try:
            text = file.read_text(encoding="utf-8")
            doc, body, _ = split_front_matter(file, text)
        except (OSError, UnicodeDecodeError) as exc:
            reader.error(file, 1, "file", f"cannot read file: {exc}")
            continue
        except YamlFileError as exc:
            reader.error(file, exc.line, "front matter", exc.message)
            continue
        meta = reader.validate(NoteMeta, doc.data, doc, (), _item_name(doc.data, file.stem))
        if meta is not None:
            notes.append(Note(meta=meta, body=body, path=str(file.relative_to(root))))
            reader.register(origins, meta.id, Origin(str(file), (), doc))
    return notes


def load_pack(path: Path | str | None = None) -> Pack:
    """Load and validate a pack (the bundled one by default); raise PackError on any error.

    The pack keeps light origins (file and key path, no parsed documents), so it stays small.
    """
    from examprep.content.lint import lint_pack

    pack, problems = read_pack(path)
    if pack is not None:
        problems = problems + lint_pack(pack, only_errors=True)
    errors = [p for p in problems if p.severity == "error"]
    if errors or pack is None:
        raise PackError(sorted(errors))
    light = {item: origin.light() for item, origin in pack.origins.items()}
    return replace(pack, origins=light)
