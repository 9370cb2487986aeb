"""One simulated world per (truth, seed), and the three ways its learners meet the product.

- `readiness_job`: random practice (10 answers a session, a session every 4 days), the
  product's P(pass) after 20 and 60 answers with calibrated and with fresh-install parameters,
  then a hidden exam form 7 days after the last session;
- `loop_job`: the product's daily study session (`services.adaptive.pick_question` after
  `services.model.estimate_readiness`, exactly as `next_question` calls them) against random
  practice, same learners, then the hidden exam;
- `diagnostic_job`: the placement test (`services.adaptive.DIAGNOSTIC` stop rule) with
  fresh-install and with calibrated parameters against a fixed random 25-item form (whose
  posterior SD, under the same parameters, is the precision target).

Item parameters: "calibrated" = `services.model.calibrate` on a simulated pilot (other
learners, `pilot` answers per item, same truth); "fresh" = the pack's author priors.
"""

from __future__ import annotations

import copy
import datetime as dt
import random
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import _common as C
import numpy as np
from bench.learning import truth as T

from examprep.engine import irt
from examprep.engine.blueprint import allocate
from examprep.engine.readiness import cut_score, lord_wingersky
from examprep.services.adaptive import DIAGNOSTIC, RECENT_DAYS, pick_question
from examprep.services.model import calibrate, estimate_readiness, prior_table

START = dt.datetime(2027, 1, 4, 9, 0, tzinfo=dt.UTC)
BANK = 450
POOL = 300
EXAM_ITEMS = 60
PASS_MARK = 0.7
PER_SESSION = 10
SESSION_EVERY = 4  # days
EXAM_AFTER = 7  # days after the last session
CHECKPOINTS = (20, 60)
DIAGNOSTIC_MAX = DIAGNOSTIC.max_items


@dataclass
class World:
    truth: T.Truth
    sections: list[str]
    weights: list[float]
    bank: T.Items
    pool: T.Items
    pack: Any
    params: dict[str, dict[str, irt.ItemParams]]  # "calibrated" / "fresh"
    allocation: list[int]
    cut: int
    calibration: dict[str, float]


def make_world(truth: T.Truth, seed: int, pilot: int) -> World:
    weights_map = C.pack_weights()
    sections, weights = list(weights_map), list(weights_map.values())
    r_bank, r_pool, r_pilot = (
        np.random.default_rng(s) for s in np.random.SeedSequence([seed, 1]).spawn(3)
    )
    bank = T.make_items(r_bank, truth, weights, BANK)
    pool = T.make_items(r_pool, truth, weights, POOL, shift=truth.exam_shift)
    pack = synthetic_pack(bank, sections, weights)
    fresh = prior_table(pack)
    # Pilot: other learners, 60 random bank items each, static abilities.
    n_pilot = int(np.ceil(pilot * BANK / 60))
    theta = T.make_abilities(r_pilot, truth, n_pilot, len(sections))
    u = T.family_effects(r_pilot, truth, n_pilot, bank)
    idx = np.argsort(r_pilot.random((n_pilot, BANK)), axis=1)[:, :60]
    th = np.take_along_axis(theta, bank.section[idx], axis=1)
    y = r_pilot.random(idx.shape) < T.p_true(th, bank, idx, u)
    rows = [
        (f"p{i}", f"q{int(k)}", bool(v))
        for i in range(n_pilot)
        for k, v in zip(idx[i], y[i], strict=True)
    ]
    fitted = calibrate(pack, rows)
    ea = np.array([fitted[f"q{k}"].a for k in range(BANK)])
    eb = np.array([fitted[f"q{k}"].b for k in range(BANK)])
    stats = {
        "corr_a": float(np.corrcoef(bank.a, ea)[0, 1]),
        "corr_b": float(np.corrcoef(bank.b, eb)[0, 1]),
        "corr_b_fresh": float(np.corrcoef(bank.b, [fresh[f"q{k}"].b for k in range(BANK)])[0, 1]),
    }
    alloc_map = allocate(EXAM_ITEMS, weights_map)
    return World(
        truth,
        sections,
        weights,
        bank,
        pool,
        pack,
        {"calibrated": dict(fitted.params), "fresh": fresh},
        [alloc_map[s] for s in sections],
        cut_score(EXAM_ITEMS, PASS_MARK),
        stats,
    )


def synthetic_pack(items: T.Items, sections: Sequence[str], weights: Sequence[float]) -> Any:
    """C.synthetic_pack with the truth's families (f<k>) set on the questions."""
    base = C.synthetic_pack(
        C.Items(items.a, items.b, items.c, items.section, items.difficulty, items.multi),
        sections,
        weights,
        PASS_MARK,
    )
    questions = tuple(
        q.model_copy(update={"family": f"f{items.family[k]}"}) if items.family[k] >= 0 else q
        for k, q in enumerate(base.questions)
    )
    return type(base)(root=base.root, meta=base.meta, questions=questions)


def new_learner(world: World, rng: np.random.Generator) -> T.Learner:
    theta = T.make_abilities(rng, world.truth, 1, len(world.sections))[0]
    u = T.family_effects(rng, world.truth, 1, world.bank)[0]
    u_pool = T.family_effects(rng, world.truth, 1, world.pool)[0]
    return T.Learner(theta, u, u_pool, world.truth)


def when(answer: int) -> dt.datetime:
    """Time of the answer-th practice answer (0-based): sessions of 10, every 4 days."""
    session, k = divmod(answer, PER_SESSION)
    return START + dt.timedelta(days=SESSION_EVERY * session, minutes=2 * k)


def sit_exam(
    world: World, learner: T.Learner, rng: np.random.Generator, day: float
) -> tuple[bool, float, float]:
    """(passed, P(pass | true state, this form), expected score) on a fresh hidden form."""
    learner.advance(day)
    form = T.exam_form(rng, world.pool, world.allocation)
    p = T.exam_probs(learner, world.pool, form)
    passed = bool((rng.random(len(p)) < p).sum() >= world.cut)
    return passed, float(lord_wingersky(p)[world.cut :].sum()), float(p.sum())


def readiness(world: World, which: str, responses: list[tuple[str, bool, dt.datetime]]) -> Any:
    return estimate_readiness(
        world.pack,
        responses,
        world.params[which],
        now=responses[-1][2] if responses else START,
        pass_mark=PASS_MARK,
    )


def readiness_job(job: tuple[T.Truth, int, int, int]) -> dict[str, Any]:
    """Random practice, P(pass) at the checkpoints, hidden exam after the last session."""
    truth, seed, n_learners, pilot = job
    world = make_world(truth, seed, pilot)
    rng = np.random.default_rng([seed, 2])
    n_max = max(CHECKPOINTS)
    out: dict[str, list[Any]] = {"y": [], "oracle": []}
    for n in CHECKPOINTS:
        out.update({f"{n}.ours": [], f"{n}.fresh": [], f"{n}.k": []})
    for _ in range(n_learners):
        learner = new_learner(world, rng)
        order = rng.permutation(BANK)[:n_max]
        responses = []
        for i, k in enumerate(order):
            at = when(i)
            learner.advance((at - START).total_seconds() / 86400)
            responses.append((f"q{int(k)}", learner.answer(rng, world.bank, int(k)), at))
            if i + 1 in CHECKPOINTS:
                n = i + 1
                out[f"{n}.ours"].append(readiness(world, "calibrated", responses).p_pass)
                out[f"{n}.fresh"].append(readiness(world, "fresh", responses).p_pass)
                out[f"{n}.k"].append(sum(r[1] for r in responses))
        exam_day = (when(n_max - 1) - START).days + EXAM_AFTER
        passed, oracle, _ = sit_exam(world, learner, rng, exam_day)
        out["y"].append(passed)
        out["oracle"].append(oracle)
    return {"truth": truth.name, "seed": seed, "calibration": world.calibration, **out}


def practise_adaptive(
    world: World,
    learner: T.Learner,
    rng: np.random.Generator,
    which: str,
    n_answers: int,
    seed: int,
) -> list[tuple[str, bool, dt.datetime]]:
    """Daily study sessions through the product's selection (as services.adaptive does)."""
    responses: list[tuple[str, bool, dt.datetime]] = []
    params = world.params[which]
    session_ids: list[str] = []
    for i in range(n_answers):
        at = when(i)
        if i % PER_SESSION == 0:
            session_ids = []
        learner.advance((at - START).total_seconds() / 86400)
        est = estimate_readiness(world.pack, responses, params, now=at, pass_mark=PASS_MARK)
        recent = {item for item, _, t in responses if at - t < dt.timedelta(days=RECENT_DAYS)}
        pick = pick_question(
            world.pack, params, est, session_ids, recent, random.Random(seed + i), PASS_MARK
        )
        assert pick is not None
        k = int(pick.id[1:])
        session_ids.append(pick.id)
        responses.append((pick.id, learner.answer(rng, world.bank, k), at))
    return responses


def loop_job(job: tuple[T.Truth, int, int, int, int]) -> dict[str, Any]:
    """Adaptive study sessions vs random practice (same learners), then the hidden exam."""
    truth, seed, n_learners, pilot, n_answers = job
    world = make_world(truth, seed, pilot)
    out: dict[str, Any] = {"truth": truth.name, "seed": seed, "answers": n_answers}
    exam_day = (when(n_answers - 1) - START).days + EXAM_AFTER
    for arm in ("adaptive", "random"):
        rng = np.random.default_rng([seed, 3])  # same learners in both arms
        rows: dict[str, list[Any]] = {k: [] for k in ("ours", "fresh", "k", "y", "oracle", "score")}
        for j in range(n_learners):
            learner = new_learner(world, rng)
            sim = np.random.default_rng([seed, 4, j])  # same answer and exam draws per arm
            if arm == "adaptive":
                responses = practise_adaptive(world, learner, sim, "calibrated", n_answers, j)
            else:
                responses = []
                for i, k in enumerate(sim.permutation(BANK)[:n_answers]):
                    at = when(i)
                    learner.advance((at - START).total_seconds() / 86400)
                    responses.append((f"q{int(k)}", learner.answer(sim, world.bank, int(k)), at))
            rows["ours"].append(readiness(world, "calibrated", responses).p_pass)
            rows["fresh"].append(readiness(world, "fresh", responses).p_pass)
            rows["k"].append(sum(r[1] for r in responses))
            passed, oracle, score = sit_exam(world, learner, sim, exam_day)
            rows["y"].append(passed)
            rows["oracle"].append(oracle)
            rows["score"].append(score)
        out[arm] = rows
    return out


def diagnostic_job(job: tuple[T.Truth, int, int, int]) -> dict[str, Any]:
    """The placement test with fresh-install and calibrated parameters, and a random form."""
    truth, seed, n_learners, pilot = job
    world = make_world(truth, seed, pilot)
    rng = np.random.default_rng([seed, 5])
    out: dict[str, Any] = {"truth": truth.name, "seed": seed, "y": []}
    for which in ("fresh", "calibrated"):
        out[which] = {"stop": [], "p_stop": [], "sd": [], "p_full": []}
    out["random"] = {"sd": [], "p_full": [], "sd_fresh": []}
    for j in range(n_learners):
        before = new_learner(world, rng)
        for which in ("fresh", "calibrated"):
            learner = copy.deepcopy(before)  # each arm meets the learner as they were
            sim = np.random.default_rng([seed, 6, j])  # same answers where the items agree
            params = world.params[which]
            responses: list[tuple[str, bool, dt.datetime]] = []
            asked: list[str] = []
            sds, stop, p_stop = [], None, None
            for i in range(DIAGNOSTIC_MAX + 1):
                est = estimate_readiness(
                    world.pack, responses, params, now=START, pass_mark=PASS_MARK
                )
                sds.append(est.se)
                if stop is None and DIAGNOSTIC.done(i, est.se, est.p_pass):
                    stop, p_stop = i, est.p_pass
                if i == DIAGNOSTIC_MAX:
                    break
                pick = pick_question(
                    world.pack,
                    params,
                    est,
                    asked,
                    set(),
                    random.Random(seed + j * 100 + i),
                    PASS_MARK,
                )
                assert pick is not None
                asked.append(pick.id)
                ok = learner.answer(sim, world.bank, int(pick.id[1:]))
                responses.append((pick.id, ok, START))
            out[which]["stop"].append(stop)
            out[which]["p_stop"].append(p_stop)
            out[which]["sd"].append(sds[1:])
            out[which]["p_full"].append(est.p_pass)
        sim = np.random.default_rng([seed, 6, j])
        learner = copy.deepcopy(before)
        items = sim.permutation(BANK)[:DIAGNOSTIC_MAX]
        responses = [(f"q{int(k)}", learner.answer(sim, world.bank, int(k)), START) for k in items]
        est = readiness(world, "calibrated", responses)
        out["random"]["sd"].append(est.se)
        out["random"]["p_full"].append(est.p_pass)
        out["random"]["sd_fresh"].append(readiness(world, "fresh", responses).se)
        passed, _, _ = sit_exam(world, before, np.random.default_rng([seed, 7, j]), 0)
        out["y"].append(passed)
    return out
