"""Latency of what the product runs: CLI commands as processes, readiness, next-item selection.

The CLI part runs each command of the README table that reads the pack and the database as a
process (median of `--cli-runs` runs, alternating) against `examprep --help` on the same
machine, for this source tree and, with `--before PATH`, for another one (for example
`git archive <commit> | tar -x -C PATH`), so one run reports before and after together.

A synthetic in-memory pack of 5,000 questions (6 sections, the bundled pack's weights) and a
store of 100,000 responses (1,000 learners x 100 answers, each with a timestamp). Item
parameters come from the public `examprep.calibrate` on that log (its time is reported too).
Readiness is timed for one learner with 100 and 1,000 answers and, as a worst case, with all
100,000 answers; selection is timed as `engine.selection.next_item` alone and as the whole
per-question step of `services.adaptive.next_question` minus the database (parameter table,
candidate list, `theta_for_score`, `section_targets`, `next_item`).

    python bench/latency.py [--quick] [--before PATH] [--cli-runs N] [--only-cli]

Writes bench/results/latency.json.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import _common as C
import numpy as np

import examprep
from examprep.engine import irt
from examprep.engine.blueprint import allocate
from examprep.engine.readiness import cut_score
from examprep.engine.readiness import estimate_readiness as engine_readiness
from examprep.engine.selection import Candidate, next_item, section_targets, theta_for_score
from examprep.services.model import prior_table

NOW = dt.datetime(2027, 3, 1, 12, tzinfo=dt.UTC)
TARGETS_MS = {"readiness": 20.0, "selection": 5.0, "readiness_product": 10.0}
CLI_BUDGET_S = 0.35  # and at most CLI_HELP_FACTOR x `examprep --help` on the same machine
CLI_HELP_FACTOR = 2.0
# Commands that read the pack and the database (README table); {attempt} is an open exam.
CLI_COMMANDS: list[list[str]] = [
    ["--help"],
    [],
    ["notes"],
    ["notes", "S1.1.a"],
    ["search", "dropout", "--json"],
    ["names", "Vertex AI", "--json"],
    ["readiness", "--json"],
    ["history", "--json"],
    ["config", "--json"],
    ["advise", "--json"],
    ["exam", "start", "--json", "--seed", "1"],
    ["exam", "answer", "{attempt}", "{position}", "A"],
    ["cards"],  # shows the first due card, then stops at the end of its (empty) input
]


def _cli_env(src: Path, home: Path) -> dict[str, str]:
    env = C.program_env(src)
    env["EXAMPREP_DATA_DIR"] = str(home / "data")
    env["EXAMPREP_CACHE_DIR"] = str(home / "cache")
    return env


def _run(args: list[str], env: dict[str, str]) -> tuple[float, int, str]:
    t0 = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-c", "from examprep.cli import main; main()", *args],
        env=env,
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        check=False,
    )
    return time.perf_counter() - t0, done.returncode, done.stdout


def cli_timings(sources: dict[str, Path], runs: int) -> dict[str, dict[str, Any]]:
    """Median wall time of each CLI command per source tree (runs alternate between trees)."""
    out: dict[str, dict[str, Any]] = {}
    with tempfile.TemporaryDirectory() as tmp:
        envs = {name: _cli_env(src, Path(tmp) / name) for name, src in sources.items()}
        fills: dict[str, dict[str, str]] = {}
        for name, env in envs.items():
            _run([], env)  # first use: database created, pack cache built
            _, _, text = _run(["exam", "start", "--json", "--seed", "1"], env)
            view = json.loads(text)
            single = next(q["position"] for q in view["questions"] if q["choose"] == 1)
            fills[name] = {"attempt": str(view["attempt"]), "position": str(single)}
        samples: dict[tuple[str, str], list[float]] = {}
        codes: dict[tuple[str, str], int] = {}
        for _ in range(runs):
            for command in CLI_COMMANDS:
                label = "examprep " + " ".join(command)
                for name, env in envs.items():
                    args = [part.format(**fills[name]) for part in command]
                    seconds, code, _ = _run(args, env)
                    samples.setdefault((name, label), []).append(seconds)
                    codes[(name, label)] = code
        for (name, label), values in samples.items():
            out.setdefault(name, {})[label] = {
                "median_s": statistics.median(values),
                "min_s": min(values),
                "runs": len(values),
                "exit_code": codes[(name, label)],
            }
    return out


# The product's readiness call in a source tree (run in its own process, so two trees can be
# compared in one run): a synthetic 5,000-item pack, every item calibrated, 100 / 1,000 answers.
PRODUCT_READINESS = """
import datetime as dt, json, statistics, sys, time
sys.path.insert(0, sys.argv[1])
import numpy as np, _common as C, examprep
from examprep.engine.irt import ItemParams
now = dt.datetime(2027, 3, 1, 12, tzinfo=dt.UTC)
weights = C.pack_weights()
rng = np.random.default_rng(int(sys.argv[2]))
items = C.make_items(rng, list(weights.values()), 5000)
try:  # with the bundled pack's bank-to-exam prior (integrated over 5 nodes)
    pack = C.synthetic_pack(items, list(weights), list(weights.values()),
                            exam_offset={"mean": 0.3, "sd": 0.5})
except TypeError:  # a source tree from before the bank-to-exam link
    pack = C.synthetic_pack(items, list(weights), list(weights.values()))
params = {f"q{k}": ItemParams(1.3, 0.2 * (k % 7) - 0.5, 0.25) for k in range(5000)}
out = {}
for n in (100, 1000):
    picks = rng.choice(5000, n, replace=False)
    rows = [(f"q{int(i)}", bool(rng.random() < 0.6),
             now - dt.timedelta(days=float(rng.uniform(0, 60)))) for i in picks]
    def call():
        return examprep.estimate_readiness(
            pack, rows, params, now=now, with_slopes=True, other_marks=(0.6, 0.7, 0.8))
    call()
    samples = []
    for _ in range(int(sys.argv[3])):
        t0 = time.perf_counter()
        call()
        samples.append((time.perf_counter() - t0) * 1000)
    out[f"answers_{n}"] = {"median_ms": statistics.median(samples), "min_ms": min(samples)}
print(json.dumps(out))
"""


def product_readiness(roots: dict[str, Path], calls: int, seed: int) -> dict[str, Any]:
    """Median ms of the product's readiness call (slopes, three pass marks) per source tree."""
    out = {}
    for name, root in roots.items():
        done = subprocess.run(
            [sys.executable, "-c", PRODUCT_READINESS, str(root / "bench"), str(seed), str(calls)],
            capture_output=True,
            text=True,
            check=True,
            env={k: v for k, v in os.environ.items() if k != "PYTHONPATH"},
        )
        out[name] = json.loads(done.stdout)
    return out


def print_cli(timings: dict[str, dict[str, Any]]) -> None:
    names = list(timings)
    rows = []
    helps = {n: timings[n]["examprep --help"]["median_s"] for n in names}
    for label in timings[names[-1]]:
        row: list[Any] = [label]
        for n in names:
            m = timings[n][label]
            row += [f"{m['median_s']:.3f}", f"{m['median_s'] / helps[n]:.1f}x"]
        now = timings[names[-1]][label]["median_s"]
        ok = now <= CLI_BUDGET_S and now <= CLI_HELP_FACTOR * helps[names[-1]]
        rows.append([*row, "met" if ok else "MISSED"])
    headers = ["command"]
    for n in names:
        headers += [f"{n} s", f"{n} / help"]
    print(C.table([*headers, f"<= {CLI_BUDGET_S} s and <= {CLI_HELP_FACTOR:g}x help"], rows))


def timed(fn: Callable[[], Any], calls: int, warmup: int = 2) -> dict[str, float]:
    for _ in range(warmup):
        fn()
    samples = []
    for _ in range(calls):
        t0 = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - t0) * 1000)
    samples.sort()
    return {
        "calls": calls,
        "min_ms": samples[0],
        "median_ms": statistics.median(samples),
        "p95_ms": samples[min(len(samples) - 1, round(0.95 * (len(samples) - 1)))],
        "max_ms": samples[-1],
    }


def _options(parser: Any) -> None:
    parser.add_argument("--before", type=Path, help="another source tree to time the CLI of")
    parser.add_argument("--cli-runs", type=int, default=0, help="CLI runs (default 10, quick 5)")
    parser.add_argument("--only-cli", action="store_true", help="time the CLI only")


def main() -> None:
    opts = C.args(__doc__.splitlines()[0], _options)
    calls = 20 if opts.quick else 200
    here = Path(__file__).resolve().parent.parent / "src"
    sources = {"before": opts.before.resolve() / "src"} if opts.before else {}
    sources["after"] = here
    cli = cli_timings(sources, opts.cli_runs or (5 if opts.quick else 10))
    print_cli(cli)
    roots = {name: src.parent for name, src in sources.items()}
    product = product_readiness(roots, 20 if opts.quick else 100, opts.seed)
    print(
        C.table(
            ["readiness call (slopes, 3 marks), 5,000 items", *[f"{n} median ms" for n in roots]],
            [
                [label, *[f"{product[n][label]['median_ms']:.2f}" for n in roots]]
                for label in product["after"]
            ],
        )
    )
    if opts.only_cli:
        C.write_json(
            "latency-cli", {"cli": cli, "product_readiness": product, "machine": C.machine()}
        )
        return
    weights_map = C.pack_weights()
    sections, weights = list(weights_map), list(weights_map.values())
    rng = np.random.default_rng(opts.seed)
    items = C.make_items(rng, weights, 5000)
    pack = C.synthetic_pack(items, sections, weights)

    n_learners, per_learner = 1000, 100
    _, theta = C.make_learners(rng, n_learners, len(sections))
    idx = np.argsort(rng.random((n_learners, len(items))), axis=1)[:, :per_learner]
    y = rng.random(idx.shape) < C.p3(theta, items, idx)
    ages = rng.uniform(0, 120, idx.shape)  # days before NOW
    log = [
        (f"l{lr}", f"q{int(i)}", bool(v), NOW - dt.timedelta(days=float(a)))
        for lr in range(n_learners)
        for i, v, a in zip(idx[lr], y[lr], ages[lr], strict=True)
    ]
    t0 = time.perf_counter()
    params = examprep.calibrate(pack, log)
    calibrate_s = time.perf_counter() - t0

    results: dict[str, Any] = {}
    all_rows = [(item, ok, at) for _, item, ok, at in log]
    for label, rows in (
        ("readiness_100", all_rows[:100]),
        ("readiness_1000", all_rows[:1000]),
        ("readiness_100000", all_rows),
    ):
        n = max(5, calls // 20) if label == "readiness_100000" else calls
        results[label] = timed(
            lambda rows=rows: examprep.estimate_readiness(pack, rows, item_params=params, now=NOW),
            n,
        )

    for label, rows in (
        ("readiness_product_100", all_rows[:100]),
        ("readiness_product_1000", all_rows[:1000]),
    ):
        results[label] = timed(
            lambda rows=rows: examprep.estimate_readiness(
                pack,
                rows,
                item_params=params,
                now=NOW,
                with_slopes=True,
                other_marks=(0.6, 0.7, 0.8),
            ),
            calls,
        )

    readiness = examprep.estimate_readiness(pack, all_rows[:1000], item_params=params, now=NOW)
    abilities = {s: e.theta for s, e in readiness.by_section.items()}
    full = {**prior_table(pack), **params}
    candidates = [Candidate(q.id, q.section, full[q.id]) for q in pack.questions]
    cut_theta = theta_for_score([c.params for c in candidates], 0.7)
    targets = section_targets(weights_map, abilities, cut_theta)
    exclude = {item for item, _, _ in all_rows[:1000]}
    asked = dict.fromkeys(sections, 3)
    pick_rng = random.Random(opts.seed)
    results["next_item"] = timed(
        lambda: next_item(candidates, abilities, targets, asked, exclude, pick_rng), calls
    )

    def service_step() -> None:
        table = {**prior_table(pack), **params}
        cands = [Candidate(q.id, q.section, table[q.id]) for q in pack.questions if not q.generated]
        cut = theta_for_score([table[c.id] for c in cands], 0.7)
        tg = section_targets(weights_map, abilities, cut)
        next_item(cands, abilities, tg, asked, exclude, pick_rng)

    results["selection_step"] = timed(service_step, max(5, calls // 20))
    results["theta_for_score"] = timed(
        lambda: theta_for_score([c.params for c in candidates], 0.7), max(5, calls // 20)
    )
    results["prior_table"] = timed(lambda: prior_table(pack), max(5, calls // 10))

    # Where the readiness time goes: the engine call alone, on banks and observations built once.
    banks = C.section_banks(items, [full[f"q{k}"] for k in range(len(items))], sections, weights)
    obs: dict[str, list[irt.Observation]] = {}
    for item, ok, _ in all_rows[:100]:
        k = int(item[1:])
        obs.setdefault(sections[int(items.section[k])], []).append(irt.Observation(full[item], ok))
    allocation = allocate(60, weights_map)
    results["engine_readiness_100"] = timed(
        lambda: engine_readiness(banks, obs, allocation, cut_score(60, 0.7)), calls
    )
    # What next_item's per-candidate Python loop costs against one vectorised information call.
    big = max(sections, key=lambda s: sum(c.section == s for c in candidates))
    sect = [c.params for c in candidates if c.section == big]
    a, b, c = (np.array([getattr(p, f) for p in sect]) for f in "abc")
    results["information_vectorised_section"] = timed(
        lambda: np.argsort(-irt.information(abilities[big], a, b, c))[:5], calls
    )

    payload = {
        "settings": {
            "quick": opts.quick,
            "seed": opts.seed,
            "items": len(items),
            "stored_responses": len(log),
            "learners": n_learners,
        },
        "calibrate_seconds": round(calibrate_s, 2),
        "targets_ms": TARGETS_MS,
        "timings": results,
        "cli": cli,
        "product_readiness": product,
    }
    path = C.write_json("latency", payload)
    print(
        f"{len(items)} items, {len(log)} stored responses; examprep.calibrate on the whole log: "
        f"{calibrate_s:.1f} s"
    )
    rows = []
    for name, m in results.items():
        target = (
            TARGETS_MS["readiness_product"]
            if name.startswith("readiness_product")
            else TARGETS_MS["readiness"]
            if name.startswith("readiness")
            else TARGETS_MS["selection"]
            if name in ("next_item", "selection_step")
            else None
        )
        verdict = "" if target is None else ("met" if m["p95_ms"] < target else "MISSED")
        rows.append(
            [
                name,
                m["calls"],
                f"{m['min_ms']:.2f}",
                f"{m['median_ms']:.2f}",
                f"{m['p95_ms']:.2f}",
                "-" if target is None else f"< {target:.0f}",
                verdict,
            ]
        )
    print(
        C.table(
            ["operation", "calls", "min ms", "median ms", "p95 ms", "target ms", "p95 vs target"],
            rows,
        )
    )
    print(f"\nwrote {path.relative_to(C.ROOT)}")


if __name__ == "__main__":
    main()
