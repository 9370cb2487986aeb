"""Use cases. Services own transactions and are the only callers of `store`."""

from examprep.services.accounts import (
    Account,
    add_user,
    authenticate,
    change_password,
    disable_user,
    find_account,
    list_users,
    set_password,
)
from examprep.services.adaptive import Step, next_question, start_adaptive
from examprep.services.adaptive import finish as finish_adaptive
from examprep.services.backup import BackupReport, backup_database
from examprep.services.calibration import (
    CalibrationReport,
    ImportReport,
    calibrate_bank,
    import_responses,
)
from examprep.services.cards import CardView, due_reviews, grade
from examprep.services.cohort import Cohort, cohort, learner_history, learner_result
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
from examprep.services.exports import ExportReport, export_anki, export_gift
from examprep.services.guide import GuideReport, export_guide
from examprep.services.learners import LearnerConfig, get_config, set_config
from examprep.services.library import (
    BulletMaterial,
    CardPage,
    QuestionPage,
    TablePage,
    bullet_materials,
    card_page,
    question_page,
    table_page,
)
from examprep.services.names import NameView, find_names
from examprep.services.notes import NoteView, SectionContents, find_notes, notes_contents
from examprep.services.overview import Overview, overview
from examprep.services.packs import (
    CheckReport,
    check_pack,
    load_pack_for,
    pack_stats,
    panel_sheet,
    record_panel,
)
from examprep.services.practice import PracticeFilter, feedback, start_practice
from examprep.services.progress import ProgressReport, export_progress, import_progress
from examprep.services.qti import export_qti
from examprep.services.readiness import ReadinessReport, StudyTip, readiness_report
from examprep.services.results import history, latest_finished, result, submit
from examprep.services.search import search
from examprep.services.study import StudySummary, study_summary
from examprep.services.web_sessions import (
    end_session,
    end_sessions,
    session_account,
    start_session,
)

__all__ = [
    "Account",
    "BackupReport",
    "BulletMaterial",
    "CalibrationReport",
    "CardPage",
    "CardView",
    "CheckReport",
    "Cohort",
    "Context",
    "ExportReport",
    "GuideReport",
    "ImportReport",
    "LearnerConfig",
    "NameView",
    "NoteView",
    "Overview",
    "PracticeFilter",
    "ProgressReport",
    "QuestionPage",
    "ReadinessReport",
    "SectionContents",
    "Step",
    "StudySummary",
    "StudyTip",
    "TablePage",
    "UpgradeResult",
    "add_user",
    "answer",
    "authenticate",
    "backup_database",
    "bullet_materials",
    "calibrate_bank",
    "card_page",
    "change_password",
    "check_pack",
    "cohort",
    "disable_user",
    "due_reviews",
    "end_session",
    "end_sessions",
    "expired_exams",
    "export_anki",
    "export_gift",
    "export_guide",
    "export_progress",
    "export_qti",
    "feedback",
    "find_account",
    "find_names",
    "find_notes",
    "finish_adaptive",
    "flag",
    "get_attempt",
    "get_config",
    "grade",
    "history",
    "import_progress",
    "import_responses",
    "latest_finished",
    "learner_history",
    "learner_result",
    "list_users",
    "load_pack_for",
    "next_question",
    "notes_contents",
    "open_context",
    "overview",
    "pack_stats",
    "panel_sheet",
    "question_page",
    "readiness_report",
    "record_panel",
    "result",
    "resumable_exam",
    "search",
    "session_account",
    "set_config",
    "set_password",
    "start_adaptive",
    "start_exam",
    "start_practice",
    "start_session",
    "study_summary",
    "submit",
    "table_page",
    "upgrade_database",
    "visit",
]
