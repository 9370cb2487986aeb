"""`examprep config`: your exam date and pass-mark assumption."""

from __future__ import annotations

from typing import Annotated

import typer

from examprep import services
from examprep.cli.output import console, context, handles_errors, print_json


@handles_errors
def config(
    key: Annotated[str | None, typer.Argument(help="exam-date or pass-mark.")] = None,
    value: Annotated[str | None, typer.Argument(help="YYYY-MM-DD, or 0.7 / 70%.")] = None,
    clear: Annotated[bool, typer.Option("--clear", help="Remove the setting.")] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Show your settings, or set one: `examprep config exam-date 2027-01-15`, `pass-mark 75%`."""
    with context() as ctx:
        if key is None:
            cfg = services.get_config(ctx)
        elif value is None and not clear:
            raise typer.BadParameter("give a value, or --clear to remove the setting")
        else:
            cfg = services.set_config(ctx, key, None if clear else value)
        today = ctx.now().date()
    if as_json:
        print_json(
            {
                "learner": cfg.learner,
                "exam_date": cfg.exam_date.isoformat() if cfg.exam_date else None,
                "days_to_exam": cfg.days_to_exam(today),
                "pass_mark": cfg.pass_mark,
                "pass_mark_is_default": cfg.pass_mark_is_default,
            }
        )
        return
    out = console()
    days = cfg.days_to_exam(today)
    when = f"{cfg.exam_date} ({days} days from today)" if cfg.exam_date else "not set"
    out.print(f"learner:   {cfg.learner}")
    out.print(f"exam-date: {when}")
    origin = "the pack's assumption" if cfg.pass_mark_is_default else "your setting"
    out.print(f"pass-mark: {cfg.pass_mark:.0%} ({origin})")
    out.print(f"[dim]{cfg.pass_mark_note} Change it with `examprep config pass-mark`.[/]")
