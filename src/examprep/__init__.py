"""examprep: local-first exam preparation (notes, mock exams, readiness, spaced repetition).

The public Python API is re-exported here lazily so that `import examprep` stays cheap.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

__all__ = [
    "Calibration",
    "ItemParams",
    "PackError",
    "Readiness",
    "__version__",
    "calibrate",
    "estimate_readiness",
    "load_pack",
]

if TYPE_CHECKING:
    from examprep.content.loader import PackError, load_pack
    from examprep.engine.irt import ItemParams
    from examprep.services.model import Calibration, Readiness, calibrate, estimate_readiness

_HOMES = {
    "load_pack": "examprep.content.loader",
    "PackError": "examprep.content.loader",
    "ItemParams": "examprep.engine.irt",
    "Calibration": "examprep.services.model",
    "Readiness": "examprep.services.model",
    "calibrate": "examprep.services.model",
    "estimate_readiness": "examprep.services.model",
}


def __getattr__(name: str) -> Any:
    if name in _HOMES:
        import importlib

        return getattr(importlib.import_module(_HOMES[name]), name)
    raise AttributeError(f"module 'examprep' has no attribute {name!r}")
