"""`examprep outcome`: record your real exam result, or list the ones you recorded."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer

from examprep import services
from examprep.cli.output import console, context, handles_errors, print_json

if TYPE_CHECKING:
    from examprep.services import ReportedOutcome


def _feedback(o: ReportedOutcome) -> str:
    return ", ".join(f"{s} {w}" for s, w in o.section_feedback.items())


@handles_errors
def outcome(
    result: Annotated[
        str | None, typer.Argument(help="pass or fail (leave out to list your results).")
    ] = None,
    date: Annotated[
        str | None, typer.Option("--date", help="The day you sat the exam (YYYY-MM-DD).")
    ] = None,
    section_feedback: Annotated[
        list[str] | None,
        typer.Option(
            "--section-feedback",
            help="The score report's words for a section, e.g. S1=below (repeat per section).",
        ),
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Record your real exam result (`examprep outcome pass --date 2027-01-15`); it helps link
    this bank to the real exam for everyone once `examprep calibrate --outcomes` runs."""
    with context() as ctx:
        if result is None:
            if date is not None or section_feedback:
                raise typer.BadParameter("give pass or fail before --date")
            outcomes = services.my_outcomes(ctx)
        else:
            if date is None:
                raise typer.BadParameter("give the exam date: --date YYYY-MM-DD")
            outcomes = services.record_outcome(ctx, result, date, section_feedback or [])
    if as_json:
        print_json(
            [
                {
                    "result": o.result,
                    "exam_date": o.exam_date.isoformat(),
                    "section_feedback": o.section_feedback,
                    "recorded_at": o.recorded_at.isoformat(),
                }
                for o in outcomes
            ]
        )
        return
    out = console()
    if result is not None:
        out.print(f"Recorded: {result.strip().lower()} on {date}. Thank you.")
    if not outcomes:
        out.print("No exam results recorded yet: `examprep outcome pass|fail --date YYYY-MM-DD`.")
        return
    out.print("Your exam results:")
    for o in outcomes:
        extra = f" ({_feedback(o)})" if o.section_feedback else ""
        out.print(f"  {o.exam_date}  {o.result}{extra}")
