"""`examprep db upgrade`: create or migrate the learner database."""

from __future__ import annotations

import typer

from examprep import services
from examprep.cli.output import console, handles_errors

app = typer.Typer(help="Manage the learner database.", no_args_is_help=True)


@app.command("upgrade")
@handles_errors
def upgrade() -> None:
    """Create the database, or migrate it to the newest schema (never downgrades)."""
    result = services.upgrade_database()
    if result.before == result.after:
        console().print(f"{result.where}: already at schema {result.after}")
    else:
        console().print(f"{result.where}: schema {result.before or 'empty'} -> {result.after}")
