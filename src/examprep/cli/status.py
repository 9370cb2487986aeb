"""`examprep` with no command: what the pack holds, where you stand, what to do next."""

from __future__ import annotations

from examprep import services
from examprep.cli.model import withheld_lines
from examprep.cli.output import console, handles_errors


@handles_errors
def overview() -> None:
    """Print an overview of the pack, the learner's progress and the next steps."""
    info = services.overview()
    out = console()
    out.print(f"[bold]{info.pack_title}[/] (exam guide of {info.guide_date})")
    out.print(
        f"{info.questions} questions, {info.notes} notes, {info.cards} flashcards; "
        f"mock exams of {info.exam_questions} questions in {info.exam_minutes} minutes."
    )
    out.print(f"Your data: {info.database}")
    if info.answers == 0:
        out.print(
            "\nYou have not answered anything yet, so there is no P(pass) to show. Start with "
            "[bold]examprep diagnose[/] (a short placement test) or [bold]examprep exam[/] "
            "(a full mock exam)."
        )
    elif info.p_pass is None:
        out.print(f"\n{info.attempts} sessions, {info.answers} answers.")
        for line in withheld_lines(info.withheld or "too little evidence"):
            out.print(line)
    else:
        out.print(
            f"\n{info.attempts} sessions, {info.answers} answers. P(pass) today: "
            f"[bold]{info.p_pass:.0%}[/] (80 % interval {info.low:.0%}-{info.high:.0%}, "
            f"at an assumed {info.pass_mark:.0%} pass mark)."
        )
        out.print(f"[dim]{info.assumes}[/]")
    if info.days_to_exam is not None:
        out.print(f"Exam in {info.days_to_exam} days.")
    else:
        out.print("Set your exam date with [bold]examprep config exam-date YYYY-MM-DD[/].")
    if info.due_reviews:
        out.print(f"{info.due_reviews} reviews due: [bold]examprep cards[/].")
    if info.study_next and info.answers:
        tips = "; ".join(f"{t.bullet} {t.text}" for t in info.study_next)
        out.print(f"Study next: {tips}")
    out.print("\nDaily: [bold]examprep study[/]. Everything else: [bold]examprep --help[/].")
