"""Learner-model evaluation v2: every arm, every truth, with intervals over seeds.

    python -m bench.learning [--quick] [--seeds N] [--seed S]

Prints the Markdown tables of docs/benchmarks.md ("Learner-model evaluation v2") and writes them
to bench/results/learning.md with the raw figures in bench/results/learning.json
(`-quick` suffix for --quick). Intervals: mean over seeds +- t(0.975, seeds - 1) x SE; every
seed draws a new bank, exam pool, pilot and learners.
"""

from __future__ import annotations

import argparse
import math
import multiprocessing as mp
import time
from collections import defaultdict
from collections.abc import Sequence
from typing import Any

import _common as C
import numpy as np
import scheduling as SCH
from bench.learning import passmodels as PM
from bench.learning import simulate as S
from bench.learning import truth as T
from scipy import stats

LOOP_TRUTHS = ("engine", "realistic")
SCHED_ARMS = ("sm2", "sm2_cap", "fsrs90", "ours")
SCHED_LABELS = {
    "sm2": "SM-2 (Anki defaults)",
    "sm2_cap": "SM-2, intervals end by the day before the exam",
    "fsrs90": "FSRS 0.9",
    "ours": "ours (engine.srs, exam date)",
}


def _settings(opts: argparse.Namespace) -> dict[str, Any]:
    quick = opts.quick
    return {
        "quick": quick,
        "seed": opts.seed,
        "seeds": opts.seeds or (2 if quick else 5),
        "learners": 20 if quick else 200,
        "loop_learners": 4 if quick else 40,
        "loop_answers": 30 if quick else 60,
        "diagnostic_learners": 4 if quick else 30,
        "pilot_per_item": 100 if quick else 300,
        "sched_learners": 1 if quick else 6,
        "sched_cards": 120 if quick else 400,
    }


def _run(job: tuple[str, Any]) -> tuple[str, Any]:
    kind, arg = job
    if kind == "readiness":
        return kind, S.readiness_job(arg)
    if kind == "loop":
        return kind, S.loop_job(arg)
    if kind == "diagnostic":
        return kind, S.diagnostic_job(arg)
    family, seed, learner = arg
    return kind, (family, seed, SCH._learner((family, seed * 1000 + learner)))


def interval(values: Sequence[float]) -> tuple[float, float, float]:
    """Mean and 95 % t-interval over seeds."""
    v = np.asarray([x for x in values if not math.isnan(x)], dtype=float)
    if len(v) == 0:
        return math.nan, math.nan, math.nan
    m = float(v.mean())
    if len(v) < 2:
        return m, m, m
    half = float(stats.t.ppf(0.975, len(v) - 1) * v.std(ddof=1) / math.sqrt(len(v)))
    return m, m - half, m + half


def fmt(ci: tuple[float, float, float], digits: int = 3) -> str:
    m, lo, hi = ci
    return f"{m:.{digits}f} ± {(hi - lo) / 2:.{digits}f}"


def score_arms(
    feats: PM.Features, y: np.ndarray, rng: np.random.Generator, oracle: np.ndarray | None
) -> dict[str, dict[str, float]]:
    preds = PM.crossfit(PM.ARMS, feats, y, rng)
    if oracle is not None:
        preds["oracle"] = oracle
    return {
        arm: {m: f(p, y) for m, f in PM.METRICS.items()} | {"mean_p": float(p.mean())}
        for arm, p in preds.items()
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="small run (under 30 s)")
    parser.add_argument("--seed", type=int, default=20261206)
    parser.add_argument("--seeds", type=int, default=None, help="replications (default 5)")
    opts = parser.parse_args()
    cfg = _settings(opts)
    t0 = time.perf_counter()
    seeds = [opts.seed + 7919 * k for k in range(cfg["seeds"])]
    pilot = cfg["pilot_per_item"]
    jobs: list[tuple[str, Any]] = []
    for s in seeds:
        for name in LOOP_TRUTHS:
            tr = T.TRUTHS[name]
            jobs.append(("loop", (tr, s, cfg["loop_learners"], pilot, cfg["loop_answers"])))
            jobs.append(("diagnostic", (tr, s, cfg["diagnostic_learners"], pilot)))
        for tr in T.TRUTHS.values():
            jobs.append(("readiness", (tr, s, cfg["learners"], pilot)))
    weights = C.pack_weights()
    per_section = C.allocate(cfg["sched_cards"], weights)
    section = np.concatenate([np.full(n, k) for k, n in enumerate(per_section.values())])
    SCH._W.update(
        seed=opts.seed,
        days=42,
        cards=cfg["sched_cards"],
        new_per_day=20,
        skip=0.1,
        arms=SCHED_ARMS,
        ratings="revlog",
        section=section,
        share=[w / sum(weights.values()) for w in weights.values()],
        priority={str(c): weights[list(weights)[section[c]]] for c in range(cfg["sched_cards"])},
    )
    for k in range(cfg["seeds"]):
        for family in SCH.FAMILIES:
            for learner in range(cfg["sched_learners"]):
                jobs.append(("scheduling", (family, k, learner)))
    with mp.get_context("fork").Pool(2) as workers:
        done = workers.map(_run, jobs, chunksize=1)
    by_kind: dict[str, list[Any]] = defaultdict(list)
    for kind, res in done:
        by_kind[kind].append(res)
    result = {
        "settings": cfg,
        "readiness": _readiness(by_kind["readiness"], opts.seed),
        "loop": _loop(by_kind["loop"], opts.seed),
        "diagnostic": _diagnostic(by_kind["diagnostic"]),
        "scheduling": _scheduling(by_kind["scheduling"]),
        "seconds": round(time.perf_counter() - t0, 1),
    }
    text = render(result)
    print(text)
    name = "learning-quick" if opts.quick else "learning"
    C.RESULTS.mkdir(parents=True, exist_ok=True)
    (C.RESULTS / f"{name}.md").write_text(text + "\n")
    path = C.write_json("learning", result)
    print(f"\nwrote {path.relative_to(C.ROOT)} and bench/results/{name}.md")


# --- aggregation -----------------------------------------------------------------------


def _collect(per_seed: list[dict[str, dict[str, float]]]) -> dict[str, Any]:
    arms = per_seed[0].keys()
    out: dict[str, Any] = {
        arm: {m: interval([s[arm][m] for s in per_seed]) for m in per_seed[0][arm]} for arm in arms
    }
    ratio = [s["ours"]["brier"] / s["beta_binomial"]["brier"] for s in per_seed]
    out["ratio_ours_bb"] = interval(ratio)
    out["ratio_fresh_bb"] = interval(
        [s["ours_fresh"]["brier"] / s["beta_binomial"]["brier"] for s in per_seed]
    )
    out["ratio_linked_logistic"] = interval(
        [s["ours_linked"]["brier"] / s["logistic_pct"]["brier"] for s in per_seed]
    )
    return out


def _readiness(runs: list[dict[str, Any]], seed: int) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for name in T.TRUTHS:
        mine = [r for r in runs if r["truth"] == name]
        block: dict[str, Any] = {
            "pass_rate": interval([float(np.mean(r["y"])) for r in mine]),
            "corr_b_calibrated": interval([r["calibration"]["corr_b"] for r in mine]),
            "corr_b_fresh": interval([r["calibration"]["corr_b_fresh"] for r in mine]),
        }
        for n in S.CHECKPOINTS:
            per_seed = []
            for r in mine:
                y = np.array(r["y"], dtype=float)
                feats = PM.Features(
                    np.array(r[f"{n}.ours"]),
                    np.array(r[f"{n}.fresh"]),
                    np.array(r[f"{n}.k"], dtype=float),
                    np.full(len(y), float(n)),
                    S.EXAM_ITEMS,
                    S.cut_score(S.EXAM_ITEMS, S.PASS_MARK),
                )
                rng = np.random.default_rng([seed, r["seed"], n])
                per_seed.append(score_arms(feats, y, rng, np.array(r["oracle"])))
            block[str(n)] = _collect(per_seed)
        out[name] = block
    return out


def _loop(runs: list[dict[str, Any]], seed: int) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for name in LOOP_TRUTHS:
        mine = [r for r in runs if r["truth"] == name]
        block: dict[str, Any] = {}
        for arm in ("adaptive", "random"):
            per_seed = []
            for r in mine:
                rows = r[arm]
                y = np.array(rows["y"], dtype=float)
                n = len(y)
                feats = PM.Features(
                    np.array(rows["ours"]),
                    np.array(rows["fresh"]),
                    np.array(rows["k"], dtype=float),
                    np.full(n, float(r["answers"])),
                    S.EXAM_ITEMS,
                    S.cut_score(S.EXAM_ITEMS, S.PASS_MARK),
                )
                rng = np.random.default_rng([seed, r["seed"], 99])
                per_seed.append(score_arms(feats, y, rng, np.array(rows["oracle"])))
            agg = _collect(per_seed)
            agg["pass_rate"] = interval([float(np.mean(r[arm]["y"])) for r in mine])
            agg["exam_score"] = interval([float(np.mean(r[arm]["score"])) for r in mine])
            agg["share_correct"] = interval(
                [float(np.mean(r[arm]["k"])) / r["answers"] for r in mine]
            )
            block[arm] = agg
        out[name] = block
    return out


def _diagnostic(runs: list[dict[str, Any]]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for name in LOOP_TRUTHS:
        mine = [r for r in runs if r["truth"] == name]
        block: dict[str, Any] = {}
        for which in ("fresh", "calibrated"):
            asked, saved, acc, br, acc25 = [], [], [], [], []
            for r in mine:
                y = np.array(r["y"], dtype=float)
                d = r[which]
                stop = np.array(d["stop"], dtype=float)
                p_stop = np.array(d["p_stop"])
                key = "sd" if which == "calibrated" else "sd_fresh"
                target = float(np.mean(r["random"][key]))  # random 25, same parameters
                sd = np.array(d["sd"])
                reached = sd <= target
                need = np.where(reached.any(axis=1), reached.argmax(axis=1) + 1, S.DIAGNOSTIC_MAX)
                asked.append(float(stop.mean()))
                saved.append(1 - float(need.mean()) / S.DIAGNOSTIC_MAX)
                acc.append(float(((p_stop >= 0.5) == (y > 0.5)).mean()))
                br.append(C.brier(p_stop, y))
                acc25.append(float(((np.array(d["p_full"]) >= 0.5) == (y > 0.5)).mean()))
            block[which] = {
                "asked": interval(asked),
                "saved_vs_random_25": interval(saved),
                "accuracy_at_stop": interval(acc),
                "brier_at_stop": interval(br),
                "accuracy_25": interval(acc25),
            }
        rand_acc = [
            float(((np.array(r["random"]["p_full"]) >= 0.5) == (np.array(r["y"]) > 0.5)).mean())
            for r in mine
        ]
        block["random_25"] = {
            "accuracy": interval(rand_acc),
            "brier": interval(
                [C.brier(np.array(r["random"]["p_full"]), np.array(r["y"], float)) for r in mine]
            ),
        }
        out[name] = block
    return out


def _scheduling(runs: list[tuple[str, int, dict[str, Any]]]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for family in SCH.FAMILIES:
        mine = [(seed, r) for f, seed, r in runs if f == family]
        seeds = sorted({s for s, _ in mine})
        block: dict[str, Any] = {}
        for arm in SCHED_ARMS:
            rev, rec, vs, dr, hard = [], [], [], [], []
            for s in seeds:
                rows = [r for k, r in mine if k == s]
                a = np.array([r[arm]["reviews"] for r in rows], float)
                b = np.array([r["sm2_cap"]["reviews"] for r in rows], float)
                ra = np.array([r[arm]["recall"] for r in rows])
                rb = np.array([r["sm2_cap"]["recall"] for r in rows])
                rev.append(float(a.mean()))
                rec.append(float(ra.mean()))
                vs.append(float(a.sum() / b.sum() - 1))
                dr.append(float((ra - rb).mean()))
                hard.append(float(np.mean([r[arm]["hard_share"] for r in rows])))
            block[arm] = {
                "reviews": interval(rev),
                "recall": interval(rec),
                "reviews_vs_sm2_cap": interval(vs),
                "recall_minus_sm2_cap": interval(dr),
                "hard_share": interval(hard),
            }
        out[family] = block
    return out


# --- output ----------------------------------------------------------------------------


def render(result: dict[str, Any]) -> str:
    cfg = result["settings"]
    lines = [
        f"Seeds: {cfg['seeds']} (base {cfg['seed']}); ± = 95 % t-interval over seeds. "
        f"Run time {result['seconds']:.0f} s.",
        "",
        f"### P(pass) after random practice ({cfg['learners']} learners per truth and seed; "
        f"pilot {cfg['pilot_per_item']} answers per item)",
    ]
    for n in S.CHECKPOINTS:
        rows = []
        for name, block in result["readiness"].items():
            b = block[str(n)]
            rows.append(
                [
                    name,
                    f"{block['pass_rate'][0]:.2f}",
                    fmt(b["ours"]["brier"]),
                    fmt(b["ours_fresh"]["brier"]),
                    fmt(b["beta_binomial"]["brier"]),
                    fmt(b["ratio_ours_bb"], 2),
                    fmt(b["ours_linked"]["brier"]),
                    fmt(b["logistic_pct"]["brier"]),
                    f"{b['oracle']['brier'][0]:.3f}",
                    fmt(b["ours"]["ece"]),
                    f"{b['oracle']['ece'][0]:.3f}",
                    fmt(b["ours_linked"]["ece"]),
                    fmt(b["beta_binomial"]["ece"]),
                    f"{b['ours']['auc'][0]:.3f} / {b['beta_binomial']['auc'][0]:.3f}",
                ]
            )
        lines += [
            "",
            f"After {n} answers (exam 7 days after the 60th):",
            "",
            C.table(
                [
                    "truth",
                    "pass rate",
                    "Brier ours",
                    "ours, fresh params",
                    "beta-binomial",
                    "ours / beta-binomial",
                    "ours + offset (labels)",
                    "logistic (labels)",
                    "oracle θ",
                    "ECE ours",
                    "ECE oracle θ (noise floor)",
                    "ECE ours + offset",
                    "ECE beta-binomial",
                    "AUC ours / bb",
                ],
                rows,
            ),
        ]
    lines += ["", "### The product's loop: adaptive study sessions vs random practice", ""]
    rows = []
    for name, block in result["loop"].items():
        for arm, b in block.items():
            rows.append(
                [
                    name,
                    arm,
                    fmt(b["pass_rate"], 2),
                    fmt(b["exam_score"], 1),
                    f"{b['share_correct'][0]:.2f}",
                    fmt(b["ours"]["brier"]),
                    fmt(b["beta_binomial"]["brier"]),
                    fmt(b["ratio_ours_bb"], 2),
                    fmt(b["ours_linked"]["brier"]),
                    fmt(b["logistic_pct"]["brier"]),
                    fmt(b["ours"]["ece"]),
                    fmt(b["beta_binomial"]["ece"]),
                    f"{b['ours']['auc'][0]:.3f} / {b['beta_binomial']['auc'][0]:.3f}",
                ]
            )
    lines.append(
        C.table(
            [
                "truth",
                "practice",
                "pass rate",
                "exam score /60",
                "practice % right",
                "Brier ours",
                "beta-binomial",
                "ours / bb",
                "ours + offset",
                "logistic (labels)",
                "ECE ours",
                "ECE bb",
                "AUC ours / bb",
            ],
            rows,
        )
    )
    lines += ["", "### Placement diagnostic: fresh-install vs calibrated parameters", ""]
    rows = []
    for name, block in result["diagnostic"].items():
        for which in ("fresh", "calibrated"):
            b = block[which]
            rows.append(
                [
                    name,
                    which,
                    fmt(b["asked"], 1),
                    fmt(tuple(100 * x for x in b["saved_vs_random_25"]), 0) + " %",
                    fmt(b["accuracy_at_stop"], 2),
                    fmt(b["brier_at_stop"]),
                    fmt(b["accuracy_25"], 2),
                ]
            )
        r = block["random_25"]
        rows.append(
            [name, "random 25 (calibrated)", "25", "—", "—", fmt(r["brier"]), fmt(r["accuracy"], 2)]
        )
    lines.append(
        C.table(
            [
                "truth",
                "item parameters",
                "questions asked (stop rule)",
                "items saved to random-25 SD",
                "pass/fail accuracy at stop",
                "Brier at stop",
                "accuracy after 25",
            ],
            rows,
        )
    )
    lines += [
        "",
        f"### Scheduling ({cfg['sched_learners'] * cfg['seeds']} learners per memory model, "
        f"{cfg['sched_cards']} cards, exam on day 42, ratings from review logs)",
        "",
    ]
    rows = []
    for family, block in result["scheduling"].items():
        for arm in SCHED_ARMS:
            b = block[arm]
            rows.append(
                [
                    family,
                    SCHED_LABELS[arm],
                    fmt(b["reviews"], 0),
                    fmt(tuple(100 * x for x in b["reviews_vs_sm2_cap"]), 1) + " %",
                    fmt(b["recall"]),
                    fmt(b["recall_minus_sm2_cap"]),
                    f"{b['hard_share'][0]:.3f}",
                ]
            )
    lines.append(
        C.table(
            [
                "truth",
                "arm",
                "reviews",
                "vs capped SM-2",
                "exam-day recall",
                "recall - capped SM-2",
                "Hard share",
            ],
            rows,
        )
    )
    return "\n".join(lines)


if __name__ == "__main__":
    main()
