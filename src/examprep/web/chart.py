"""P(pass) over time as an SVG line chart, laid out in Python so the template only draws it."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

WIDTH, HEIGHT = 600, 220
LEFT, RIGHT, TOP, BOTTOM = 44, 12, 12, 28


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
    left: int = LEFT
    right_edge: int = WIDTH - RIGHT
    top: int = TOP
    bottom_edge: int = HEIGHT - BOTTOM

    @property
    def polyline(self) -> str:
        return " ".join(f"{p.x:.1f},{p.y:.1f}" for p in self.points)


def _y(value: float) -> float:
    return TOP + (1 - value) * (HEIGHT - TOP - BOTTOM)


def pass_chart(history: Sequence[tuple[dt.date, float]]) -> LineChart | None:
    """The chart of daily P(pass) values, or None when there is nothing to draw."""
    if not history:
        return None
    first, last = history[0][0], history[-1][0]
    span = max((last - first).days, 1)
    inner = WIDTH - LEFT - RIGHT

    def x_of(day: dt.date) -> float:
        if len(history) == 1:
            return LEFT + inner / 2
        return LEFT + (day - first).days / span * inner

    points = [Point(x_of(d), _y(p), f"{d.isoformat()}: {p * 100:.0f} %") for d, p in history]
    y_ticks = [Tick(_y(v), f"{v * 100:.0f} %") for v in (0.0, 0.25, 0.5, 0.75, 1.0)]
    days = [history[0][0]] if first == last else [first, last]
    x_ticks = [Tick(x_of(d), d.isoformat()) for d in days]
    return LineChart(WIDTH, HEIGHT, points, y_ticks, x_ticks, _y(0.5))
