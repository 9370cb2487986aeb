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
from examprep.engine.linking import (
    FIT_OFFSETS,
    SAME_AS_BANK,
    ExamOffset,
    OffsetFit,
    OffsetNotIdentified,
    fit_exam_offset,
)
from examprep.engine.readiness import EVIDENCE, SectionBank, cut_score, pass_by_offset
from examprep.engine.readiness import estimate_readiness as compute
from examprep.errors import InvalidInput

if TYPE_CHECKING:
    from examprep.content.pack import Pack


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
    exam_offset: OffsetFit | None = None  # fitted from reported exam results, when given

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


def calibrate(
    pack: Pack,
    log: Iterable[Sequence[Any]],
    outcomes: Iterable[Sequence[Any]] | None = None,
    *,
    today: dt.date | None = None,
) -> Calibration:
    """Fit 3PL a and b (c fixed at the guessing floor) from (learner, item, correct[, at[,
    revision]]) rows; with `outcomes`, also the bank-to-exam offset.

    Items without responses keep their prior; rows for items not in the pack, and rows that
    give a revision other than the item's current one, are ignored. Give final answers only
    (one per exam question; see docs/architecture.md, "Evidence"). Items with near-zero or
    negative discrimination are listed in `.suspect` (wrong key?).

    `outcomes` are (learner, "pass" | "fail" | bool, exam date) rows of real exam results; the
    offset is fitted from each such learner's answers given before the exam date (rows without
    a time count as before) and returned in `.exam_offset` with its standard error.
    """
    log = list(log)
    priors = prior_table(pack)
    fitted = calibrate_items(list(_rows(log, pack)), priors)
    offset = None
    if outcomes is not None:
        by_learner: dict[str, list[tuple[str, bool, dt.datetime | None, int | None]]]
        by_learner = defaultdict(list)
        for n, row in enumerate(log, 1):
            by_learner[str(row[0])].append(_parse_response(row[1:], n))
        today = today or dt.datetime.now(dt.UTC).date()
        results = [
            ReportedResult(passed, day, by_learner.get(learner, []))
            for learner, passed, day in reported_results(outcomes, today)
        ]
        offset = fit_offset(pack, results, fitted.params)
    return Calibration(
        params=fitted.params, counts=fitted.counts, suspect=fitted.suspect, exam_offset=offset
    )


RESULT_WORDS = {"pass": True, "passed": True, "fail": False, "failed": False}


def as_result(value: object, where: str) -> bool:
    """True for pass, False for fail; InvalidInput naming `where` for anything else."""
    if isinstance(value, bool):
        return value
    word = str(value).strip().lower()
    if word not in RESULT_WORDS:
        raise InvalidInput(f"{where}: result must be pass or fail, got {value!r}")
    return RESULT_WORDS[word]


def as_exam_date(value: object, where: str, today: dt.date) -> dt.date:
    """An exam date (YYYY-MM-DD, not after `today`); InvalidInput naming `where` otherwise."""
    if isinstance(value, dt.datetime):
        value = value.date()
    if not isinstance(value, dt.date):
        try:
            value = dt.date.fromisoformat(str(value).strip())
        except ValueError:
            raise InvalidInput(f"{where}: exam date must be YYYY-MM-DD, got {value!r}") from None
    if value > today:
        raise InvalidInput(
            f"{where}: exam date {value} is in the future (today is {today}); "
            "record a result once you have it"
        )
    return value


def reported_results(
    rows: Iterable[Sequence[Any]], today: dt.date
) -> list[tuple[str, bool, dt.date]]:
    """(learner, passed, exam date) from (learner, result, exam date) rows, checked."""
    out = []
    for n, row in enumerate(rows, 1):
        where = f"outcome {n}"
        if len(row) < 3:
            raise InvalidInput(f"{where}: expected (learner, pass|fail, exam date)")
        out.append((str(row[0]), as_result(row[1], where), as_exam_date(row[2], where, today)))
    return out


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
    # How much harder the real exam is assumed to be than the bank (integrated over).
    exam_offset: ExamOffset = SAME_AS_BANK

    @property
    def assumes(self) -> str:
        """One plain line: what P(pass) assumes about the real exam."""
        return describe_offset(self.exam_offset)

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


def _observations(
    model: _PackModel,
    params: Mapping[str, ItemParams],
    responses: Iterable[Sequence[Any]],
    now: dt.datetime,
) -> tuple[dict[str, list[Observation]], dict[str, int], int]:
    """Weighted observations per section, answers per section, and the answers counted."""
    section_of, revision_of = model.section_of, model.revision_of
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
    return observations, answered, count


def prior_offset(pack: Pack) -> ExamOffset:
    """The pack authors' belief about the real exam relative to the bank (pack.yaml)."""
    prior = pack.meta.exam_offset
    return ExamOffset(prior.mean, prior.sd, 0)


def describe_offset(offset: ExamOffset) -> str:
    """What a P(pass) assumes about the real exam, in one plain line."""
    size = abs(offset.mean)
    if offset.outcomes:
        source = f"fitted from {offset.outcomes} reported exam results"
    else:
        source = "the pack authors' estimate; no reported exam results fitted yet"
    if size < 0.005:
        shift = "as hard as this bank"
    else:
        way = "harder" if offset.mean > 0 else "easier"
        shift = f"about {size:.2f} ability units {way} than this bank"
    spread = f" (±{offset.sd:.2f})" if offset.sd > 0 else ""
    return f"Assumes the real exam is {shift}{spread}: {source}."


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
    exam_offset: ExamOffset | None = None,
) -> Readiness:
    """P(pass) on a blueprint-weighted form of the pack's length, from (item, correct[, at[,
    revision]]) rows.

    Responses older than `now` are down-weighted with a half-life of HALF_LIFE_DAYS (28 days);
    responses without a time count fully. Unknown items, and rows that give a revision other
    than the item's current one, are ignored. Items of one `family` share one item's weight.
    `exam_offset` (how much harder the real exam is than the bank; default: the pack's prior,
    `pack.yaml` `exam_offset`) is integrated over. `withheld` says why P(pass) should not be
    shown yet (too little evidence), or is None.
    """
    model = _pack_model(pack)
    given = {k: v for k, v in (item_params or {}).items() if k in model.priors}
    params = ChainMap(given, model.priors)
    now = now or dt.datetime.now(dt.UTC)
    observations, answered, count = _observations(model, params, responses, now)
    banks = model.banks_for(given)
    if not banks:
        raise InvalidInput("the pack has no questions to estimate readiness from")
    n = questions or pack.meta.questions.default
    mark = pass_mark if pass_mark is not None else pack.meta.pass_mark
    allocation = allocate(n, {b.id: b.weight for b in banks})
    cut = cut_score(n, mark)
    cuts = {m: cut_score(n, m) for m in other_marks}
    offset = exam_offset if exam_offset is not None else prior_offset(pack)
    est = compute(
        banks,
        observations,
        allocation,
        cut,
        with_slopes=with_slopes,
        other_cuts=list(cuts.values()),
        offset=offset,
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
        exam_offset=offset,
    )


@dataclass(frozen=True)
class ReportedResult:
    """A learner's real exam result, with the answers they gave before the exam date."""

    passed: bool
    exam_date: dt.date
    responses: Sequence[tuple[str, bool, dt.datetime | None, int | None]]


def fit_offset(
    pack: Pack, results: Sequence[ReportedResult], item_params: Mapping[str, ItemParams]
) -> OffsetFit:
    """Fit the bank-to-exam offset by maximum likelihood from reported results.

    Each result contributes P(pass | the learner's answers before the exam date, offset) on a
    form of the pack's default length at the pack's pass mark, so the offset also absorbs a
    wrong pass-mark assumption. InvalidInput when the results cannot pin it down.
    """
    model = _pack_model(pack)
    given = {k: v for k, v in item_params.items() if k in model.priors}
    params = ChainMap(given, model.priors)
    banks = model.banks_for(given)
    n = pack.meta.questions.default
    allocation = allocate(n, {b.id: b.weight for b in banks})
    cut = cut_score(n, pack.meta.pass_mark)
    curves = []
    for result in results:
        start = dt.datetime.combine(result.exam_date, dt.time(), tzinfo=dt.UTC)
        before = [r for r in result.responses if r[2] is None or r[2] < start]
        observations, _, _ = _observations(model, params, before, start)
        curves.append(pass_by_offset(banks, observations, allocation, cut, FIT_OFFSETS))
    try:
        return fit_exam_offset(
            np.array(curves).reshape(len(results), len(FIT_OFFSETS)),
            [r.passed for r in results],
        )
    except OffsetNotIdentified as exc:
        raise InvalidInput(f"cannot fit the exam offset: {exc}") from None
