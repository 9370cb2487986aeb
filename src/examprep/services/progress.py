"""Progress files (docs/progress-format.md): export, merge-import, and SQLite backups."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, Literal

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, JsonValue, ValidationError

from examprep.errors import Conflict, InvalidInput, NotFound
from examprep.services.context import Context
from examprep.services.exports import write_atomically
from examprep.store.learners import find_learner, get_or_create_learner
from examprep.store.outcomes import add_outcome, outcome_owners, outcome_rows
from examprep.store.params import review_logs
from examprep.store.progress import (
    add_attempt,
    add_events,
    add_review_logs,
    attempts_by_uid,
    create_learner,
    learner_attempts,
    learner_card_states,
    learner_events,
    learner_settings,
    put_card_state_at,
    put_setting_at,
    response_owners,
    review_owners,
)

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

FORMAT = "examprep-progress"
# 2 added `revision` to answer events (version 1 files are read as revision 1); 3 added
# `confidence` to answer events (older files have none: answers given without one); 4 added
# `outcomes` (reported exam results; older files have none).
VERSION = 4

Uid = Annotated[str, Field(min_length=1, max_length=40)]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class LearnerData(_Model):
    name: Annotated[str, Field(min_length=1, max_length=80)]
    display_name: Annotated[str, Field(max_length=200)]
    created_at: AwareDatetime


class SettingData(_Model):
    key: Annotated[str, Field(min_length=1, max_length=80)]
    value: JsonValue
    updated_at: AwareDatetime


class EventData(_Model):
    uid: Uid
    position: int
    item_id: Annotated[str, Field(min_length=1, max_length=80)]
    event: Annotated[str, Field(min_length=1, max_length=12)]
    choice: list[int] | None
    correct: bool | None
    elapsed_ms: int | None
    at: AwareDatetime
    revision: Annotated[int, Field(ge=1)] | None = None  # the item revision answered (v2)
    confidence: Literal["sure", "unsure", "guess"] | None = None  # how sure, if said (v3)


class AttemptData(_Model):
    uid: Uid
    pack_id: Annotated[str, Field(min_length=1, max_length=80)]
    mode: Annotated[str, Field(min_length=1, max_length=20)]
    seed: int
    form: list[dict[str, JsonValue]]
    started_at: AwareDatetime
    deadline: AwareDatetime | None
    finished_at: AwareDatetime | None
    pass_mark: float | None
    events: list[EventData]


class CardStateData(_Model):
    card_id: Annotated[str, Field(min_length=1, max_length=100)]
    state: dict[str, JsonValue]
    due: AwareDatetime
    updated_at: AwareDatetime


class ReviewData(_Model):
    uid: Uid
    card_id: Annotated[str, Field(min_length=1, max_length=100)]
    rating: int
    reviewed_at: AwareDatetime
    duration_ms: int | None


class OutcomeData(_Model):
    uid: Uid
    pack_id: Annotated[str, Field(min_length=1, max_length=80)]
    result: Literal["pass", "fail"]
    exam_date: dt.date
    section_feedback: dict[str, Annotated[str, Field(max_length=40)]] | None
    recorded_at: AwareDatetime


class ProgressFile(_Model):
    """Versions 1-4 of the progress file (2 adds `revision`, 3 `confidence` to events, 4
    `outcomes`)."""

    format: Literal["examprep-progress"]
    version: Literal[1, 2, 3, 4]
    learner: LearnerData
    settings: list[SettingData]
    attempts: list[AttemptData]
    card_states: list[CardStateData]
    review_logs: list[ReviewData]
    outcomes: list[OutcomeData] = Field(default_factory=list)  # version 3
    sha256: str


@dataclass(frozen=True)
class ProgressReport:
    """What an export wrote or an import added (and found already there)."""

    path: Path
    learner: str
    attempts: int = 0
    events: int = 0
    reviews: int = 0
    card_states: int = 0
    settings: int = 0
    outcomes: int = 0
    already_there: dict[str, int] = field(default_factory=dict)


def checksum(body: dict[str, Any]) -> str:
    """sha256 of the canonical JSON of everything but the checksum itself."""
    data = {k: v for k, v in body.items() if k != "sha256"}
    canonical = json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(canonical.encode()).hexdigest()


def _attempts(session: Session, lid: int) -> list[AttemptData]:
    events: dict[int, list[EventData]] = {}
    for e in learner_events(session, lid):
        events.setdefault(e.attempt_id, []).append(
            EventData(uid=e.uid, position=e.position, item_id=e.item_id, event=e.event,
                      choice=e.choice, correct=e.correct, elapsed_ms=e.elapsed_ms,
                      at=e.answered_at,
                      revision=(e.revision or 1) if e.event == "answer" else e.revision,
                      confidence=e.confidence)
        )  # fmt: skip
    return [
        AttemptData(uid=a.uid, pack_id=a.pack_id, mode=a.mode, seed=a.seed, form=a.form,
                    started_at=a.started_at, deadline=a.deadline, finished_at=a.finished_at,
                    pass_mark=a.pass_mark, events=events.get(a.id, []))
        for a in learner_attempts(session, lid)
    ]  # fmt: skip


def _document(ctx: Context, session: Session) -> dict[str, Any]:
    """The progress file as JSON data, validated by the same models the importer uses."""
    learner = get_or_create_learner(session, ctx.learner, ctx.now())  # new: a valid empty file
    document = ProgressFile(
        format=FORMAT,
        version=VERSION,
        learner=LearnerData(name=learner.name, display_name=learner.display_name,
                            created_at=learner.created_at),
        settings=[SettingData(key=s.key, value=s.value, updated_at=s.updated_at)
                  for s in learner_settings(session, learner.id)],
        attempts=_attempts(session, learner.id),
        card_states=[CardStateData(card_id=c.card_id, state=c.state, due=c.due,
                                   updated_at=c.updated_at)
                     for c in learner_card_states(session, learner.id)],
        review_logs=[ReviewData(uid=r.uid, card_id=r.card_id, rating=r.rating,
                                reviewed_at=r.reviewed_at, duration_ms=r.duration_ms)
                     for r in review_logs(session, learner.id)],
        outcomes=[OutcomeData(uid=o.uid, pack_id=o.pack_id, result="pass" if o.passed else "fail",
                              exam_date=o.exam_date, section_feedback=o.section_feedback,
                              recorded_at=o.recorded_at)
                  for o in outcome_rows(session, learner_id=learner.id)],
        sha256="",
    )  # fmt: skip
    body = document.model_dump(mode="json")
    body["sha256"] = checksum(body)
    return body


def progress_text(ctx: Context) -> str:
    """The learner's progress file as text (the same data always gives the same text)."""
    with ctx.transaction() as session:
        body = _document(ctx, session)
    return json.dumps(body, indent=2, ensure_ascii=False) + "\n"


def export_progress(ctx: Context, path: Path) -> ProgressReport:
    """Write everything the learner has done to a versioned JSON file."""
    text = progress_text(ctx)
    body = json.loads(text)
    write_atomically(path, lambda tmp: tmp.write_text(text, encoding="utf-8"))
    return ProgressReport(
        path=path,
        learner=ctx.learner,
        attempts=len(body["attempts"]),
        events=sum(len(a["events"]) for a in body["attempts"]),
        reviews=len(body["review_logs"]),
        card_states=len(body["card_states"]),
        settings=len(body["settings"]),
        outcomes=len(body["outcomes"]),
    )


def read_progress(path: Path) -> ProgressFile:
    """Parse and check a progress file; refuse truncated, corrupt and future-version files."""
    try:
        raw = path.expanduser().read_bytes()
    except FileNotFoundError:
        raise NotFound(f"no progress file at {path}") from None
    except OSError as exc:
        raise InvalidInput(f"cannot read {path}: {exc.strerror}") from None
    try:
        body = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise InvalidInput(
            f"{path} is not a complete progress file (truncated or corrupt: {exc}); "
            "nothing was imported"
        ) from None
    if not isinstance(body, dict) or body.get("format") != FORMAT:
        raise InvalidInput(f"{path} is not an examprep progress file; nothing was imported")
    version = body.get("version")
    if isinstance(version, int) and not isinstance(version, bool) and version > VERSION:
        raise InvalidInput(
            f"{path} uses progress format version {version}, newer than this examprep reads "
            f"(up to {VERSION}); upgrade examprep (pip install -U examprep). Nothing was imported."
        )
    if body.get("sha256") != checksum(body):
        raise InvalidInput(
            f"{path} is corrupt or was edited: its checksum does not match; nothing was imported"
        )
    try:
        document = ProgressFile.model_validate(body)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"])
        raise InvalidInput(
            f"{path} is not a valid progress file ({where}: {first['msg']}); nothing was imported"
        ) from None
    _check_unique(path, document)
    return document


def _check_unique(path: Path, document: ProgressFile) -> None:
    groups = {
        "attempt": [a.uid for a in document.attempts],
        "response": [e.uid for a in document.attempts for e in a.events],
        "review log": [r.uid for r in document.review_logs],
        "card state": [c.card_id for c in document.card_states],
        "setting": [s.key for s in document.settings],
        "reported result": [o.uid for o in document.outcomes],
    }
    for name, keys in groups.items():
        if len(keys) != len(set(keys)):
            raise InvalidInput(f"{path} lists a {name} twice; nothing was imported")


def import_progress(ctx: Context, path: Path) -> ProgressReport:
    """Merge a progress file into the current learner's data, all or nothing (one transaction)."""
    document = read_progress(path)
    with ctx.transaction() as session:
        lid = _learner_for(ctx, session, document.learner)
        counts = _merge_attempts(session, lid, document.attempts, path)
        counts |= _merge_reviews(session, lid, document.review_logs, path)
        counts |= _merge_states(session, lid, document)
        counts |= _merge_outcomes(session, lid, document.outcomes, path)
    added = {k: v for k, v in counts.items() if not k.startswith("known ")}
    return ProgressReport(
        path=path,
        learner=ctx.learner,
        attempts=added["attempts"],
        events=added["events"],
        reviews=added["reviews"],
        card_states=added["card_states"],
        settings=added["settings"],
        outcomes=added["outcomes"],
        already_there={k[6:]: v for k, v in counts.items() if k.startswith("known ") and v},
    )


def _learner_for(ctx: Context, session: Session, data: LearnerData) -> int:
    row = find_learner(session, ctx.learner)
    if row is None:
        row = create_learner(session, ctx.learner, data.display_name, data.created_at)
    return row.id


def _foreign(path: Path, what: str, uid: str) -> Conflict:
    return Conflict(
        f"{path}: {what} {uid} belongs to another learner in this database "
        "(import the file as that learner with EXAMPREP_LEARNER); nothing was imported"
    )


def _merge_attempts(
    session: Session, lid: int, attempts: list[AttemptData], path: Path
) -> dict[str, int]:
    known = attempts_by_uid(session, [a.uid for a in attempts])
    owners = response_owners(session, [e.uid for a in attempts for e in a.events])
    counts = {"attempts": 0, "events": 0, "known attempts": 0, "known events": 0}
    for data in attempts:
        row = known.get(data.uid)
        if row is not None and row.learner_id != lid:
            raise _foreign(path, "attempt", data.uid)
        if row is None:
            fields = data.model_dump(exclude={"events"})
            row = add_attempt(session, lid, fields)
            counts["attempts"] += 1
        else:
            counts["known attempts"] += 1
            if row.finished_at is None and data.finished_at is not None:
                row.finished_at = data.finished_at  # a submission made on the other machine
        fresh = []
        for event in data.events:
            owner = owners.get(event.uid)
            if owner is not None and owner != lid:
                raise _foreign(path, "response", event.uid)
            if owner is None:
                fields = event.model_dump(exclude={"at"}) | {"answered_at": event.at}
                if event.event == "answer" and event.revision is None:
                    fields["revision"] = 1  # a version 1 file: answers from before revisions
                fresh.append(fields)
        add_events(session, row, fresh)
        counts["events"] += len(fresh)
        counts["known events"] += len(data.events) - len(fresh)
    return counts


def _merge_reviews(
    session: Session, lid: int, logs: list[ReviewData], path: Path
) -> dict[str, int]:
    owners = review_owners(session, [r.uid for r in logs])
    foreign = next((uid for uid, owner in owners.items() if owner != lid), None)
    if foreign is not None:
        raise _foreign(path, "review log", foreign)
    fresh = [r.model_dump() for r in logs if r.uid not in owners]
    add_review_logs(session, lid, fresh)
    return {"reviews": len(fresh), "known reviews": len(logs) - len(fresh)}


def _merge_outcomes(
    session: Session, lid: int, outcomes: list[OutcomeData], path: Path
) -> dict[str, int]:
    """Reported results are matched by uid, like answers: missing ones are appended."""
    owners = outcome_owners(session, [o.uid for o in outcomes])
    foreign = next((uid for uid, owner in owners.items() if owner != lid), None)
    if foreign is not None:
        raise _foreign(path, "reported result", foreign)
    fresh = [o for o in outcomes if o.uid not in owners]
    for o in fresh:
        add_outcome(session, lid, o.pack_id, o.result == "pass", o.exam_date,
                    o.section_feedback, o.recorded_at, uid=o.uid)  # fmt: skip
    return {"outcomes": len(fresh), "known outcomes": len(outcomes) - len(fresh)}


def _merge_states(session: Session, lid: int, document: ProgressFile) -> dict[str, int]:
    """Card states and settings: the newer of the stored and the imported value wins."""
    for card in document.card_states:
        put_card_state_at(session, lid, card.card_id, card.state, card.due, card.updated_at)
    for setting in document.settings:
        put_setting_at(session, lid, setting.key, setting.value, setting.updated_at)
    return {"card_states": len(document.card_states), "settings": len(document.settings)}
