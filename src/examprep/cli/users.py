"""`examprep user add|list|disable|passwd`: accounts for team mode (`examprep serve --host ...`)."""

from __future__ import annotations

import sys
from typing import Annotated

import typer

from examprep import services
from examprep.cli.output import console, context, handles_errors, print_json

app = typer.Typer(help="Accounts for team mode: add, list, disable, change passwords.")

PasswordStdin = Annotated[
    bool,
    typer.Option("--password-stdin", help="Read the password from standard input (scripts)."),
]


def _password(from_stdin: bool) -> str:
    if from_stdin:
        return sys.stdin.readline().rstrip("\n")
    return str(typer.prompt("Password", hide_input=True, confirmation_prompt=True))


@app.command("add")
@handles_errors
def add(
    name: Annotated[str, typer.Argument(help="User name (lower-case letters, digits, . _ -).")],
    role: Annotated[str, typer.Option("--role", help="learner or instructor.")] = "learner",
    password_stdin: PasswordStdin = False,
) -> None:
    """Add a user who can sign in to the web app (asks for the password twice)."""
    password = _password(password_stdin)
    with context() as ctx:
        account = services.add_user(ctx, name, password, role)
    console().print(f"added {account.name} ({account.role})")


@app.command("list")
@handles_errors
def list_(as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False) -> None:
    """List learners with their role and whether they can sign in."""
    with context() as ctx:
        accounts = services.list_users(ctx)
    if as_json:
        print_json([a.to_json() for a in accounts])
        return
    out = console()
    for a in accounts:
        state = "disabled" if a.disabled else ("can sign in" if a.has_password else "no password")
        out.print(f"{a.name:<24} {a.role:<11} {state}", highlight=False, markup=False)


@app.command("disable")
@handles_errors
def disable(
    name: Annotated[str, typer.Argument(help="User name.")],
    enable: Annotated[bool, typer.Option("--enable", help="Allow sign-ins again.")] = False,
) -> None:
    """Stop a user's sign-ins and end their sessions (--enable undoes it)."""
    with context() as ctx:
        account = services.disable_user(ctx, name, disabled=not enable)
    console().print(f"{account.name} {'disabled' if account.disabled else 'enabled'}")


@app.command("passwd")
@handles_errors
def passwd(
    name: Annotated[str, typer.Argument(help="User name.")],
    password_stdin: PasswordStdin = False,
) -> None:
    """Set a user's password; their open sessions end."""
    password = _password(password_stdin)
    with context() as ctx:
        services.set_password(ctx, name, password)
    console().print(f"password of {name} changed")
