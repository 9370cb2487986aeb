"""Bank-to-exam linking: does one offset fitted on 200 reported results calibrate P(pass)?

Simulated learners (3PL truth, section abilities theta_s = g + N(0, 0.5)) answer 40 random
questions of a 450-item practice bank whose parameters the estimator knows only from a simulated
pilot calibrated with the engine's MML. Their real exam is a 60-item blueprint form drawn from a
hidden 300-item pool whose difficulties are the bank's shifted by a known offset (the exam
`shift` logits harder; negative: easier); pass = raw >= cut at 70 %.

For every shift: 200 labelled learners report their result and `engine.linking.fit_exam_offset`
fits the offset from their pass curves (`engine.readiness.pass_by_offset`); then, on new
learners, P(pass) from `engine.readiness.estimate_readiness` is scored three ways: assuming the
exam is the bank (offset 0), with the bundled pack's prior (0.3 +- 0.5), and with the fitted
offset and its standard error.

With `--replications R`, every shift is also fitted on R independent samples of 200 labelled
learners and scored on the same new learners, whose P(pass) under a link N(m, s^2) is then read
from their pass curves (5 Gauss-Hermite nodes, linear interpolation between grid offsets):
how much the fitted offset and the ECE vary with the sample of reporters.

    python bench/linking.py [--quick] [--replications R]

Writes bench/results/linking.json.
"""

from __future__ import annotations

import multiprocessing as mp
import time
from typing import Any

import _common as C
import numpy as np

from examprep.engine import irt
from examprep.engine.blueprint import allocate
from examprep.engine.linking import FIT_OFFSETS, SAME_AS_BANK, ExamOffset, fit_exam_offset
from examprep.engine.readiness import cut_score, estimate_readiness, pass_by_offset

SHIFTS = (-0.5, -0.2, 0.0, 0.2, 0.5)
PRACTICE = 40
EXAM_ITEMS = 60
PASS_MARK = 0.7
LABELLED = 200
PACK_PRIOR = ExamOffset(0.3, 0.5)  # src/examprep/packs/gcp-pmle/pack.yaml

_W: dict[str, Any] = {}  # read-only state shared with forked workers


def _observations(learner: int) -> dict[str, list[irt.Observation]]:
    w = _W
    obs: dict[str, list[irt.Observation]] = {}
    for i, y in zip(w["practice"][learner], w["y"][learner], strict=True):
        sid = w["sections"][w["section"][i]]
        obs.setdefault(sid, []).append(irt.Observation(w["fitted"][i], bool(y)))
    return obs


def _curve(learner: int) -> np.ndarray:
    """P(pass | the learner's answers, offset) at every FIT_OFFSETS point."""
    w = _W
    return pass_by_offset(
        w["banks"], _observations(learner), w["allocation"], w["cut"], FIT_OFFSETS
    )


def _predict(learner: int) -> list[float]:
    """P(pass) under each link: the bank as the exam, the pack's prior, the fitted offset."""
    w = _W
    obs = _observations(learner)
    return [
        estimate_readiness(w["banks"], obs, w["allocation"], w["cut"], offset=link).p_pass
        for link in (SAME_AS_BANK, PACK_PRIOR, w["fitted_link"])
    ]


def _map(func: Any, n: int) -> np.ndarray:
    """func over range(n) in two forked workers that see the current _W."""
    with mp.get_context("fork").Pool(2) as workers:
        return np.array(workers.map(func, range(n), chunksize=10))


def _simulate(
    rng: np.random.Generator, bank: C.Items, pool: C.Items, n: int, sections: list[str]
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Practice items, their answers, and real exam results of n new learners."""
    _g, theta = C.make_learners(rng, n, len(sections))
    practice = np.argsort(rng.random((n, len(bank))), axis=1)[:, :PRACTICE]
    y = (rng.random(practice.shape) < C.p3(theta, bank, practice)).astype(float)
    allocation = _W["allocation"]
    forms = np.concatenate(
        [
            np.argsort(rng.random((n, int((pool.section == k).sum()))), axis=1)[:, : allocation[s]]
            + int(np.flatnonzero(pool.section == k)[0])
            for k, s in enumerate(sections)
        ],
        axis=1,
    )
    p_exam = C.p3(theta, pool, forms)
    passed = ((rng.random(p_exam.shape) < p_exam).sum(axis=1) >= _W["cut"]).astype(float)
    return practice, y, passed


def _metrics(p: np.ndarray, y: np.ndarray) -> dict[str, float]:
    return {
        "ece": C.ece_width(p, y),
        "ece_mass": C.ece_mass(p, y),
        "brier": C.brier(p, y),
        "mean_p": float(p.mean()),
        "pass_rate": float(y.mean()),
    }


def run_shift(shift: float, opts: Any, seed: int) -> dict[str, Any]:
    """Fit the offset on LABELLED learners, then score the three links on new learners."""
    weights_map = C.pack_weights()
    sections, weights = list(weights_map), list(weights_map.values())
    rng_bank, rng_pool, rng_pilot, rng_fit, rng_eval = (
        np.random.default_rng(s) for s in np.random.SeedSequence(seed).spawn(5)
    )
    bank = C.make_items(rng_bank, weights, 450)
    pool = C.make_items(rng_pool, weights, 300, b_mean=shift)
    fitted, _ = C.pilot_calibration(rng_pilot, bank, 150 if opts.quick else 300, len(sections))
    _W.update(
        section=bank.section,
        sections=sections,
        fitted=fitted,
        banks=C.section_banks(bank, fitted, sections, weights),
        allocation=allocate(EXAM_ITEMS, weights_map),
        cut=cut_score(EXAM_ITEMS, PASS_MARK),
    )
    practice, y, passed = _simulate(rng_fit, bank, pool, LABELLED, sections)
    _W.update(practice=practice, y=y)
    curves = _map(_curve, LABELLED)
    fit = fit_exam_offset(curves, passed.astype(bool))
    _W["fitted_link"] = fit.offset
    n_eval = 400 if opts.quick else 2000
    practice, y, passed = _simulate(rng_eval, bank, pool, n_eval, sections)
    _W.update(practice=practice, y=y)
    preds = _map(_predict, n_eval)
    # The offset the learners actually face: pool minus bank difficulty, as calibrated.
    realised = float(pool.b.mean() - bank.b.mean())
    replications = _replicate(opts.replications, rng_fit, bank, pool, sections, passed)
    return {
        "replications": replications,
        "shift": shift,
        "realised_pool_minus_bank_b": realised,
        "fit": {"mean": fit.mean, "se": fit.se, "outcomes": fit.outcomes, "passed": fit.passed},
        "eval_learners": n_eval,
        "bank_as_exam": _metrics(preds[:, 0], passed),
        "pack_prior": _metrics(preds[:, 1], passed),
        "fitted": _metrics(preds[:, 2], passed),
    }


def _link_p(curves: np.ndarray, link: ExamOffset) -> np.ndarray:
    """P(pass) of every learner under a link, from their pass curves."""
    nodes, weights = link.nodes()
    at = np.stack([np.interp(nodes, FIT_OFFSETS, c) for c in curves])
    return np.asarray(at @ weights)


def _replicate(
    reps: int,
    rng: np.random.Generator,
    bank: C.Items,
    pool: C.Items,
    sections: list[str],
    passed_eval: np.ndarray,
) -> dict[str, Any] | None:
    """Fit on `reps` fresh samples of labelled learners; score each on the evaluation set."""
    if not reps:
        return None
    eval_curves = _map(_curve, len(passed_eval))  # _W holds the evaluation learners now
    fits, eces, briers = [], [], []
    for _ in range(reps):
        practice, y, passed = _simulate(rng, bank, pool, LABELLED, sections)
        _W.update(practice=practice, y=y)
        fit = fit_exam_offset(_map(_curve, LABELLED), passed.astype(bool))
        p = _link_p(eval_curves, fit.offset)
        fits.append((fit.mean, fit.se))
        eces.append(C.ece_width(p, passed_eval))
        briers.append(C.brier(p, passed_eval))
    means = np.array([m for m, _ in fits])
    return {
        "reps": reps,
        "fit_mean": float(means.mean()),
        "fit_sd": float(means.std(ddof=1)) if reps > 1 else float("nan"),
        "mean_se": float(np.mean([s for _, s in fits])),
        "ece_median": float(np.median(eces)),
        "ece_max": float(np.max(eces)),
        "ece_share_at_most_0_03": float(np.mean(np.array(eces) <= 0.03)),
        "brier_median": float(np.median(briers)),
        "fits": fits,
        "eces": eces,
    }


def _options(parser: Any) -> None:
    parser.add_argument("--replications", type=int, default=0, help="fit samples per shift")


def main() -> None:
    opts = C.args(__doc__.splitlines()[0], _options)
    t0 = time.perf_counter()
    runs = [run_shift(s, opts, opts.seed + k) for k, s in enumerate(SHIFTS)]
    rows = [
        [
            f"{r['shift']:+.1f}",
            f"{r['fit']['mean']:+.2f} ± {r['fit']['se']:.2f}",
            f"{r['fitted']['pass_rate']:.2f}",
            *(
                f"{r[k]['mean_p']:.2f} / {r[k]['ece']:.3f} / {r[k]['brier']:.3f}"
                for k in ("bank_as_exam", "pack_prior", "fitted")
            ),
        ]
        for r in runs
    ]
    headers = [
        "exam harder by",
        "fitted offset ± SE",
        "pass rate",
        "bank as exam: mean P / ECE / Brier",
        "pack prior 0.3±0.5",
        "fitted offset",
    ]
    print(C.table(headers, rows))
    if opts.replications:
        print(
            C.table(
                ["exam harder by", "fits", "fitted offset: mean (SD)", "mean SE",
                 "ECE median / max", "share ECE <= 0.03", "Brier median"],
                [
                    [f"{r['shift']:+.1f}", (x := r["replications"])["reps"],
                     f"{x['fit_mean']:+.2f} ({x['fit_sd']:.2f})", f"{x['mean_se']:.2f}",
                     f"{x['ece_median']:.3f} / {x['ece_max']:.3f}",
                     f"{x['ece_share_at_most_0_03']:.0%}", f"{x['brier_median']:.3f}"]
                    for r in runs
                ],
            )
        )  # fmt: skip
    seconds = time.perf_counter() - t0
    path = C.write_json(
        "linking",
        {
            "settings": {
                "quick": opts.quick,
                "seed": opts.seed,
                "shifts": SHIFTS,
                "labelled": LABELLED,
                "practice_answers": PRACTICE,
                "exam_items": EXAM_ITEMS,
                "pass_mark": PASS_MARK,
                "pack_prior": [PACK_PRIOR.mean, PACK_PRIOR.sd],
                "replications": opts.replications,
            },
            "runs": runs,
            "seconds": round(seconds, 1),
        },
    )
    print(f"{seconds:.0f} s; wrote {path.relative_to(C.ROOT)}")


if __name__ == "__main__":
    main()
