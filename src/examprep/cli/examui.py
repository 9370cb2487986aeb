"""The interactive exam screen: one question at a time, keys to move, flag, review and submit."""

from __future__ import annotations

import contextlib
import signal
from collections.abc import Iterator, Sequence
from types import FrameType
from typing import TYPE_CHECKING

import typer
from rich.console import Console

from examprep import services
from examprep.cli.output import ask_confidence, console
from examprep.cli.screens import clock, print_screen, question_screen, result_screen, review_screen
from examprep.errors import ExamprepError
from examprep.services.views import AttemptView

if TYPE_CHECKING:
    from examprep.services.context import Context

HELP = (
    "[dim]letters answer (A or A,C) · Enter/n next · p previous · number go to · "
    "f flag · r review · s submit · q save and quit · ? help[/]"
)


class TimeUp(Exception):
    """Raised by the alarm when the exam's deadline passes while waiting for input."""


def _alarm(_signum: int, _frame: FrameType | None) -> None:
    raise TimeUp


@contextlib.contextmanager
def deadline_alarm(seconds: float | None) -> Iterator[None]:
    """Interrupt the prompt when the time runs out (Unix; elsewhere checked after each key)."""
    if seconds is None or not hasattr(signal, "setitimer"):
        yield
        return
    previous = signal.signal(signal.SIGALRM, _alarm)
    signal.setitimer(signal.ITIMER_REAL, max(seconds, 0.001))
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def _first_unanswered(view: AttemptView) -> int:
    return view.unanswered[0] if view.unanswered else 1


def _open(
    ctx: Context,
    out: Console,
    *,
    questions: int | None,
    minutes: int | None,
    seed: int | None,
    sections: Sequence[str] | None,
    resume: bool,
) -> AttemptView:
    for attempt_id in services.expired_exams(ctx):
        done = services.result(ctx, attempt_id)
        out.print(
            f"Exam {attempt_id} ran out of time and was submitted at its deadline: "
            f"{done.correct}/{done.total}. See `examprep review {attempt_id}`."
        )
    view = services.resumable_exam(ctx)
    if view is not None:
        if resume:
            return view
        answered = f"{len(view.answers)}/{len(view.questions)} answered"
        reply = out.input(
            f"Exam {view.attempt} is unfinished ({answered}, {_clock(view)}). Resume it? [Y/n] "
        )
        if reply.strip().lower() in {"", "y", "yes"}:
            return view
        services.submit(ctx, view.attempt)
        out.print(f"Exam {view.attempt} submitted as it was.")
    elif resume:
        raise typer.BadParameter("there is no unfinished exam to resume", param_hint="--resume")
    return services.start_exam(
        ctx, questions=questions, seed=seed, minutes=minutes, sections=sections
    )


def _clock(view: AttemptView) -> str:
    return clock(view.remaining_seconds)


def run_exam(
    ctx: Context,
    *,
    questions: int | None = None,
    minutes: int | None = None,
    seed: int | None = None,
    sections: Sequence[str] | None = None,
    resume: bool = False,
) -> None:
    """Run the interactive exam until it is submitted, the time runs out, or the learner quits."""
    out = console()
    view = _open(
        ctx, out, questions=questions, minutes=minutes, seed=seed, sections=sections, resume=resume
    )
    attempt = view.attempt
    position = _first_unanswered(view)
    rate = services.get_config(ctx).asks_confidence("exam")
    services.visit(ctx, attempt, position)
    try:
        while True:
            view = services.get_attempt(ctx, attempt)
            if view.status != "open":
                break
            remaining = view.remaining_seconds
            print_screen(out, question_screen(view, view.questions[position - 1], remaining), True)
            out.print(HELP)
            with deadline_alarm(remaining):
                command = out.input("> ").strip()
            moved = _handle(ctx, out, view, position, command, rate)
            if moved == 0:
                break
            if moved != position:
                position = moved
                services.visit(ctx, attempt, position)
    except TimeUp:
        out.print("\n[bold]Time is up.[/] Your answers were saved; submitting.")
    except (KeyboardInterrupt, EOFError):
        out.print(
            f"\nSaved. Resume with [bold]examprep exam --resume[/] (attempt {attempt}); "
            "the clock keeps running."
        )
        raise typer.Exit(130) from None
    final = services.get_attempt(ctx, attempt)
    done = (
        services.submit(ctx, attempt)
        if final.finished_at is None
        else services.result(ctx, attempt)
    )
    out.print(result_screen(done))
    out.print(f"Walk through every question: [bold]examprep review {attempt}[/]")


def _handle(
    ctx: Context, out: Console, view: AttemptView, position: int, command: str, rate: bool
) -> int:
    """Carry out one command; return the next position, or 0 to submit."""
    last = len(view.questions)
    word = command.lower()
    if word in {"", "n"}:
        return min(position + 1, last)
    if word == "p":
        return max(position - 1, 1)
    if word.isdigit():
        target = int(word)
        if 1 <= target <= last:
            return target
        out.print(f"[red]There is no question {target} (1-{last}).[/]")
        return position
    if word == "f":
        services.flag(ctx, view.attempt, position, on=position not in view.flags)
        return position
    if word == "r":
        out.print(review_screen(view))
        out.input("Enter to go back ")
        return position
    if word == "s":
        out.print(review_screen(view))
        unanswered = len(view.unanswered)
        warn = f" {unanswered} unanswered." if unanswered else ""
        return (
            0
            if out.input(f"Submit now?{warn} [y/N] ").strip().lower() in {"y", "yes"}
            else position
        )
    if word == "q":
        raise EOFError
    if word == "?":
        out.print(HELP)
        out.input("Enter to go back ")
        return position
    try:
        services.answer(ctx, view.attempt, position, command, ask_confidence(out) if rate else None)
    except Exception as exc:  # an invalid choice: say why and stay on the question
        if not isinstance(exc, ExamprepError):
            raise
        out.print(f"[red]{exc}[/]")
        out.input("Enter to continue ")
        return position
    return min(position + 1, last)
