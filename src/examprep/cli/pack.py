"""`examprep pack check|stats`: validate a content pack and report its coverage."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer
from rich.markup import escape
from rich.table import Table

from examprep import services
from examprep.cli.output import console, err_console, handles_errors, print_json

app = typer.Typer(
    help="Validate a content pack, report its coverage, run its blind review.", no_args_is_help=True
)

PathArg = Annotated[
    Path | None,
    typer.Argument(help="Pack directory (default: the bundled gcp-pmle pack).", show_default=False),
]


@app.command("check")
@handles_errors
def check(
    path: PathArg = None,
    strict: Annotated[bool, typer.Option("--strict", help="Treat warnings as errors.")] = False,
) -> None:
    """Validate a pack; list every problem as file:line: field: message."""
    report = services.check_pack(path, strict=strict)
    out = err_console()
    for problem in report.problems:
        label = "error" if problem.severity == "error" or strict else "warning"
        style = "red" if label == "error" else "yellow"
        out.print(f"{escape(str(problem))} [{style}]({label})[/]", soft_wrap=True)
    errors, warnings = len(report.errors), len(report.warnings)
    summary = f"{report.path}: {errors} error(s), {warnings} warning(s)"
    if report.ok:
        console().print(f"[green]ok[/] {summary}", soft_wrap=True)
        return
    out.print(f"[red]failed[/] {summary}", soft_wrap=True)
    raise typer.Exit(1)


@app.command("stats")
@handles_errors
def stats(
    path: PathArg = None,
    as_json: Annotated[
        bool, typer.Option("--json", help="Print JSON (shape in docs/cli.md).")
    ] = False,
) -> None:
    """Counts per section, subsection and bullet; key balance; word lengths; coverage gaps."""
    data = services.pack_stats(path)
    if as_json:
        print_json(data)
        return
    _render_stats(data)


@app.command("sheet")
@handles_errors
def sheet(
    role: Annotated[str, typer.Option("--role", help="expert or test-wise (names masked).")],
    output: Annotated[Path, typer.Option("-o", "--output", help="Markdown file to write.")],
    path: PathArg = None,
    section: Annotated[str | None, typer.Option("--section", help="Only this section.")] = None,
    ids: Annotated[
        list[str] | None, typer.Option("--id", help="Only these questions (repeatable).")
    ] = None,
    unread: Annotated[
        bool, typer.Option("--unread", help="Only items with no read of this role yet.")
    ] = False,
) -> None:
    """Write a blind review sheet: stems and options, no keys, no explanations."""
    text, count = services.panel_sheet(path, role, section=section, ids=ids, unread=unread)
    output.write_text(text, encoding="utf-8")
    console().print(f"{count} question(s) written to {output}", soft_wrap=True)


@app.command("record")
@handles_errors
def record(
    answers: Annotated[Path, typer.Argument(help="YAML: reader, role, date, answers, facts.")],
    path: PathArg = None,
) -> None:
    """Record a reader's blind answers in the questions' `panel:` lists."""
    changed = services.record_panel(path, answers)
    console().print(f"recorded {len(changed)} read(s)", soft_wrap=True)


@app.command("link-notes")
@handles_errors
def link_notes(
    path: PathArg = None,
    write: Annotated[
        bool, typer.Option("--write", help="Write the links into the YAML files.")
    ] = False,
    min_confidence: Annotated[
        str, typer.Option("--min-confidence", help="Write links of at least: high, medium, low.")
    ] = "high",
    replace: Annotated[
        bool, typer.Option("--replace", help="Propose for items that already have a link too.")
    ] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Propose each question's and card's `note:` link (the section teaching its fact)."""
    report = services.link_notes(path, write=write, min_confidence=min_confidence, replace=replace)
    if as_json:
        print_json(report.to_json())
        return
    out = console()
    for p in report.proposals:
        style = {"high": "green", "medium": "yellow", "low": "red"}[p.confidence]
        out.print(
            f"{p.item}\t{escape(p.link)}\t[{style}]{p.confidence}[/] "
            f"(coverage {p.coverage:.0%}, margin {p.margin:.2g})",
            soft_wrap=True,
        )
    done = "written" if write else "would be written (add --write)"
    out.print(
        f"{len(report.proposals)} proposal(s); {len(report.chosen)} of {min_confidence} "
        f"confidence or better {done}",
        soft_wrap=True,
    )


def _render_stats(data: dict[str, Any]) -> None:
    out = console()
    totals = data["totals"]
    retired = f"; {totals['questions_retired']} retired" if totals["questions_retired"] else ""
    out.print(f"[bold]{data['pack']['id']}[/] — guide of {data['pack']['guide_date']}")
    out.print(
        f"{totals['questions']} questions ({totals['questions_reviewed']} reviewed, "
        f"{totals['questions_multi']} multi-select, {totals['questions_genai']} generative AI"
        f"{retired}), "
        f"{totals['notes']} notes, {totals['cards']} cards, {totals['tables']} tables, "
        f"{totals['advisor_leaves']} advisor leaves"
    )
    links = data["note_links"]
    out.print(
        f"links to the note section that teaches the fact: {links['questions']} questions "
        f"({links['questions_share']:.0%}), {links['cards']} cards ({links['cards_share']:.0%})"
    )
    table = Table("id", "title", "weight", "questions", "reviewed", "multi", "genai")
    for section in data["sections"]:
        table.add_row(
            section["id"],
            section["title"],
            f"{section['weight']:g}",
            str(section["questions"]),
            str(section["questions_reviewed"]),
            str(section["questions_multi"]),
            str(section["questions_genai"]),
        )
    out.print(table)
    bullets = Table("bullet", "notes", "cards", "questions", "reviewed")
    for section in data["sections"]:
        for sub in section["subsections"]:
            for b in sub["bullets"]:
                bullets.add_row(
                    b["id"],
                    str(b["notes"]),
                    str(b["cards"]),
                    str(b["questions"]),
                    str(b["questions_reviewed"]),
                )
    out.print(bullets)
    keys = ", ".join(f"{k} {v}" for k, v in data["answer_keys"].items())
    longest = data["longest_option_correct"]
    out.print(
        f"answer keys: {keys}; the key is the longest option (characters) in "
        f"{longest['share']:.0%} of single-answer items"
    )
    cues = Table("section", "key longest", "test-wise solver", "chance", "non-technical")
    for section in [*data["sections"], {"id": "all", "cues": data["cues"]}]:
        c = section["cues"]
        cues.add_row(
            section["id"],
            f"{c['key_longest']:.0%}",
            f"{c['solver']:.0%}",
            f"{c['chance']:.0%}",
            str(c["non_technical"]),
        )
    out.print(cues)
    panel = data["panel"]
    reached = panel["reached_key"]
    out.print(
        f"blind panel: {panel['items_read']['expert']} items read by an expert "
        f"(reached the key {reached['expert']:.0%}), {panel['items_read']['test-wise']} by a "
        f"test-wise reader (reached it {reached['test-wise']:.0%}); "
        f"{panel['decisive_facts']} distinct decisive facts, {panel['families']} families; "
        f"targets (expert >= {panel['targets']['expert']:.0%}, test-wise <= "
        f"{panel['targets']['test-wise']:.0%}) {'met' if panel['met'] else 'not met'}"
    )
    gaps = data["coverage"]
    out.print(
        f"bullets without notes: {len(gaps['bullets_without_notes'])}; "
        f"with fewer than 3 questions: {len(gaps['bullets_under_3_questions'])}"
    )
