"""Calibration speed and memory: `examprep.calibrate` on 100,000 answers (docs/benchmarks.md §7).

Simulated 3PL answers of 2,000 learners to the bundled pack's items (100,000 rows), fitted by
the public API exactly as `examprep calibrate` does after reading the database. Prints wall
time, peak memory (ru_maxrss of this process) and how well the fitted difficulties recover the
simulated ones, and writes bench/results/calibration.json.

    python bench/calibration.py [--answers 100000] [--learners 2000] [--seed 7]
"""

from __future__ import annotations

import argparse
import json
import resource
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

import examprep  # noqa: E402
from examprep.engine.irt import p_correct  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--answers", type=int, default=100_000)
    parser.add_argument("--learners", type=int, default=2_000)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    rng = np.random.default_rng(args.seed)
    pack = examprep.load_pack()
    items = [q.id for q in pack.questions]
    true_b = rng.normal(0.0, 1.0, len(items))
    true_a = rng.lognormal(0.0, 0.3, len(items))
    theta = rng.normal(0.0, 1.0, args.learners)
    who = rng.integers(0, args.learners, args.answers)
    what = rng.integers(0, len(items), args.answers)
    right = rng.random(args.answers) < p_correct(theta[who], true_a[what], true_b[what], 0.25)
    log = [(f"l{w}", items[i], bool(y)) for w, i, y in zip(who, what, right, strict=True)]
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    start = time.perf_counter()
    fitted = examprep.calibrate(pack, log)
    seconds = time.perf_counter() - start
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    est_b = np.array([fitted.params[i].b for i in items])
    result = {
        "answers": args.answers,
        "learners": args.learners,
        "items": len(items),
        "seconds": round(seconds, 3),
        "peak_rss_mib": round(peak, 1),
        "rss_before_fit_mib": round(before, 1),
        "corr_b": round(float(np.corrcoef(est_b, true_b)[0, 1]), 4),
    }
    print(
        f"{args.answers:,} answers, {args.learners:,} learners, {len(items)} items: "
        f"{seconds:.2f} s, peak RSS {peak:.0f} MiB ({before:.0f} MiB before the fit), "
        f"corr(fitted b, true b) {result['corr_b']:.3f}"
    )
    out = ROOT / "bench" / "results" / "calibration.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
