"""Figures as inline SVG, drawn with matplotlib's Agg backend in the parent (never in the sandbox).

Each function takes plain numbers and returns a `Figure`: the SVG text (text kept as text, so
axis labels are searchable and scale with the page), and the labels it carries. The SVG has
no fixed size: the page's CSS sets its width, so it stays readable from a phone to a monitor.
"""

from __future__ import annotations

import io
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402 - the backend is chosen first
import numpy as np  # noqa: E402
from matplotlib.axes import Axes  # noqa: E402
from matplotlib.figure import Figure as MplFigure  # noqa: E402
from matplotlib.ticker import MaxNLocator  # noqa: E402
from numpy.typing import ArrayLike  # noqa: E402

TEMPLATES = Path(__file__).parent / "templates"  # the reports' shared style sheet lives here
STUDENT = "#1f6fb4"
REFERENCE = "#d9822b"
SIZE = (6.4, 4.0)
_SIZE_ATTRIBUTES = re.compile(r'(<svg[^>]*?)\s+width="[^"]*"\s+height="[^"]*"')
_COUNTER = [0]


@dataclass(frozen=True)
class Figure:
    """One drawn figure: what it shows, its axis labels, and the SVG markup."""

    title: str
    xlabel: str
    ylabel: str
    svg: str


def _render(fig: MplFigure, ax: Axes, title: str, xlabel: str, ylabel: str) -> Figure:
    ax.set_title(title)
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    ax.grid(True, alpha=0.3)
    if ax.get_legend_handles_labels()[0]:
        ax.legend(frameon=False)
    fig.tight_layout()
    buffer = io.StringIO()
    _COUNTER[0] += 1
    # A salt per figure: the ids matplotlib gives clip paths stay unique among a page's figures.
    with plt.rc_context({"svg.fonttype": "none", "svg.hashsalt": f"figure-{_COUNTER[0]}-{title}"}):
        fig.savefig(buffer, format="svg", metadata={"Date": None, "Creator": None})
    plt.close(fig)
    svg = buffer.getvalue()
    svg = svg[svg.index("<svg") :]
    svg = _SIZE_ATTRIBUTES.sub(r'\1 role="img" aria-label="' + _escape(title) + '"', svg, count=1)
    return Figure(title=title, xlabel=xlabel, ylabel=ylabel, svg=svg)


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace('"', "&quot;").replace("<", "&lt;")


def _axes() -> tuple[MplFigure, Axes]:
    fig, ax = plt.subplots(figsize=SIZE)
    return fig, ax


def histogram(
    values: Sequence[float], *, title: str, xlabel: str, ylabel: str = "students", bins: Sequence[float] | int = 10
) -> Figure:
    """A histogram of scores (or any values)."""
    fig, ax = _axes()
    ax.hist(np.asarray(values, dtype=float), bins=bins, color=STUDENT, edgecolor="white")
    return _render(fig, ax, title, xlabel, ylabel)


def bars(
    labels: Sequence[str],
    values: Sequence[float],
    *,
    title: str,
    xlabel: str,
    ylabel: str,
    colors: Sequence[str] | None = None,
) -> Figure:
    """Vertical bars, one per label (class counts, pass rates)."""
    fig, ax = _axes()
    ax.bar(range(len(labels)), values, color=list(colors) if colors else STUDENT)
    ax.set_xticks(
        range(len(labels)),
        labels,
        rotation=30 if max((len(label) for label in labels), default=0) > 8 else 0,
        ha="right" if max((len(label) for label in labels), default=0) > 8 else "center",
    )
    return _render(fig, ax, title, xlabel, ylabel)


def grouped_bars(
    labels: Sequence[str], groups: dict[str, Sequence[float]], *, title: str, xlabel: str, ylabel: str
) -> Figure:
    """Bars side by side: one group per label, one bar per series (training and validation parts)."""
    fig, ax = _axes()
    width = 0.8 / max(1, len(groups))
    for index, (name, values) in enumerate(groups.items()):
        ax.bar(
            np.arange(len(labels)) + index * width,
            values,
            width=width,
            label=name,
            color=[STUDENT, REFERENCE, "#5a9e4b"][index % 3],
        )
    ax.set_xticks(np.arange(len(labels)) + width * (len(groups) - 1) / 2, labels)
    ax.set_ylim(
        top=1.3 * max((max(values, default=0) for values in groups.values()), default=1) or 1
    )  # room for the legend
    return _render(fig, ax, title, xlabel, ylabel)


def curves(
    series: Mapping[str, tuple[ArrayLike, ArrayLike]],
    *,
    title: str,
    xlabel: str,
    ylabel: str,
    log_y: bool = False,
) -> Figure:
    """Lines on shared axes: the student's and the reference's loss, or a function against its truth."""
    fig, ax = _axes()
    palette = [STUDENT, REFERENCE, "#5a9e4b"]
    for index, (name, (xs, ys)) in enumerate(series.items()):
        ax.plot(
            np.asarray(xs, dtype=float),
            np.asarray(ys, dtype=float),
            label=name,
            color=palette[index % 3],
            linestyle="-" if index == 0 else "--",
            linewidth=2,
        )
    if log_y:
        ax.set_yscale("log")
    if all(
        np.allclose(np.asarray(xs, dtype=float), np.round(np.asarray(xs, dtype=float))) for xs, _ in series.values()
    ):
        ax.xaxis.set_major_locator(MaxNLocator(integer=True))  # steps and epochs are whole numbers
    return _render(fig, ax, title, xlabel, ylabel)


def diagonal_scatter(expected: ArrayLike, got: ArrayLike, *, title: str, xlabel: str, ylabel: str) -> Figure:
    """The student's values against the reference's: on the diagonal when right."""
    fig, ax = _axes()
    expected_array, got_array = np.asarray(expected, dtype=float), np.asarray(got, dtype=float)
    finite = np.concatenate([expected_array, got_array])
    finite = finite[np.isfinite(finite)]
    low, high = (float(finite.min()), float(finite.max())) if finite.size else (0.0, 1.0)
    ax.plot([low, high], [low, high], color=REFERENCE, linestyle="--", label="equal to the reference")
    ax.scatter(expected_array, got_array, color=STUDENT, label="your values", zorder=3)
    return _render(fig, ax, title, xlabel, ylabel)


def weight_histogram(values: ArrayLike, stddev: float, *, title: str, xlabel: str, ylabel: str = "density") -> Figure:
    """A histogram of initial weights against the normal density N(0, stddev)."""
    fig, ax = _axes()
    array = np.asarray(values, dtype=float).ravel()
    ax.hist(array, bins=30, density=True, color=STUDENT, alpha=0.7, label="your initial W")
    span = max(4 * stddev, float(np.abs(array).max()) if array.size else 4 * stddev)
    xs = np.linspace(-span, span, 200)
    ax.plot(
        xs,
        np.exp(-0.5 * (xs / stddev) ** 2) / (stddev * np.sqrt(2 * np.pi)),
        color=REFERENCE,
        linewidth=2,
        label=f"N(0, {stddev:g})",
    )
    return _render(fig, ax, title, xlabel, ylabel)


def decision_boundary(
    points: ArrayLike,
    labels: ArrayLike,
    W: ArrayLike,
    b: float,
    *,
    threshold: float,
    title: str,
    xlabel: str,
    ylabel: str,
) -> Figure:
    """Two point clouds and the line inputs @ W + b = threshold that the student's weights reached."""
    fig, ax = _axes()
    xy = np.asarray(points, dtype=float).reshape(-1, 2)
    classes = np.asarray(labels, dtype=float).ravel()
    for value, color, name in ((0.0, STUDENT, "class 0"), (1.0, "#5a9e4b", "class 1")):
        chosen = xy[classes == value]
        ax.scatter(chosen[:, 0], chosen[:, 1], s=8, color=color, alpha=0.5, label=name)
    w = np.asarray(W, dtype=float).ravel()
    xs = np.linspace(xy[:, 0].min(), xy[:, 0].max(), 50) if xy.size else np.linspace(-1, 1, 50)
    if w.size == 2 and abs(w[1]) > 1e-12 and np.isfinite(w).all() and np.isfinite(b):
        ax.plot(
            xs,
            (threshold - b - w[0] * xs) / w[1],
            color=REFERENCE,
            linewidth=2,
            label=f"inputs @ W + b = {threshold:g}",
        )
        ax.set_ylim(xy[:, 1].min() - 1, xy[:, 1].max() + 1)
    return _render(fig, ax, title, xlabel, ylabel)
