"""Readiness calibration: is "P(pass) today" a probability that means what it says?

Simulated learners (3PL truth with guessing, section abilities theta_s = g + N(0, 0.5)) answer
random questions from a 450-item practice bank whose parameters the estimator only knows from a
simulated pilot calibrated with the engine's MML (`calibrate_items`). Each learner then sits a
60-item blueprint form drawn from a hidden 300-item exam pool disjoint from the bank;
pass = raw >= cut. After 20/40/60/120 practice answers every estimator predicts the outcome.

    python bench/readiness.py [--quick]

Writes bench/results/readiness.json and docs/img/readiness-reliability.png.
"""

from __future__ import annotations

import datetime as dt
import multiprocessing as mp
import time
from typing import Any

import _common as C
import numpy as np

from examprep.engine import irt
from examprep.engine.blueprint import allocate
from examprep.engine.readiness import cut_score, estimate_readiness, lord_wingersky

CHECKPOINTS = (20, 40, 60, 120)
NOW = dt.datetime(2027, 3, 1, tzinfo=dt.UTC)  # the API's "today" (answers carry no time)
EXAM_ITEMS = 60
ESTIMATORS = ("ours", "oracle_params", "oracle_theta", "percent", "rule", "logistic_fitted")
LABELS = {
    "ours": "ours (IRT posterior predictive, calibrated params)",
    "oracle_params": "oracle: true item params, same estimator",
    "oracle_theta": "oracle: true abilities and form",
    "percent": "percent correct as probability",
    "rule": "pass if percent correct >= mark (0/1)",
    "logistic_fitted": "logistic(percent) fitted on outcomes (needs labels)",
}

_W: dict[str, Any] = {}  # read-only state shared with forked workers


def _predict(learner: int) -> list[tuple[float, float]]:
    """(ours, oracle_params) P(pass) at every checkpoint for one learner."""
    w = _W
    items, ys = w["practice"][learner], w["y"][learner]
    out = []
    for n in CHECKPOINTS:
        pair = []
        for params, banks in ((w["fitted"], w["banks_fitted"]), (w["true"], w["banks_true"])):
            obs: dict[str, list[irt.Observation]] = {}
            for i, y in zip(items[:n], ys[:n], strict=True):
                sid = w["sections"][w["section"][i]]
                obs.setdefault(sid, []).append(irt.Observation(params[i], bool(y)))
            est = estimate_readiness(banks, obs, w["allocation"], w["cut"])
            pair.append(est.p_pass)
        out.append((pair[0], pair[1]))
    return out


def _logistic_crossfit(x: np.ndarray, y: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """logistic(a + b * percent) fitted on one half of the learners, scored on the other."""
    fold = rng.permutation(len(x)) % 2
    out = np.empty_like(x)
    for k in (0, 1):
        train, test = fold != k, fold == k
        design = np.column_stack([np.ones(train.sum()), x[train]])
        w = np.zeros(2)
        for _ in range(100):
            m = 1 / (1 + np.exp(-(design @ w)))
            h = (design * (m * (1 - m))[:, None]).T @ design + 1e-6 * np.eye(2)
            w = w + np.linalg.solve(h, design.T @ (y[train] - m))
        out[test] = 1 / (1 + np.exp(-(w[0] + w[1] * x[test])))
    return out


def _metrics_with_ci(
    preds: dict[str, np.ndarray], y: np.ndarray, rng: np.random.Generator, reps: int
) -> dict[str, Any]:
    """Every metric of every estimator, with paired bootstrap intervals and Brier ratios."""

    def all_metrics(idx: np.ndarray) -> dict[str, float]:
        yy = y[idx]
        out = {f"{e}.{m}": f(p[idx], yy) for e, p in preds.items() for m, f in C.METRICS.items()}
        # A 0/1 forecast has no logit scale: its recalibration slope is undefined.
        out["rule.slope"] = out["rule.intercept"] = float("nan")
        best = min(out["percent.brier"], out["rule.brier"])
        out["ratio.ours_vs_best_baseline"] = out["ours.brier"] / best
        out["ratio.ours_vs_oracle_params"] = out["ours.brier"] / out["oracle_params.brier"]
        out["ratio.ours_vs_oracle_theta"] = out["ours.brier"] / out["oracle_theta.brier"]
        out["diff.ours_minus_logistic"] = out["ours.brier"] - out["logistic_fitted.brier"]
        return out

    n = len(y)
    point = all_metrics(np.arange(n))
    draws = [all_metrics(rng.integers(0, n, n)) for _ in range(reps)]
    result: dict[str, Any] = {}
    for key, value in point.items():
        values = np.array([d[key] for d in draws])
        if np.isnan(values).all():
            lo = hi = float("nan")
        else:
            lo, hi = np.nanpercentile(values, [2.5, 97.5])
        result[key] = {"value": value, "low": float(lo), "high": float(hi)}
    return result


def _reliability_png(
    preds_by_n: dict[int, dict[str, np.ndarray]], y: np.ndarray, for_docs: bool
) -> str:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, axes = plt.subplots(1, len(CHECKPOINTS), figsize=(4 * len(CHECKPOINTS), 4.2), sharey=True)
    styles = {"ours": "o-", "oracle_theta": "s--", "percent": "^:"}
    for ax, n in zip(axes, CHECKPOINTS, strict=True):
        ax.plot([0, 1], [0, 1], color="0.7", lw=1)
        for name, style in styles.items():
            p = preds_by_n[n][name]
            order = np.argsort(p, kind="stable")
            chunks = [c for c in np.array_split(order, 10) if len(c)]
            ax.plot(
                [p[c].mean() for c in chunks],
                [y[c].mean() for c in chunks],
                style,
                ms=4,
                label={"ours": "ours", "oracle_theta": "oracle (true θ)", "percent": "% correct"}[
                    name
                ],
            )
        ax.set_title(f"after {n} practice answers")
        ax.set_xlabel("predicted P(pass) (10 equal-mass bins)")
        ax.set_xlim(0, 1)
        ax.set_ylim(0, 1)
    axes[0].set_ylabel("observed pass rate")
    axes[0].legend(loc="upper left", fontsize=8)
    fig.tight_layout()
    # Only a full, untagged run updates the figure in the docs.
    folder = C.IMG if for_docs else C.RESULTS
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "readiness-reliability.png"
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return str(path.relative_to(C.ROOT))


def _api_check(
    bank: C.Items,
    fitted: list[irt.ItemParams],
    sections: list[str],
    weights: list[float],
    practice: np.ndarray,
    y: np.ndarray,
    ours: np.ndarray,
    mark: float,
) -> float:
    """Largest difference between the public API and the engine call on a few learners."""
    import examprep

    pack = C.synthetic_pack(bank, sections, weights, pass_mark=mark)
    params = {f"q{k}": p for k, p in enumerate(fitted)}
    worst = 0.0
    for lr in range(min(5, len(practice))):
        rows = [(f"q{int(i)}", bool(v)) for i, v in zip(practice[lr, :20], y[lr, :20], strict=True)]
        r = examprep.estimate_readiness(pack, rows, item_params=params, now=NOW)
        worst = max(worst, abs(r.p_pass - float(ours[lr])))
    return worst


def main() -> None:
    opts = C.args(
        __doc__.splitlines()[0],
        lambda p: (
            p.add_argument("--pass-mark", type=float, default=0.7),
            p.add_argument("--a-median", type=float, default=1.2, help="median discrimination"),
            p.add_argument("--learners", type=int, default=None),
            p.add_argument("--tag", default="", help="suffix of the result file"),
            p.add_argument("--no-plot", action="store_true"),
            p.add_argument(
                "--prior-sd-a", type=float, default=None, help="experiment: calibration a prior"
            ),
        ),
    )
    t_start = time.perf_counter()
    n_learners = opts.learners or (250 if opts.quick else 2000)
    reps = 200 if opts.quick else 1000
    weights_map = C.pack_weights()
    sections, weights = list(weights_map), list(weights_map.values())
    seeds = np.random.SeedSequence(opts.seed).spawn(6)
    rng_bank, rng_pool, rng_pilot, rng_learn, rng_exam, rng_boot = (
        np.random.default_rng(s) for s in seeds
    )
    bank = C.make_items(rng_bank, weights, 450, a_median=opts.a_median)
    pool = C.make_items(rng_pool, weights, 300, a_median=opts.a_median)
    fitted, cal = C.pilot_calibration(
        rng_pilot, bank, 150 if opts.quick else 300, len(sections), prior_sd_a=opts.prior_sd_a
    )
    allocation = allocate(EXAM_ITEMS, weights_map)
    cut = cut_score(EXAM_ITEMS, opts.pass_mark)

    _g, theta = C.make_learners(rng_learn, n_learners, len(sections))
    practice = np.argsort(rng_learn.random((n_learners, len(bank))), axis=1)[:, : CHECKPOINTS[-1]]
    y = (rng_learn.random(practice.shape) < C.p3(theta, bank, practice)).astype(float)
    # The real exam: a blueprint form from the hidden pool, a fresh draw for every learner.
    forms = np.concatenate(
        [
            np.argsort(rng_exam.random((n_learners, int((pool.section == k).sum()))), axis=1)[
                :, : allocation[sid]
            ]
            + int(np.flatnonzero(pool.section == k)[0])
            for k, sid in enumerate(sections)
        ],
        axis=1,
    )
    p_exam = C.p3(theta, pool, forms)
    passed = ((rng_exam.random(p_exam.shape) < p_exam).sum(axis=1) >= cut).astype(float)
    oracle_theta = lord_wingersky(p_exam)[:, cut:].sum(axis=1)

    _W.update(
        practice=practice,
        y=y,
        section=bank.section,
        sections=sections,
        fitted=fitted,
        true=C.true_params(bank),
        banks_fitted=C.section_banks(bank, fitted, sections, weights),
        banks_true=C.section_banks(pool, C.true_params(pool), sections, weights),
        allocation=allocation,
        cut=cut,
    )
    t0 = time.perf_counter()
    with mp.get_context("fork").Pool(2) as workers:
        both = np.array(workers.map(_predict, range(n_learners), chunksize=25))
    t_predict = time.perf_counter() - t0

    checkpoints: dict[str, Any] = {}
    preds_by_n: dict[int, dict[str, np.ndarray]] = {}
    for k, n in enumerate(CHECKPOINTS):
        pc = y[:, :n].mean(axis=1)
        preds = {
            "ours": both[:, k, 0],
            "oracle_params": both[:, k, 1],
            "oracle_theta": oracle_theta,
            "percent": pc,
            "rule": (pc >= opts.pass_mark - 1e-9).astype(float),
            "logistic_fitted": _logistic_crossfit(pc, passed, rng_boot),
        }
        preds_by_n[n] = preds
        checkpoints[str(n)] = _metrics_with_ci(preds, passed, rng_boot, reps)
        checkpoints[str(n)]["mean_p"] = {e: float(p.mean()) for e, p in preds.items()}

    api_gap = _api_check(
        bank, fitted, sections, weights, practice, y, both[:, 0, 0], opts.pass_mark
    )
    png = (
        None
        if opts.no_plot
        else _reliability_png(preds_by_n, passed, not opts.quick and not opts.tag)
    )
    result = {
        "settings": {
            "quick": opts.quick,
            "seed": opts.seed,
            "learners": n_learners,
            "bootstrap": reps,
            "bank_items": len(bank),
            "exam_pool_items": len(pool),
            "exam_items": EXAM_ITEMS,
            "pass_mark": opts.pass_mark,
            "cut": cut,
            "a_median": opts.a_median,
            "prior_sd_a": opts.prior_sd_a,
            "section_sd": C.SECTION_SD,
            "sections": weights_map,
        },
        "calibration": cal,
        "pass_rate": float(passed.mean()),
        "api_vs_engine_max_abs_diff": api_gap,
        "seconds": {
            "predict": round(t_predict, 1),
            "total": round(time.perf_counter() - t_start, 1),
        },
        "checkpoints": checkpoints,
        "reliability_png": png,
        "labels": LABELS,
    }
    path = C.write_json("readiness" + (f"-{opts.tag}" if opts.tag else ""), result)
    _print(result)
    print(f"\nwrote {path.relative_to(C.ROOT)}" + (f" and {png}" if png else ""))


def _print(result: dict[str, Any]) -> None:
    s, cal = result["settings"], result["calibration"]
    print(
        f"{s['learners']} learners, pass rate {result['pass_rate']:.3f}, cut {s['cut']}/"
        f"{s['exam_items']}; pilot {cal['responses_per_item']:.0f} answers/item: "
        f"corr(a) {cal['corr_a']:.3f}, corr(b) {cal['corr_b']:.3f}; "
        f"API vs engine max |diff| {result['api_vs_engine_max_abs_diff']:.2e}"
    )
    for n, m in result["checkpoints"].items():
        print(f"\nAfter {n} practice answers (95 % bootstrap CI)")
        rows = []
        for e in ESTIMATORS:

            def v(key: str, e: str = e, m: dict[str, Any] = m) -> str:
                x = m[f"{e}.{key}"]
                return C.ci(x["value"], x["low"], x["high"])

            rows.append(
                [
                    e,
                    v("brier"),
                    v("log_loss"),
                    v("ece"),
                    v("ece_mass"),
                    v("slope"),
                    v("intercept"),
                    v("auc"),
                ]
            )
        print(
            C.table(
                [
                    "estimator",
                    "Brier",
                    "log loss",
                    "ECE",
                    "ECE (mass)",
                    "slope",
                    "intercept",
                    "AUC",
                ],
                rows,
            )
        )
        r = {k: m[k] for k in m if k.startswith(("ratio.", "diff."))}
        print(
            "  ours/best-baseline Brier "
            + C.ci(*r["ratio.ours_vs_best_baseline"].values())
            + "; ours/oracle-params "
            + C.ci(*r["ratio.ours_vs_oracle_params"].values())
            + "; ours/oracle-theta "
            + C.ci(*r["ratio.ours_vs_oracle_theta"].values())
            + "; ours - logistic "
            + C.ci(*r["diff.ours_minus_logistic"].values())
        )


if __name__ == "__main__":
    main()
