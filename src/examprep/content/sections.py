"""Note sections (`##` headings) and links to them: `n-s3-training-problems#class-imbalance`.

A question or card names the note section that teaches its decisive fact with such a link; the
web page of the note gives each section the anchor `<note id>-<section slug>`, and
`examprep notes ID#SECTION` prints just that section.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

SLUG = re.compile(r"[^a-z0-9]+")
_FENCE = re.compile(r"^\s*(```|~~~)")
_H2 = re.compile(r"^##\s+(.+?)\s*#*\s*$")


@dataclass(frozen=True)
class Section:
    """One `##` section of a note: its slug (the part after `#` in a link), heading and text."""

    slug: str
    title: str
    text: str  # the section's Markdown, its heading included


def slug(title: str) -> str:
    """The link form of a heading: lower case, runs of other characters as one hyphen."""
    return SLUG.sub("-", title.lower()).strip("-")


def plain_heading(markdown: str) -> str:
    """A heading's words without Markdown: link text kept, emphasis and code marks dropped."""
    text = re.sub(r"!?\[([^\]]*)\]\([^)]*\)", r"\1", markdown)
    return re.sub(r"[*_`]+", "", text).strip()


def sections(body: str) -> list[Section]:
    """The `##` sections of a note body in order (headings inside code fences do not count).

    A repeated heading gets its position as a suffix, as the web page's anchors do.
    """
    found: list[tuple[str, str, list[str]]] = []
    fenced = False
    for line in body.splitlines():
        if _FENCE.match(line):
            fenced = not fenced
        match = None if fenced else _H2.match(line)
        if match:
            title = plain_heading(match.group(1))
            key = slug(title)
            if any(key == k for k, _, _ in found):
                key = f"{key}-{len(found)}"
            found.append((key, title, [line]))
        elif found:
            found[-1][2].append(line)
    return [Section(key, title, "\n".join(lines).strip()) for key, title, lines in found]


def split_link(link: str) -> tuple[str, str]:
    """`note-id#section` -> (note id, section slug); the slug is "" when there is no `#`."""
    note, _, section = link.partition("#")
    return note, section


def note_href(link: str) -> str:
    """Where a link's section is on the web: `/notes/NOTE#NOTE-SECTION` (the page's anchor)."""
    note, section = split_link(link)
    return f"/notes/{note}#{note}-{section}" if section else f"/notes/{note}"
