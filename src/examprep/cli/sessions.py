"""`examprep diagnose`, `study` and `cards`: adaptive placement, the daily session, reviews."""

from __future__ import annotations

import time
from typing import TYPE_CHECKING, Annotated

import typer
from rich.console import Console
from rich.panel import Panel
from rich.text import Text

from examprep import services
from examprep.cli.model import render_readiness, withheld_lines
from examprep.cli.output import ask_confidence, console, context, handles_errors
from examprep.cli.screens import feedback_screen, question_screen
from examprep.errors import ExamprepError

if TYPE_CHECKING:
    from examprep.services.cards import CardView
    from examprep.services.context import Context

GRADES = (
    "[bold]1[/] again — forgot it · [bold]2[/] hard — recalled with effort · "
    "[bold]3[/] good — recalled · [bold]4[/] easy — instantly"
)
GRADE_KEYS = {
    "1": "again",
    "2": "hard",
    "3": "good",
    "4": "easy",
    "again": "again",
    "hard": "hard",
    "good": "good",
    "easy": "easy",
}


def _ask(out: Console, prompt: str) -> str | None:
    try:
        return out.input(prompt).strip()
    except (EOFError, KeyboardInterrupt):
        return None


def review_cards(ctx: Context, out: Console, cards: list[CardView], deadline: float | None) -> int:
    """Show, reveal and grade each card; return how many were graded."""
    done = 0
    for index, card in enumerate(cards, 1):
        if deadline is not None and time.monotonic() > deadline:
            break
        label = (
            "new card" if card.new else ("missed question" if card.kind == "question" else "review")
        )
        out.print(Panel(Text(card.front), title=f"{index}/{len(cards)} · {card.bullet} · {label}"))
        started = time.monotonic()
        if _ask(out, "Enter to reveal, q to stop: ") in (None, "q"):
            break
        out.print(Panel(Text(card.back), subtitle=card.source, border_style="green"))
        out.print(Text(f"Study: examprep notes {card.study}", style="cyan"))
        out.print(GRADES)
        while True:
            reply = _ask(out, "Grade 1-4: ")
            if reply is None or reply == "q":
                return done
            if reply.lower() in GRADE_KEYS:
                break
            out.print("[red]Type 1, 2, 3 or 4.[/]")
        elapsed = int((time.monotonic() - started) * 1000)
        due = services.grade(ctx, card.id, GRADE_KEYS[reply.lower()], duration_ms=elapsed)
        out.print(f"[dim]next review {due:%Y-%m-%d %H:%M} UTC[/]")
        done += 1
    return done


@handles_errors
def cards(
    limit: Annotated[int, typer.Option("-n", help="At most this many cards.")] = 30,
) -> None:
    """Review flashcards and missed questions that are due (spaced repetition, FSRS)."""
    out = console()
    with context() as ctx:
        due = services.due_reviews(ctx, limit=limit)
        if not due:
            out.print("Nothing is due. Come back tomorrow, or run `examprep practice`.")
            return
        out.print(f"{len(due)} cards to review. {GRADES}")
        done = review_cards(ctx, out, due, None)
        out.print(f"Reviewed {done} card(s).")


def ask_adaptive(
    ctx: Context, out: Console, attempt: int, deadline: float | None, feedback: bool
) -> int:
    """Ask adaptive questions until the session says stop, time runs out or the learner quits."""
    asked = 0
    rate = services.get_config(ctx).asks_confidence("study")
    while deadline is None or time.monotonic() < deadline:
        step = services.next_question(ctx, attempt)
        if step.question is None:
            out.print(f"[dim]Stopping: {step.reason}.[/]")
            break
        view = services.get_attempt(ctx, attempt)
        out.print(question_screen(view, step.question, None))
        while True:
            reply = _ask(out, "Answer (letters), q to stop: ")
            if reply is None or reply.lower() == "q":
                return asked
            sureness = ask_confidence(out) if rate else None
            try:
                services.answer(ctx, attempt, step.question.position, reply, sureness)
                break
            except ExamprepError as exc:
                out.print(f"[red]{exc}[/]")
        asked += 1
        if feedback:
            out.print(feedback_screen(services.feedback(ctx, attempt, step.question.position)))
            if _ask(out, "Enter to continue, q to stop: ") in (None, "q"):
                break
    return asked


@handles_errors
def diagnose() -> None:
    """A short adaptive placement test (at most 25 questions) that estimates where you stand."""
    out = console()
    with context() as ctx:
        attempt = services.start_adaptive(ctx, "diagnostic")
        out.print(
            "Placement test: questions adapt to your answers; it stops as soon as your "
            "level is clear (25 questions at most). No feedback until the end."
        )
        asked = ask_adaptive(ctx, out, attempt, None, feedback=False)
        services.finish_adaptive(ctx, attempt)
        out.print(f"Answered {asked} questions. Review them with `examprep review {attempt}`.")
        render_readiness(services.readiness_report(ctx))


@handles_errors
def study(
    minutes: Annotated[int, typer.Option("--minutes", "-m", help="Time budget.")] = 30,
) -> None:
    """The daily session: due reviews first, then adaptive questions where they help most."""
    if minutes < 1:
        raise typer.BadParameter("must be at least 1", param_hint="--minutes")
    out = console()
    deadline = time.monotonic() + minutes * 60
    with context() as ctx:
        due = services.due_reviews(ctx, limit=max(5, minutes), new_cards=max(3, minutes // 3))
        if due:
            out.print(f"[bold]Reviews[/]: {len(due)} due. {GRADES}")
            review_cards(ctx, out, due, deadline - minutes * 60 / 3 if minutes >= 6 else deadline)
        attempt = services.start_adaptive(ctx, "study")
        out.print("[bold]Questions[/] chosen where they move your pass probability most.")
        ask_adaptive(ctx, out, attempt, deadline, feedback=True)
        services.finish_adaptive(ctx, attempt)
        summary = services.study_summary(ctx)
    if summary.p_pass is None:
        for line in withheld_lines(summary.withheld or "too little evidence"):
            out.print(line)
    else:
        change = (
            ""
            if summary.previous is None
            else f" ({summary.p_pass - summary.previous:+.0%} since last time)"
        )
        out.print(
            f"[bold]P(pass) now: {summary.p_pass:.0%}[/]{change}, "
            f"80 % interval {summary.low:.0%}-{summary.high:.0%}."
        )
        out.print(f"[dim]{summary.assumes}[/]")
    for tip in summary.next_three:
        out.print(f"  next: {tip.bullet} — {tip.text}")
