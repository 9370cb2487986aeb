"""The readiness chart (matplotlib, imported only when a chart is asked for)."""

from __future__ import annotations

import textwrap
from pathlib import Path
from typing import TYPE_CHECKING

from examprep.errors import InvalidInput
from examprep.services.trend import time_axis

if TYPE_CHECKING:
    from matplotlib.figure import Figure

    from examprep.services.readiness import ReadinessReport

# Two panels stacked: 3.9 x 6 inches at 100 dpi is a 390-pixel-wide image (a phone screen).
WIDTH_IN, HEIGHT_IN, DPI = 3.9, 6.0, 100


def readiness_figure(report: ReadinessReport) -> Figure:
    """P(pass) over time (above) and per-section ability with error bars (below)."""
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib.figure import Figure

    fig = Figure(figsize=(WIDTH_IN, HEIGHT_IN), dpi=DPI)
    top, bottom = fig.subplots(2, 1)
    top.set_title("P(pass) over time", fontsize=10)
    top.set_ylim(0, 1)
    top.set_yticks([0, 0.5, 1], ["0 %", "50 %", "100 %"])
    top.set_ylabel(f"P(pass) at {report.now.pass_mark:.0%}", fontsize=9)
    top.set_xlabel("date (one point per study day)", fontsize=9)
    if report.history:
        days = [d for d, _ in report.history]
        axis = time_axis(days, max_ticks=4)
        top.plot(days, [p for _, p in report.history], marker="o")
        top.set_xlim(axis.start, axis.end)
        top.set_xticks([d for d, _ in axis.ticks], [label for _, label in axis.ticks])
    else:
        top.set_xticks([])
        note = "no P(pass) yet: too few answers"
        top.text(0.5, 0.5, note, ha="center", va="center", transform=top.transAxes, fontsize=9)
    top.axhline(0.5, linestyle=":", color="grey", linewidth=0.8)
    top.tick_params(labelsize=8)
    sections = list(report.now.by_section)
    bottom.errorbar(
        sections,
        [report.now.by_section[s].theta for s in sections],
        yerr=[report.now.by_section[s].se for s in sections],
        fmt="o",
        capsize=4,
    )
    bottom.axhline(0, color="grey", linewidth=0.5)
    bottom.set_title("Ability per section (± 1 SE)", fontsize=10)
    bottom.set_xlabel("section", fontsize=9)
    bottom.set_ylabel("ability (0 = average)", fontsize=9)
    bottom.tick_params(labelsize=8)
    # What every P(pass) assumes about the real exam, under the chart (wrapped to its width).
    fig.text(0.5, 0.01, textwrap.fill(report.now.assumes, 70), ha="center", va="bottom", fontsize=6)
    fig.tight_layout(rect=(0, 0.06, 1, 1))
    return fig


def check_plot_path(path: Path) -> None:
    """Refuse a chart file name matplotlib cannot write, before anything is computed."""
    if path.suffix.lower() not in {".png", ".svg"}:
        raise InvalidInput(f"--plot wants a .png or .svg file, not {path.name}")


def plot_readiness(report: ReadinessReport, path: Path) -> None:
    """Write the readiness chart as PNG or SVG."""
    check_plot_path(path)
    fig = readiness_figure(report)
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path)
