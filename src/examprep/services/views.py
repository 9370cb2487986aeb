"""What services hand to the CLI and web: plain frozen dataclasses, never ORM rows."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field


@dataclass(frozen=True)
class OptionView:
    key: str  # the letter shown in this attempt
    text: str


@dataclass(frozen=True)
class QuestionView:
    position: int
    id: str
    section: str
    bullet: str
    kind: str  # single | multi
    choose: int
    stem: str
    options: list[OptionView]

    def to_json(self) -> dict[str, object]:
        return {
            "position": self.position,
            "id": self.id,
            "section": self.section,
            "bullet": self.bullet,
            "kind": self.kind,
            "choose": self.choose,
            "stem": self.stem,
            "options": [{"key": o.key, "text": o.text} for o in self.options],
        }


@dataclass(frozen=True)
class AttemptView:
    attempt: int
    mode: str
    pack_id: str
    status: str  # open | expired | finished
    started_at: dt.datetime
    deadline: dt.datetime | None
    finished_at: dt.datetime | None
    questions: list[QuestionView]
    answers: dict[int, str] = field(default_factory=dict)  # position -> shown letters "A,C"
    flags: frozenset[int] = frozenset()
    remaining_seconds: float | None = None
    asks_confidence: bool = False  # the learner's setting asks "how sure?" in this mode

    @property
    def unanswered(self) -> list[int]:
        return [q.position for q in self.questions if q.position not in self.answers]

    def to_json(self) -> dict[str, object]:
        return {
            "attempt": self.attempt,
            "mode": self.mode,
            "status": self.status,
            "started_at": self.started_at.isoformat(),
            "deadline": self.deadline.isoformat() if self.deadline else None,
            "remaining_seconds": None
            if self.remaining_seconds is None
            else round(self.remaining_seconds),
            "answers": {str(p): a for p, a in sorted(self.answers.items())},
            "flags": sorted(self.flags),
            "asks_confidence": self.asks_confidence,
            "questions": [q.to_json() for q in self.questions],
        }


@dataclass(frozen=True)
class ExplainedOption:
    key: str
    text: str
    correct: bool
    chosen: bool
    why: str


@dataclass(frozen=True)
class Feedback:
    """Immediate feedback on a practice answer (and the body of a review screen)."""

    position: int
    id: str
    stem: str
    kind: str
    chosen: str
    key: str
    correct: bool
    options: list[ExplainedOption]
    sources: list[str]
    bullet: str
    section: str
    seconds: float = 0.0
    flagged: bool = False

    def to_json(self) -> dict[str, object]:
        return {
            "position": self.position,
            "id": self.id,
            "section": self.section,
            "bullet": self.bullet,
            "chosen": self.chosen,
            "key": self.key,
            "correct": self.correct,
            "seconds": round(self.seconds, 1),
            "flagged": self.flagged,
            "options": [
                {
                    "key": o.key,
                    "text": o.text,
                    "correct": o.correct,
                    "chosen": o.chosen,
                    "why": o.why,
                }
                for o in self.options
            ],
            "sources": self.sources,
        }


@dataclass(frozen=True)
class ScoreLine:
    id: str
    title: str
    correct: int
    total: int

    @property
    def share(self) -> float:
        return self.correct / self.total if self.total else 0.0


@dataclass(frozen=True)
class PastScore:
    attempt: int
    finished_at: dt.datetime
    correct: int
    total: int

    @property
    def score(self) -> float:
        return self.correct / self.total if self.total else 0.0


@dataclass(frozen=True)
class ExamResult:
    """A closed attempt, scored: an exam over every question (unanswered = wrong), other
    sessions over the questions answered (a session with none is "not finished", unscored)."""

    attempt: int
    mode: str
    started_at: dt.datetime
    finished_at: dt.datetime
    correct: int
    total: int  # questions the score is out of (exam: the form; other modes: those answered)
    pass_mark: float
    pass_mark_note: str
    sections: list[ScoreLine]
    bullets: list[ScoreLine]
    weakest: list[ScoreLine]
    questions: list[Feedback]
    previous: list[PastScore]
    completion: str = "finished"  # finished | not finished

    @property
    def asked(self) -> int:
        return len(self.questions)

    @property
    def answered(self) -> int:
        return sum(1 for q in self.questions if q.chosen)

    @property
    def score(self) -> float | None:
        return self.correct / self.total if self.total else None

    @property
    def above_assumed_pass_mark(self) -> bool | None:
        """Only an exam is compared with the pass mark; None for other sessions."""
        if self.mode != "exam" or self.score is None:
            return None
        return self.score >= self.pass_mark

    def to_json(self) -> dict[str, object]:
        return {
            "attempt": self.attempt,
            "mode": self.mode,
            "completion": self.completion,
            "started_at": self.started_at.isoformat(),
            "finished_at": self.finished_at.isoformat(),
            "correct": self.correct,
            "total": self.total,
            "asked": self.asked,
            "answered": self.answered,
            "score": None if self.score is None else round(self.score, 4),
            "pass_mark_assumption": {
                "pass_mark": self.pass_mark,
                "note": self.pass_mark_note,
                "at_or_above": self.above_assumed_pass_mark,
            },
            "sections": {
                s.id: {"title": s.title, "correct": s.correct, "total": s.total}
                for s in self.sections
            },
            "bullets": {b.id: {"correct": b.correct, "total": b.total} for b in self.bullets},
            "weakest_bullets": [b.id for b in self.weakest],
            "questions": [
                {
                    "position": q.position,
                    "id": q.id,
                    "section": q.section,
                    "chosen": q.chosen,
                    "key": q.key,
                    "correct": q.correct,
                    "seconds": round(q.seconds, 1),
                    "flagged": q.flagged,
                }
                for q in self.questions
            ],
            "previous": [
                {
                    "attempt": p.attempt,
                    "finished_at": p.finished_at.isoformat(),
                    "correct": p.correct,
                    "total": p.total,
                    "score": round(p.score, 4),
                }
                for p in self.previous
            ],
        }


@dataclass(frozen=True)
class HistoryLine:
    """One attempt in the history. An open exam shows no score; a session without answers
    is "not finished" and shows none either."""

    attempt: int
    mode: str
    started_at: dt.datetime
    finished_at: dt.datetime | None
    status: str  # open | expired | finished (where the attempt's link goes)
    correct: int | None  # None: no score to show (an exam in progress, nothing answered)
    total: int  # questions the score is out of (exam: the form; other modes: those answered)
    sections: dict[str, tuple[int, int]]
    completion: str = "finished"  # in progress | not finished | finished
    asked: int = 0
    answered: int = 0

    @property
    def score(self) -> float | None:
        return None if self.correct is None or not self.total else self.correct / self.total
