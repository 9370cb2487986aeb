"""Screenshots of the main pages on a laptop (1280x800) and a phone (390x844), for the README.

A fresh database is seeded (a finished mock exam, an exam in progress, a practice session),
`examprep serve` runs on it, and the system Chromium saves one PNG per page and size:
docs/img/web-<page>-<desktop|phone>.png (the visible screen, not the whole page).

    python bench/screenshots.py [--out DIR] [--baseline SRC] [--full-page]

`--baseline SRC` serves another source tree (e.g. a `git archive` of the previous release).
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "src"))

import _web as W


def pages(seeded: W.Seeded) -> dict[str, str]:
    """Page name -> path, in the order a new learner meets them."""
    return {
        "dashboard": "",
        "exam-start": "exams",
        "exam-question": f"exams/{seeded.open_exam}/questions/7",
        "result": f"attempts/{seeded.finished_exam}",
        "practice-feedback": f"practice/{seeded.practice}/questions/1",
        "notes": "notes",
        "note": "notes/S2.1",
        "search": "search?q=ML.EVALUATE",
        "cards": "cards",
        "advisor": "advisor",
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=W.ROOT / "docs" / "img")
    parser.add_argument("--baseline", type=Path, default=W.ROOT / "src")
    parser.add_argument("--full-page", action="store_true")
    opts = parser.parse_args()
    from playwright.sync_api import sync_playwright

    opts.out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        env = W.environment(work, opts.baseline)
        seeded = W.seed(env)
        with W.serve(env, work / "serve.log") as url, sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=W.CHROMIUM, args=W.CHROMIUM_ARGS)
            for size, viewport in (("desktop", W.DESKTOP), ("phone", W.PHONE)):
                context = browser.new_context(viewport=viewport, device_scale_factor=1)
                tab = context.new_page()
                for name, path in pages(seeded).items():
                    tab.goto(url + path)
                    shot = opts.out / f"web-{name}-{size}.png"
                    tab.screenshot(path=str(shot), full_page=opts.full_page)
                    print(shot.relative_to(W.ROOT) if shot.is_relative_to(W.ROOT) else shot)
                context.close()
            browser.close()


if __name__ == "__main__":
    main()
