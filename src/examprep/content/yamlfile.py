"""Read YAML while remembering the line of every value, so problems can name `file:line`."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any

import yaml

Path_ = tuple[str | int, ...]

# libyaml's C parser when PyYAML was built with it (about ten times faster), else pure Python.
Loader: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class YamlFileError(Exception):
    """A file could not be read or is not well-formed YAML."""

    def __init__(self, path: Path, line: int, message: str) -> None:
        super().__init__(f"{path}:{line}: {message}")
        self.path = path
        self.line = line
        self.message = message


@dataclass(frozen=True)
class YamlDocument:
    """Parsed data, and the 1-based line where each value (by its key path) starts.

    The line map is built from `text` the first time a line is asked for, that is only when a
    problem has to be reported: parsing without it is several times faster.
    """

    path: Path
    data: Any
    text: str = ""

    @cached_property
    def lines(self) -> dict[Path_, int]:
        """Key path -> line, composed from the text on first use."""
        lines: dict[Path_, int] = {}
        loader = Loader(self.text)
        try:
            node = loader.get_single_node()
        finally:
            loader.dispose()
        if node is not None:
            _walk(node, (), lines)
        return lines

    def line_of(self, loc: Path_) -> int:
        """The line of `loc`, or of its nearest ancestor that has one."""
        for end in range(len(loc), -1, -1):
            line = self.lines.get(tuple(loc[:end]))
            if line is not None:
                return line
        return 1


def _walk(node: yaml.Node, loc: Path_, lines: dict[Path_, int]) -> None:
    lines[loc] = node.start_mark.line + 1
    if isinstance(node, yaml.MappingNode):
        for key, value in node.value:
            name = key.value if isinstance(key, yaml.ScalarNode) else str(key)
            lines[(*loc, name)] = key.start_mark.line + 1
            _walk(value, (*loc, name), lines)
            lines[(*loc, name)] = key.start_mark.line + 1
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            _walk(item, (*loc, index), lines)


def parse_yaml(path: Path, text: str) -> YamlDocument:
    """Parse `text` (the contents of `path`); its line map is built when first needed."""
    try:
        data = yaml.load(text, Loader=Loader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark is not None else 1
        raise YamlFileError(path, line, f"malformed YAML: {exc.problem or exc}") from None
    except yaml.YAMLError as exc:
        raise YamlFileError(path, 1, f"malformed YAML: {exc}") from None
    return YamlDocument(path=path, data=data, text=text)


def read_yaml(path: Path) -> YamlDocument:
    """Read and parse a YAML file."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise YamlFileError(path, 1, f"cannot read file: {exc}") from None
    return parse_yaml(path, text)


def split_front_matter(path: Path, text: str) -> tuple[YamlDocument, str, int]:
    """Split a Markdown file into its YAML front matter, body, and the body's first line."""
    if not text.startswith("---"):
        raise YamlFileError(path, 1, "missing YAML front matter (the file must start with ---)")
    end = text.find("\n---", 3)
    if end < 0:
        raise YamlFileError(path, 1, "front matter is not closed by a line with ---")
    header = text[3:end]
    doc = parse_yaml(path, header)
    body_start = text.find("\n", end + 4)
    body = "" if body_start < 0 else text[body_start + 1 :]
    body_line = text[: body_start + 1].count("\n") + 1 if body_start >= 0 else 1
    return doc, body, body_line
