"""Learner-model evaluation v2 (`python -m bench.learning`): truths the model does not assume,
fair baselines, the product's own practice loop, and scheduling with a fair SM-2.

The package puts bench/ on the import path so it shares `_common` and `scheduling` with the
single-file benchmarks.
"""

import sys
from pathlib import Path

_BENCH = str(Path(__file__).resolve().parent.parent)
if _BENCH not in sys.path:
    sys.path.insert(0, _BENCH)
