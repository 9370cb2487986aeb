"""The import rules of docs/architecture.md, checked by walking every module's imports."""

from __future__ import annotations

import ast
from pathlib import Path

SRC = Path(__file__).resolve().parent.parent / "src" / "examprep"

# layer -> layers it must not import
FORBIDDEN = {
    "engine": {"content", "store", "services", "cli", "web", "config"},
    "content": {"store", "services", "cli", "web"},
    "store": {"content", "services", "cli", "web"},
    "services": {"cli", "web"},
    "cli": {"store", "web"},
    "web": {"store", "cli"},
}


def _layer(module: str) -> str | None:
    parts = module.split(".")
    if parts[0] != "examprep" or len(parts) < 2:
        return None
    return parts[1]


def _imports(path: Path) -> list[tuple[int, str]]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.append((node.lineno, node.module))
    return found


def test_layers_import_only_what_they_may() -> None:
    wrong = []
    for path in SRC.rglob("*.py"):
        layer = path.relative_to(SRC).parts[0]
        if layer not in FORBIDDEN:
            continue
        for line, module in _imports(path):
            target = _layer(module)
            if target in FORBIDDEN[layer]:
                wrong.append(f"{path.relative_to(SRC)}:{line} imports {module}")
    assert wrong == []


def test_engine_has_no_clock_or_global_random() -> None:
    offenders = []
    for path in (SRC / "engine").rglob("*.py"):
        text = path.read_text(encoding="utf-8")
        for needle in ("datetime.now(", "time.time(", "random.random(", "np.random.seed("):
            if needle in text:
                offenders.append(f"{path.name}: {needle}")
    assert offenders == []


def test_the_checker_sees_a_wrong_arrow(tmp_path: Path) -> None:
    bad = tmp_path / "bad.py"
    bad.write_text("from examprep.store.tables import Base\nimport examprep.cli\n")
    layers = [_layer(m) for _, m in _imports(bad)]
    assert layers == ["store", "cli"]
