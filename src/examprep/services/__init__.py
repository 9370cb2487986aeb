"""Use cases. Services own transactions and are the only callers of `store`."""

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
from examprep.services.results import history, latest_finished, result, submit

__all__ = [
    "CheckReport",
    "Context",
    "LearnerConfig",
    "Overview",
    "PracticeFilter",
    "UpgradeResult",
    "answer",
    "check_pack",
    "expired_exams",
    "feedback",
    "flag",
    "get_attempt",
    "get_config",
    "history",
    "latest_finished",
    "load_pack_for",
    "open_context",
    "overview",
    "pack_stats",
    "result",
    "resumable_exam",
    "set_config",
    "start_exam",
    "start_practice",
    "submit",
    "upgrade_database",
    "visit",
]
