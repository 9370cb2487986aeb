"""Scheduling: reviews needed and exam-day recall for SM-2, FSRS at 0.9, and ours (exam-date aware).

Simulated learners study a deck (400 cards, 20 new a day, a session at 09:00 on every day they
do not skip, every due card reviewed) until the exam on day 42. The truth is a memory model the
schedulers never see, with hidden per-learner (and per-card) parameters; three families:

- fsrs:  FSRS-6 with perturbed parameters (initial stabilities x e^N(0,0.6), w8 + N(0,0.35),
         decay w20 ~ U(0.10, 0.45)), recall computed on fractional days;
- actr:  ACT-R declarative memory (power-law decay with the spacing effect, Pavlik & Anderson
         2005; t in seconds): m = ln sum_j t_j^-d_j, d_j = c e^m(t_j) + alpha,
         P = sigma((m - tau) / s), tau per learner and card;
- hlr:   half-life regression style exponential decay: P = 2^(-lag / h),
         h = 2^(t0 + tr * right + tw * wrong + card) days (counts grow at most once a day).

A review succeeds with the true recall probability; a success is rated Hard/Good/Easy
(0.224/0.631/0.145, FSRS simulator defaults), a failure Again; a new card's first rating is
drawn from (0.24, 0.094, 0.495, 0.171). Arms: SM-2 with Anki's defaults (own implementation),
fsrs.Scheduler at 0.9, fsrs.Scheduler at 0.8 (no exam logic), and ours: engine.srs
(`review_card`, `due_cards`) with the exam date. Reference arms that trace the cost of more
recall: SM-2 with Anki's interval modifier at 0.6 and fsrs.Scheduler at 0.95; and
"ours_nocap", a bench-side experiment (see the `Ours` class). Outcome: true blueprint-weighted
recall over all cards at 09:00 on exam day, and the number of reviews (learning steps included).

    python bench/scheduling.py [--quick]

Writes bench/results/scheduling.json.
"""

from __future__ import annotations

import datetime as dt
import math
import multiprocessing as mp
import time
from typing import Any

import _common as C
import numpy as np
from fsrs import Card, Rating, Scheduler
from fsrs.scheduler import DEFAULT_PARAMETERS, LOWER_BOUNDS_PARAMETERS, UPPER_BOUNDS_PARAMETERS

from examprep.engine import srs
from examprep.engine.blueprint import allocate

START = dt.datetime(2027, 1, 4, 9, 0, tzinfo=dt.UTC)
DAY = dt.timedelta(days=1)
REVIEW_SECONDS = 20
FIRST_RATING = (0.24, 0.094, 0.495, 0.171)
SUCCESS_RATING = (0.224, 0.631, 0.145)  # Hard, Good, Easy
# Ratings after a success from review logs: the FSRS author's own Anki logs as analysed by the
# FSRS4Anki v3.2.0 optimizer (https://forums.ankiweb.net/t/23768): second reviews after a first
# "Good" were Again 410, Hard 1,091, Good 6,527, Easy 724, i.e. Hard 0.131, Good 0.782,
# Easy 0.087 of the successes. "revlog" uses these shares, with Hard tied to low recall
# (P(Hard) = 0.131 (1 - R) / 0.1, clipped to 0.02-0.5; an assumption, not from the source).
REVLOG_HARD, REVLOG_EASY = 0.131, 0.087
NAMES = {1: "again", 2: "hard", 3: "good", 4: "easy"}
ARMS = ("sm2", "fsrs90", "fsrs80", "ours", "ours_nocap", "sm2_im60", "fsrs95")
FAMILIES = ("fsrs", "actr", "hlr")
ACTR_TAU = -2.4  # retrieval threshold: SM-2 ends near 0.9 recall under this truth

# --- the schedulers ------------------------------------------------------------------------


class SM2:
    """Anki's SM-2 with default settings: steps 1m 10m, graduate 1 d, easy 4 d, ease 2.5."""

    def __init__(self, interval_modifier: float = 1.0, exam: dt.datetime | None = None) -> None:
        self.cards: dict[int, dict[str, Any]] = {}
        self.modifier = interval_modifier  # Anki's "interval modifier" (1.0 by default)
        self.exam = exam  # if given, every interval ends by the day before the exam

    def review(self, cid: int, rating: int, now: dt.datetime) -> None:
        c = self.cards.setdefault(cid, {"phase": "learn", "step": 0, "ivl": 0.0, "ease": 2.5})
        minutes = dt.timedelta(minutes=1)
        if c["phase"] in ("learn", "relearn"):
            steps = (1, 10) if c["phase"] == "learn" else (10,)
            if rating == 1:
                c["step"] = 0
                c["due"] = now + steps[0] * minutes
            elif rating == 2:
                c["due"] = now + steps[c["step"]] * minutes
            elif rating == 3 and c["step"] + 1 < len(steps):
                c["step"] += 1
                c["due"] = now + steps[c["step"]] * minutes
            else:
                easy = rating == 4 and c["phase"] == "learn"
                c["ivl"] = 4.0 if easy else max(1.0, c["ivl"]) if c["phase"] == "relearn" else 1.0
                c["phase"], c["step"] = "review", 0
                c["due"] = now + c["ivl"] * DAY
            c["last"] = now
            return
        late = max(0.0, (now - c["due"]) / DAY)
        if rating == 1:
            c["ease"] = max(1.3, c["ease"] - 0.2)
            c["ivl"] = 1.0  # "new interval" 0 % -> the 1-day minimum
            c["phase"], c["step"] = "relearn", 0
            c["due"] = now + 10 * minutes
        else:
            ivl = c["ivl"]
            if rating == 2:
                new = ivl * 1.2
                c["ease"] = max(1.3, c["ease"] - 0.15)
            elif rating == 3:
                new = (ivl + late / 2) * c["ease"]
            else:
                new = (ivl + late) * c["ease"] * 1.3
                c["ease"] += 0.15
            c["ivl"] = float(min(self._max_interval(now), max(round(new * self.modifier), ivl + 1)))
            c["due"] = now + c["ivl"] * DAY
        c["last"] = now

    def _max_interval(self, now: dt.datetime) -> float:
        if self.exam is None:
            return 36500.0
        return float(max(1, math.ceil((self.exam - now) / DAY) - 1))

    def due(self, now: dt.datetime) -> list[int]:
        return [cid for cid, c in self.cards.items() if c["due"] <= now]

    def next_due(self, now: dt.datetime) -> dt.datetime | None:
        later = [c["due"] for c in self.cards.values() if c["due"] > now]
        return min(later) if later else None


class FSRSArm:
    """The fsrs package at a fixed desired retention (no exam logic)."""

    def __init__(self, retention: float) -> None:
        self.scheduler = Scheduler(desired_retention=retention, enable_fuzzing=False)
        self.cards: dict[int, Card] = {}

    def review(self, cid: int, rating: int, now: dt.datetime) -> None:
        card = self.cards.get(cid) or Card(card_id=cid + 1, due=now)
        self.cards[cid], _ = self.scheduler.review_card(card, Rating(rating), now)

    def due(self, now: dt.datetime) -> list[int]:
        return [cid for cid, c in self.cards.items() if c.due <= now]

    def next_due(self, now: dt.datetime) -> dt.datetime | None:
        later = [c.due for c in self.cards.values() if c.due > now]
        return min(later) if later else None


class Ours:
    """engine.srs as services/cards.py uses it: review_card and due_cards with the exam date.

    "shipped": engine.srs.review_card as is. On the day before the exam it returns due == now
    for every successful review (the card is due again at once, for ever); a learner would give
    up on such a card, so a card whose due time equals its last review is not shown again.
    "nocap": the same FSRS scheduler (`srs.scheduler_for`: 0.8 retention, intervals capped at
    the days left) and the same `due_cards` top-up, but without moving every later due time to
    the day before the exam -- a bench-side experiment, not engine code.
    """

    def __init__(
        self, exam: dt.date, priority: dict[str, float], variant: str, top_up: float | None = None
    ) -> None:
        self.exam = exam
        self.priority = priority
        self.variant = variant
        self.top_up = top_up  # experiment: another top-up target than srs.TOP_UP_TARGET
        self.states: dict[str, tuple[dict[str, Any], dt.datetime]] = {}
        self.stuck = 0  # reviews after which review_card said "due again now"

    def review(self, cid: int, rating: int, now: dt.datetime) -> None:
        key = str(cid)
        state = self.states[key][0] if key in self.states else srs.new_card(cid + 1, now)
        if self.variant == "shipped":
            r = srs.review_card(state, NAMES[rating], now, self.exam)
            self.states[key] = (r.state, r.due)
            self.stuck += r.due <= now
        else:
            card = Card.from_dict(dict(state))  # type: ignore[arg-type]
            updated, _ = srs.scheduler_for(now.date(), self.exam).review_card(
                card, Rating(rating), review_datetime=now
            )
            self.states[key] = (dict(updated.to_dict()), updated.due)

    def due(self, now: dt.datetime) -> list[int]:
        if self.top_up is None:
            due = srs.due_cards(self.states, now, self.exam, self.priority)
        else:
            shipped, srs.TOP_UP_TARGET = srs.TOP_UP_TARGET, self.top_up
            try:
                due = srs.due_cards(self.states, now, self.exam, self.priority)
            finally:
                srs.TOP_UP_TARGET = shipped
        if self.variant == "shipped":
            due = [c for c in due if self.states[c][1] != _last_review(self.states[c][0])]
        return [int(c) for c in due]

    def next_due(self, now: dt.datetime) -> dt.datetime | None:
        later = [d for _, d in self.states.values() if d > now]
        return min(later) if later else None


def _last_review(state: dict[str, Any]) -> dt.datetime | None:
    last = state.get("last_review")
    return dt.datetime.fromisoformat(last) if isinstance(last, str) else None


# --- the truth -----------------------------------------------------------------------------


class FSRSTruth:
    """FSRS-6 with this learner's hidden parameters; recall on fractional days."""

    def __init__(self, rng: np.random.Generator) -> None:
        w = list(DEFAULT_PARAMETERS)
        for k in range(4):
            w[k] *= math.exp(rng.normal(0, 0.6))
        w[8] += rng.normal(0, 0.35)
        w[20] = rng.uniform(0.10, 0.45)
        w = [
            min(max(x, lo), hi)
            for x, lo, hi in zip(w, LOWER_BOUNDS_PARAMETERS, UPPER_BOUNDS_PARAMETERS, strict=True)
        ]
        self.decay = w[20]
        self.factor = 0.9 ** (-1 / self.decay) - 1
        self.scheduler = Scheduler(
            parameters=w, learning_steps=(), relearning_steps=(), enable_fuzzing=False
        )
        self.cards: dict[int, Card] = {}

    def recall(self, cid: int, now: dt.datetime) -> float:
        card = self.cards[cid]
        t = max(0.0, (now - card.last_review) / DAY)
        return float((1 + self.factor * t / card.stability) ** (-self.decay))

    def study(self, cid: int, rating: int, now: dt.datetime) -> None:
        card = self.cards.get(cid) or Card(card_id=cid + 1, due=now)
        self.cards[cid], _ = self.scheduler.review_card(card, Rating(rating), now)


class ACTRTruth:
    """ACT-R activation with the spacing effect (time in seconds, as in Pavlik & Anderson)."""

    def __init__(self, rng: np.random.Generator, n_cards: int, tau: float) -> None:
        self.alpha = rng.uniform(0.15, 0.21)
        self.c = 0.217
        self.s = 0.3 * rng.uniform(0.8, 1.2)
        self.tau = tau + rng.normal(0, 0.15) + rng.normal(0, 0.2, n_cards)
        self.events: dict[int, list[tuple[float, float]]] = {}  # (time, decay)

    def _activation(self, cid: int, t: float) -> float:
        total = sum(max(t - tj, 1.0) ** (-d) for tj, d in self.events.get(cid, ()))
        return math.log(total) if total > 0 else -math.inf

    def recall(self, cid: int, now: dt.datetime) -> float:
        t = (now - START).total_seconds()
        z = (self._activation(cid, t) - self.tau[cid]) / self.s
        return 1 / (1 + math.exp(-max(min(z, 50.0), -50.0)))

    def study(self, cid: int, rating: int, now: dt.datetime) -> None:
        t = (now - START).total_seconds()
        m = self._activation(cid, t)
        d = self.c * math.exp(m) + self.alpha if m > -math.inf else self.alpha
        self.events.setdefault(cid, []).append((t, d))


class HLRTruth:
    """Exponential forgetting with a half-life that grows with spaced successes."""

    def __init__(self, rng: np.random.Generator, n_cards: int) -> None:
        self.t0 = rng.normal(-1.0, 0.3)
        self.tr = rng.uniform(1.2, 1.8)
        self.tw = rng.uniform(0.0, 0.4)  # a lapse plus relearning still helps a little
        self.card = rng.normal(0, 0.5, n_cards)
        self.state: dict[int, list[float]] = {}  # right, wrong, last time, last counted time

    def recall(self, cid: int, now: dt.datetime) -> float:
        right, wrong, last, _ = self.state[cid]
        h = 2 ** (self.t0 + self.tr * right + self.tw * wrong + self.card[cid])
        return float(2 ** (-((now - START) / DAY - last) / h))

    def study(self, cid: int, rating: int, now: dt.datetime) -> None:
        t = (now - START) / DAY
        st = self.state.setdefault(cid, [0.0, 0.0, t, -1.0])
        if t - st[3] >= 0.5:  # same-day repetitions do not count twice
            st[0 if rating > 1 else 1] += 1
            st[3] = t
        st[2] = t


def make_truth(family: str, rng: np.random.Generator, n_cards: int) -> Any:
    if family == "fsrs":
        return FSRSTruth(rng)
    if family == "actr":
        return ACTRTruth(rng, n_cards, ACTR_TAU)
    return HLRTruth(rng, n_cards)


# --- the simulation ------------------------------------------------------------------------

_W: dict[str, Any] = {}


def _learner(job: tuple[str, int]) -> dict[str, Any]:
    """All arms for one learner of one family (same hidden parameters, same skipped days)."""
    family, learner = job
    w = _W
    seed = [w["seed"], FAMILIES.index(family), learner]
    exam_day = START + w["days"] * DAY
    skipped = np.random.default_rng([*seed, 0]).random(w["days"]) < w["skip"]
    skipped[0] = False
    out: dict[str, Any] = {}
    for arm_name in w["arms"]:
        truth = make_truth(family, np.random.default_rng([*seed, 1]), w["cards"])
        rng = np.random.default_rng([*seed, 2])  # same outcome stream for every arm
        arm = make_arm(arm_name, exam_day.date(), w["priority"])
        reviews = introduced = final3 = last_day = 0
        ratings = dict.fromkeys(NAMES, 0)
        for day in range(w["days"]):
            if skipped[day]:
                continue
            clock = START + day * DAY
            end = clock + dt.timedelta(hours=12)
            new = range(introduced, min(introduced + w["new_per_day"], w["cards"]))
            introduced = new.stop
            for cid in new:
                rating = int(rng.choice(4, p=FIRST_RATING)) + 1
                truth.study(cid, rating, clock)
                arm.review(cid, rating, clock)
                clock += dt.timedelta(seconds=REVIEW_SECONDS)
            while clock < end:
                due = arm.due(clock)
                if not due:
                    nxt = arm.next_due(clock)
                    if nxt is None or nxt >= end:
                        break
                    clock = nxt
                    continue
                for cid in due:
                    r = truth.recall(cid, clock)
                    ok = rng.random() < r
                    rating = success_rating(rng, r, w.get("ratings", "fixed")) if ok else 1
                    ratings[rating] += 1
                    truth.study(cid, rating, clock)
                    arm.review(cid, rating, clock)
                    reviews += 1
                    final3 += day >= w["days"] - 3
                    last_day += day == w["days"] - 1
                    clock += dt.timedelta(seconds=REVIEW_SECONDS)
        r = np.array([truth.recall(cid, exam_day) for cid in range(introduced)])
        weighted = float(
            sum(
                w["share"][s] * r[w["section"][:introduced] == s].mean()
                for s in range(len(w["share"]))
            )
        )
        out[arm_name] = {
            "reviews": reviews + introduced,
            "recall": weighted,
            "share_ge_90": float((r >= 0.9).mean()),
            "stuck": getattr(arm, "stuck", 0),
            "reviews_final_3_days": final3,
            "reviews_last_day": last_day,
            "hard_share": ratings[2] / max(1, ratings[2] + ratings[3] + ratings[4]),
        }
    return out


def success_rating(rng: np.random.Generator, recall: float, model: str) -> int:
    """Hard (2), Good (3) or Easy (4) after a successful review."""
    if model == "fixed":
        return int(rng.choice(3, p=SUCCESS_RATING)) + 2
    hard = min(0.5, max(0.02, REVLOG_HARD * (1 - recall) / 0.1))
    u = rng.random()
    return 2 if u < hard else 4 if u > 1 - REVLOG_EASY else 3


def make_arm(name: str, exam: dt.date, priority: dict[str, float]) -> Any:
    if name == "sm2":
        return SM2()
    if name == "sm2_cap":
        return SM2(exam=dt.datetime.combine(exam, START.timetz()))
    if name == "sm2_im60":
        return SM2(interval_modifier=0.6)
    if name == "fsrs95":
        return FSRSArm(0.95)
    if name == "fsrs90":
        return FSRSArm(0.9)
    if name == "fsrs80":
        return FSRSArm(0.8)
    if name.startswith("ours_nocap_top"):  # e.g. ours_nocap_top0.95 (--top-up-experiment)
        return Ours(exam, priority, "nocap", float(name.removeprefix("ours_nocap_top")))
    return Ours(exam, priority, "nocap" if name == "ours_nocap" else "shipped")


def main() -> None:
    opts = C.args(
        __doc__.splitlines()[0],
        lambda p: (
            p.add_argument("--learners", type=int, default=None, help="per memory model"),
            p.add_argument("--days", type=int, default=42, help="days from start to exam"),
            p.add_argument("--cards", type=int, default=None),
            p.add_argument("--skip", type=float, default=0.1, help="chance a day is skipped"),
            p.add_argument("--tag", default=""),
            p.add_argument(
                "--top-up-experiment",
                type=float,
                action="append",
                default=[],
                help="add an 'ours, no clamp' arm with this top-up target (repeatable)",
            ),
        ),
    )
    t_start = time.perf_counter()
    n_learners = opts.learners or (6 if opts.quick else 50)
    n_cards = opts.cards or (160 if opts.quick else 400)
    new_per_day = 20
    weights_map = C.pack_weights()
    per_section = allocate(n_cards, weights_map)
    section = np.concatenate([np.full(n, k) for k, n in enumerate(per_section.values())])
    total_w = sum(weights_map.values())
    _W.update(
        seed=opts.seed,
        days=opts.days,
        cards=n_cards,
        new_per_day=new_per_day,
        skip=opts.skip,
        arms=(*ARMS, *(f"ours_nocap_top{t}" for t in opts.top_up_experiment)),
        section=section,
        share=[w / total_w for w in weights_map.values()],
        priority={str(c): weights_map[list(weights_map)[section[c]]] for c in range(n_cards)},
    )
    jobs = [(f, lr) for f in FAMILIES for lr in range(n_learners)]
    with mp.get_context("fork").Pool(2) as workers:
        runs = workers.map(_learner, jobs, chunksize=2)
    rng = np.random.default_rng([opts.seed, 99])
    reps = 200 if opts.quick else 2000
    result: dict[str, Any] = {
        "settings": {
            "quick": opts.quick,
            "seed": opts.seed,
            "learners_per_family": n_learners,
            "cards": n_cards,
            "new_per_day": new_per_day,
            "days_to_exam": opts.days,
            "skip_probability": opts.skip,
            "bootstrap": reps,
        },
        "families": {},
    }
    for family in FAMILIES:
        rows = [r for (f, _), r in zip(jobs, runs, strict=True) if f == family]
        fam: dict[str, Any] = {}
        base_rev = np.array([r["sm2"]["reviews"] for r in rows], dtype=float)
        base_rec = np.array([r["sm2"]["recall"] for r in rows])
        for arm in _W["arms"]:
            rev = np.array([r[arm]["reviews"] for r in rows], dtype=float)
            rec = np.array([r[arm]["recall"] for r in rows])
            fam[arm] = {
                "reviews": C.bootstrap(rng, len(rows), lambda i, v=rev: float(v[i].mean()), reps),
                "recall": C.bootstrap(rng, len(rows), lambda i, v=rec: float(v[i].mean()), reps),
                "share_ge_90": float(np.mean([r[arm]["share_ge_90"] for r in rows])),
                "reviews_final_3_days": float(
                    np.mean([r[arm]["reviews_final_3_days"] for r in rows])
                ),
                "reviews_last_day": float(np.mean([r[arm]["reviews_last_day"] for r in rows])),
                "stuck": float(np.mean([r[arm]["stuck"] for r in rows])),
                "reviews_vs_sm2": C.bootstrap(
                    rng,
                    len(rows),
                    lambda i, v=rev, b=base_rev: float(v[i].sum() / b[i].sum() - 1),
                    reps,
                ),
                "recall_minus_sm2": C.bootstrap(
                    rng, len(rows), lambda i, v=rec, b=base_rec: float((v[i] - b[i]).mean()), reps
                ),
            }
        result["families"][family] = fam
    result["seconds"] = round(time.perf_counter() - t_start, 1)
    path = C.write_json("scheduling" + (f"-{opts.tag}" if opts.tag else ""), result)
    _print(result)
    print(f"\nwrote {path.relative_to(C.ROOT)}")


def _print(result: dict[str, Any]) -> None:
    s = result["settings"]
    print(
        f"{s['learners_per_family']} learners per memory model, {s['cards']} cards, "
        f"{s['new_per_day']} new/day, exam on day {s['days_to_exam']}, "
        f"days skipped with p={s['skip_probability']}"
    )
    for family, fam in result["families"].items():
        print(f"\nTruth: {family}")
        rows = [
            [
                arm,
                C.ci(*m["reviews"], digits=0),
                C.ci(*(100 * x for x in m["reviews_vs_sm2"]), digits=1),
                C.ci(*m["recall"]),
                C.ci(*m["recall_minus_sm2"]),
                f"{m['share_ge_90']:.3f}",
                f"{m['reviews_final_3_days']:.0f}",
                f"{m['reviews_last_day']:.0f}",
            ]
            for arm, m in fam.items()
        ]
        print(
            C.table(
                [
                    "arm",
                    "reviews",
                    "reviews vs SM-2 (%)",
                    "exam-day recall",
                    "recall - SM-2",
                    "share R>=0.9",
                    "reviews T-3..T-1",
                    "on T-1",
                ],
                rows,
            )
        )


if __name__ == "__main__":
    main()
