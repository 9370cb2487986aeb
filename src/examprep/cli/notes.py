"""`examprep notes` and `examprep names`: read the study notes and the product rename map."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer
from rich.markup import escape
from rich.rule import Rule
from rich.table import Table

from examprep import services
from examprep.cli.output import console, context, handles_errors, print_json

if TYPE_CHECKING:
    from rich.console import Console

    from examprep.services import NameView, NoteView, SectionContents

AsJson = Annotated[bool, typer.Option("--json", help="Print JSON.")]


@handles_errors
def notes(
    target: Annotated[
        str | None,
        typer.Argument(
            help="A bullet (S3.3.b), subsection (S3.3), section (S3) or note id; "
            "none for the contents.",
            show_default=False,
        ),
    ] = None,
    as_json: AsJson = False,
) -> None:
    """Read the study notes: the bullets each covers, the text, and its official sources."""
    with context() as ctx:
        if target is None:
            sections = services.notes_contents(ctx)
            if as_json:
                print_json({"sections": [s.to_json() for s in sections]})
            else:
                _print_contents(console(), sections)
            return
        found = services.find_notes(ctx, target)
    if as_json:
        print_json({"notes": [n.to_json() for n in found]})
        return
    out = console()
    for note in found:
        _print_note(out, note)


def _print_contents(out: Console, sections: list[SectionContents]) -> None:
    table = Table(title="Study notes by exam-guide bullet", title_justify="left", expand=True)
    table.add_column("Bullet", no_wrap=True)
    table.add_column("Topic", overflow="ellipsis", no_wrap=True, ratio=1)
    for name in ("Notes", "Cards", "Qs"):
        table.add_column(name, justify="right", no_wrap=True)
    for section in sections:
        table.add_section()
        table.add_row(f"[bold]{section.id}[/]", f"[bold]{escape(section.title)}[/]")
        for b in section.bullets:
            count = str(len(b.notes)) if b.notes else "[red]0[/]"
            table.add_row(b.id, escape(b.text), count, str(b.cards), str(b.questions))
    out.print(table)
    out.print("Read the notes for a bullet with `examprep notes S3.3.b`, a section with `S3`.")


def _print_note(out: Console, note: NoteView) -> None:
    from rich.markdown import Markdown

    out.print(Rule(f"[bold]{escape(note.title)}[/]"))
    out.print(f"[dim]{note.id}[/]")
    for bullet, text in note.covers:
        out.print(f"[cyan]{bullet}[/] {escape(text)}")
    out.print()
    out.print(Markdown(note.body))
    out.print()
    verified = f" (verified {note.verified.isoformat()})" if note.verified else ""
    out.print(f"[bold]Sources[/]{verified}")
    for url in note.sources:
        out.print(f"  {escape(url)}", soft_wrap=True)
    out.print()


@handles_errors
def names(
    query: Annotated[
        str | None,
        typer.Argument(help="Part of a current or former product name.", show_default=False),
    ] = None,
    as_json: AsJson = False,
) -> None:
    """What a product is called now, its former names (with dates), status and lifecycle dates."""
    with context() as ctx:
        products = services.find_names(ctx, query)
    if as_json:
        print_json({"products": [p.to_json() for p in products]})
        return
    _print_names(console(), products)


def _print_names(out: Console, products: list[NameView]) -> None:
    for p in products:
        if p.matched:
            out.print(
                f"[bold]{escape(p.matched)}[/] is now called [bold green]{escape(p.name)}[/].",
                soft_wrap=True,
            )
    table = Table()
    table.add_column("Current name", style="bold")
    table.add_column("Former names")
    table.add_column("Status")
    table.add_column("Note")
    for p in products:
        former = "\n".join(
            escape(f.name) + (f" [dim](until {f.until.isoformat()})[/]" if f.until else "")
            for f in p.former
        )
        dates = [f"deprecated {p.deprecated.isoformat()}"] if p.deprecated else []
        dates += [f"shutdown {p.shutdown.isoformat()}"] if p.shutdown else []
        status = "\n".join(dates) if dates else p.status
        if p.successor:
            status += f"\nsuccessor: {escape(p.successor)}"
        table.add_row(escape(p.name), former or "-", status, escape(p.note or ""))
    out.print(table)
