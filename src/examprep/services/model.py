"""The learner model on a pack, without a database: item parameters, calibration, readiness.

These functions are the public Python API (`examprep.calibrate`, `examprep.estimate_readiness`)
and what the database-backed services call.
"""

from __future__ import annotations

import datetime as dt
import threading
import weakref
from collections import ChainMap, defaultdict
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, NamedTuple

import numpy as np

from examprep.engine.blueprint import allocate
from examprep.engine.irt import (
    GRID,
    HALF_LIFE_DAYS,
    ItemParams,
    Observation,
    calibrate_items,
    p_correct,
    prior_params,
    recency_weight,
)
from examprep.engine.readiness import EVIDENCE, SectionBank, cut_score
from examprep.engine.readiness import estimate_readiness as compute
from examprep.errors import InvalidInput

if TYPE_CHECKING:
    from examprep.content.loader import Pack


@dataclass(frozen=True)
class _SectionItems:
    id: str
    weight: float
    ids: list[str]
    position: dict[str, int]
    a: np.ndarray
    b: np.ndarray
    c: np.ndarray
    p_sum: np.ndarray  # sum over the items of P(right) at every GRID point, prior parameters


@dataclass(frozen=True)
class _PackModel:
    """What the learner model needs of a pack, derived once per loaded pack."""

    priors: dict[str, ItemParams]
    section_of: dict[str, str]
    revision_of: dict[str, int]
    family_of: dict[str, str]
    sections: list[_SectionItems]
    # Banks for recently given parameter sets: each read of the stored parameters is a new
    # dict, but they change only when answers move them.
    banks: dict[frozenset[tuple[str, ItemParams]], list[SectionBank]] = field(default_factory=dict)

    def banks_for(self, given: Mapping[str, ItemParams]) -> list[SectionBank]:
        """The section banks with `given` parameters put in (cached for a few parameter sets)."""
        key = frozenset(given.items())
        banks = self.banks.get(key)
        if banks is None:
            banks = [_bank(section, given) for section in self.sections]
            with _LOCK:
                while len(self.banks) >= BANK_SETS:
                    self.banks.pop(next(iter(self.banks)))
                self.banks[key] = banks
        return banks


_MODELS: dict[int, _PackModel] = {}
_LOCK = threading.Lock()
BANK_SETS = 8  # parameter sets whose banks are kept per pack


def _pack_model(pack: Pack) -> _PackModel:
    """The pack's derived tables and prior arrays, built on first use and kept with the pack."""
    key = id(pack)
    model = _MODELS.get(key)
    if model is None:
        model = _build_pack_model(pack)
        _MODELS[key] = model
        weakref.finalize(pack, _MODELS.pop, key, None)
    return model


def _build_pack_model(pack: Pack) -> _PackModel:
    priors = {q.id: prior_params(q.difficulty, len(q.options), q.choose) for q in pack.questions}
    ids_by_section: dict[str, list[str]] = defaultdict(list)
    for q in pack.questions:
        if not q.generated:
            ids_by_section[q.section].append(q.id)
    sections = []
    for section in pack.sections:
        ids = ids_by_section.get(section.id, [])
        if ids:
            a, b, c = (np.array([getattr(priors[i], f) for i in ids]) for f in "abc")
            position = {item: k for k, item in enumerate(ids)}
            p_sum = p_correct(GRID[:, None], a[None, :], b[None, :], c[None, :]).sum(axis=1)
            sections.append(
                _SectionItems(section.id, section.weight, ids, position, a, b, c, p_sum)
            )
    return _PackModel(
        priors=priors,
        section_of={q.id: q.section for q in pack.questions},
        revision_of={q.id: q.revision for q in pack.questions},
        family_of={q.id: q.family for q in pack.questions if q.family},
        sections=sections,
    )


def prior_table(pack: Pack) -> dict[str, ItemParams]:
    """Starting parameters of every question: b from the author's difficulty, a = 1, c = floor."""
    return dict(_pack_model(pack).priors)


@dataclass(frozen=True)
class Calibration(Mapping[str, ItemParams]):
    """Item parameters for every question of a pack (calibrated where there were responses)."""

    params: dict[str, ItemParams]
    counts: dict[str, int] = field(default_factory=dict)
    suspect: list[str] = field(default_factory=list)

    def __getitem__(self, item_id: str) -> ItemParams:
        return self.params[item_id]

    def __iter__(self) -> Iterator[str]:
        return iter(self.params)

    def __len__(self) -> int:
        return len(self.params)


def _rows(log: Iterable[Sequence[Any]], pack: Pack) -> Iterator[tuple[str, str, bool]]:
    revisions = {q.id: q.revision for q in pack.questions}
    for n, row in enumerate(log, 1):
        if len(row) < 3:
            raise InvalidInput(
                f"response {n}: expected (learner, item, correct[, answered_at[, revision]])"
            )
        item = str(row[1])
        if len(row) > 4 and _as_revision(row[4], n) != revisions.get(item):
            continue  # an answer to another text of the item
        yield str(row[0]), item, _as_bool(row[2], n)


def _as_revision(value: object, n: int) -> int | None:
    if value is None:
        return None
    if isinstance(value, int) and not isinstance(value, bool) and value >= 1:
        return value
    if isinstance(value, str) and value.strip().isdigit() and int(value) >= 1:
        return int(value)
    raise InvalidInput(f"response {n}: revision must be a whole number >= 1, got {value!r}")


def _as_bool(value: object, n: int) -> bool:
    if isinstance(value, bool):
        return value
    if isinstance(value, int | float) and value in (0, 1):
        return bool(value)
    if isinstance(value, str) and value.strip().lower() in {"1", "0", "true", "false", "yes", "no"}:
        return value.strip().lower() in {"1", "true", "yes"}
    raise InvalidInput(f"response {n}: correct must be true/false or 1/0, got {value!r}")


def calibrate(pack: Pack, log: Iterable[Sequence[Any]]) -> Calibration:
    """Fit 3PL a and b (c fixed at the guessing floor) from (learner, item, correct[, at[,
    revision]]) rows.

    Items without responses keep their prior; rows for items not in the pack, and rows that
    give a revision other than the item's current one, are ignored. Give final answers only
    (one per exam question; see docs/architecture.md, "Evidence"). Items with near-zero or
    negative discrimination are listed in `.suspect` (wrong key?).
    """
    priors = prior_table(pack)
    fitted = calibrate_items(list(_rows(log, pack)), priors)
    return Calibration(params=fitted.params, counts=fitted.counts, suspect=fitted.suspect)


class SectionAbility(NamedTuple):
    theta: float
    se: float
    n: int


@dataclass(frozen=True)
class Readiness:
    """The probability of passing today, its 80 % interval, and ability overall and per section."""

    p_pass: float
    low: float
    high: float
    theta: float
    se: float
    by_section: dict[str, SectionAbility]
    pass_mark: float
    questions: int
    cut: int
    half_life_days: float
    responses: int
    slopes: dict[str, float] = field(default_factory=dict)
    at_marks: dict[float, float] = field(default_factory=dict)  # other pass marks -> P(pass)
    # Why P(pass) is not worth showing yet (engine.readiness.EVIDENCE), or None when it is.
    withheld: str | None = None

    @property
    def shown_p_pass(self) -> float | None:
        """P(pass) when there is enough evidence to show it, else None."""
        return None if self.withheld else self.p_pass


def _parse_response(row: Sequence[Any], n: int) -> tuple[str, bool, dt.datetime | None, int | None]:
    if len(row) < 2:
        raise InvalidInput(f"response {n}: expected (item_id, correct[, answered_at[, revision]])")
    at = row[2] if len(row) > 2 else None
    if isinstance(at, str):
        at = dt.datetime.fromisoformat(at)
    if at is not None and not isinstance(at, dt.datetime):
        raise InvalidInput(f"response {n}: answered_at must be a datetime or ISO-8601 text")
    if isinstance(at, dt.datetime) and at.tzinfo is None:
        at = at.replace(tzinfo=dt.UTC)
    revision = _as_revision(row[3], n) if len(row) > 3 else None
    return str(row[0]), _as_bool(row[1], n), at, revision


def _family_weights(family_of: Mapping[str, str], answered: Iterable[str]) -> dict[str, float]:
    """1 / (distinct answered items of the item's family): a family counts as one item."""
    members: dict[str, set[str]] = defaultdict(set)
    for item in answered:
        if item in family_of:
            members[family_of[item]].add(item)
    return {
        item: 1.0 / len(members[family])
        for item, family in family_of.items()
        if item in members[family]
    }


def _bank(section: _SectionItems, given: Mapping[str, ItemParams]) -> SectionBank:
    """The section's bank: the prior arrays, with the given (calibrated) parameters put in.

    Its mean P(right) curve is the pack's prior sum corrected for the moved items only.
    """
    a, b, c, p_sum = section.a, section.b, section.c, section.p_sum
    moved = [(section.position[i], p) for i, p in given.items() if i in section.position]
    if moved:
        at = np.array([k for k, _ in moved])
        a, b, c = a.copy(), b.copy(), c.copy()
        a[at], b[at], c[at] = (np.array([getattr(p, f) for _, p in moved]) for f in "abc")
        grid = GRID[:, None]
        before = p_correct(grid, section.a[at], section.b[at], section.c[at]).sum(axis=1)
        p_sum = p_sum + p_correct(grid, a[at], b[at], c[at]).sum(axis=1) - before
    known = np.asarray(p_sum / len(section.ids), dtype=np.float64)
    return SectionBank(id=section.id, weight=section.weight, a=a, b=b, c=c, known_pbar=known)


def estimate_readiness(
    pack: Pack,
    responses: Iterable[Sequence[Any]],
    item_params: Mapping[str, ItemParams] | None = None,
    *,
    now: dt.datetime | None = None,
    pass_mark: float | None = None,
    questions: int | None = None,
    with_slopes: bool = False,
    other_marks: Sequence[float] = (),
) -> Readiness:
    """P(pass) on a blueprint-weighted form of the pack's length, from (item, correct[, at[,
    revision]]) rows.

    Responses older than `now` are down-weighted with a half-life of HALF_LIFE_DAYS (28 days);
    responses without a time count fully. Unknown items, and rows that give a revision other
    than the item's current one, are ignored. Items of one `family` share one item's weight.
    `withheld` says why P(pass) should not be shown yet (too little evidence), or is None.
    """
    model = _pack_model(pack)
    given = {k: v for k, v in (item_params or {}).items() if k in model.priors}
    params = ChainMap(given, model.priors)
    section_of, revision_of = model.section_of, model.revision_of
    now = now or dt.datetime.now(dt.UTC)
    # Repeated answers to one item with one outcome add up: one weighted observation each.
    weights: dict[tuple[str, bool], float] = defaultdict(float)
    answered: dict[str, int] = defaultdict(int)
    count = 0
    for n, row in enumerate(responses, 1):
        item, correct, at, revision = _parse_response(row, n)
        if item not in model.priors or revision not in (None, revision_of[item]):
            continue
        age = (now - at).total_seconds() / 86400 if at is not None else 0.0
        weights[(item, correct)] += recency_weight(age)
        answered[section_of[item]] += 1
        count += 1
    family = _family_weights(model.family_of, (item for item, _ in weights))
    observations: dict[str, list[Observation]] = defaultdict(list)
    for (item, correct), weight in weights.items():
        weight *= family.get(item, 1.0)
        observations[section_of[item]].append(Observation(params[item], correct, weight))
    banks = model.banks_for(given)
    if not banks:
        raise InvalidInput("the pack has no questions to estimate readiness from")
    n = questions or pack.meta.questions.default
    mark = pass_mark if pass_mark is not None else pack.meta.pass_mark
    allocation = allocate(n, {b.id: b.weight for b in banks})
    cut = cut_score(n, mark)
    cuts = {m: cut_score(n, m) for m in other_marks}
    est = compute(
        banks,
        observations,
        allocation,
        cut,
        with_slopes=with_slopes,
        other_cuts=list(cuts.values()),
    )
    return Readiness(
        p_pass=est.p_pass,
        low=est.low,
        high=est.high,
        theta=est.theta,
        se=est.se,
        by_section={s: SectionAbility(e.theta, e.se, answered[s]) for s, e in est.sections.items()},
        pass_mark=mark,
        questions=n,
        cut=cut,
        half_life_days=HALF_LIFE_DAYS,
        responses=count,
        slopes=est.slopes,
        at_marks={m: est.p_pass_at[c] for m, c in cuts.items()},
        withheld=EVIDENCE.missing(count, est.se, est.p_pass),
    )
