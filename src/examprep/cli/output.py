"""Shared CLI plumbing: consoles, JSON output, and turning expected errors into exit code 2."""

from __future__ import annotations

import contextlib
import functools
import json
import sys
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Any, ParamSpec, TypeVar

import typer
from rich.console import Console
from rich.markup import escape

from examprep import services
from examprep.engine.metacognition import parse_confidence
from examprep.errors import ExamprepError

if TYPE_CHECKING:
    from examprep.services.context import Context

P = ParamSpec("P")
R = TypeVar("R")

USAGE_ERROR = 2


def console() -> Console:
    """Standard output. Piped or redirected, lines are not wrapped at 80 columns mid-sentence."""
    return _console(stderr=False)


def err_console() -> Console:
    return _console(stderr=True)


def _console(stderr: bool) -> Console:
    stream = sys.stderr if stderr else sys.stdout
    soft_wrap = not stream.isatty()
    return Console(stderr=stderr, highlight=False, soft_wrap=soft_wrap)


CONFIDENCE_PROMPT = "How sure? 1 sure, 2 unsure, 3 guess, Enter to skip: "


def ask_confidence(out: Console) -> str | None:
    """How sure the learner is of the answer they are giving (one key); None when skipped."""
    while True:
        try:
            reply = out.input(CONFIDENCE_PROMPT)
        except (EOFError, KeyboardInterrupt):
            return None
        try:
            return parse_confidence(reply)
        except ValueError as exc:
            out.print(f"[red]{exc}[/]")


def print_json(data: Any) -> None:
    """Write `data` as JSON on stdout (stable key order as given)."""
    sys.stdout.write(json.dumps(data, indent=2, ensure_ascii=False, default=str) + "\n")


def fail(message: str) -> typer.Exit:
    """Print `message` as an error and return the Exit to raise (code 2)."""
    err_console().print(f"[bold red]error:[/] {escape(message)}", soft_wrap=True)
    return typer.Exit(USAGE_ERROR)


def handles_errors(fn: Callable[P, R]) -> Callable[P, R]:
    """Decorate a command so an ExamprepError prints a clear message and exits with code 2."""

    @functools.wraps(fn)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        try:
            return fn(*args, **kwargs)
        except ExamprepError as exc:
            raise fail(str(exc)) from None

    return wrapper


@contextlib.contextmanager
def context() -> Iterator[Context]:
    """The services context for one command (settings from the environment), closed after it."""
    ctx = services.open_context()
    try:
        yield ctx
    finally:
        ctx.close()
