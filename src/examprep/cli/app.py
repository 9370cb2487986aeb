"""The root Typer app and its command groups."""

from __future__ import annotations

from typing import Annotated

import typer

from examprep import __version__
from examprep.cli import (
    advisor,
    config,
    db,
    exam,
    export,
    guide,
    model,
    notes,
    outcome,
    pack,
    search,
    serve,
    sessions,
    status,
    study,
    users,
)

app = typer.Typer(
    name="examprep",
    help="Prepare for a certification exam: notes, mock exams, readiness and spaced repetition.",
    no_args_is_help=False,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode="rich",
)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"examprep {__version__}")
        raise typer.Exit()


@app.callback(invoke_without_command=True)
def root(
    ctx: typer.Context,
    version: Annotated[
        bool,
        typer.Option(
            "--version", help="Show the version and exit.", callback=_version, is_eager=True
        ),
    ] = False,
) -> None:
    """Prepare for a certification exam: notes, mock exams, readiness and spaced repetition.

    Run without a command for an overview of the pack and your progress.
    """
    if ctx.invoked_subcommand is None:
        status.overview()


PRACTISE, PROGRESS, LEARN, DATA, ADMIN = (
    "Practise",
    "Your progress",
    "Learn",
    "Your data and other tools",
    "Packs, database, server",
)

app.command("study", rich_help_panel=PRACTISE)(sessions.study)
app.add_typer(exam.app, name="exam", rich_help_panel=PRACTISE)
app.command("practice", rich_help_panel=PRACTISE)(study.practice)
app.command("diagnose", rich_help_panel=PRACTISE)(sessions.diagnose)
app.command("cards", rich_help_panel=PRACTISE)(sessions.cards)
app.command("review", rich_help_panel=PRACTISE)(study.review)
app.command("readiness", rich_help_panel=PROGRESS)(model.readiness)
app.command("history", rich_help_panel=PROGRESS)(study.history)
app.command("config", rich_help_panel=PROGRESS)(config.config)
app.command("outcome", rich_help_panel=PROGRESS)(outcome.outcome)
app.command("notes", rich_help_panel=LEARN)(notes.notes)
app.command("search", rich_help_panel=LEARN)(search.search)
app.command("names", rich_help_panel=LEARN)(notes.names)
app.command("advise", rich_help_panel=LEARN)(advisor.advise)
app.add_typer(export.app, name="export", rich_help_panel=DATA)
export.app.command("guide")(guide.guide)
app.add_typer(model.import_app, name="import", rich_help_panel=DATA)
app.command("backup", rich_help_panel=DATA)(export.backup)
app.command("calibrate", rich_help_panel=ADMIN)(model.calibrate)
app.add_typer(pack.app, name="pack", rich_help_panel=ADMIN)
app.add_typer(db.app, name="db", rich_help_panel=ADMIN)
app.command("serve", rich_help_panel=ADMIN)(serve.serve)
app.add_typer(users.app, name="user", rich_help_panel=ADMIN)
