"""Use cases. Services own transactions and are the only callers of `store`.

The package re-exports every use case, resolved on first use (PEP 562): `services.answer` imports
`services.exams` and what it depends on, and nothing else. This is where the cost of a command
is decided: `notes` and `search` never import numpy or SQLAlchemy, because their modules don't.
"""

from __future__ import annotations

import importlib
import sys
from types import ModuleType
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
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
    from examprep.services.context import Context, load_pack_for, open_context
    from examprep.services.database import UpgradeResult, upgrade_database
    from examprep.services.exams import (
        answer,
        answer_and_show,
        expired_exams,
        flag,
        get_attempt,
        resumable_exam,
        show_question,
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
    from examprep.services.metacognition import metacognition
    from examprep.services.names import NameView, find_names
    from examprep.services.notes import NoteView, SectionContents, find_notes, notes_contents
    from examprep.services.outcomes import ReportedOutcome, my_outcomes, record_outcome
    from examprep.services.overview import Overview, overview
    from examprep.services.packs import (
        CheckReport,
        check_pack,
        link_notes,
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

_HOMES: dict[str, tuple[str, str]] = {
    "Account": ("accounts", "Account"),
    "add_user": ("accounts", "add_user"),
    "authenticate": ("accounts", "authenticate"),
    "disable_user": ("accounts", "disable_user"),
    "find_account": ("accounts", "find_account"),
    "list_users": ("accounts", "list_users"),
    "set_password": ("accounts", "set_password"),
    "show_question": ("exams", "show_question"),
    "Step": ("adaptive", "Step"),
    "finish_adaptive": ("adaptive", "finish"),
    "next_question": ("adaptive", "next_question"),
    "start_adaptive": ("adaptive", "start_adaptive"),
    "BackupReport": ("backup", "BackupReport"),
    "backup_database": ("backup", "backup_database"),
    "CalibrationReport": ("calibration", "CalibrationReport"),
    "ImportReport": ("calibration", "ImportReport"),
    "calibrate_bank": ("calibration", "calibrate_bank"),
    "import_responses": ("calibration", "import_responses"),
    "CardView": ("cards", "CardView"),
    "due_reviews": ("cards", "due_reviews"),
    "grade": ("cards", "grade"),
    "Cohort": ("cohort", "Cohort"),
    "cohort": ("cohort", "cohort"),
    "Context": ("context", "Context"),
    "open_context": ("context", "open_context"),
    "UpgradeResult": ("database", "UpgradeResult"),
    "upgrade_database": ("database", "upgrade_database"),
    "answer": ("exams", "answer"),
    "answer_and_show": ("exams", "answer_and_show"),
    "expired_exams": ("exams", "expired_exams"),
    "flag": ("exams", "flag"),
    "get_attempt": ("exams", "get_attempt"),
    "resumable_exam": ("exams", "resumable_exam"),
    "start_exam": ("exams", "start_exam"),
    "visit": ("exams", "visit"),
    "ExportReport": ("exports", "ExportReport"),
    "export_anki": ("exports", "export_anki"),
    "export_gift": ("exports", "export_gift"),
    "GuideReport": ("guide", "GuideReport"),
    "export_guide": ("guide", "export_guide"),
    "LearnerConfig": ("learners", "LearnerConfig"),
    "get_config": ("learners", "get_config"),
    "set_config": ("learners", "set_config"),
    "NameView": ("names", "NameView"),
    "find_names": ("names", "find_names"),
    "NoteView": ("notes", "NoteView"),
    "SectionContents": ("notes", "SectionContents"),
    "find_notes": ("notes", "find_notes"),
    "notes_contents": ("notes", "notes_contents"),
    "ReportedOutcome": ("outcomes", "ReportedOutcome"),
    "my_outcomes": ("outcomes", "my_outcomes"),
    "record_outcome": ("outcomes", "record_outcome"),
    "Overview": ("overview", "Overview"),
    "overview": ("overview", "overview"),
    "CheckReport": ("packs", "CheckReport"),
    "check_pack": ("packs", "check_pack"),
    "load_pack_for": ("context", "load_pack_for"),
    "pack_stats": ("packs", "pack_stats"),
    "panel_sheet": ("packs", "panel_sheet"),
    "record_panel": ("packs", "record_panel"),
    "PracticeFilter": ("practice", "PracticeFilter"),
    "feedback": ("practice", "feedback"),
    "start_practice": ("practice", "start_practice"),
    "ProgressReport": ("progress", "ProgressReport"),
    "export_progress": ("progress", "export_progress"),
    "import_progress": ("progress", "import_progress"),
    "export_qti": ("qti", "export_qti"),
    "ReadinessReport": ("readiness", "ReadinessReport"),
    "StudyTip": ("readiness", "StudyTip"),
    "readiness_report": ("readiness", "readiness_report"),
    "metacognition": ("metacognition", "metacognition"),
    "history": ("results", "history"),
    "latest_finished": ("results", "latest_finished"),
    "result": ("results", "result"),
    "submit": ("results", "submit"),
    "search": ("search", "search"),
    "link_notes": ("packs", "link_notes"),
    "StudySummary": ("study", "StudySummary"),
    "study_summary": ("study", "study_summary"),
    "change_password": ("accounts", "change_password"),
    "learner_history": ("cohort", "learner_history"),
    "learner_result": ("cohort", "learner_result"),
    "BulletMaterial": ("library", "BulletMaterial"),
    "CardPage": ("library", "CardPage"),
    "QuestionPage": ("library", "QuestionPage"),
    "TablePage": ("library", "TablePage"),
    "bullet_materials": ("library", "bullet_materials"),
    "card_page": ("library", "card_page"),
    "question_page": ("library", "question_page"),
    "table_page": ("library", "table_page"),
    "end_session": ("web_sessions", "end_session"),
    "end_sessions": ("web_sessions", "end_sessions"),
    "session_account": ("web_sessions", "session_account"),
    "start_session": ("web_sessions", "start_session"),
}

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
    "ReportedOutcome",
    "SectionContents",
    "Step",
    "StudySummary",
    "StudyTip",
    "TablePage",
    "UpgradeResult",
    "add_user",
    "answer",
    "answer_and_show",
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
    "link_notes",
    "list_users",
    "load_pack_for",
    "metacognition",
    "my_outcomes",
    "next_question",
    "notes_contents",
    "open_context",
    "overview",
    "pack_stats",
    "panel_sheet",
    "question_page",
    "readiness_report",
    "record_outcome",
    "record_panel",
    "result",
    "resumable_exam",
    "search",
    "session_account",
    "set_config",
    "set_password",
    "show_question",
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


def __getattr__(name: str) -> Any:
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module 'examprep.services' has no attribute {name!r}")
    value = getattr(importlib.import_module(f"examprep.services.{home[0]}"), home[1])
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *_HOMES})


class _Package(ModuleType):
    """Keeps a use case named like its module (`cohort`, `search`, `overview`) a use case.

    Importing a submodule binds it on the package; for those names the use case is bound
    instead, as an eager `from .cohort import cohort` in this file would have done.
    """

    def __setattr__(self, name: str, value: Any) -> None:
        home = _HOMES.get(name)
        if home is not None and isinstance(value, ModuleType) and home[0] == name:
            value = getattr(value, home[1])
        super().__setattr__(name, value)


sys.modules[__name__].__class__ = _Package
