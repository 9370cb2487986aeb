"""Exports of the pack for other tools: Anki decks and Moodle GIFT quizzes (QTI: services.qti)."""

from __future__ import annotations

import hashlib
import html
import os
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from examprep.errors import InvalidInput
from examprep.services.context import Context

if TYPE_CHECKING:
    from examprep.content.pack import Pack
    from examprep.content.schema import Card, Question, Section, Subsection

LETTERS = "ABCDEF"


@dataclass(frozen=True)
class ExportReport:
    """What an export wrote."""

    path: Path
    cards: int
    questions: int
    decks: list[str]


# --- shared --------------------------------------------------------------------------------


def selected_sections(pack: Pack, sections: Sequence[str] | None) -> list[Section]:
    """The pack's sections named in `sections` (all when empty); unknown ids are refused."""
    if not sections:
        return list(pack.sections)
    known = {s.id: s for s in pack.sections}
    unknown = [s for s in sections if s not in known]
    if unknown:
        raise InvalidInput(
            f"unknown section {', '.join(unknown)} (this pack has {', '.join(known)})"
        )
    return [s for s in pack.sections if s.id in set(sections)]


def authored_questions(pack: Pack) -> list[Question]:
    """The question bank without drills generated from fact tables."""
    return [q for q in pack.questions if not q.generated]


def subsection_of(section: Section, bullet: str) -> Subsection:
    """The subsection of `section` holding `bullet`."""
    return next(sub for sub in section.subsections if any(b.id == bullet for b in sub.bullets))


def items_by_subsection(
    section: Section, items: Sequence[Card] | Sequence[Question]
) -> dict[str, list[Any]]:
    """Items whose first bullet lies in `section`, grouped by subsection id (outline order)."""
    grouped: dict[str, list[Any]] = {sub.id: [] for sub in section.subsections}
    bullets = {b.id for b in section.bullets}
    for item in items:
        if item.covers[0] in bullets:
            grouped[subsection_of(section, item.covers[0]).id].append(item)
    return grouped


def write_atomically(path: Path, write: Callable[[Path], object]) -> None:
    """Let `write` fill a temporary file next to `path`, then move it into place."""
    path = path.expanduser()
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise InvalidInput(f"cannot create the folder {path.parent}: {exc.strerror}") from None
    if path.is_dir():
        raise InvalidInput(f"{path} is a folder; give a file name")
    # a name of our own rather than mkstemp, so the file gets the usual (umask) permissions
    tmp = path.with_name(f".{path.name}.{uuid.uuid4().hex[:8]}.partial")
    try:
        write(tmp)
        os.replace(tmp, path)
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        raise InvalidInput(f"cannot write {path}: {exc.strerror or exc}") from None
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def stable_id(*parts: str) -> int:
    """A stable positive id (Anki deck and note-type ids) derived from our own ids."""
    digest = hashlib.sha256("::".join(parts).encode()).digest()
    return (1 << 30) + int.from_bytes(digest[:4], "big") % (1 << 30)


def deck_root(pack: Pack) -> str:
    """The top deck name: the last part of the pack id in capitals (gcp-pmle -> PMLE)."""
    return pack.id.rsplit("-", 1)[-1].upper()


# --- Anki ----------------------------------------------------------------------------------

CSS = (
    ".card { font-family: sans-serif; font-size: 18px; text-align: left; }\n.why { margin: 4px 0; }"
)


def _html(text: str) -> str:
    return html.escape(text, quote=False).replace("\n", "<br>")


def _deck_name(*parts: str) -> str:
    # "::" separates Anki sub-decks, so it must not occur inside one part
    return "::".join(p.replace("::", ":") for p in parts)


def _models(pack: Pack) -> tuple[Any, Any]:
    import genanki

    basic = genanki.Model(
        stable_id("examprep", pack.id, "model", "basic"),
        f"examprep basic ({pack.id})",
        fields=[{"name": "Front"}, {"name": "Back"}, {"name": "Source"}],
        templates=[
            {
                "name": "Card 1",
                "qfmt": "{{Front}}",
                "afmt": '{{FrontSide}}<hr id="answer">{{Back}}<br><small>{{Source}}</small>',
            }
        ],
        css=CSS,
    )
    choice = genanki.Model(
        stable_id("examprep", pack.id, "model", "choice"),
        f"examprep multiple choice ({pack.id})",
        fields=[
            {"name": "Question"},
            {"name": "Options"},
            {"name": "Answer"},
            {"name": "Explanations"},
            {"name": "Sources"},
        ],
        templates=[
            {
                "name": "Card 1",
                "qfmt": "{{Question}}<br><br>{{Options}}",
                "afmt": '{{FrontSide}}<hr id="answer"><b>Answer: {{Answer}}</b>'
                "<br>{{Explanations}}<br><small>{{Sources}}</small>",
            }
        ],
        css=CSS,
    )
    return basic, choice


def card_fields(card: Card) -> list[str]:
    """The Anki fields of a flashcard: Front, Back, Source."""
    link = html.escape(card.source)
    return [_html(card.front), _html(card.back), f'<a href="{link}">{link}</a>']


def question_fields(question: Question) -> list[str]:
    """The Anki fields of a question: Question, Options, Answer, Explanations, Sources."""
    options = "<br>".join(f"{LETTERS[i]}. {_html(o.text)}" for i, o in enumerate(question.options))
    answer = ", ".join(LETTERS[i] for i in question.key)
    if question.kind == "multi":
        answer += f" (choose {question.choose})"
    explanations = "".join(
        f'<div class="why">{LETTERS[i]} {"✓" if o.correct else "✗"} {_html(o.why)}</div>'
        for i, o in enumerate(question.options)
    )
    sources = "<br>".join(
        f'<a href="{html.escape(s)}">{html.escape(s)}</a>' for s in question.sources
    )
    return [_html(question.stem), options, answer, explanations, sources]


def _tags(covers: Sequence[str], tags: Sequence[str]) -> list[str]:
    return list(dict.fromkeys([*covers, *tags]))


def anki_decks(pack: Pack, sections: Sequence[str] | None, questions: bool) -> list[Any]:
    """genanki decks "ROOT::section::subsection" holding the cards (and questions) of each."""
    import genanki

    basic, choice = _models(pack)
    root = deck_root(pack)
    decks = []
    for section in selected_sections(pack, sections):
        cards = items_by_subsection(section, pack.cards)
        bank = items_by_subsection(section, authored_questions(pack) if questions else [])
        for sub in section.subsections:
            deck = genanki.Deck(
                stable_id("examprep", pack.id, sub.id),
                _deck_name(root, f"{section.id} {section.title}", f"{sub.id} {sub.title}"),
            )
            for card in cards[sub.id]:
                deck.add_note(
                    genanki.Note(
                        model=basic,
                        fields=card_fields(card),
                        tags=_tags(card.covers, card.tags),
                        guid=genanki.guid_for("examprep", pack.id, "card", card.id),
                    )
                )
            for question in bank[sub.id]:
                deck.add_note(
                    genanki.Note(
                        model=choice,
                        fields=question_fields(question),
                        tags=_tags(question.covers, question.tags),
                        guid=genanki.guid_for("examprep", pack.id, "question", question.id),
                    )
                )
            if deck.notes:  # Anki creates the parent decks from the "::" in the names
                decks.append(deck)
    return decks


def export_anki(
    ctx: Context, path: Path, sections: Sequence[str] | None = None, questions: bool = False
) -> ExportReport:
    """Write an Anki package (.apkg); note ids follow our ids, so re-importing updates notes."""
    import genanki

    decks = anki_decks(ctx.pack, sections, questions)
    if not decks:
        hint = "" if questions else " (add --questions to export the question bank)"
        raise InvalidInput(f"nothing to export: no flashcards in the chosen sections{hint}")
    # Anki updates a note on re-import only when the file's copy is newer: stamp it with now.
    stamp = ctx.now().timestamp()
    write_atomically(path, lambda tmp: genanki.Package(decks).write_to_file(tmp, timestamp=stamp))
    notes = [n for d in decks for n in d.notes]
    n_questions = sum(1 for n in notes if n.model.name.startswith("examprep multiple choice"))
    return ExportReport(path, len(notes) - n_questions, n_questions, [d.name for d in decks])


# --- Moodle GIFT ---------------------------------------------------------------------------

GIFT_ESCAPES = {ch: "\\" + ch for ch in "\\~=#{}:"} | {"\n": "\\n", "\r": ""}


def gift_escape(text: str) -> str:
    """Escape GIFT's reserved characters (\\ ~ = # { } :) and newlines, as Moodle reads them."""
    return "".join(GIFT_ESCAPES.get(ch, ch) for ch in text)


def gift_category(*parts: str) -> str:
    """A $CATEGORY path; a "/" inside a name is written "//" as Moodle expects."""
    return "/".join(p.replace("/", "//") for p in parts)


def _weight(share: float) -> str:
    return f"{share:.5f}".rstrip("0").rstrip(".")


def gift_question(question: Question) -> str:
    """One question in GIFT: [plain] text, per-option feedback, sources as general feedback."""
    lines = [f"::{gift_escape(question.id)}::[plain]{gift_escape(question.stem)}{{"]
    for option in question.options:
        if question.kind == "single":
            mark = "=" if option.correct else "~"
        else:
            # Partial credit per right option; any wrong option cancels it (all-or-nothing).
            mark = f"~%{_weight(100 / question.choose)}%" if option.correct else "~%-100%"
        lines.append(f"\t{mark}{gift_escape(option.text)}#{gift_escape(option.why)}")
    if question.sources:
        lines.append("\t####" + gift_escape("Sources: " + " ".join(question.sources)))
    lines.append("}")
    return "\n".join(lines)


def gift_text(pack: Pack, sections: Sequence[str] | None = None) -> tuple[str, int]:
    """The whole bank as GIFT, one $CATEGORY per section; returns (text, question count)."""
    root = deck_root(pack)
    blocks = [f"// {pack.meta.title} ({pack.id}): question bank exported by examprep"]
    count = 0
    for section in selected_sections(pack, sections):
        bank = items_by_subsection(section, authored_questions(pack))
        blocks.append(f"$CATEGORY: $course$/{gift_category(root, f'{section.id} {section.title}')}")
        for items in bank.values():
            blocks += [gift_question(q) for q in items]
            count += len(items)
    return "\n\n".join(blocks) + "\n", count


def export_gift(ctx: Context, path: Path, sections: Sequence[str] | None = None) -> ExportReport:
    """Write the question bank as a Moodle GIFT file."""
    text, count = gift_text(ctx.pack, sections)
    write_atomically(path, lambda tmp: tmp.write_text(text, encoding="utf-8"))
    return ExportReport(path, 0, count, [s.id for s in selected_sections(ctx.pack, sections)])
