"""Rendering of questions, feedback and results for an 80-column terminal."""

from __future__ import annotations

from rich.console import Console, Group
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from examprep.services.views import AttemptView, ExamResult, Feedback, HistoryLine, QuestionView


def clock(seconds: float | None) -> str:
    if seconds is None:
        return "untimed"
    seconds = max(0, int(seconds))
    return f"{seconds // 3600}:{seconds % 3600 // 60:02d}:{seconds % 60:02d} left"


def question_screen(view: AttemptView, question: QuestionView, remaining: float | None) -> Group:
    """One question, its options, and the status line."""
    answered = len(view.answers)
    flagged = " [yellow]⚑ flagged[/]" if question.position in view.flags else ""
    # Drills are generated from fact tables, not authored: say so (see content/drills.py).
    drill = " · [magenta]generated drill[/]" if question.id.startswith("drill:") else ""
    if view.mode in ("diagnostic", "study"):
        # Adaptive: the next question is chosen after each answer, so the length is not known.
        head = Text.from_markup(
            f"[bold]Question {question.position}[/] · {question.section} · adaptive"
        )
    else:
        head = Text.from_markup(
            f"[bold]Question {question.position}/{len(view.questions)}[/]{drill} · "
            f"{question.section} · "
            f"{clock(remaining)} · answered {answered}/{len(view.questions)} · "
            f"flagged {len(view.flags)}{flagged}"
        )
    body = Text(question.stem)
    if question.kind == "multi" and "choose" not in question.stem.lower():
        body.append(f"\n(Choose {question.choose}.)", style="bold")
    chosen = set(view.answers.get(question.position, "").split(","))
    options = Table.grid(padding=(0, 1))
    options.add_column(width=3)
    options.add_column(ratio=1)
    for option in question.options:
        mark = "[reverse]" if option.key in chosen else ""
        options.add_row(
            Text.from_markup(f"{mark}{option.key}.[/]" if mark else f"{option.key}."),
            Text(option.text),
        )
    return Group(head, Panel(body, expand=True), options)


def feedback_screen(fb: Feedback, title: str | None = None) -> Group:
    """A question with the learner's choice, the key, every option's explanation and sources."""
    verdict = "[green]Correct[/]" if fb.correct else "[red]Not correct[/]"
    if not fb.chosen:
        verdict = "[red]Not answered[/]"
    head = Text.from_markup(
        f"[bold]{title or f'Question {fb.position}'}[/] · {fb.bullet} · {verdict} · "
        f"your answer: {fb.chosen or '—'} · key: {fb.key}"
    )
    parts: list[Text | Panel | Table] = [head, Panel(Text(fb.stem), expand=True)]
    grid = Table.grid(padding=(0, 1))
    grid.add_column(width=9, no_wrap=True)
    grid.add_column(ratio=1)
    for option in fb.options:
        mark = ("✓" if option.correct else " ") + (" you" if option.chosen else "")
        style = "green" if option.correct else ("red" if option.chosen else "")
        body = Text(option.text, style=f"bold {style}".strip())
        body.append("\n" + option.why, style="dim")
        grid.add_row(Text(f"{option.key}. {mark}", style=style), body)
    parts.append(grid)
    parts.append(Text("Sources: " + "  ".join(fb.sources), style="cyan"))
    return Group(*parts)


def result_head(result: ExamResult) -> str:
    """The first line of a result: the score, and for an exam the pass-mark comparison."""
    what = "Attempt" if result.mode == "exam" else result.mode.capitalize()
    label = f"[bold]{what} {result.attempt}[/]"
    if result.score is None:
        return f"{label}: not finished — no question was answered, so there is no score."
    pct = f"{result.score:.0%}"
    if result.above_assumed_pass_mark is None:
        unanswered = result.asked - result.answered
        rest = f"; {unanswered} not answered (not counted)" if unanswered else ""
        done = " — not finished" if result.completion == "not finished" else ""
        return f"{label}: {result.correct}/{result.total} answered correctly ({pct}){rest}{done}."
    side = "at or above" if result.above_assumed_pass_mark else "below"
    return (
        f"{label}: {result.correct}/{result.total} correct ({pct}) — "
        f"{side} the assumed pass mark of {result.pass_mark:.0%}."
    )


def result_screen(result: ExamResult) -> Group:
    """Overall score, the pass-mark assumption, sections, weakest bullets, earlier attempts."""
    head = Text.from_markup(result_head(result))
    parts: list[Text | Table] = [head]
    if result.above_assumed_pass_mark is not None:
        parts.append(Text(f"Assumption: {result.pass_mark_note}", style="dim"))
    if result.score is None:
        return Group(*parts)
    pct = f"{result.score:.0%}"
    sections = Table("section", "title", "correct", "score", title="By section")
    for s in result.sections:
        sections.add_row(s.id, s.title, f"{s.correct}/{s.total}", f"{s.share:.0%}")
    parts.append(sections)
    if result.weakest:
        weak = Table("bullet", "correct", "topic", title="Weakest bullets")
        for b in result.weakest:
            weak.add_row(b.id, f"{b.correct}/{b.total}", b.title)
        parts.append(weak)
    timing = sorted(result.questions, key=lambda q: -q.seconds)[:3]
    if timing and timing[0].seconds > 0:
        slow = ", ".join(f"Q{q.position} {q.seconds / 60:.1f} min" for q in timing)
        parts.append(Text(f"Longest questions: {slow}"))
    if result.previous:
        history = " → ".join(f"{p.score:.0%}" for p in result.previous[-5:])
        parts.append(Text(f"Earlier attempts: {history} → now {pct}"))
    return Group(*parts)


def history_score(line: HistoryLine) -> str:
    """ "41/60 (68 %)", or a dash when there is no score to show (yet)."""
    if line.correct is None or line.score is None:
        return "—"
    return f"{line.correct}/{line.total} ({line.score:.0%})"


def history_table(lines: list[HistoryLine], sections: list[str]) -> Table:
    table = Table("attempt", "date", "mode", "status", "score", *sections, title="History")
    for line in lines:
        table.add_row(
            str(line.attempt),
            f"{line.started_at:%Y-%m-%d %H:%M}",
            line.mode,
            line.completion,
            history_score(line),
            *(
                f"{line.sections[s][0]}/{line.sections[s][1]}" if s in line.sections else "—"
                for s in sections
            ),
        )
    return table


def review_screen(view: AttemptView) -> Group:
    """Unanswered and flagged questions, before submitting."""
    unanswered = ", ".join(map(str, view.unanswered)) or "none"
    flagged = ", ".join(map(str, sorted(view.flags))) or "none"
    grid = Table.grid(padding=(0, 2))
    for q in view.questions:
        state = view.answers.get(q.position, "—")
        flag = "⚑" if q.position in view.flags else ""
        grid.add_row(f"{q.position:>2}", state, flag)
    return Group(
        Text.from_markup(f"[bold]Review[/] · unanswered: {unanswered} · flagged: {flagged}"),
        grid,
    )


def print_screen(console: Console, renderable: Group, clear: bool) -> None:
    if clear and console.is_terminal:
        console.clear()
    console.print(renderable)
