"""`examprep export ...`, `import progress` and `backup`: data in and out of other tools."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from examprep import services
from examprep.cli.guide import guide
from examprep.cli.model import import_app
from examprep.cli.output import console, context, handles_errors, print_json

if TYPE_CHECKING:
    from examprep.services.exports import ExportReport
    from examprep.services.progress import ProgressReport

app = typer.Typer(
    help="Export to Anki, Moodle or Canvas, your progress to a file, or the study guide.",
    no_args_is_help=True,
)

Output = Annotated[Path, typer.Option("--output", "-o", help="File to write.")]
Sections = Annotated[
    list[str] | None,
    typer.Option("--section", "-s", help="Only this section (S3); repeat for more."),
]
AsJson = Annotated[bool, typer.Option("--json", help="Print JSON.")]


def _report(report: ExportReport, what: str, as_json: bool) -> None:
    if as_json:
        print_json({"path": str(report.path), "cards": report.cards,
                    "questions": report.questions, "decks": report.decks})  # fmt: skip
        return
    parts = [f"{report.cards} flashcards"] if report.cards else []
    parts += [f"{report.questions} questions"] if report.questions else []
    console().print(f"Wrote {' and '.join(parts) or 'nothing'} to {report.path} ({what}).")


@app.command("anki")
@handles_errors
def anki(
    output: Output,
    section: Sections = None,
    questions: Annotated[
        bool, typer.Option("--questions", help="Add bank questions as multiple-choice notes.")
    ] = False,
    as_json: AsJson = False,
) -> None:
    """An Anki package (.apkg): a deck per section, sub-decks per subsection; re-import updates."""
    with context() as ctx:
        report = services.export_anki(ctx, output, section, questions)
    _report(report, "import it in Anki with File > Import", as_json)


@app.command("gift")
@handles_errors
def gift(output: Output, section: Sections = None, as_json: AsJson = False) -> None:
    """The question bank as Moodle GIFT text, one category per section."""
    with context() as ctx:
        report = services.export_gift(ctx, output, section)
    _report(report, "Moodle: Question bank > Import > GIFT format", as_json)


@app.command("qti")
@handles_errors
def qti(output: Output, section: Sections = None, as_json: AsJson = False) -> None:
    """The question bank as a QTI 2.1 package (.zip) for Canvas and other LMSs."""
    with context() as ctx:
        report = services.export_qti(ctx, output, section)
    _report(report, "Canvas: Settings > Import course content > QTI .zip file", as_json)


def _progress_json(report: ProgressReport) -> dict[str, object]:
    return {"path": str(report.path), "learner": report.learner, "attempts": report.attempts,
            "events": report.events, "reviews": report.reviews,
            "card_states": report.card_states, "settings": report.settings,
            "outcomes": report.outcomes, "already_there": report.already_there}  # fmt: skip


@app.command("progress")
@handles_errors
def progress(output: Output, as_json: AsJson = False) -> None:
    """Everything you have done (attempts, answers, reviews, settings, exam results) as JSON."""
    with context() as ctx:
        report = services.export_progress(ctx, output)
    if as_json:
        print_json(_progress_json(report))
        return
    console().print(
        f"Wrote the progress of {report.learner} to {report.path}: {report.attempts} attempts, "
        f"{report.events} response events, {report.reviews} reviews, "
        f"{report.card_states} card states, {report.settings} settings, "
        f"{report.outcomes} exam results."
    )


@import_app.command("progress")
@handles_errors
def import_progress(
    path: Annotated[Path, typer.Argument(help="A file written by `examprep export progress`.")],
    as_json: AsJson = False,
) -> None:
    """Merge a progress file into this database: nothing is duplicated, all or nothing."""
    with context() as ctx:
        report = services.import_progress(ctx, path)
    if as_json:
        print_json(_progress_json(report))
        return
    known = ", ".join(f"{n} {k}" for k, n in report.already_there.items())
    console().print(
        f"Imported into {report.learner}: {report.attempts} attempts, {report.events} response "
        f"events, {report.reviews} reviews; merged {report.card_states} card states and "
        f"{report.settings} settings; {report.outcomes} exam results."
        + (f" Already there: {known}." if known else "")
    )


@handles_errors
def backup(
    keep: Annotated[
        int, typer.Option("--keep", help="How many backups to keep (oldest removed first).")
    ] = 10,
    as_json: AsJson = False,
) -> None:
    """Copy the SQLite database into <data dir>/backups (PostgreSQL: use pg_dump)."""
    with context() as ctx:
        report = services.backup_database(ctx, keep)
    if as_json:
        print_json({"path": str(report.path), "pages": report.pages,
                    "kept": [str(p) for p in report.kept],
                    "removed": [str(p) for p in report.removed]})  # fmt: skip
        return
    out = console()
    out.print(f"Backed up the database to {report.path} ({len(report.kept)} backups kept).")
    for old in report.removed:
        out.print(f"removed {old}")


app.command("guide")(guide)
