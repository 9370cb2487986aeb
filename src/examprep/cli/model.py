"""`examprep readiness`, `calibrate` and `import responses`: the learner model from the CLI."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.table import Table

from examprep.cli.output import console, context, handles_errors, print_json

if TYPE_CHECKING:
    from examprep.services.readiness import ReadinessReport


def _bar(theta: float, width: int = 16) -> str:
    filled = max(0, min(width, round((theta + 3) / 6 * width)))
    return "█" * filled + "·" * (width - filled)


def readiness_json(report: ReadinessReport) -> dict[str, Any]:
    now = report.now
    return {
        "p_pass": round(now.p_pass, 4),
        "interval_80": [round(now.low, 4), round(now.high, 4)],
        "pass_mark": now.pass_mark,
        "pass_mark_is_assumption": True,
        "at_pass_marks": {f"{m:.2f}": round(p, 4) for m, p in report.at_marks.items()},
        "theta": round(now.theta, 3),
        "se": round(now.se, 3),
        "responses": now.responses,
        "half_life_days": now.half_life_days,
        "sections": {
            s: {
                "title": report.section_titles.get(s, s),
                "theta": round(e.theta, 3),
                "se": round(e.se, 3),
                "n": e.n,
            }
            for s, e in now.by_section.items()
        },
        "history": [{"date": d.isoformat(), "p_pass": round(p, 4)} for d, p in report.history],
        "exam_date": report.exam_date.isoformat() if report.exam_date else None,
        "recall_on_exam_day": None
        if report.recall_on_exam_day is None
        else round(report.recall_on_exam_day, 4),
        "study_next": [
            {"bullet": t.bullet, "topic": t.text, "gain_per_minute": round(t.gain_per_minute, 6)}
            for t in report.study_next
        ],
    }


def render_readiness(report: ReadinessReport) -> None:
    out = console()
    now = report.now
    out.print(
        f"[bold]P(pass) today: {now.p_pass:.0%}[/] (80 % interval {now.low:.0%}-{now.high:.0%}), "
        f"pass mark {now.pass_mark:.0%} [dim](an assumption: Google publishes none)[/]"
    )
    marks = " · ".join(f"{m:.0%}: {p:.0%}" for m, p in report.at_marks.items())
    out.print(f"At other pass marks: {marks}")
    out.print(
        f"Ability {round(now.theta, 2) + 0.0:+.2f} ± {now.se:.2f} from {now.responses} answers "
        f"(answers count half after {now.half_life_days:g} days)."
    )
    table = Table("section", "title", "ability", "± SE", "answers", "")
    for s, e in now.by_section.items():
        table.add_row(
            s,
            report.section_titles.get(s, s),
            f"{round(e.theta, 2) + 0.0:+.2f}",
            f"{e.se:.2f}",
            str(e.n),
            _bar(e.theta),
        )
    out.print(table)
    if report.history:
        trail = " → ".join(f"{p:.0%}" for _, p in report.history[-8:])
        out.print(f"P(pass) over your last study days: {trail}")
    if report.exam_date:
        recall = report.recall_on_exam_day
        forecast = (
            f"; predicted recall of reviewed cards then: {recall:.0%}" if recall is not None else ""
        )
        out.print(f"Exam date {report.exam_date}{forecast}")
    if report.study_next:
        tips = Table("bullet", "study next", "gain / 10 min", title="What to study next")
        for tip in report.study_next[:5]:
            tips.add_row(tip.bullet, tip.text, f"+{tip.gain_per_minute * 10:.1%}")
        out.print(tips)


@handles_errors
def readiness(
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
    plot: Annotated[Path | None, typer.Option("--plot", help="Write a PNG or SVG chart.")] = None,
) -> None:
    """Your probability of passing today, with its uncertainty, per-section ability and tips."""
    from examprep.services import readiness_report

    with context() as ctx:
        report = readiness_report(ctx)
    if plot is not None:
        from examprep.cli.plot import plot_readiness

        plot_readiness(report, plot)
    if as_json:
        print_json(readiness_json(report))
    else:
        render_readiness(report)
        if plot is not None:
            console().print(f"chart written to {plot}")


@handles_errors
def calibrate(
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Re-fit item difficulty and discrimination from every stored answer; flag suspect keys."""
    from examprep.services import calibrate_bank

    with context() as ctx:
        report = calibrate_bank(ctx)
    if as_json:
        print_json(
            {
                "responses": report.responses,
                "learners": report.learners,
                "calibrated": report.calibrated,
                "suspect": [{"item": i, "a": round(a, 3), "n": n} for i, a, n in report.suspect],
            }
        )
        return
    out = console()
    out.print(
        f"Calibrated {report.calibrated} items from {report.responses} answers by "
        f"{report.learners} learners."
    )
    if report.suspect:
        out.print("[yellow]Suspected wrong keys (discrimination near zero or negative):[/]")
        for item, a, n in report.suspect:
            out.print(f"  {item}: a = {a:+.2f} over {n} answers")
    else:
        out.print("No item looks mis-keyed.")


import_app = typer.Typer(help="Import data from other tools.", no_args_is_help=True)


@import_app.command("responses")
@handles_errors
def import_responses(
    path: Annotated[
        Path, typer.Argument(help="A .csv (learner,item,correct,answered_at) or .jsonl file.")
    ],
    skip_invalid: Annotated[
        bool, typer.Option("--skip-invalid", help="Import the valid rows anyway.")
    ] = False,
) -> None:
    """Load an external response log into the store (for calibration and readiness)."""
    from examprep.services import import_responses as do_import

    with context() as ctx:
        report = do_import(ctx, path, skip_invalid=skip_invalid)
    out = console()
    out.print(f"Imported {report.imported} answers for {report.learners} learners.")
    for line in report.skipped:
        out.print(f"[yellow]skipped[/] {line}")
