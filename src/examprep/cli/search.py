"""`examprep search`: full-text search over notes, cards, fact tables and questions."""

from __future__ import annotations

import re
from typing import Annotated

import typer
from rich.markup import escape

from examprep import services
from examprep.cli.output import console, context, handles_errors, print_json

KIND_STYLE = {"note": "green", "card": "cyan", "table": "magenta", "question": "yellow"}


@handles_errors
def search(
    query: Annotated[
        list[str], typer.Argument(help="Words to look for; former product names work too.")
    ],
    limit: Annotated[int, typer.Option("--limit", "-n", help="How many results.")] = 10,
    kind: Annotated[
        list[str] | None,
        typer.Option("--kind", "-k", help="Only note, card, table or question; repeat for more."),
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Search the notes, flashcards, fact tables and questions; best matches first."""
    text = " ".join(query)
    with context() as ctx:
        hits = services.search(ctx, text, limit=limit, kinds=kind)
    if as_json:
        print_json({"query": text, "results": [h.to_json() for h in hits]})
        return
    out = console()
    if not hits:
        out.print(f"Nothing matches {escape(text)!r}.")
        return
    for rank, hit in enumerate(hits, 1):
        style = KIND_STYLE.get(hit.kind, "white")
        out.print(
            f"[bold]{rank}.[/] [{style}]{hit.kind}[/] [dim]{escape(hit.id)}[/] "
            f"[bold]{escape(hit.title)}[/] [dim]({hit.score:g})[/]",
            soft_wrap=True,
        )
        out.print(f"   {highlight(hit.snippet)}", soft_wrap=True)
    out.print("Read a note with `examprep notes ID`.")


def highlight(snippet: str) -> str:
    """Rich markup for a snippet whose matches are marked **like this**."""
    return re.sub(r"\*\*(.+?)\*\*", r"[bold yellow]\1[/]", escape(snippet))
