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


app.add_typer(exam.app, name="exam")
app.command("practice")(study.practice)
app.command("review")(study.review)
app.command("history")(study.history)
app.command("config")(config.config)
app.command("readiness")(model.readiness)
app.command("calibrate")(model.calibrate)
app.command("diagnose")(sessions.diagnose)
app.command("study")(sessions.study)
app.command("cards")(sessions.cards)
app.command("advise")(advisor.advise)
app.command("notes")(notes.notes)
app.command("names")(notes.names)
app.command("search")(search.search)
app.add_typer(model.import_app, name="import")
app.add_typer(export.app, name="export")
export.app.command("guide")(guide.guide)
app.command("backup")(export.backup)
app.add_typer(pack.app, name="pack")
app.add_typer(db.app, name="db")
app.command("serve")(serve.serve)
app.add_typer(users.app, name="user")
