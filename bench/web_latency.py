"""Start-up and answer latency of the web app, in a real browser, against another source tree.

1. Start: `examprep serve` is spawned and `/` is asked for every 10 ms; the figure is the time
   from spawning the process to the first complete dashboard (200). A fresh seeded database
   each run, so every run pays the same first-request costs; runs alternate between the trees.
2. Answer -> explanation: in headless Chromium, a practice session of the bundled pack; for
   each question the first option is ticked and "Check answer" clicked. Two figures: by the
   browser's own clock, from the form's submit event to the first paint that shows the
   explanation (what the learner sees: the first contentful paint of a new page, or the frame
   after the explanation is put into this page when keys.js checks the answer in place); and
   as the test driver sees it (`.explained` visible), which adds Playwright's round trips.

    python bench/web_latency.py [--quick] [--baseline SRC] [--tag NAME]

`--baseline SRC` also measures another source tree (e.g. `git archive` of the previous release
unpacked somewhere) with the same database seed and browser. Writes bench/results/web.json.
"""

from __future__ import annotations

import argparse
import json
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "src"))

import _web as W


def summary(samples: list[float]) -> dict[str, float]:
    ordered = sorted(samples)
    return {
        "n": len(ordered),
        "min": ordered[0],
        "median": statistics.median(ordered),
        "max": ordered[-1],
    }


def start_times(src: Path, runs: int) -> list[float]:
    """Seconds from spawning `examprep serve` to its first dashboard."""
    out = []
    for _ in range(runs):
        with tempfile.TemporaryDirectory() as tmp:
            work = Path(tmp)
            env = W.environment(work, src)
            W.seed(env)
            port = W.free_port()
            with (work / "serve.log").open("wb") as log:
                t0 = time.perf_counter()
                process = W.start_server(env, port, log)
                try:
                    W.wait_for(f"http://127.0.0.1:{port}/", process)
                    out.append(time.perf_counter() - t0)
                finally:
                    W.stop(process)
    return out


def answer_times(src: Path, questions: int) -> list[tuple[float, float]]:
    """Milliseconds from answering a practice question to its explanation on screen: as the
    test driver sees it, and by the browser's clock (submission to first paint)."""
    from playwright.sync_api import sync_playwright

    samples: list[tuple[float, float]] = []
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        env = W.environment(work, src)
        W.seed(env)
        with W.serve(env, work / "serve.log") as url, sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=W.CHROMIUM, args=W.CHROMIUM_ARGS)
            tab = browser.new_context(viewport=W.DESKTOP).new_page()
            tab.goto(url + "practice")
            tab.fill("#count", str(questions + 1))
            tab.get_by_role("button", name="Start practising").click()
            tab.wait_for_selector("form[data-autosave]")
            for _ in range(questions):
                samples.append(_answer_one(tab))
                tab.get_by_role("link", name="Next question").click()
                tab.wait_for_selector("form[data-autosave]")
            browser.close()
    return samples


# Stamps the moment the learner sends the answer (the form's submit event), and, if the
# explanation arrives in this page, the frame after it was inserted ...
MARK_JS = """() => {
  document.addEventListener("submit", () => sessionStorage.setItem(
    "answered", String(performance.timeOrigin + performance.now())), {capture: true});
  new MutationObserver((_, observer) => {
    if (!document.querySelector(".explained")) return;
    observer.disconnect();
    requestAnimationFrame(() => setTimeout(() => {
      window.shownAt = performance.timeOrigin + performance.now(); }, 0));
  }).observe(document.body, {childList: true, subtree: true});
}"""
# ... and reads how long after the submission the explanation was painted: in this page, or as
# the first contentful paint of the page the browser loaded.
PAINT_JS = """() => new Promise(done => {
  const answered = Number(sessionStorage.getItem("answered"));
  const read = () => {
    if (window.shownAt) return done(window.shownAt - answered);
    const p = performance.getEntriesByName("first-contentful-paint")[0];
    if (p && performance.timeOrigin + p.startTime > answered)
      return done(performance.timeOrigin + p.startTime - answered);
    requestAnimationFrame(read);
  };
  read();
})"""


def _answer_one(tab: Any) -> tuple[float, float]:
    want = int(tab.get_attribute("form[data-autosave]", "data-autosave") or "1")
    boxes = tab.locator("input[name=choice]")
    for i in range(want - 1):
        boxes.nth(i).check()
    boxes.nth(want - 1).check()
    tab.evaluate(MARK_JS)
    t0 = time.perf_counter()
    tab.get_by_role("button", name="Check answer").click()
    tab.wait_for_selector(".explained", state="visible")
    wall = (time.perf_counter() - t0) * 1000
    # The browser's own clock: from the submission to the paint that shows the explanation;
    # the driver's figure adds Playwright's own round trips.
    paint = tab.evaluate(PAINT_JS)
    return wall, paint


def measure(src: Path, start: list[float], questions: int) -> dict[str, Any]:
    commit = subprocess.run(
        ["git", "-C", str(src), "rev-parse", "--short", "HEAD"],
        capture_output=True,
        text=True,
        check=False,
    ).stdout.strip()
    answers = answer_times(src, questions)
    wall, paint = [w for w, _ in answers], [p for _, p in answers]
    return {
        "src": str(src),
        "commit": commit or None,
        "start_s": summary(start),
        "answer_ms": summary(wall),
        "answer_paint_ms": summary(paint),
        "start_samples": start,
        "answer_samples": wall,
        "answer_paint_samples": paint,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="3 starts, 8 answers")
    parser.add_argument("--baseline", type=Path, help="another source tree to measure too")
    parser.add_argument("--tag", default="")
    opts = parser.parse_args()
    runs, questions = (3, 8) if opts.quick else (10, 30)
    report: dict[str, Any] = {
        "machine": {
            "python": platform.python_version(),
            "cpus": __import__("os").cpu_count(),
            "load_1m": __import__("os").getloadavg()[0],
        }
    }
    trees = {"this tree": W.ROOT / "src"}
    if opts.baseline:
        trees = {"baseline": opts.baseline, **trees}
    print(
        f"{'tree':<10} {'start median (min-max) s':>28} {'answer median (min-max) ms':>30}"
        f" {'answer->paint median ms':>24}"
    )
    # Starts alternate between the trees, so a change in the machine's load falls on both.
    starts: dict[str, list[float]] = {name: [] for name in trees}
    for _ in range(runs):
        for name, src in trees.items():
            starts[name] += start_times(src, 1)
    for name, src in trees.items():
        result = measure(src, starts[name], questions)
        report[name] = result
        s, a, p = result["start_s"], result["answer_ms"], result["answer_paint_ms"]
        print(
            f"{name:<10} {s['median']:>14.2f} ({s['min']:.2f}-{s['max']:.2f}) "
            f"{a['median']:>16.0f} ({a['min']:.0f}-{a['max']:.0f}) {p['median']:>24.0f}"
        )
    results = W.ROOT / "bench" / "results"
    results.mkdir(exist_ok=True)
    name = "web" + (f"-{opts.tag}" if opts.tag else "") + ("-quick" if opts.quick else "")
    (results / f"{name}.json").write_text(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()
