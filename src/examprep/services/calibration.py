"""Item calibration from every stored response, Elo updates as answers arrive, response imports."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from examprep.engine.irt import ItemParams, elo_update, prior_params
from examprep.errors import InvalidInput
from examprep.services.context import Context
from examprep.services.evidence import final_answers
from examprep.services.model import Calibration, calibrate
from examprep.store.attempts import append_event, create_attempt
from examprep.store.learners import get_or_create_learner, get_setting, put_setting
from examprep.store.params import (
    item_params_of,
    save_item_params,
    upsert_item_param,
)

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from examprep.content.schema import Question


def record_elo_steps(
    session: Session,
    pack_id: str,
    lid: int,
    outcomes: Sequence[tuple[Question, bool]],
    now: dt.datetime,
) -> None:
    """One Elo step per (question, right), in order: the items' rows and the learner's rating
    are read once and written once, however many answers an exam submits.
    """
    stored = item_params_of(session, pack_id, [q.id for q, _ in outcomes], lock=True)
    rating = get_setting(session, lid, "elo")
    theta, n_learner = (
        (float(rating["theta"]), int(rating["n"])) if isinstance(rating, dict) else (0.0, 0)
    )
    values: dict[str, tuple[float, float, float, int, str, int]] = {}
    for question, right in outcomes:
        prior = prior_params(question.difficulty, len(question.options), question.choose)
        row = stored.get(question.id)
        b, n_item, method, revision = (
            (row.b, row.n, row.method, row.revision or 1) if row is not None else (0.0, 0, "", 0)
        )
        if question.id in values:  # answered twice in one batch: step from the first step
            _, b, _, n_item, method, revision = values[question.id]
        if revision != question.revision:
            b, n_item, method = prior.b, 0, ""  # fitted to an older text: start from the prior
        if method == "mml":
            continue  # batch calibration owns this item until the next `examprep calibrate`
        params = ItemParams(a=prior.a, b=b, c=prior.c)
        theta, new_b = elo_update(theta, n_learner, params, n_item, right)
        n_learner += 1
        values[question.id] = (prior.a, new_b, prior.c, n_item + 1, "elo", question.revision)
    if values:
        save_item_params(session, pack_id, stored, values, now)
        put_setting(session, lid, "elo", {"theta": theta, "n": n_learner}, now)


@dataclass(frozen=True)
class CalibrationReport:
    responses: int
    learners: int
    calibrated: int
    suspect: list[tuple[str, float, int]]  # item, discrimination, responses


def calibrate_bank(ctx: Context) -> CalibrationReport:
    """Re-fit every item from all learners' evidence (final answers to current revisions)."""
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
    return CalibrationReport(
        responses=len(rows),
        learners=len({r[0] for r in rows}),
        calibrated=len(fitted.counts),
        suspect=[(i, fitted[i].a, fitted.counts[i]) for i in fitted.suspect],
    )


@dataclass(frozen=True)
class ImportReport:
    imported: int
    skipped: list[str]
    learners: int


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


def import_responses(ctx: Context, path: Path, skip_invalid: bool = False) -> ImportReport:
    """Load an external response log (learner, item, correct, answered_at[, revision]).

    A row without a revision is taken to answer the item's current revision. All in one
    transaction.

    Every row is checked first; if any is invalid nothing is imported, unless `skip_invalid`.
    """
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
    return ImportReport(imported=len(good), skipped=bad, learners=len(learners))
