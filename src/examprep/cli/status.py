"""`examprep` with no command: what the pack holds, where data lives, what to do next."""

from __future__ import annotations

from examprep.cli.output import console, handles_errors


@handles_errors
def overview() -> None:
    """Print an overview of the configured pack and the learner's database."""
    from examprep.services import overview as get_overview

    info = get_overview()
    out = console()
    out.print(f"[bold]{info.pack_title}[/] (guide of {info.guide_date})")
    out.print(
        f"{info.questions} questions, {info.notes} notes, {info.cards} flashcards; "
        f"mock exams of {info.exam_questions} questions in {info.exam_minutes} minutes."
    )
    out.print(f"Learner data: {info.database}")
    out.print(f"Attempts so far: {info.attempts}")
    out.print("\nNext: [bold]examprep --help[/] lists every command.")
