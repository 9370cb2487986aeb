"""Seed a learner database for the browser benchmarks, with the source tree on PYTHONPATH.

Run by `_web.seed` in a child process so that each tree under test (this one or a `--baseline`)
seeds its own database with its own services and pack: the settings come from the EXAMPREP_*
variables the server will use. Prints the seeded ids as JSON.

    PYTHONPATH=SRC EXAMPREP_DATABASE_URL=... python bench/_seed.py [SEED]
"""

from __future__ import annotations

import json
import random
import sys

from examprep import services
from examprep.config import load_settings


def main(seed_value: int) -> dict[str, int]:
    """A learner with a finished exam, an exam in progress and a practice session."""
    rng = random.Random(seed_value)
    ctx = services.open_context(load_settings())
    try:
        done = services.start_exam(ctx, questions=20, seed=seed_value)
        for q in done.questions:
            letters = [o.key for o in q.options]
            services.answer(ctx, done.attempt, q.position, ",".join(rng.sample(letters, q.choose)))
        services.flag(ctx, done.attempt, 3)
        services.submit(ctx, done.attempt)
        practice = services.start_practice(ctx, services.PracticeFilter(count=5), seed=seed_value)
        for q in practice.questions[:3]:
            services.answer(ctx, practice.attempt, q.position, q.options[0].key)
        exam = services.start_exam(ctx, questions=50, seed=seed_value + 1)
        for q in exam.questions[:6]:
            services.answer(
                ctx, exam.attempt, q.position, ",".join(o.key for o in q.options[: q.choose])
            )
        services.flag(ctx, exam.attempt, 2)
        return {
            "finished_exam": done.attempt,
            "open_exam": exam.attempt,
            "practice": practice.attempt,
        }
    finally:
        ctx.close()


if __name__ == "__main__":
    print(json.dumps(main(int(sys.argv[1]) if len(sys.argv) > 1 else 7)))
