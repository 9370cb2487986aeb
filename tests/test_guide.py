"""The study guide export: Markdown, sanitised HTML and a PDF whose pages render."""

from __future__ import annotations

import datetime as dt
import json
import re
import shutil
from html.parser import HTMLParser
from pathlib import Path

import pytest
from typer.testing import CliRunner

from examprep.cli.app import app
from examprep.content.guide import guide_html, guide_markdown
from examprep.content.loader import Pack, load_pack
from examprep.services.guide import render_pdf

from .conftest import MINI_PACK

runner = CliRunner()
TODAY = dt.date(2026, 11, 27)

EVIL_NOTE = """---
id: n-evil
title: Object storage <script>alert(1)</script>
covers: [S1.1.a]
sources: [https://docs.example.org/storage]
---
## Buckets

Objects live in buckets. <script>alert(2)</script> <img src=x onerror=alert(3)>

[a bad link](javascript:alert(4)) and [a good one](https://docs.example.org/buckets).

```
# not a heading
```
"""

TABLE = """id: t-units
title: Storage units
covers: [S1.1.a]
sources: [https://docs.example.org/units]
key: unit
columns:
  - {id: unit, label: Unit}
  - {id: kind, label: Kind}
rows:
  - {unit: object, kind: "Cloud | Storage"}
  - {unit: block, kind: Disk}
"""

NAMES = """products:
  - id: new-store
    name: New Store
    former:
      - {name: Old Store, until: 2025-01-01}
    status: ga
"""


@pytest.fixture
def small_pack(tmp_path: Path) -> Path:
    """The mini pack plus one hostile note, a fact table and a rename map."""
    root = tmp_path / "pack"
    shutil.copytree(MINI_PACK, root)
    (root / "notes").mkdir()
    (root / "notes" / "evil.md").write_text(EVIL_NOTE, encoding="utf-8")
    (root / "tables").mkdir()
    (root / "tables" / "units.yaml").write_text(TABLE, encoding="utf-8")
    (root / "names.yaml").write_text(NAMES, encoding="utf-8")
    return root


@pytest.fixture(scope="module")
def bundled() -> Pack:
    return load_pack()


class Anchors(HTMLParser):
    """Collects element ids, in-page links and any script or event-handler attribute."""

    def __init__(self) -> None:
        super().__init__()
        self.ids: set[str] = set()
        self.links: list[str] = []
        self.unsafe: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if values.get("id"):
            self.ids.add(str(values["id"]))
        href = values.get("href") or ""
        if href.startswith("#"):
            self.links.append(href[1:])
        if tag in {"script", "img", "iframe"} or any(k.startswith("on") for k in values):
            self.unsafe.append(tag)
        if href.lower().startswith("javascript:"):
            self.unsafe.append(href)


def anchors(html: str) -> Anchors:
    parser = Anchors()
    parser.feed(html)
    return parser


def test_markdown_guide_has_everything_with_working_links(bundled: Pack) -> None:
    text = guide_markdown(bundled, TODAY)
    assert text.startswith("# Google Cloud Professional Machine Learning Engineer: study guide")
    targets = set(re.findall(r'<a id="([^"]+)"></a>', text))
    links = re.findall(r"\]\(#([^)]+)\)", text)
    assert links and set(links) <= targets
    assert {n.id for n in bundled.notes} <= set(links)
    assert {t.id for t in bundled.tables} <= set(links)
    assert {"the-exam", "fact-tables", "product-names"} <= targets
    assert "- Questions: 50-60, single and multiple select" in text
    assert "- Time: 120 minutes" in text
    assert "| Managed Service for Apache Airflow | Cloud Composer (until 2026-04-15) | GA |" in text
    # Every section is a chapter and a note's own headings sit below the guide's.
    for section in bundled.sections:
        assert f"## {section.id} {section.title}" in text
    assert "| Healthcare Natural Language API | - | shut down 2026-05-27 |" in text
    assert "\n## Two ways to split the work" not in text
    assert "\n#### Two ways to split the work" in text


def test_html_guide_links_resolve_and_nothing_is_missing(bundled: Pack) -> None:
    page = guide_html(bundled, TODAY)
    found = anchors(page)
    assert found.links and set(found.links) <= found.ids
    assert {n.id for n in bundled.notes} | {t.id for t in bundled.tables} <= found.ids
    assert not found.unsafe
    assert page.count("<table>") >= len(bundled.tables) + 1


def test_html_is_sanitised(small_pack: Path) -> None:
    page = guide_html(load_pack(small_pack), TODAY)
    found = anchors(page)
    assert not found.unsafe, found.unsafe
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "&lt;script&gt;alert(2)&lt;/script&gt;" in page
    assert 'href="https://docs.example.org/buckets"' in page
    assert "Cloud \\| Storage" not in page and "Cloud | Storage" in page
    assert "<h4>Buckets</h4>" in page and "# not a heading" in page


def test_export_guide_markdown_and_html_via_cli(tmp_path: Path) -> None:
    for fmt in ("md", "html"):
        out = tmp_path / f"guide.{fmt}"
        result = runner.invoke(app, ["export", "guide", "--format", fmt, "-o", str(out), "--json"])
        assert result.exit_code == 0, result.output
        report = json.loads(result.output)
        assert report["format"] == fmt and report["bytes"] == out.stat().st_size > 100_000
    assert (tmp_path / "guide.html").read_text(encoding="utf-8").startswith("<!DOCTYPE html>")


def test_export_guide_format_from_suffix_and_errors(tmp_path: Path, small_pack: Path) -> None:
    env = {"EXAMPREP_PACK_PATH": str(small_pack)}
    result = runner.invoke(app, ["export", "guide", "-o", str(tmp_path / "g.htm")], env=env)
    assert result.exit_code == 0, result.output
    assert "Wrote the study guide" in result.output and "html" in result.output
    bad = runner.invoke(app, ["export", "guide", "-o", str(tmp_path / "g.docx")], env=env)
    assert bad.exit_code == 2 and "unknown guide format" in bad.output
    missing = tmp_path / "no" / "such" / "dir" / "g.md"
    nowhere = runner.invoke(app, ["export", "guide", "-o", str(missing)], env=env)
    assert nowhere.exit_code == 2 and "cannot write the study guide" in nowhere.output


def _page_has_ink(pdf: object, index: int) -> bool:
    import numpy as np

    page = pdf[index]  # type: ignore[index]
    pixels = np.asarray(page.render(scale=0.5).to_numpy())
    body = pixels[: int(pixels.shape[0] * 0.9)]  # above the footer with the page number
    return bool((body < 128).mean() > 0.0005)


@pytest.mark.slow
def test_export_guide_pdf_via_cli_renders(tmp_path: Path, small_pack: Path) -> None:
    import pypdfium2 as pdfium

    out = tmp_path / "guide.pdf"
    env = {"EXAMPREP_PACK_PATH": str(small_pack)}
    result = runner.invoke(app, ["export", "guide", "-f", "pdf", "-o", str(out)], env=env)
    assert result.exit_code == 0, result.output
    assert out.read_bytes().startswith(b"%PDF-")
    pdf = pdfium.PdfDocument(str(out))
    assert len(pdf) >= 2
    assert all(_page_has_ink(pdf, i) for i in range(len(pdf)))


@pytest.mark.slow
def test_bundled_guide_pdf_pages_render(bundled: Pack) -> None:
    import pypdfium2 as pdfium

    data = render_pdf(guide_html(bundled, TODAY))
    pdf = pdfium.PdfDocument(data)
    pages = len(pdf)
    assert pages > 60
    assert all(_page_has_ink(pdf, i) for i in (0, 1, pages // 2, pages - 1))
    text = pdf[0].get_textpage().get_text_range()
    assert "study guide" in text and "Contents" in text


def test_the_guide_draws_the_decision_tree(bundled: Pack) -> None:
    page = guide_html(bundled, TODAY)
    chapter = page[page.index('id="decision-tree"') :]
    assert chapter.index("<svg") < chapter.index("</section>")
    assert page.count('class="leaf"') == sum(
        1
        for n in bundled.advisor.nodes
        for c in n.choices
        if c.leaf  # type: ignore[union-attr]
    )
    assert "RAG Engine" in chapter and "What must the solution produce?" in chapter
    text = guide_markdown(bundled, TODAY)
    assert "## The product-choice decision tree" in text
    assert "? What kind of generative solution is it?" in text
