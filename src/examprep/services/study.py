"""The end of the daily study session: P(pass) now, its change since last time, what next."""

from __future__ import annotations

from dataclasses import dataclass

from examprep.services.context import Context
from examprep.services.learners import learner_id
from examprep.services.readiness import StudyTip, readiness_report
from examprep.store.learners import get_setting, put_setting


@dataclass(frozen=True)
class StudySummary:
    p_pass: float | None  # None while there is too little evidence (see `withheld`)
    low: float
    high: float
    previous: float | None
    next_three: list[StudyTip]
    withheld: str | None = None
    assumes: str = ""  # what P(pass) assumes about the real exam, in one line


def study_summary(ctx: Context) -> StudySummary:
    """Compute readiness, compare it with the last session's, and remember it for next time."""
    report = readiness_report(ctx, history_points=0)
    shown = report.now.shown_p_pass
    with ctx.transaction() as session:
        lid = learner_id(ctx, session)
        previous = get_setting(session, lid, "last_p_pass")
        if shown is not None:
            put_setting(session, lid, "last_p_pass", round(shown, 6), ctx.now())
    return StudySummary(
        p_pass=shown,
        low=report.now.low,
        high=report.now.high,
        previous=float(previous) if isinstance(previous, int | float) else None,
        next_three=report.study_next[:3],
        withheld=report.withheld,
        assumes=report.now.assumes,
    )
