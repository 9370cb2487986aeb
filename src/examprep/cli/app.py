"""The root Typer app and its command groups.

The lazy boundary of the command line: `COMMANDS` names the module of each command, and a
process builds the root app with only the command it runs (`build(only=...)`), so a command
imports its own module and what that depends on, not every other command's. `--help`, a
mistyped command and `app` (tests, documentation) have every command.
"""

from __future__ import annotations

import importlib
from typing import Annotated

import typer

from examprep import __version__
from examprep.cli import status

PRACTISE, PROGRESS, LEARN, DATA, ADMIN = (
    "Practise",
    "Your progress",
    "Learn",
    "Your data and other tools",
    "Packs, database, server",
)

# command -> (module in examprep.cli, its function or Typer group, help panel), in help order
COMMANDS: dict[str, tuple[str, str, str]] = {
    "study": ("sessions", "study", PRACTISE),
    "exam": ("exam", "app", PRACTISE),
    "practice": ("study", "practice", PRACTISE),
    "diagnose": ("sessions", "diagnose", PRACTISE),
    "cards": ("sessions", "cards", PRACTISE),
    "review": ("study", "review", PRACTISE),
    "readiness": ("model", "readiness", PROGRESS),
    "history": ("study", "history", PROGRESS),
    "config": ("config", "config", PROGRESS),
    "outcome": ("outcome", "outcome", PROGRESS),
    "notes": ("notes", "notes", LEARN),
    "search": ("search", "search", LEARN),
    "names": ("notes", "names", LEARN),
    "advise": ("advisor", "advise", LEARN),
    "export": ("export", "app", DATA),
    "import": ("export", "import_app", DATA),
    "backup": ("export", "backup", DATA),
    "calibrate": ("model", "calibrate", ADMIN),
    "pack": ("pack", "app", ADMIN),
    "db": ("db", "app", ADMIN),
    "serve": ("serve", "serve", ADMIN),
    "user": ("users", "app", ADMIN),
}


def _version(value: bool) -> None:
    if value:
        typer.echo(f"examprep {__version__}")
        raise typer.Exit()


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


def build(only: str | None = None) -> typer.Typer:
    """The root app with every command, or with only the command `only` (one of `COMMANDS`)."""
    app = typer.Typer(
        name="examprep",
        help="Prepare for a certification exam: notes, mock exams, readiness and spaced "
        "repetition.",
        no_args_is_help=False,
        add_completion=False,
        pretty_exceptions_enable=False,
        rich_markup_mode="rich",
    )
    app.callback(invoke_without_command=True)(root)
    for name, (module, attribute, panel) in COMMANDS.items():
        if only is not None and name != only:
            continue
        target = getattr(importlib.import_module(f"examprep.cli.{module}"), attribute)
        if isinstance(target, typer.Typer):
            app.add_typer(target, name=name, rich_help_panel=panel)
        else:
            app.command(name, rich_help_panel=panel)(target)
    return app


def __getattr__(name: str) -> typer.Typer:
    if name == "app":  # every command, built on first use
        app = globals()["app"] = build()
        return app
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
