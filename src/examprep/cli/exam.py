"""`examprep exam`: a timed mock exam, interactive or driven step by step with --json."""

from __future__ import annotations

from typing import Annotated

import typer

from examprep import services
from examprep.cli.examui import run_exam
from examprep.cli.output import console, context, handles_errors, print_json
from examprep.cli.screens import result_screen, review_screen

app = typer.Typer(
    help="Sit a timed mock exam shaped like the real one. Without a subcommand: interactive.",
    invoke_without_command=True,
)

Questions = Annotated[
    int | None, typer.Option("--questions", "-q", help="Number of questions (default: the pack's).")
]
Seed = Annotated[int | None, typer.Option("--seed", help="Seed for a reproducible form.")]
Minutes = Annotated[
    int | None,
    typer.Option("--minutes", help="Time limit (default: scaled from 120 min for 60 questions)."),
]
Sections = Annotated[
    list[str] | None, typer.Option("--section", "-s", help="Only these sections (repeatable).")
]


@app.callback()
@handles_errors
def exam(
    ctx: typer.Context,
    questions: Questions = None,
    minutes: Minutes = None,
    seed: Seed = None,
    section: Sections = None,
    resume: Annotated[bool, typer.Option("--resume", help="Resume the unfinished exam.")] = False,
) -> None:
    """Sit a timed mock exam: navigate, answer, flag, review, submit; results at the end.

    Every answer, flag and move is saved the moment it happens; if the terminal closes, run
    `examprep exam` again (or `--resume`) and carry on with the time that is left.
    """
    if ctx.invoked_subcommand is not None:
        return

    with context() as services_ctx:
        run_exam(
            services_ctx,
            questions=questions,
            minutes=minutes,
            seed=seed,
            sections=section,
            resume=resume,
        )


@app.command("start")
@handles_errors
def start(
    questions: Questions = None,
    minutes: Minutes = None,
    seed: Seed = None,
    section: Sections = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the attempt as JSON.")] = False,
) -> None:
    """Start an exam without the interactive screen; prints the attempt id and questions."""
    with context() as ctx:
        view = services.start_exam(
            ctx, questions=questions, seed=seed, minutes=minutes, sections=section
        )
    if as_json:
        print_json(view.to_json())
        return
    deadline = f"{view.deadline:%Y-%m-%d %H:%M} UTC" if view.deadline else "none"
    console().print(f"attempt {view.attempt}: {len(view.questions)} questions, deadline {deadline}")


@app.command("answer")
@handles_errors
def answer(
    attempt: Annotated[int, typer.Argument(help="Attempt id.")],
    position: Annotated[int, typer.Argument(help="Question number (1-based).")],
    choices: Annotated[str, typer.Argument(help="Option letters as shown, e.g. B or A,C.")],
    confidence: Annotated[
        str | None,
        typer.Option("--confidence", help="How sure you are: sure, unsure or guess."),
    ] = None,
) -> None:
    """Answer (or change the answer to) one question."""
    with context() as ctx:
        services.answer(ctx, attempt, position, choices, confidence)
    console().print(f"saved: question {position} -> {choices.upper()}")


@app.command("flag")
@handles_errors
def flag(
    attempt: Annotated[int, typer.Argument(help="Attempt id.")],
    position: Annotated[int, typer.Argument(help="Question number (1-based).")],
    clear: Annotated[bool, typer.Option("--clear", help="Remove the flag instead.")] = False,
) -> None:
    """Flag a question for review (or clear the flag)."""
    with context() as ctx:
        services.flag(ctx, attempt, position, on=not clear)
    console().print(f"question {position} {'unflagged' if clear else 'flagged'}")


@app.command("show")
@handles_errors
def show(
    attempt: Annotated[int, typer.Argument(help="Attempt id.")],
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Show an attempt's questions, answers so far, flags and time left."""
    with context() as ctx:
        view = services.get_attempt(ctx, attempt)
    if as_json:
        print_json(view.to_json())
    else:
        console().print(review_screen(view))


@app.command("submit")
@handles_errors
def submit(
    attempt: Annotated[int, typer.Argument(help="Attempt id.")],
    as_json: Annotated[bool, typer.Option("--json", help="Print the result as JSON.")] = False,
) -> None:
    """Submit an attempt and show the result."""
    with context() as ctx:
        result = services.submit(ctx, attempt)
    if as_json:
        print_json(result.to_json())
    else:
        console().print(result_screen(result))
