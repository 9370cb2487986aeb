"""Problems found in a pack: `file:line: field: message`, as an error or a warning."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from examprep.errors import ExamprepError

Severity = Literal["error", "warning"]


@dataclass(frozen=True, order=True)
class Problem:
    """One thing wrong with a pack file."""

    path: str
    line: int
    field: str
    message: str
    severity: Severity = "error"

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.field}: {self.message}"


class PackError(ExamprepError):
    """The pack has errors; `problems` lists every one."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        errors = [p for p in problems if p.severity == "error"]
        shown = "\n".join(str(p) for p in errors[:20])
        more = f"\n... and {len(errors) - 20} more" if len(errors) > 20 else ""
        super().__init__(f"the pack has {len(errors)} error(s):\n{shown}{more}")
