"""The time axis of a trend chart: a window that fits the data and a few readable ticks."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

MIN_DAYS = 7  # a single day is shown in a week-long window, not on a years-long axis
STEPS = (1, 2, 7, 14, 28, 56, 91, 182, 364)  # tick spacing in days


@dataclass(frozen=True)
class TimeAxis:
    start: dt.date
    end: dt.date
    ticks: list[tuple[dt.date, str]]

    @property
    def days(self) -> int:
        return (self.end - self.start).days

    def fraction(self, day: dt.date) -> float:
        """Where `day` falls on the axis, 0 at `start` and 1 at `end`."""
        return (day - self.start).days / self.days


def time_axis(days: Sequence[dt.date], max_ticks: int = 4) -> TimeAxis:
    """A window of at least a week around the days, with at most `max_ticks` labelled dates."""
    first, last = min(days), max(days)
    span = (last - first).days
    length = max(span + 2, MIN_DAYS)
    start = first - dt.timedelta(days=(length - span) // 2)
    end = start + dt.timedelta(days=length)
    years = -(-length // (364 * max(max_ticks - 1, 1)))  # whole years per tick beyond STEPS
    step = next((s for s in STEPS if length // s + 1 <= max_ticks), 364 * years)
    long = length > 300
    ticks = []
    day = start + dt.timedelta(days=(first - start).days % step)  # a tick on the first day
    while day <= end:
        ticks.append((day, day.strftime("%b %Y") if long else f"{day.day} {day:%b}"))
        day += dt.timedelta(days=step)
    return TimeAxis(start, end, ticks)
