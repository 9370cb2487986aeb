"""`examprep advise`: which Google ML product fits? Walk, print or drill the decision tree."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer
from rich.console import Console
from rich.panel import Panel
from rich.text import Text

from examprep import services
from examprep.cli.output import console, context, handles_errors, print_json
from examprep.cli.study import run_practice
from examprep.engine.advisor import NOT_SURE, WalkError, answers_from_pairs
from examprep.errors import InvalidInput

if TYPE_CHECKING:
    from examprep.content.pack import Pack
    from examprep.services.advisor import Advice
    from examprep.services.context import Context

HELP = "[dim]number to answer · b back · r restart · ? why this question · q quit[/]"


def render_advice(out: Console, advice: Advice) -> None:
    leaf = advice.leaf
    if leaf is None:
        return
    out.print(Panel(Text(leaf.why), title=f"Recommendation: {leaf.product}", border_style="green"))
    if leaf.former_names:
        out.print(f"[bold]Formerly:[/] {', '.join(leaf.former_names)}")
    if leaf.uses:
        out.print(f"[bold]Works with:[/] {', '.join(leaf.uses)}")
    if advice.path:
        out.print("[bold]Because you answered[/]")
        for step in advice.path:
            answer = f"not sure (assumed: {step['label']})" if step["unsure"] else step["label"]
            out.print(f"  {step['question']} → {answer}")
    if leaf.instead:
        out.print("[bold]Choose something else when[/]")
        for alt in leaf.instead:
            out.print(f"  {alt['product']}: {alt['when']}")
    if advice.ruled_out:
        ruled = sorted({r["product"] for r in advice.ruled_out})
        out.print(
            f"[bold]Ruled out by your answers:[/] {', '.join(ruled[:12])}"
            + (" ..." if len(ruled) > 12 else "")
        )
    for note in advice.unsure:
        out.print(f"[bold]You were not sure:[/] {note['question']}")
        for other in note["otherwise"]:
            out.print(f"  If instead “{other['answer']}”: {', '.join(other['products'])}")
    out.print("[bold]Read more:[/] " + "  ".join(leaf.sources))
    if leaf.questions:
        out.print(f"[bold]Practise this judgement:[/] {', '.join(leaf.questions)}")


def interactive(out: Console, ctx: Context) -> None:
    from examprep.services.advisor import advise

    pack = ctx.pack
    answers: dict[str, str] = {}
    order: list[str] = []
    while True:
        advice = advise(pack, answers)
        if advice.next is None:
            render_advice(out, advice)
            offer_practice(out, ctx, advice)
            return
        question = advice.next
        out.print(f"\n[bold]{question.text}[/]")
        for index, branch in enumerate(question.branches, 1):
            out.print(f"  {index}. {branch.label}")
        unsure = len(question.branches) + 1
        out.print(f"  {unsure}. Not sure (goes on as if: {question.common_branch().label})")
        out.print(HELP)
        try:
            reply = out.input("> ").strip().lower()
        except (EOFError, KeyboardInterrupt):
            return
        if reply == "q":
            return
        if reply == "?":
            out.print(f"[cyan]Why this matters:[/] {question.why}")
        elif reply == "b" and order:
            answers.pop(order.pop())
        elif reply == "r":
            answers.clear()
            order.clear()
        elif reply.isdigit() and 1 <= int(reply) <= unsure:
            number = int(reply)
            answers[question.id] = (
                NOT_SURE if number == unsure else question.branches[number - 1].id
            )
            order.append(question.id)
        else:
            out.print("[red]Type the number of a choice.[/]")


def offer_practice(out: Console, ctx: Context, advice: Advice) -> None:
    """Offer to practise the bank questions that test this recommendation."""
    ids = tuple(advice.leaf.questions) if advice.leaf else ()
    if not ids:
        return
    try:
        reply = out.input(f"Practise the {len(ids)} question(s) that test this now? [y/N] ")
    except (EOFError, KeyboardInterrupt):
        return
    if reply.strip().lower() in {"y", "yes"}:
        run_practice(ctx, services.PracticeFilter(ids=ids, count=len(ids)))


def run_drill(out: Console, pack: Pack, seed: int | None) -> None:
    from examprep.services.advisor import drill

    view = drill(pack, seed)
    out.print(Panel(Text(view.scenario), title="Which product or approach fits?"))
    for index, (_, product) in enumerate(view.choices, 1):
        out.print(f"  {index}. {product}")
    try:
        reply = out.input("> ").strip()
    except (EOFError, KeyboardInterrupt):
        return
    picked = (
        view.choices[int(reply) - 1][0]
        if reply.isdigit() and 1 <= int(reply) <= len(view.choices)
        else ""
    )
    verdict = (
        "[green]Right.[/]"
        if picked == view.answer.id
        else f"[red]Not quite: it is {view.answer.product}.[/]"
    )
    out.print(verdict)
    out.print(Text(view.answer.why))
    out.print("Sources: " + "  ".join(view.answer.sources))


@handles_errors
def advise(
    answer: Annotated[
        list[str] | None, typer.Option("--answer", "-a", help="NODE=CHOICE (repeatable).")
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
    tree: Annotated[bool, typer.Option("--tree", help="Print the whole tree.")] = False,
    mermaid: Annotated[
        bool, typer.Option("--mermaid", help="With --tree: a Mermaid flowchart.")
    ] = False,
    drill_mode: Annotated[
        bool, typer.Option("--drill", help="A scenario: name the product.")
    ] = False,
    seed: Annotated[int | None, typer.Option("--seed", help="Seed for --drill.")] = None,
) -> None:
    """Which Google ML product fits? A decision tree you can walk, print, or drill on."""
    from examprep.services.advisor import advise as walk_tree
    from examprep.services.advisor import tree_json, tree_mermaid, tree_outline

    out = console()
    with context() as ctx:
        pack = ctx.pack
        if tree:
            if as_json:
                print_json(tree_json(pack))
            elif mermaid:
                out.print(tree_mermaid(pack), markup=False, highlight=False)
            else:
                for line in tree_outline(pack):
                    out.print(line, markup=False)
            return
        if drill_mode:
            run_drill(out, pack, seed)
            return
        if answer or as_json:
            try:
                pairs = answers_from_pairs(answer or [])
            except WalkError as exc:
                raise InvalidInput(str(exc)) from None
            advice = walk_tree(pack, pairs)
            if as_json:
                print_json(advice.to_json())
            elif advice.next is not None:
                out.print(f"Next question ({advice.next.id}): {advice.next.text}")
                for b in advice.next.branches:
                    out.print(f"  --answer {advice.next.id}={b.id}   {b.label}")
                out.print(f"  --answer {advice.next.id}={NOT_SURE}   Not sure")
            else:
                render_advice(out, advice)
            return
        interactive(out, ctx)
