"""Replaying an attempt's event log."""

from __future__ import annotations

import datetime as dt

from examprep.engine.attempt import Event, replay

T0 = dt.datetime(2026, 11, 27, 9, 0, tzinfo=dt.UTC)


def at(seconds: int) -> dt.datetime:
    return T0 + dt.timedelta(seconds=seconds)


def test_latest_answer_wins_and_flags_toggle() -> None:
    events = [
        Event(1, "visit", at(0)),
        Event(1, "answer", at(30), (2,)),
        Event(2, "visit", at(40)),
        Event(2, "flag", at(50)),
        Event(1, "visit", at(100)),
        Event(1, "answer", at(110), (0,)),
        Event(2, "visit", at(120)),
        Event(2, "unflag", at(125)),
        Event(3, "flag", at(130)),
    ]
    state = replay(events, T0, at(200))
    assert state.answers == {1: (0,)}
    assert state.flags == frozenset({3})
    assert state.seconds == {1: 30 + 10 + 10 + 10, 2: 10 + 50 + 5, 3: 5 + 70}
    assert sum(state.seconds.values()) == 200


def test_events_after_the_end_are_ignored() -> None:
    events = [Event(1, "answer", at(10), (1,)), Event(1, "answer", at(999), (3,))]
    state = replay(events, T0, at(60))
    assert state.answers == {1: (1,)}
    assert state.seconds == {1: 60}


def test_empty_log() -> None:
    state = replay([], T0, at(60))
    assert state.answers == {} and state.flags == frozenset() and state.seconds == {}
