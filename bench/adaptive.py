"""Adaptive vs random practice: how many questions does it take to know where a learner stands?

Same truth as bench/readiness.py (3PL with guessing, section abilities, parameters calibrated
from a simulated pilot). Every learner answers 60 questions three ways from the same 450-item
bank: `engine.selection.next_item` exactly as the study/diagnostic service calls it (blueprint
targets boosted toward weak sections, randomesque top-5), the same without the weakness boost
(pure measurement), and random order. After every answer the posterior of general ability is
updated (the engine's section model, replicated incrementally and checked against
`engine.readiness.estimate_readiness`).

    python bench/adaptive.py [--quick]

Writes bench/results/adaptive.json.
"""

from __future__ import annotations

import math
import multiprocessing as mp
import random
import time
from typing import Any

import _common as C
import numpy as np

from examprep.engine import irt
from examprep.engine.blueprint import allocate
from examprep.engine.readiness import (
    SECTION_SD,
    D,
    G,
    binomial,
    convolve_rows,
    cut_score,
    estimate_readiness,
)
from examprep.engine.selection import Candidate, next_item, section_targets, theta_for_score

MAX_ITEMS = 60
CHECKPOINTS = (10, 20, 30, 60)
ARMS = ("adaptive", "adaptive_no_weakness", "random")
IDX = np.arange(len(G))[:, None] + np.arange(len(D))[None, :]
LOG_PRIOR_D = -0.5 * (D / SECTION_SD) ** 2
LOG_PRIOR_D -= np.log(np.exp(LOG_PRIOR_D).sum())


class SectionPosterior:
    """The engine's (g, delta_s) posterior, updated one answer at a time."""

    def __init__(self, sections: list[str]) -> None:
        self.ll = {s: np.zeros(len(irt.GRID)) for s in sections}

    def add(self, section: str, params: irt.ItemParams, correct: bool) -> None:
        self.ll[section] += irt.log_likelihood([irt.Observation(params, correct)])

    def summary(self) -> tuple[float, float, dict[str, float]]:
        """Mean and SD of g, and the posterior mean of every section ability."""
        log_g = -0.5 * G**2
        conds = {}
        for s, ll in self.ll.items():
            joint = ll[IDX] + LOG_PRIOR_D[None, :]
            m = joint.max(axis=1, keepdims=True)
            marg = m[:, 0] + np.log(np.exp(joint - m).sum(axis=1))
            log_g = log_g + marg
            conds[s] = np.exp(joint - marg[:, None])
        post = np.exp(log_g - log_g.max())
        post /= post.sum()
        mean = float((post * G).sum())
        sd = math.sqrt(max(float((post * (G - mean) ** 2).sum()), 0.0))
        sect = {
            s: mean + float((post[:, None] * cond * D[None, :]).sum()) for s, cond in conds.items()
        }
        return mean, sd, sect


_W: dict[str, Any] = {}


def _run(learner: int) -> dict[str, Any]:
    """All arms for one learner: SD of g after each answer, P(pass) and g at checkpoints."""
    w = _W
    theta = w["theta"][learner]
    rng = np.random.default_rng([w["seed"], learner])
    out: dict[str, Any] = {}
    for arm in ARMS:
        post = SectionPosterior(w["sections"])
        obs: dict[str, list[irt.Observation]] = {}
        asked: dict[str, int] = {}
        seen: set[str] = set()
        order = rng.permutation(w["n_items"])
        pick_rng = random.Random(w["seed"] * 7919 + learner)
        sds, items, p_pass, g_hat = [], [], [], []
        abilities = dict.fromkeys(w["sections"], 0.0)
        for step in range(MAX_ITEMS):
            if arm == "random":
                k = int(order[step])
            else:
                weakness = 1.0 if arm == "adaptive" else 0.0
                targets = section_targets(w["weights"], abilities, w["cut_theta"], weakness)
                pick = next_item(w["candidates"], abilities, targets, asked, seen, pick_rng)
                assert pick is not None
                k = int(pick.id[1:])
            sid = w["sections"][w["section"][k]]
            p_true = w["c"][k] + (1 - w["c"][k]) / (
                1 + math.exp(-w["a"][k] * (theta[w["section"][k]] - w["b"][k]))
            )
            correct = bool(rng.random() < p_true)
            params = w["params"][k]
            post.add(sid, params, correct)
            obs.setdefault(sid, []).append(irt.Observation(params, correct))
            asked[sid] = asked.get(sid, 0) + 1
            seen.add(f"q{k}")
            items.append(k)
            g, sd, abilities = post.summary()
            sds.append(sd)
            if step + 1 in CHECKPOINTS:
                est = estimate_readiness(w["banks"], obs, w["allocation"], w["cut"])
                p_pass.append(est.p_pass)
                g_hat.append(g)
                if learner < 3:  # the incremental posterior must match the engine's
                    assert abs(est.theta - g) < 1e-9 and abs(est.se - sd) < 1e-9
        out[arm] = {"sd": sds, "p_pass": p_pass, "g": g_hat, "items": items}
    return out


def _true_pass_prob(
    theta: np.ndarray, pool: C.Items, allocation: dict[int, int], cut: int
) -> np.ndarray:
    """P(pass | true section abilities) on a random blueprint form from the hidden pool."""
    dist = np.ones((len(theta), 1))
    for k, n_s in allocation.items():
        idx = np.flatnonzero(pool.section == k)
        a, b, c = pool.a[idx], pool.b[idx], pool.c[idx]
        pbar = (c + (1 - c) / (1 + np.exp(-a * (theta[:, k : k + 1] - b)))).mean(axis=1)
        dist = convolve_rows(dist, binomial(pbar, n_s))
    return np.asarray(dist[:, cut:].sum(axis=1))


def main() -> None:
    opts = C.args(
        __doc__.splitlines()[0],
        lambda p: (
            p.add_argument("--learners", type=int, default=None),
            p.add_argument("--a-median", type=float, default=1.2),
            p.add_argument("--bank", type=int, default=450, help="practice bank size"),
            p.add_argument("--tag", default=""),
        ),
    )
    t_start = time.perf_counter()
    n_learners = opts.learners or (80 if opts.quick else 1000)
    reps = 200 if opts.quick else 1000
    weights_map = C.pack_weights()
    sections, weights = list(weights_map), list(weights_map.values())
    rng_bank, rng_pool, rng_pilot, rng_learn, rng_boot = (
        np.random.default_rng(s) for s in np.random.SeedSequence(opts.seed).spawn(5)
    )
    bank = C.make_items(rng_bank, weights, opts.bank, a_median=opts.a_median)
    pool = C.make_items(rng_pool, weights, 300, a_median=opts.a_median)
    params, cal = C.pilot_calibration(rng_pilot, bank, 150 if opts.quick else 300, len(sections))
    allocation = allocate(60, weights_map)
    cut = cut_score(60, 0.7)
    g, theta = C.make_learners(rng_learn, n_learners, len(sections))
    truly_pass = (
        _true_pass_prob(theta, pool, {k: allocation[s] for k, s in enumerate(sections)}, cut) >= 0.5
    )

    _W.update(
        seed=opts.seed,
        theta=theta,
        sections=sections,
        weights=weights_map,
        n_items=len(bank),
        section=bank.section,
        a=bank.a,
        b=bank.b,
        c=bank.c,
        params=params,
        candidates=[
            Candidate(f"q{k}", sections[int(bank.section[k])], params[k]) for k in range(len(bank))
        ],
        cut_theta=theta_for_score(params, 0.7),
        banks=C.section_banks(bank, params, sections, weights),
        allocation=allocation,
        cut=cut,
    )
    t0 = time.perf_counter()
    with mp.get_context("fork").Pool(2) as workers:
        runs = workers.map(_run, range(n_learners), chunksize=10)
    t_sim = time.perf_counter() - t0

    sd = {arm: np.array([r[arm]["sd"] for r in runs]) for arm in ARMS}
    target = float(sd["random"][:, MAX_ITEMS - 1].mean())
    result: dict[str, Any] = {
        "settings": {
            "quick": opts.quick,
            "seed": opts.seed,
            "learners": n_learners,
            "bank_items": len(bank),
            "a_median": opts.a_median,
            "max_items": MAX_ITEMS,
            "pass_mark": 0.7,
            "bootstrap": reps,
            "true_pass_rate": float(truly_pass.mean()),
        },
        "calibration": cal,
        "target_sd": target,
        "arms": {},
    }
    for arm in ARMS:
        reached = sd[arm] <= target
        # Learners who never reach the target within MAX_ITEMS count as MAX_ITEMS (a lower bound).
        need = np.where(reached.any(axis=1), reached.argmax(axis=1) + 1, MAX_ITEMS)
        p_pass = np.array([r[arm]["p_pass"] for r in runs])
        g_hat = np.array([r[arm]["g"] for r in runs])
        items = np.array([r[arm]["items"] for r in runs])
        arm_out: dict[str, Any] = {
            "items_to_target": {
                "mean": C.bootstrap(
                    rng_boot, n_learners, lambda i, v=need: float(v[i].mean()), reps
                ),
                "median": float(np.median(need)),
                "share_not_reached": float((~reached.any(axis=1)).mean()),
            },
            "mean_sd": {str(n): float(sd[arm][:, n - 1].mean()) for n in CHECKPOINTS},
            "rmse_g": {
                str(n): float(np.sqrt(np.mean((g_hat[:, k] - g) ** 2)))
                for k, n in enumerate(CHECKPOINTS)
            },
            "accuracy": {
                str(n): C.bootstrap(
                    rng_boot,
                    n_learners,
                    lambda i, k=k, p=p_pass: float(((p[i, k] >= 0.5) == truly_pass[i]).mean()),
                    reps,
                )
                for k, n in enumerate(CHECKPOINTS)
            },
            "max_exposure_30": float(
                np.bincount(items[:, :30].ravel(), minlength=len(bank)).max() / n_learners
            ),
            "mean_sd_curve": sd[arm].mean(axis=0).round(4).tolist(),
        }
        result["arms"][arm] = arm_out
    mean_need = result["arms"]["adaptive"]["items_to_target"]["mean"]
    result["reduction_vs_60"] = [
        1 - x / MAX_ITEMS for x in (mean_need[0], mean_need[2], mean_need[1])
    ]
    result["seconds"] = {
        "simulate": round(t_sim, 1),
        "total": round(time.perf_counter() - t_start, 1),
    }
    path = C.write_json("adaptive" + (f"-{opts.tag}" if opts.tag else ""), result)
    _print(result)
    print(f"\nwrote {path.relative_to(C.ROOT)}")


def _print(result: dict[str, Any]) -> None:
    s = result["settings"]
    print(
        f"{s['learners']} learners, bank {s['bank_items']}, true pass rate "
        f"{s['true_pass_rate']:.3f}; target SD = mean posterior SD after a random 60-item form "
        f"= {result['target_sd']:.3f}"
    )
    rows = []
    for arm, m in result["arms"].items():
        it = m["items_to_target"]
        rows.append(
            [
                arm,
                C.ci(*it["mean"], digits=1),
                f"{it['median']:.0f}",
                f"{it['share_not_reached']:.3f}",
                *(f"{m['mean_sd'][str(n)]:.3f}" for n in CHECKPOINTS),
                *(C.ci(*m["accuracy"][str(n)]) for n in CHECKPOINTS[:3]),
                f"{m['max_exposure_30']:.2f}",
            ]
        )
    print(
        C.table(
            [
                "arm",
                "items to target SD",
                "median",
                "not reached by 60",
                *(f"SD@{n}" for n in CHECKPOINTS),
                *(f"accuracy@{n}" for n in CHECKPOINTS[:3]),
                "max exposure (30)",
            ],
            rows,
        )
    )
    r = result["reduction_vs_60"]
    print(
        f"adaptive: {100 * r[0]:.0f} % fewer items than 60 "
        f"(95 % CI {100 * r[1]:.0f}-{100 * r[2]:.0f} %)"
    )


if __name__ == "__main__":
    main()
