"""`examprep readiness`, `calibrate` and `import responses`: the learner model from the CLI."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.table import Table

from examprep import services
from examprep.cli.output import console, context, handles_errors, print_json
from examprep.cli.plot import check_plot_path, plot_readiness

if TYPE_CHECKING:
    from examprep.engine.metacognition import Metacognition
    from examprep.services.readiness import ReadinessReport


PLACEMENT_TEST = "examprep diagnose"


def _bar(theta: float, width: int = 16) -> str:
    filled = max(0, min(width, round((theta + 3) / 6 * width)))
    return "█" * filled + "·" * (width - filled)


def readiness_json(report: ReadinessReport) -> dict[str, Any]:
    now = report.now
    shown = report.withheld is None
    return {
        "p_pass": round(now.p_pass, 4) if shown else None,
        "interval_80": [round(now.low, 4), round(now.high, 4)] if shown else None,
        "p_pass_withheld": report.withheld,
        "placement_test": None if shown else PLACEMENT_TEST,
        "pass_mark": now.pass_mark,
        "pass_mark_is_assumption": True,
        "assumes": now.assumes,
        "exam_offset": {
            "mean": round(now.exam_offset.mean, 4),
            "sd": round(now.exam_offset.sd, 4),
            "outcomes": now.exam_offset.outcomes,
            "source": "fitted" if now.exam_offset.outcomes else "pack prior",
        },
        "at_pass_marks": {f"{m:.2f}": round(p, 4) for m, p in report.at_marks.items()}
        if shown
        else None,
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
            {
                "bullet": t.bullet,
                "topic": t.text,
                "score_gain_per_minute": round(t.score_gain_per_minute, 8),
                "p_correct": round(t.p_correct, 4) if shown else None,
            }
            for t in report.study_next
        ],
    }


def metacognition_json(m: Metacognition) -> dict[str, Any]:
    return {
        "rated": m.rated,
        "unrated": m.unrated,
        "levels": {
            s.level: {
                "answers": s.answers,
                "correct": s.correct,
                "accuracy": None if s.accuracy is None else round(s.accuracy, 4),
            }
            for s in m.levels
        },
        "weeks": [
            {
                "start": w.start.isoformat(),
                **{n: [s.answers, s.correct] for n, s in w.levels.items()},
            }
            for w in m.periods
        ],
        "sure_but_wrong": m.sure_but_wrong,
        "reading": m.reading,
    }


def render_metacognition(m: Metacognition) -> None:
    """How well you know what you know: accuracy by the confidence you gave."""
    out = console()
    if not m.rated:
        out.print(
            "[dim]How sure you are: say it with your answers in practice (1 sure, 2 unsure, "
            "3 guess) and this shows whether your feeling of being ready can be trusted.[/]"
        )
        return
    table = Table("when you were", "answers", "right", title="How well you know what you know")
    for s in m.levels:
        right = "—" if s.accuracy is None else f"{s.accuracy:.0%}"
        table.add_row(s.level, str(s.answers), right)
    out.print(table)
    out.print(m.reading or f"{m.rated} rated answers so far; the picture needs 10.")
    if m.sure_but_wrong:
        out.print(
            f"Sure but wrong: {len(m.sure_but_wrong)} question(s), the most recent "
            f"{', '.join(m.sure_but_wrong[:3])}; see them with `examprep practice --missed`."
        )


def withheld_lines(reason: str) -> list[str]:
    """What to say instead of a P(pass) figure while the evidence is too thin."""
    return [
        f"[bold]P(pass): not yet[/] — {reason}.",
        f"Take the placement test ([bold]{PLACEMENT_TEST}[/], 8-25 questions that adapt to "
        "you) or keep practising; the estimate appears once it means something.",
    ]


def render_readiness(report: ReadinessReport) -> None:
    out = console()
    now = report.now
    if report.withheld is not None:
        for line in withheld_lines(report.withheld):
            out.print(line)
    else:
        out.print(
            f"[bold]P(pass) today: {now.p_pass:.0%}[/] (80 % interval {now.low:.0%}-"
            f"{now.high:.0%}), pass mark {now.pass_mark:.0%} "
            "[dim](an assumption: Google publishes none)[/]"
        )
        out.print(f"[dim]{now.assumes}[/]")
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
    if report.study_next and now.responses:
        tips = Table("bullet", "study next", "exam score / hour", title="What to study next")
        for tip in report.study_next[:5]:
            tips.add_row(tip.bullet, tip.text, f"+{tip.score_gain_per_minute * 60:.2%}")
        out.print(tips)


@handles_errors
def readiness(
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
    plot: Annotated[Path | None, typer.Option("--plot", help="Write a PNG or SVG chart.")] = None,
) -> None:
    """Your probability of passing today, with its uncertainty, per-section ability and tips."""
    if plot is not None:
        check_plot_path(plot)
    with context() as ctx:
        report = services.readiness_report(ctx)
        sureness = services.metacognition(ctx)
    if plot is not None:
        plot_readiness(report, plot)
    if as_json:
        print_json({**readiness_json(report), "metacognition": metacognition_json(sureness)})
    else:
        render_readiness(report)
        render_metacognition(sureness)
        if plot is not None:
            console().print(f"chart written to {plot}")


@handles_errors
def calibrate(
    outcomes: Annotated[
        bool,
        typer.Option(
            "--outcomes",
            help="Also fit how much harder the real exam is than the bank, from reported results.",
        ),
    ] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Re-fit item difficulty and discrimination from every stored answer; flag suspect keys."""
    with context() as ctx:
        report = services.calibrate_bank(ctx, outcomes=outcomes)
    fit = report.exam_offset
    if as_json:
        print_json(
            {
                "responses": report.responses,
                "learners": report.learners,
                "calibrated": report.calibrated,
                "suspect": [{"item": i, "a": round(a, 3), "n": n} for i, a, n in report.suspect],
                "exam_offset": None
                if fit is None
                else {
                    "mean": round(fit.mean, 4),
                    "se": round(fit.se, 4),
                    "outcomes": fit.outcomes,
                    "passed": fit.passed,
                },
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
    if fit is not None:
        way = "harder" if fit.mean >= 0 else "easier"
        out.print(
            f"Exam offset: the real exam is {abs(fit.mean):.2f} ± {fit.se:.2f} ability units "
            f"{way} than this bank, from {fit.outcomes} reported results ({fit.passed} passed). "
            "Stored with the database; readiness now uses it instead of the pack's prior."
        )


import_app = typer.Typer(help="Import data from other tools.", no_args_is_help=True)


@import_app.command("responses")
@handles_errors
def import_responses(
    path: Annotated[
        Path, typer.Argument(help="A .csv (learner,item,correct,answered_at) or .jsonl file.")
    ],
    skip_invalid: Annotated[
        bool, typer.Option("--skip-invalid", help="Import the valid response rows anyway.")
    ] = False,
    outcomes: Annotated[
        Path | None,
        typer.Option(
            "--outcomes",
            help="A .csv (learner,result,exam_date) or .jsonl file of real exam results.",
        ),
    ] = None,
) -> None:
    """Load an external response log into the store (for calibration and readiness)."""
    with context() as ctx:
        report = services.import_responses(ctx, path, skip_invalid=skip_invalid, outcomes=outcomes)
    out = console()
    out.print(f"Imported {report.imported} answers for {report.learners} learners.")
    if outcomes is not None:
        out.print(f"Imported {report.outcomes} exam results.")
    for line in report.skipped:
        out.print(f"[yellow]skipped[/] {line}")
