"""`examprep export guide`: the whole study guide as one Markdown, HTML or PDF document."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from examprep import services
from examprep.cli.output import console, context, handles_errors, print_json


@handles_errors
def guide(
    output: Annotated[Path, typer.Option("--output", "-o", help="File to write.")],
    fmt: Annotated[
        str | None,
        typer.Option(
            "--format", "-f", help="md, html or pdf (default: from the file's suffix, else md)."
        ),
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """The study guide: contents by section, every note, fact table, the rename map, the exam."""
    with context() as ctx:
        report = services.export_guide(ctx, output, fmt)
    if as_json:
        print_json({"path": str(report.path), "format": report.format, "bytes": report.size})
        return
    console().print(
        f"Wrote the study guide to {report.path} ({report.format}, {report.size:,} bytes)."
    )
