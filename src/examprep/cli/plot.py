"""The readiness chart (matplotlib, imported only when a chart is asked for)."""

from __future__ import annotations

from pathlib import Path

from examprep.errors import InvalidInput
from examprep.services.readiness import ReadinessReport


def plot_readiness(report: ReadinessReport, path: Path) -> None:
    """P(pass) over time and per-section ability with error bars, as PNG or SVG."""
    if path.suffix.lower() not in {".png", ".svg"}:
        raise InvalidInput(f"--plot wants a .png or .svg file, not {path.name}")
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, (left, right) = plt.subplots(1, 2, figsize=(10, 4))
    if report.history:
        days = [d for d, _ in report.history]
        left.plot(days, [p for _, p in report.history], marker="o")
    left.axhline(report.now.p_pass, linestyle="--", color="grey", label="today")
    left.set_ylim(0, 1)
    left.set_title("P(pass) over time")
    left.set_ylabel(f"P(pass) at an assumed {report.now.pass_mark:.0%} pass mark")
    left.legend()
    sections = list(report.now.by_section)
    right.errorbar(
        sections,
        [report.now.by_section[s].theta for s in sections],
        yerr=[report.now.by_section[s].se for s in sections],
        fmt="o",
        capsize=4,
    )
    right.axhline(0, color="grey", linewidth=0.5)
    right.set_title("Ability per section (± 1 SE)")
    fig.autofmt_xdate()
    fig.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path)
    plt.close(fig)
