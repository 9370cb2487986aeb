"""Use cases. Services own transactions and are the only callers of `store`."""

from examprep.services.adaptive import Step, next_question, start_adaptive
from examprep.services.adaptive import finish as finish_adaptive
from examprep.services.calibration import (
    CalibrationReport,
    ImportReport,
    calibrate_bank,
    import_responses,
)
from examprep.services.cards import CardView, due_reviews, grade
from examprep.services.context import Context, open_context
from examprep.services.database import UpgradeResult, upgrade_database
from examprep.services.exams import (
    answer,
    expired_exams,
    flag,
    get_attempt,
    resumable_exam,
    start_exam,
    visit,
)
from examprep.services.learners import LearnerConfig, get_config, set_config
from examprep.services.overview import Overview, overview
from examprep.services.packs import CheckReport, check_pack, load_pack_for, pack_stats
from examprep.services.practice import PracticeFilter, feedback, start_practice
from examprep.services.readiness import ReadinessReport, StudyTip, readiness_report
from examprep.services.results import history, latest_finished, result, submit
from examprep.services.study import StudySummary, study_summary

__all__ = [
    "CalibrationReport",
    "CardView",
    "CheckReport",
    "Context",
    "ImportReport",
    "LearnerConfig",
    "Overview",
    "PracticeFilter",
    "ReadinessReport",
    "Step",
    "StudySummary",
    "StudyTip",
    "UpgradeResult",
    "answer",
    "calibrate_bank",
    "check_pack",
    "due_reviews",
    "expired_exams",
    "feedback",
    "finish_adaptive",
    "flag",
    "get_attempt",
    "get_config",
    "grade",
    "history",
    "import_responses",
    "latest_finished",
    "load_pack_for",
    "next_question",
    "open_context",
    "overview",
    "pack_stats",
    "readiness_report",
    "result",
    "resumable_exam",
    "set_config",
    "start_adaptive",
    "start_exam",
    "start_practice",
    "study_summary",
    "submit",
    "upgrade_database",
    "visit",
]
