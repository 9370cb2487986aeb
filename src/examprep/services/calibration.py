"""Item calibration from every stored response, and response imports (Elo steps: `elo`)."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from examprep.engine.irt import ItemParams
from examprep.engine.linking import OffsetFit
from examprep.errors import InvalidInput
from examprep.services.context import Context
from examprep.services.evidence import final_answers
from examprep.services.model import (
    Calibration,
    ReportedResult,
    as_exam_date,
    as_result,
    calibrate,
    fit_offset,
)
from examprep.services.outcomes import latest_per_exam
from examprep.store.attempts import append_event, create_attempt
from examprep.store.learners import get_or_create_learner
from examprep.store.outcomes import add_outcome, outcome_rows, save_exam_offset
from examprep.store.params import (
    upsert_item_param,
)

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from examprep.content.pack import Pack


@dataclass(frozen=True)
class CalibrationReport:
    responses: int
    learners: int
    calibrated: int
    suspect: list[tuple[str, float, int]]  # item, discrimination, responses
    exam_offset: OffsetFit | None = None  # fitted from reported results (with outcomes=True)


def calibrate_bank(ctx: Context, outcomes: bool = False) -> CalibrationReport:
    """Re-fit every item from all learners' evidence (final answers to current revisions).

    With `outcomes`, then fit the bank-to-exam offset from the reported exam results and store
    it (table exam_offsets), so readiness uses it instead of the pack's prior.
    """
    pack = ctx.pack
    revisions = {q.id: q.revision for q in pack.questions}
    now = ctx.now()
    with ctx.transaction() as session:
        rows = [
            (str(a.learner), a.item_id, a.correct)
            for a in final_answers(session, pack, now)
            if a.item_id in revisions
        ]
        fitted: Calibration = calibrate(pack, rows)
        for item, count in fitted.counts.items():
            p = fitted[item]
            upsert_item_param(
                session,
                pack.id,
                item,
                a=p.a,
                b=p.b,
                c=p.c,
                n=count,
                method="mml",
                now=now,
                revision=revisions[item],
            )
        offset = _fit_exam_link(session, pack, fitted.params, now) if outcomes else None
    return CalibrationReport(
        responses=len(rows),
        learners=len({r[0] for r in rows}),
        calibrated=len(fitted.counts),
        suspect=[(i, fitted[i].a, fitted.counts[i]) for i in fitted.suspect],
        exam_offset=offset,
    )


def _fit_exam_link(
    session: Session, pack: Pack, params: dict[str, ItemParams], now: dt.datetime
) -> OffsetFit:
    """Fit and store the offset from each reported result and the answers before its date."""
    results = []
    for row in latest_per_exam(outcome_rows(session, pack_id=pack.id)):
        start = dt.datetime.combine(row.exam_date, dt.time(), tzinfo=dt.UTC)
        answers = final_answers(session, pack, start, learner_id=row.learner_id)
        before = [(a.item_id, a.correct, a.at, a.revision) for a in answers if a.at < start]
        results.append(ReportedResult(row.passed, row.exam_date, before))
    fit = fit_offset(pack, results, params)
    save_exam_offset(
        session, pack.id, mean=fit.mean, se=fit.se, outcomes=fit.outcomes, passed=fit.passed,
        now=now,
    )  # fmt: skip
    return fit


@dataclass(frozen=True)
class ImportReport:
    imported: int
    skipped: list[str]
    learners: int
    outcomes: int = 0  # exam results imported from the outcome file


def _check_outcome(row: dict[str, object], where: str, today: dt.date) -> tuple[str, bool, dt.date]:
    """(learner, passed, exam date) of one outcome-file row; InvalidInput naming `where`."""
    if "__error__" in row:
        raise InvalidInput(f"{where}: {row['__error__']}")
    learner = str(row.get("learner") or "").strip()
    if not learner:
        raise InvalidInput(f"{where}: missing learner")
    if row.get("result") in (None, ""):
        raise InvalidInput(f"{where}: missing result (pass or fail)")
    if row.get("exam_date") in (None, ""):
        raise InvalidInput(f"{where}: missing exam_date (YYYY-MM-DD)")
    return learner, as_result(row["result"], where), as_exam_date(row["exam_date"], where, today)


def read_outcome_file(path: Path, today: dt.date) -> list[tuple[str, bool, dt.date]]:
    """Every row of a .csv/.jsonl outcome file (learner, result, exam_date), checked; all or
    nothing: the first bad rows are named with file and line."""
    good, bad = [], []
    for line, row in _parse_rows(path):
        try:
            good.append(_check_outcome(row, f"{path}:{line}", today))
        except InvalidInput as exc:
            bad.append(str(exc))
    if bad:
        shown = "\n".join(bad[:20]) + (f"\n... and {len(bad) - 20} more" if len(bad) > 20 else "")
        raise InvalidInput(f"{len(bad)} invalid outcome row(s); nothing was imported:\n{shown}")
    return good


def _parse_rows(path: Path) -> list[tuple[int, dict[str, object]]]:
    if path.suffix.lower() not in {".csv", ".jsonl"}:
        raise InvalidInput(f"{path}: expected a .csv or .jsonl file")
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise InvalidInput(f"cannot read {path}: {exc}") from None
    if path.suffix.lower() == ".jsonl":
        rows: list[tuple[int, dict[str, object]]] = []
        for n, line in enumerate(text.splitlines(), 1):
            if not line.strip():
                continue
            try:
                value = json.loads(line)
            except json.JSONDecodeError as exc:
                rows.append((n, {"__error__": f"not JSON ({exc.msg})"}))
                continue
            rows.append((n, value if isinstance(value, dict) else {"__error__": "not an object"}))
        return rows
    if path.suffix.lower() == ".csv":
        reader = csv.DictReader(io.StringIO(text))
        parsed: list[tuple[int, dict[str, object]]] = [
            (n, {str(k): v for k, v in row.items()}) for n, row in enumerate(reader, 2)
        ]
        return parsed
    raise InvalidInput(f"{path}: expected a .csv or .jsonl file")


def _check_row(
    row: dict[str, object], known: dict[str, int]
) -> tuple[str, str, bool, dt.datetime, int] | str:
    if "__error__" in row:
        return str(row["__error__"])
    learner = str(row.get("learner") or "").strip()
    item = str(row.get("item") or "").strip()
    raw = row.get("correct")
    when = row.get("answered_at") or row.get("time")
    if not learner:
        return "missing learner"
    if item not in known:
        return f"unknown item {item!r}" if item else "missing item"
    text = str(raw).strip().lower()
    if isinstance(raw, bool):
        correct = raw
    elif text in {"1", "true", "yes"}:
        correct = True
    elif text in {"0", "false", "no"}:
        correct = False
    else:
        return f"correct must be true/false or 1/0, got {raw!r}"
    if not when:
        return "missing answered_at"
    try:
        at = dt.datetime.fromisoformat(str(when))
    except ValueError:
        return f"answered_at {when!r} is not ISO-8601"
    if at.tzinfo is None:
        at = at.replace(tzinfo=dt.UTC)
    raw_revision = row.get("revision")
    if raw_revision in (None, ""):
        return learner, item, correct, at, known[item]  # a log of the pack as it is now
    try:
        revision = int(str(raw_revision))
    except ValueError:
        return f"revision must be a whole number, got {raw_revision!r}"
    if revision < 1:
        return f"revision must be at least 1, got {revision}"
    return learner, item, correct, at, revision


def import_responses(
    ctx: Context, path: Path, skip_invalid: bool = False, outcomes: Path | None = None
) -> ImportReport:
    """Load an external response log (learner, item, correct, answered_at[, revision]) and,
    optionally, an outcome file of real exam results (learner, result, exam_date).

    A row without a revision is taken to answer the item's current revision. All in one
    transaction.

    Every row is checked first; if any is invalid nothing is imported, unless `skip_invalid`
    (which never applies to outcome rows: a wrong result is worse than none).
    """
    results = read_outcome_file(outcomes, ctx.now().date()) if outcomes is not None else []
    known = {q.id: q.revision for q in ctx.pack.questions}
    good: list[tuple[str, str, bool, dt.datetime, int]] = []
    bad: list[str] = []
    for line, row in _parse_rows(path):
        checked = _check_row(row, known)
        if isinstance(checked, str):
            bad.append(f"{path}:{line}: {checked}")
        else:
            good.append(checked)
    if bad and not skip_invalid:
        shown = "\n".join(bad[:20]) + (f"\n... and {len(bad) - 20} more" if len(bad) > 20 else "")
        raise InvalidInput(f"{len(bad)} invalid row(s); nothing was imported:\n{shown}")
    now = ctx.now()
    learners: dict[str, list[tuple[str, bool, dt.datetime, int]]] = {}
    for learner, item, correct, at, revision in good:
        learners.setdefault(learner, []).append((item, correct, at, revision))
    with ctx.transaction() as session:
        for name, rows in learners.items():
            lid = get_or_create_learner(session, name, now).id
            rows.sort(key=lambda r: r[2])
            attempt = create_attempt(
                session,
                learner_id=lid,
                pack_id=ctx.pack.id,
                mode="import",
                seed=0,
                form=[{"item": item, "order": []} for item, _, _, _ in rows],
                started_at=rows[0][2],
                deadline=None,
                pass_mark=None,
            )
            attempt.finished_at = rows[-1][2]
            for position, (item, correct, at, revision) in enumerate(rows, 1):
                append_event(
                    session,
                    attempt,
                    position=position,
                    item_id=item,
                    event="answer",
                    at=at,
                    choice=None,
                    correct=correct,
                    revision=revision,
                )
        for name, passed, day in results:
            lid = get_or_create_learner(session, name, now).id
            add_outcome(session, lid, ctx.pack.id, passed, day, None, now)
    return ImportReport(
        imported=len(good), skipped=bad, learners=len(learners), outcomes=len(results)
    )
