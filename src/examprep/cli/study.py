"""`examprep practice`, `review` and `history`: practise with feedback, study past attempts."""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING, Annotated

import typer

from examprep import services
from examprep.cli.output import ask_confidence, console, context, handles_errors, print_json
from examprep.cli.screens import (
    feedback_screen,
    history_table,
    print_screen,
    question_screen,
    result_head,
    result_screen,
)
from examprep.errors import ExamprepError, NotFound

if TYPE_CHECKING:
    from examprep.services import PracticeFilter
    from examprep.services.context import Context


@handles_errors
def practice(
    section: Annotated[
        str | None, typer.Option("--section", "-s", help="Only this section (S3).")
    ] = None,
    bullet: Annotated[
        str | None, typer.Option("--bullet", "-b", help="Only this bullet (S3.2.e).")
    ] = None,
    tag: Annotated[
        str | None, typer.Option("--tag", "-t", help="Only questions with this tag.")
    ] = None,
    unseen: Annotated[
        bool, typer.Option("--unseen", help="Only questions never answered.")
    ] = False,
    missed: Annotated[
        bool, typer.Option("--missed", help="Only questions last answered wrongly.")
    ] = False,
    count: Annotated[int, typer.Option("-n", help="How many questions.")] = 10,
    seed: Annotated[int | None, typer.Option("--seed", help="Seed for a reproducible set.")] = None,
    drills: Annotated[
        bool, typer.Option("--drills", help="Drills generated from the fact tables instead.")
    ] = False,
) -> None:
    """Untimed practice with immediate feedback: every option explained, with its sources."""
    filters = services.PracticeFilter(
        section=section,
        bullet=bullet,
        tag=tag,
        unseen=unseen,
        missed=missed,
        count=count,
        drills=drills,
    )
    with context() as ctx:
        run_practice(ctx, filters, seed)


def run_practice(ctx: Context, filters: PracticeFilter, seed: int | None = None) -> None:
    """Ask the filtered questions one by one, with the explained feedback after each answer."""
    view = services.start_practice(ctx, filters, seed=seed)
    out = console()
    rate = services.get_config(ctx).asks_confidence("practice")
    for question in view.questions:
        while True:
            current = services.get_attempt(ctx, view.attempt)
            print_screen(out, question_screen(current, question, None), True)
            try:
                reply = out.input("Answer (letters), s to skip, q to stop: ").strip()
            except (EOFError, KeyboardInterrupt):
                reply = "q"
            if reply.lower() in {"q", "s"}:
                break
            sureness = ask_confidence(out) if rate else None
            try:
                services.answer(ctx, view.attempt, question.position, reply, sureness)
            except Exception as exc:
                if not isinstance(exc, ExamprepError):
                    raise
                out.print(f"[red]{exc}[/]")
                continue
            out.print(feedback_screen(services.feedback(ctx, view.attempt, question.position)))
            try:
                out.input("Enter for the next question ")
            except (EOFError, KeyboardInterrupt):
                reply = "q"
            break
        if reply.lower() == "q":
            break

    out.print(result_head(services.submit(ctx, view.attempt)))


@handles_errors
def review(
    attempt: Annotated[
        int | None, typer.Argument(help="Attempt id (default: the latest finished).")
    ] = None,
    wrong: Annotated[bool, typer.Option("--wrong", help="Only the questions you missed.")] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Walk a finished attempt: your choice, the key, every option's explanation and sources."""
    with context() as ctx:
        if attempt is None:
            attempt = services.latest_finished(ctx)
            if attempt is None:
                raise NotFound(
                    "no finished attempt yet; take one with `examprep exam` or `examprep practice`"
                )
        done = services.result(ctx, attempt)
        questions = [q for q in done.questions if not (wrong and q.correct)]
        if as_json:
            data = done.to_json()
            data["questions"] = [q.to_json() for q in questions]
            print_json(data)
            return
        out = console()
        out.print(result_screen(done))
        interactive = sys.stdin.isatty() and out.is_terminal
        for index, q in enumerate(questions, 1):
            if interactive:
                prompt = f"Enter for question {q.position} ({index}/{len(questions)}), q to stop: "
                try:
                    if out.input(prompt).strip().lower() == "q":
                        return
                except (EOFError, KeyboardInterrupt):
                    return
            print_screen(out, feedback_screen(q), interactive)


@handles_errors
def history(
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Your attempts: date, mode, score and per-section scores."""
    with context() as ctx:
        lines = services.history(ctx)
        sections = [s.id for s in ctx.pack.sections]
        if as_json:
            print_json(
                [
                    {
                        "attempt": h.attempt,
                        "mode": h.mode,
                        "status": h.status,
                        "completion": h.completion,
                        "started_at": h.started_at.isoformat(),
                        "finished_at": h.finished_at.isoformat() if h.finished_at else None,
                        "asked": h.asked,
                        "answered": h.answered,
                        "correct": h.correct,
                        "total": h.total,
                        "score": None if h.score is None else round(h.score, 4),
                        "sections": {
                            s: {"correct": c, "total": t} for s, (c, t) in h.sections.items()
                        },
                    }
                    for h in lines
                ]
            )
            return
        if not lines:
            console().print("No attempts yet. Start with `examprep exam` or `examprep practice`.")
            return
        console().print(history_table(lines, sections))
