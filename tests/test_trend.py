"""The readiness chart's time axis: it fits the data (one day is not a four-year axis)."""

from __future__ import annotations

import datetime as dt

from examprep.services.trend import time_axis

DAY = dt.date(2026, 11, 27)


def test_one_day_sits_in_a_week_with_day_labels() -> None:
    axis = time_axis([DAY])
    assert axis.days == 7 and axis.start < DAY < axis.end
    assert (DAY, "27 Nov") in axis.ticks and len(axis.ticks) <= 4
    assert 0.3 < axis.fraction(DAY) < 0.7


def test_the_window_grows_with_the_data_and_ticks_stay_few() -> None:
    for span in (1, 5, 20, 90, 400, 1500):
        days = [DAY, DAY + dt.timedelta(days=span)]
        axis = time_axis(days)
        assert axis.start <= DAY and axis.end >= days[-1]
        assert axis.days <= max(span + 2, 7)  # no empty years around the data
        assert 2 <= len(axis.ticks) <= 4
        assert all(axis.start <= d <= axis.end for d, _ in axis.ticks)


def test_the_cli_chart_uses_that_axis_and_labels_both_axes() -> None:
    from matplotlib.dates import num2date

    from examprep.cli.plot import DPI, WIDTH_IN, readiness_figure
    from examprep.services.model import Readiness, SectionAbility
    from examprep.services.readiness import ReadinessReport

    now = Readiness(0.02, 0.01, 0.03, -2.0, 0.5, {"S1": SectionAbility(-2.0, 0.5, 20)},
                    0.7, 6, 5, 28.0, 20)  # fmt: skip
    report = ReadinessReport(now, {}, [(DAY, 0.02)], [], None, None, {"S1": "Storage"})
    fig = readiness_figure(report)
    top, bottom = fig.axes
    start, end = (num2date(x).date() for x in top.get_xlim())
    assert (end - start).days == 7 and start < DAY < end
    assert top.get_xlabel() and top.get_ylabel() == "P(pass) at 70%"
    assert bottom.get_xlabel() == "section" and bottom.get_ylabel()
    assert round(fig.get_figwidth() * DPI) == round(WIDTH_IN * DPI) == 390
