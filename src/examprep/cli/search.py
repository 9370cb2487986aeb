"""`examprep search`: full-text search over notes, cards, tables, advisor, names, questions."""

from __future__ import annotations

import re
from typing import Annotated

import typer
from rich.markup import escape

from examprep import services
from examprep.cli.output import console, context, handles_errors, print_json
from examprep.services.advisor import leaf_walk

KIND_STYLE = {
    "note": "green",
    "card": "cyan",
    "table": "magenta",
    "leaf": "blue",
    "name": "white",
    "question": "yellow",
}


@handles_errors
def search(
    query: Annotated[
        list[str],
        typer.Argument(help="Words to look for; abbreviations and former product names work too."),
    ],
    limit: Annotated[int, typer.Option("--limit", "-n", help="How many results.")] = 10,
    kind: Annotated[
        list[str] | None,
        typer.Option(
            "--kind",
            "-k",
            help="Only note, card, table, leaf (advisor), name or question; repeat for more.",
        ),
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Search notes, flashcards, tables, the advisor, product names and questions; best first."""
    text = " ".join(query)
    with context() as ctx:
        found = services.search(ctx, text, limit=limit, kinds=kind)
        walks = {h.id: leaf_walk(ctx.pack, h.id) for h in found.hits if h.kind == "leaf"}
    hits = found.hits
    if as_json:
        results = [h.to_json() for h in hits]
        print_json({"query": text, "did_you_mean": found.did_you_mean, "results": results})
        return
    out = console()
    if found.did_you_mean:
        out.print(f"Did you mean [bold]{escape(found.did_you_mean)}[/]?")
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
        if hit.kind == "leaf":
            steps = " ".join(f"-a {node}={choice}" for node, choice in walks[hit.id].items())
            out.print(f"   [dim]examprep advise {steps}[/]", soft_wrap=True)
    out.print("Read a note with `examprep notes ID`.")


def highlight(snippet: str) -> str:
    """Rich markup for a snippet whose matches are marked **like this**."""
    return re.sub(r"\*\*(.+?)\*\*", r"[bold yellow]\1[/]", escape(snippet))
