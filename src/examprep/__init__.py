"""examprep: local-first exam preparation (notes, mock exams, readiness, spaced repetition).

The public Python API is re-exported here lazily so that `import examprep` stays cheap.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

__all__ = ["PackError", "__version__", "load_pack"]

if TYPE_CHECKING:
    from examprep.content.loader import PackError, load_pack


def __getattr__(name: str) -> Any:
    if name in {"load_pack", "PackError"}:
        from examprep.content import loader

        return getattr(loader, name)
    raise AttributeError(f"module 'examprep' has no attribute {name!r}")
