"""Shared pieces of the benchmarks: simulated item banks and learners, metrics, bootstrap, output.

Everything is seeded (numpy Generator passed in); nothing here reads the clock except `timed`.
Truth follows docs/benchmarks.md: 3PL items with a guessing floor, general ability g ~ N(0, 1)
and section abilities theta_s = g + N(0, SECTION_SD); the estimators only ever see parameters
calibrated from a simulated pilot, never the true ones.
"""

from __future__ import annotations

import argparse
import compileall
import json
import math
import os
import platform
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

from examprep.engine import irt  # noqa: E402
from examprep.engine.blueprint import allocate  # noqa: E402
from examprep.engine.readiness import SectionBank  # noqa: E402

RESULTS = ROOT / "bench" / "results"
IMG = ROOT / "docs" / "img"
SECTION_SD = 0.5  # truth: theta_s = g + N(0, 0.5), as in the engine's prior
MULTI_SHARE = 0.12  # share of all-or-nothing "choose 2 of 4" items (as in the bundled pack)


def program_env(src: Path) -> dict[str, str]:
    """The environment for timing a program run from the source tree `src`, as installed.

    `pip install` compiles every module to bytecode, so a learner's commands never compile
    Python source. Timing a tree with PYTHONDONTWRITEBYTECODE set (as some shells and
    containers do) would charge every start 40-100 ms of compiling our own modules instead; so
    the tree is compiled first and the variable dropped.
    """
    env = {k: v for k, v in os.environ.items() if not k.startswith("EXAMPREP_")}
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    env["PYTHONPATH"] = str(src)
    compileall.compile_dir(src, quiet=1)
    return env


def pack_weights() -> dict[str, float]:
    """Section weights of the bundled pack (the blueprint every benchmark uses)."""
    import examprep

    return {s.id: float(s.weight) for s in examprep.load_pack().sections}


def args(description: str, extra: Callable[[argparse.ArgumentParser], None] | None = None) -> Any:
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--quick", action="store_true", help="small run (under a minute)")
    parser.add_argument("--seed", type=int, default=20261127)
    if extra:
        extra(parser)
    return parser.parse_args()


# --- items and learners ----------------------------------------------------------------


@dataclass
class Items:
    """True parameters of a set of items, their sections and the author's difficulty 1..5."""

    a: np.ndarray
    b: np.ndarray
    c: np.ndarray
    section: np.ndarray  # index into the section list
    difficulty: np.ndarray
    multi: np.ndarray

    def __len__(self) -> int:
        return len(self.a)

    def ids(self, prefix: str) -> list[str]:
        return [f"{prefix}{k}" for k in range(len(self))]

    def take(self, idx: np.ndarray) -> Items:
        return Items(*(getattr(self, f)[idx] for f in Items.__dataclass_fields__))


def make_items(
    rng: np.random.Generator,
    weights: Sequence[float],
    n: int,
    a_median: float = 1.2,
    b_mean: float = 0.0,
) -> Items:
    """A bank of n items split over sections by weight; 3PL truth with c at the guessing floor."""
    counts = allocate(n, {str(k): w for k, w in enumerate(weights)})
    section = np.concatenate([np.full(counts[str(k)], k) for k in range(len(weights))])
    a = rng.lognormal(math.log(a_median), 0.3, n)
    b = rng.normal(b_mean, 1.0, n)
    multi = rng.random(n) < MULTI_SHARE
    c = np.where(multi, 1 / 6, 1 / 4)
    # The author's 1-5 rating is a noisy reading of the true difficulty.
    difficulty = np.clip(np.round(3 + b / 0.75 + rng.normal(0, 0.6, n)), 1, 5).astype(int)
    return Items(a, b, c, section, difficulty, multi)


def make_learners(rng: np.random.Generator, n: int, n_sections: int) -> tuple[np.ndarray, ...]:
    """General ability g and section abilities theta (n x sections)."""
    g = rng.normal(0.0, 1.0, n)
    theta = g[:, None] + rng.normal(0.0, SECTION_SD, (n, n_sections))
    return g, theta


def p3(theta: np.ndarray, items: Items, idx: np.ndarray) -> np.ndarray:
    """True P(correct) of learners (theta: n x sections) on items idx (n x m)."""
    th = np.take_along_axis(theta, items.section[idx], axis=1)
    a, b, c = items.a[idx], items.b[idx], items.c[idx]
    return np.asarray(c + (1 - c) / (1 + np.exp(-a * (th - b))))


def prior_params(items: Items) -> list[irt.ItemParams]:
    """The engine's cold-start priors for these items."""
    return [
        irt.prior_params(int(d), 4, 2 if m else 1)
        for d, m in zip(items.difficulty, items.multi, strict=True)
    ]


def true_params(items: Items) -> list[irt.ItemParams]:
    return [
        irt.ItemParams(float(a), float(b), float(c))
        for a, b, c in zip(items.a, items.b, items.c, strict=True)
    ]


def pilot_calibration(
    rng: np.random.Generator,
    bank: Items,
    per_item: int,
    n_sections: int,
    form: int = 60,
    prior_sd_a: float | None = None,
) -> tuple[list[irt.ItemParams], dict[str, float]]:
    """Calibrate the bank with the engine's MML from a simulated pilot (`per_item` answers each).

    Pilot learners are a separate sample from the evaluation learners; each answers `form`
    random items of the bank. Returns the fitted parameters and recovery statistics.
    """
    n_learners = math.ceil(per_item * len(bank) / form)
    _, theta = make_learners(rng, n_learners, n_sections)
    idx = np.argsort(rng.random((n_learners, len(bank))), axis=1)[:, :form]
    y = rng.random(idx.shape) < p3(theta, bank, idx)
    rows = [
        (f"p{lr}", f"q{int(i)}", bool(v))
        for lr in range(n_learners)
        for i, v in zip(idx[lr], y[lr], strict=True)
    ]
    ids = bank.ids("q")
    priors = dict(zip(ids, prior_params(bank), strict=True))
    t0 = time.perf_counter()
    extra = {} if prior_sd_a is None else {"prior_sd_a": prior_sd_a}
    fitted = irt.calibrate_items(rows, priors, **extra)
    seconds = time.perf_counter() - t0
    params = [fitted.params[i] for i in ids]
    ea = np.array([p.a for p in params])
    eb = np.array([p.b for p in params])
    stats = {
        "pilot_learners": n_learners,
        "responses": len(rows),
        "responses_per_item": len(rows) / len(bank),
        "seconds": round(seconds, 2),
        "corr_a": float(np.corrcoef(bank.a, ea)[0, 1]),
        "corr_b": float(np.corrcoef(bank.b, eb)[0, 1]),
        "rmse_a": float(np.sqrt(np.mean((ea - bank.a) ** 2))),
        "rmse_b": float(np.sqrt(np.mean((eb - bank.b) ** 2))),
        "bias_a": float(np.mean(ea - bank.a)),
        "bias_b": float(np.mean(eb - bank.b)),
        "suspect_flagged": len(fitted.suspect),
    }
    return params, stats


def section_banks(
    items: Items,
    params: Sequence[irt.ItemParams],
    sections: Sequence[str],
    weights: Sequence[float],
) -> list[SectionBank]:
    """The engine's view of the exam: per section, the parameters of the bank's items."""
    out = []
    for k, (sid, w) in enumerate(zip(sections, weights, strict=True)):
        idx = np.flatnonzero(items.section == k)
        out.append(
            SectionBank(
                id=sid,
                weight=w,
                a=np.array([params[i].a for i in idx]),
                b=np.array([params[i].b for i in idx]),
                c=np.array([params[i].c for i in idx]),
            )
        )
    return out


# --- metrics ---------------------------------------------------------------------------

EPS = 1e-3  # probabilities are clipped to [EPS, 1 - EPS] for log loss and the slope fit


def brier(p: np.ndarray, y: np.ndarray) -> float:
    return float(np.mean((p - y) ** 2))


def log_loss(p: np.ndarray, y: np.ndarray) -> float:
    q = np.clip(p, EPS, 1 - EPS)
    return float(-np.mean(y * np.log(q) + (1 - y) * np.log(1 - q)))


def ece_width(p: np.ndarray, y: np.ndarray, bins: int = 10) -> float:
    k = np.minimum((p * bins).astype(int), bins - 1)
    np.bincount(k, minlength=bins)
    sp = np.bincount(k, p, minlength=bins)
    sy = np.bincount(k, y, minlength=bins)
    return float(np.abs(sp - sy).sum() / len(p))


def ece_mass(p: np.ndarray, y: np.ndarray, bins: int = 10) -> float:
    order = np.argsort(p, kind="stable")
    total = 0.0
    for chunk in np.array_split(order, bins):
        if len(chunk):
            total += abs(p[chunk].sum() - y[chunk].sum())
    return total / len(p)


def slope_intercept(p: np.ndarray, y: np.ndarray) -> tuple[float, float]:
    """Logistic recalibration y ~ sigma(alpha + beta logit p): (beta, alpha); ideal (1, 0)."""
    q = np.clip(p, EPS, 1 - EPS)
    x = np.log(q / (1 - q))
    w = np.array([0.0, 1.0])
    design = np.column_stack([np.ones_like(x), x])
    for _ in range(50):
        m = 1 / (1 + np.exp(-np.clip(design @ w, -35, 35)))
        grad = design.T @ (y - m)
        hess = (design * (m * (1 - m))[:, None]).T @ design + 1e-9 * np.eye(2)
        step = np.linalg.solve(hess, grad)
        w = w + step
        if np.abs(step).max() < 1e-10:
            break
    return float(w[1]), float(w[0])


def auc(p: np.ndarray, y: np.ndarray) -> float:
    pos = y > 0.5
    n1, n0 = int(pos.sum()), int((~pos).sum())
    if n1 == 0 or n0 == 0:
        return float("nan")
    order = np.argsort(p, kind="stable")
    ranks = np.empty(len(p))
    sorted_p = p[order]
    # average ranks for ties
    _, first, counts = np.unique(sorted_p, return_index=True, return_counts=True)
    avg = first + (counts + 1) / 2
    ranks[order] = np.repeat(avg, counts)
    return float((ranks[pos].sum() - n1 * (n1 + 1) / 2) / (n1 * n0))


METRICS: dict[str, Callable[[np.ndarray, np.ndarray], float]] = {
    "brier": brier,
    "log_loss": log_loss,
    "ece": ece_width,
    "ece_mass": ece_mass,
    "slope": lambda p, y: slope_intercept(p, y)[0],
    "intercept": lambda p, y: slope_intercept(p, y)[1],
    "auc": auc,
}


def bootstrap(
    rng: np.random.Generator,
    n: int,
    stat: Callable[[np.ndarray], float],
    reps: int,
) -> tuple[float, float, float]:
    """Point value and 95 % percentile interval of stat(index array) over learner resamples."""
    point = stat(np.arange(n))
    draws = np.array([stat(rng.integers(0, n, n)) for _ in range(reps)])
    lo, hi = np.nanpercentile(draws, [2.5, 97.5])
    return float(point), float(lo), float(hi)


# --- output ----------------------------------------------------------------------------


def machine() -> dict[str, Any]:
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return {
        "python": platform.python_version(),
        "numpy": np.__version__,
        "cpu": cpu,
        "cores": os.cpu_count(),
        "platform": platform.platform(),
        "load_average_1_5_15": [round(x, 2) for x in os.getloadavg()],
    }


def write_json(name: str, payload: dict[str, Any]) -> Path:
    RESULTS.mkdir(parents=True, exist_ok=True)
    if payload.get("settings", {}).get("quick"):
        name += "-quick"  # a quick run never overwrites the full results
    path = RESULTS / f"{name}.json"
    payload = {"benchmark": name, "machine": machine(), **payload}
    path.write_text(json.dumps(payload, indent=2, default=_plain) + "\n")
    return path


def _plain(value: Any) -> Any:
    if isinstance(value, np.integer):
        return int(value)
    if isinstance(value, np.floating):
        return float(value)
    if isinstance(value, np.ndarray):
        return value.tolist()
    raise TypeError(type(value))


def table(headers: Sequence[str], rows: Sequence[Sequence[Any]]) -> str:
    """A plain-text table (also valid Markdown)."""
    cells = [[_fmt(c) for c in row] for row in rows]
    widths = [max(len(h), *(len(r[i]) for r in cells)) for i, h in enumerate(headers)]
    line = "| " + " | ".join(h.ljust(w) for h, w in zip(headers, widths, strict=True)) + " |"
    rule = "|" + "|".join("-" * (w + 2) for w in widths) + "|"
    body = [
        "| " + " | ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)) + " |" for r in cells
    ]
    return "\n".join([line, rule, *body])


def _fmt(value: Any) -> str:
    if isinstance(value, float):
        return f"{value:.3f}"
    return str(value)


def ci(point: float, lo: float, hi: float, digits: int = 3) -> str:
    return f"{point:.{digits}f} [{lo:.{digits}f}, {hi:.{digits}f}]"


def synthetic_pack(
    items: Items,
    sections: Sequence[str],
    weights: Sequence[float],
    pass_mark: float = 0.7,
    exam_offset: dict[str, float] | None = None,
) -> Any:
    """An in-memory pack whose questions are `items` (ids q0, q1, ...), 60-item default form.

    `exam_offset` ({"mean", "sd"}) is the pack's bank-to-exam prior; by default none (0, 0).
    """
    from examprep.content.loader import Pack
    from examprep.content.schema import (
        Bullet,
        Option,
        PackMeta,
        Question,
        QuestionCount,
        Section,
        Subsection,
    )

    meta = PackMeta(
        id="bench",
        title="Benchmark pack",
        questions=QuestionCount(min=50, max=60, default=60),
        minutes=120,
        pass_mark=pass_mark,
        pass_mark_note="An assumption of the benchmark.",
        **({"exam_offset": exam_offset} if exam_offset else {}),
        sections=[
            Section(
                id=sid,
                title=f"Section {sid}",
                weight=w,
                subsections=[
                    Subsection(
                        id=f"{sid}.1",
                        title="All",
                        bullets=[Bullet(id=f"{sid}.1.a", text="Everything")],
                    )
                ],
            )
            for sid, w in zip(sections, weights, strict=True)
        ],
    )
    questions = []
    for k in range(len(items)):
        sid = sections[int(items.section[k])]
        multi = bool(items.multi[k])
        questions.append(
            Question(
                id=f"q{k}",
                covers=[f"{sid}.1.a"],
                kind="multi" if multi else "single",
                choose=2 if multi else 1,
                difficulty=int(items.difficulty[k]),
                stem=f"Synthetic question {k}",
                options=[
                    Option(text=f"Option {j}", correct=j < (2 if multi else 1), why="Synthetic.")
                    for j in range(4)
                ],
                section=sid,
            )
        )
    return Pack(root=ROOT, meta=meta, questions=tuple(questions))
