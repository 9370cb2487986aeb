"""The printable study guide: the whole pack as one Markdown or HTML document.

Both renderings come from one outline (`guide_outline`), so their contents and anchors agree:
the exam format, every note grouped by section, every fact table, and the rename map. The HTML
is sanitised: note bodies go through markdown-it with raw HTML disabled (unsafe link schemes
are refused by markdown-it's link validation), and every other string is escaped.
"""

from __future__ import annotations

import datetime as dt
import html
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from examprep.content.advisor import outline_lines, tree_svg
from examprep.content.pack import Pack
from examprep.content.schema import Note, Product, Table

if TYPE_CHECKING:
    from markdown_it import MarkdownIt

ADVISOR_ANCHOR = "decision-tree"
EXAM_TAG = "exam"  # notes with this tag open the guide, in the chapter on the exam itself


@dataclass(frozen=True)
class Chapter:
    """A top-level part of the guide and the notes or tables it holds."""

    anchor: str
    title: str
    intro: list[str] = field(default_factory=list)  # Markdown paragraphs
    notes: list[Note] = field(default_factory=list)
    tables: list[Table] = field(default_factory=list)


def guide_outline(pack: Pack) -> list[Chapter]:
    """The chapters in order: the exam, one per section, fact tables, product names."""
    exam_notes = [n for n in pack.notes if EXAM_TAG in n.meta.tags]
    placed = {n.id for n in exam_notes}
    section_of_bullet = {b.id: s.id for s in pack.sections for b in s.bullets}
    chapters = [Chapter("the-exam", "The exam", _exam_facts(pack), exam_notes)]
    for section in pack.sections:
        notes = [
            n
            for n in pack.notes
            if n.id not in placed and section_of_bullet.get(n.meta.covers[0]) == section.id
        ]
        placed.update(n.id for n in notes)
        bullets = [f"- **{b.id}** {b.text}" for b in section.bullets]
        intro = [f"Weight: {section.weight:g} %.", "\n".join(bullets)]
        chapters.append(Chapter(_slug(section.id), f"{section.id} {section.title}", intro, notes))
    leftovers = [n for n in pack.notes if n.id not in placed]
    if leftovers:
        chapters.append(Chapter("other-notes", "Other notes", [], leftovers))
    if pack.tables:
        chapters.append(Chapter("fact-tables", "Fact tables", [], [], list(pack.tables)))
    if pack.advisor:
        intro = [
            "Which product fits? The advisor's questions from left to right, one row per "
            "recommendation (`examprep advise` walks it, `examprep advise --tree` prints it)."
        ]
        chapters.append(Chapter(ADVISOR_ANCHOR, "The product-choice decision tree", intro))
    if pack.names:
        intro = ["Current names as of the exam guide; older material uses the former names."]
        chapters.append(Chapter("product-names", "Product names", intro))
    return chapters


def _exam_facts(pack: Pack) -> list[str]:
    meta = pack.meta
    q = meta.questions
    lines = [
        f"- Questions: {q.min}-{q.max}, single and multiple select",
        f"- Time: {meta.minutes} minutes",
        f"- Pass mark: {meta.pass_mark:.0%} assumed. {meta.pass_mark_note}",
    ]
    if meta.guide_date:
        guide = f"exam guide of {meta.guide_date.isoformat()}"
        lines.append(f"- Outline: [{guide}]({meta.guide_url})" if meta.guide_url else guide)
    if meta.exam_url:
        lines.append(f"- Exam page: <{meta.exam_url}>")
    weights = ["| Section | Title | Weight |", "|---|---|---|"]
    weights += [f"| {s.id} | {_cell(s.title)} | {s.weight:g} % |" for s in pack.sections]
    return ["\n".join(lines), "\n".join(weights)]


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


def _cell(text: str) -> str:
    return " ".join(text.split()).replace("|", "\\|")


def _shift_headings(markdown: str, by: int) -> str:
    """Demote the note's own headings below the guide's (outside fenced code blocks)."""
    out, fenced = [], False
    for line in markdown.splitlines():
        if line.lstrip().startswith(("```", "~~~")):
            fenced = not fenced
        elif not fenced and re.match(r"#{1,6}\s", line):
            hashes = len(line) - len(line.lstrip("#"))
            line = "#" * min(6, hashes + by) + line[hashes:]
        out.append(line)
    return "\n".join(out)


def _note_meta(pack: Pack, note: Note) -> str:
    bullets = pack.bullets
    covers = "; ".join(f"{b} {bullets[b].text}" if b in bullets else b for b in note.meta.covers)
    lines = [f"*Covers:* {covers}"]
    if note.meta.verified:
        lines.append(f"*Verified:* {note.meta.verified.isoformat()}")
    return "  \n".join(lines)


def _sources(urls: list[str]) -> str:
    return "**Sources**\n\n" + "\n".join(f"- <{u}>" for u in urls)


def _table_markdown(table: Table) -> str:
    head = "| " + " | ".join(_cell(c.label) for c in table.columns) + " |"
    rule = "|" + "---|" * len(table.columns)
    rows = [
        "| " + " | ".join(_cell(row.get(c.id, "")) for c in table.columns) + " |"
        for row in table.rows
    ]
    return "\n".join([head, rule, *rows])


def _names_markdown(products: tuple[Product, ...]) -> str:
    lines = ["| Current name | Former names | Status |", "|---|---|---|"]
    for p in products:
        former = "; ".join(
            f"{f.name} (until {f.until.isoformat()})" if f.until else f.name for f in p.former
        )
        lines.append(f"| {_cell(p.name)} | {_cell(former) or '-'} | {_status(p)} |")
    return "\n".join(lines)


STATUS_LABEL = {
    "ga": "GA",
    "preview": "Preview",
    "deprecated": "Deprecated",
    "shut-down": "Shut down",
}


def _status(product: Product) -> str:
    """'GA', or the lifecycle dates that say more than the status word."""
    dates = []
    if product.deprecated:
        dates.append(f"deprecated {product.deprecated.isoformat()}")
    if product.shutdown:
        verb = "shut down" if product.status == "shut-down" else "shutdown"
        dates.append(f"{verb} {product.shutdown.isoformat()}")
    return ", ".join(dates) if dates else STATUS_LABEL.get(product.status, product.status)


def _blocks(pack: Pack, chapter: Chapter) -> Iterator[tuple[str, str, str]]:
    """(anchor, title, Markdown body) of each note or table of a chapter."""
    for note in chapter.notes:
        body = [_note_meta(pack, note), _shift_headings(note.body.strip(), 2)]
        if note.meta.sources:
            body.append(_sources(list(note.meta.sources)))
        yield note.id, note.meta.title, "\n\n".join(body)
    for table in chapter.tables:
        covers = ", ".join(table.covers)
        body = [f"*Covers:* {covers}", _table_markdown(table)]
        if table.note:
            body.append(" ".join(table.note.split()))
        body.append(_sources(list(table.sources)))
        yield table.id, table.title, "\n\n".join(body)


def _title(pack: Pack) -> str:
    return f"{pack.meta.title}: study guide"


def _contents(pack: Pack, chapters: list[Chapter]) -> list[tuple[int, str, str]]:
    """(depth, anchor, title) entries of the table of contents."""
    entries = []
    for chapter in chapters:
        entries.append((0, chapter.anchor, chapter.title))
        entries += [(1, anchor, title) for anchor, title, _ in _blocks(pack, chapter)]
    return entries


def guide_markdown(pack: Pack, today: dt.date | None = None) -> str:
    """The study guide as one Markdown document with a linked table of contents."""
    chapters = guide_outline(pack)
    parts = [f"# {_title(pack)}", _byline(pack, today), "## Contents"]
    parts.append(
        "\n".join(
            f"{'  ' * depth}- [{_link_text(title)}](#{anchor})"
            for depth, anchor, title in _contents(pack, chapters)
        )
    )
    for chapter in chapters:
        parts += [f'<a id="{chapter.anchor}"></a>', f"## {chapter.title}", *chapter.intro]
        for anchor, title, body in _blocks(pack, chapter):
            parts += [f'<a id="{anchor}"></a>', f"### {title}", body]
        if chapter.anchor == ADVISOR_ANCHOR:
            parts.append("```text\n" + "\n".join(outline_lines(pack)) + "\n```")
        if chapter.anchor == "product-names":
            parts.append(_names_markdown(pack.names))
    return "\n\n".join(parts) + "\n"


def _byline(pack: Pack, today: dt.date | None) -> str:
    made = f", generated {today.isoformat()}" if today else ""
    return f"Pack `{pack.id}`{made}. Every note cites the official pages it relies on."


def _link_text(title: str) -> str:
    return title.replace("[", "\\[").replace("]", "\\]")


# --- HTML --------------------------------------------------------------------------------

CSS = """
@page { size: A4; margin: 18mm 16mm 20mm;
  @bottom-center { content: counter(page) " / " counter(pages); font-size: 8pt; color: #666; } }
body { font-family: "DejaVu Sans", "Helvetica", "Arial", sans-serif; font-size: 10pt;
  line-height: 1.45; max-width: 52em; margin: 0 auto; padding: 1em; color: #111; }
h1 { font-size: 20pt; } h2 { font-size: 15pt; border-bottom: 1px solid #999; }
h3 { font-size: 12.5pt; margin-top: 1.6em; } h4, h5, h6 { font-size: 10.5pt; }
section.chapter { break-before: page; }
table { border-collapse: collapse; margin: 0.6em 0; font-size: 8.5pt; width: 100%; }
th, td { border: 1px solid #bbb; padding: 2px 4px; vertical-align: top; text-align: left; }
th { background: #eee; }
code { font-family: "DejaVu Sans Mono", monospace; font-size: 0.92em; }
pre { white-space: pre-wrap; background: #f6f6f6; padding: 0.5em; }
a { color: #1a4f9c; overflow-wrap: anywhere; }
nav ul { list-style: none; padding-left: 1.2em; }
.meta { color: #444; font-size: 9pt; }
.diagram svg { width: 100%; height: auto; }
@media print { nav a::after { content: leader(".") target-counter(attr(href), page); } }
"""


def _renderer() -> MarkdownIt:
    from markdown_it import MarkdownIt

    # Raw HTML off: a note cannot inject markup or scripts into the guide.
    return MarkdownIt("commonmark", {"html": False}).enable("table")


def guide_html(pack: Pack, today: dt.date | None = None) -> str:
    """The study guide as one standalone, sanitised HTML page (also the source of the PDF)."""
    md = _renderer()
    chapters = guide_outline(pack)
    esc = html.escape
    out = [
        '<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">',
        f"<title>{esc(_title(pack))}</title>\n<style>{CSS}</style>\n</head>\n<body>",
        f"<h1>{esc(_title(pack))}</h1>",
        f'<p class="meta">{md.renderInline(_byline(pack, today))}</p>',
        '<nav id="contents">\n<h2>Contents</h2>',
        _contents_html(_contents(pack, chapters)),
        "</nav>",
    ]
    for chapter in chapters:
        out.append(f'<section class="chapter" id="{esc(chapter.anchor)}">')
        out.append(f"<h2>{esc(chapter.title)}</h2>")
        out += [md.render(p) for p in chapter.intro]
        for anchor, title, body in _blocks(pack, chapter):
            out.append(f'<article id="{esc(anchor)}">\n<h3>{esc(title)}</h3>')
            out += [md.render(body), "</article>"]
        if chapter.anchor == ADVISOR_ANCHOR:
            out.append(f'<div class="diagram">{tree_svg(pack)}</div>')  # texts escaped inside
        if chapter.anchor == "product-names":
            out.append(md.render(_names_markdown(pack.names)))
        out.append("</section>")
    out.append("</body>\n</html>\n")
    return "\n".join(out)


def _contents_html(entries: list[tuple[int, str, str]]) -> str:
    groups: list[tuple[str, list[str]]] = []
    for depth, anchor, title in entries:
        link = f'<a href="#{html.escape(anchor)}">{html.escape(title)}</a>'
        if depth == 0 or not groups:
            groups.append((link, []))
        else:
            groups[-1][1].append(link)
    items = []
    for link, subs in groups:
        inner = "".join(f"<li>{s}</li>" for s in subs)
        items.append(f"<li>{link}<ul>{inner}</ul></li>" if subs else f"<li>{link}</li>")
    return "<ul>\n" + "\n".join(items) + "\n</ul>"
