"""P(pass) over time as an SVG line chart, laid out in Python so the template only draws it.

The viewBox is about as wide as a phone screen (390 px), so its 11-unit text stays near 11 px
there; on wider screens it scales up to `max-width` in the stylesheet.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from examprep.services.trend import time_axis

WIDTH, HEIGHT = 360, 220
LEFT, RIGHT, TOP, BOTTOM = 58, 14, 12, 48


@dataclass(frozen=True)
class Point:
    x: float
    y: float
    label: str  # "2026-11-27: 64 %", for the tooltip and the table


@dataclass(frozen=True)
class Tick:
    at: float
    label: str


@dataclass(frozen=True)
class LineChart:
    width: int
    height: int
    points: list[Point]
    y_ticks: list[Tick]
    x_ticks: list[Tick]
    mark_y: float  # the 50 % line: above it, passing is more likely than not
    x_title: str
    y_title: str
    left: int = LEFT
    right_edge: int = WIDTH - RIGHT
    top: int = TOP
    bottom_edge: int = HEIGHT - BOTTOM

    @property
    def polyline(self) -> str:
        return " ".join(f"{p.x:.1f},{p.y:.1f}" for p in self.points)

    @property
    def middle_x(self) -> float:
        return (self.left + self.right_edge) / 2

    @property
    def middle_y(self) -> float:
        return (self.top + self.bottom_edge) / 2


def _y(value: float) -> float:
    return TOP + (1 - value) * (HEIGHT - TOP - BOTTOM)


def pass_chart(history: Sequence[tuple[dt.date, float]], pass_mark: float) -> LineChart | None:
    """The chart of daily P(pass) values, or None when there is nothing to draw."""
    if not history:
        return None
    axis = time_axis([d for d, _ in history], max_ticks=4)
    inner = WIDTH - LEFT - RIGHT

    def x_of(day: dt.date) -> float:
        return LEFT + axis.fraction(day) * inner

    points = [Point(x_of(d), _y(p), f"{d.isoformat()}: {p * 100:.0f} %") for d, p in history]
    y_ticks = [Tick(_y(v), f"{v * 100:.0f} %") for v in (0.0, 0.5, 1.0)]
    x_ticks = [Tick(x_of(d), label) for d, label in axis.ticks]
    return LineChart(
        WIDTH,
        HEIGHT,
        points,
        y_ticks,
        x_ticks,
        _y(0.5),
        x_title="Date (UTC, one point per study day)",
        y_title=f"P(pass) at {pass_mark * 100:.0f} %",
    )
