"""The evidence rule: final answers only, once per exam question, current revisions only."""

from __future__ import annotations

import datetime as dt

from examprep.engine.evidence import Answer, Sitting, final_answers

T0 = dt.datetime(2026, 11, 27, 9, 0, tzinfo=dt.UTC)


def at(minutes: float) -> dt.datetime:
    return T0 + dt.timedelta(minutes=minutes)


def answer(attempt: int, position: int, correct: bool, minute: float, **kw: object) -> Answer:
    fields: dict[str, object] = {"item_id": f"q-{position}", "revision": 1} | kw
    return Answer(1, attempt, position, correct=correct, at=at(minute), **fields)  # type: ignore[arg-type]


def current(item: str) -> int | None:
    return 2 if item == "q-9" else 1


EXAM = Sitting(1, "exam", finished_at=at(30), deadline=at(120))
OPEN = Sitting(2, "exam", finished_at=None, deadline=at(120))
PRACTICE = Sitting(3, "practice", finished_at=None, deadline=None)


def test_an_answer_changed_four_times_counts_once_at_submission() -> None:
    changes = [answer(1, 1, right, minute) for minute, right in enumerate([0, 1, 0, 0, 1], 1)]
    got = final_answers([(a, EXAM) for a in changes], current, at(60))
    assert [(a.item_id, a.correct, a.at) for a in got] == [("q-1", True, at(30))]


def test_an_open_exam_counts_nothing_until_its_deadline_passes() -> None:
    log = [(answer(2, 1, True, 1), OPEN), (answer(2, 2, False, 2), OPEN)]
    assert final_answers(log, current, at(60)) == []
    late = final_answers([*log, (answer(2, 2, True, 121), OPEN)], current, at(200))
    # auto-submitted at its deadline: the answers until then count, the late one does not
    assert [(a.item_id, a.correct, a.at) for a in late] == [
        ("q-1", True, at(120)),
        ("q-2", False, at(120)),
    ]


def test_practice_answers_count_as_given_and_old_revisions_never() -> None:
    log = [
        (answer(3, 1, True, 1), PRACTICE),
        (answer(3, 9, True, 2, item_id="q-9"), PRACTICE),  # revision 1 of an item now at 2
        (answer(3, 10, False, 3, item_id="q-9", revision=2), PRACTICE),
        (answer(3, 11, True, 4, item_id="gone"), PRACTICE),  # no longer in the pack
    ]
    got = final_answers(log, lambda i: None if i == "gone" else current(i), at(60))
    assert [(a.item_id, a.correct, a.revision) for a in got] == [
        ("q-1", True, 1),
        ("q-9", False, 2),
    ]
