"""Pack use cases: check a pack, report its statistics, load the configured pack."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from examprep.errors import NotFound

if TYPE_CHECKING:
    from examprep.config import Settings
    from examprep.content.loader import Pack
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


def _pack_dir(path: Path | None) -> Path:
    from examprep.content.loader import bundled_pack_path

    root = path if path is not None else bundled_pack_path()
    if not root.exists():
        raise NotFound(f"pack not found: {root} does not exist")
    if not root.is_dir():
        raise NotFound(f"pack not found: {root} is not a directory")
    return root


def check_pack(path: Path | None = None, strict: bool = False) -> CheckReport:
    """Validate a pack: schema, integrity and authoring rules, every problem with file and line."""
    from examprep.content.lint import lint_pack
    from examprep.content.loader import read_pack

    root = _pack_dir(path)
    pack, problems = read_pack(root)
    if pack is not None:
        problems = problems + lint_pack(pack)
    return CheckReport(path=root, problems=sorted(problems), strict=strict)


def load_pack_for(settings: Settings) -> Pack:
    """The pack the settings point at (the bundled one by default)."""
    from examprep.content.loader import load_pack

    return load_pack(_pack_dir(settings.pack_path))


def pack_stats(path: Path | None = None) -> dict[str, Any]:
    """Coverage and balance statistics of a pack (documented JSON shape)."""
    from examprep.content.loader import load_pack
    from examprep.content.stats import pack_stats as compute

    return compute(load_pack(_pack_dir(path)))
