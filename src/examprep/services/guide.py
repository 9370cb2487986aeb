"""Export the study guide of the pack as Markdown, HTML or PDF."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from examprep.content.guide import guide_html, guide_markdown
from examprep.errors import InvalidInput
from examprep.services.context import Context

GUIDE_FORMATS = ("md", "html", "pdf")


@dataclass(frozen=True)
class GuideReport:
    """What `export guide` wrote."""

    path: Path
    format: str
    size: int  # bytes


def guide_format(fmt: str | None, path: Path) -> str:
    """The format asked for, or the one the file's suffix names (.md, .html, .pdf)."""
    chosen = (fmt or path.suffix.lstrip(".") or "md").lower()
    chosen = {"markdown": "md", "htm": "html"}.get(chosen, chosen)
    if chosen not in GUIDE_FORMATS:
        where = f"--format {fmt}" if fmt else f"the suffix of {path}"
        raise InvalidInput(
            f"unknown guide format in {where}: choose from {', '.join(GUIDE_FORMATS)}"
        )
    return chosen


def render_guide(ctx: Context, fmt: str) -> bytes:
    """The whole study guide (contents, notes, fact tables, rename map) in format `fmt`."""
    today = ctx.now().date()
    if fmt == "md":
        return guide_markdown(ctx.pack, today).encode("utf-8")
    page = guide_html(ctx.pack, today)
    return page.encode("utf-8") if fmt == "html" else render_pdf(page)


def export_guide(ctx: Context, path: Path, fmt: str | None = None) -> GuideReport:
    """Write the study guide to `path` as Markdown, HTML or PDF (from the suffix by default)."""
    chosen = guide_format(fmt, path)
    if not path.parent.is_dir():  # refuse before rendering, which takes seconds for a PDF
        raise InvalidInput(f"cannot write the study guide to {path}: no folder {path.parent}")
    data = render_guide(ctx, chosen)
    try:
        path.write_bytes(data)
    except OSError as exc:
        raise InvalidInput(f"cannot write the study guide to {path}: {exc.strerror}") from None
    return GuideReport(path=path, format=chosen, size=len(data))


def render_pdf(page: str) -> bytes:
    """Typeset an HTML page as PDF with WeasyPrint, never fetching anything over the network."""
    try:
        from weasyprint import HTML
    except (ImportError, OSError) as exc:
        # OSError: WeasyPrint is installed but the system's Pango libraries are missing.
        raise InvalidInput(
            f"PDF export needs WeasyPrint and the Pango libraries ({exc}); "
            "export --format html and print it from a browser instead"
        ) from None
    pdf = HTML(string=page, url_fetcher=_refuse_fetch).write_pdf()
    assert pdf is not None  # write_pdf returns the bytes when no target is given
    return bytes(pdf)


def _refuse_fetch(url: str, *args: object, **kwargs: object) -> dict[str, object]:
    raise ValueError(f"the study guide loads no external resources ({url})")
