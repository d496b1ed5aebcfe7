"""The student's HTML report: one self-contained file (no network, no JavaScript), from Jinja2.

The table of tests, points, messages and hints, and per exercise the figures whose data the
grading recorded (`GradeResult.plots`, see `grader.plotdata`), drawn here as inline
SVG. Hidden tests show their name as "hidden test", their status and points only.
"""

from __future__ import annotations

import datetime
import functools
from pathlib import Path
from typing import Any

import jinja2
import numpy as np

from grader.reporters import plots
from grader.results import GradeResult
from grader.safetext import finalize_html


def _array(values: Any) -> np.ndarray:
    return np.array([np.nan if value is None else value for value in values], dtype=float)


def draw(spec: dict[str, Any]) -> plots.Figure | str:
    """One figure from its plain data; a note (a string) when there is nothing to draw."""
    kind = spec.get("kind")
    labels = {"title": spec.get("title", ""), "xlabel": spec.get("xlabel", ""), "ylabel": spec.get("ylabel", "")}
    if kind == "curves":
        series = {name: (_array(xs), _array(ys)) for name, (xs, ys) in spec["series"].items()}
        return plots.curves(series, log_y=bool(spec.get("log_y")), **labels)
    if kind == "boundary":
        points = np.array([_array(point) for point in spec["points"]]).reshape(-1, 2)
        b = spec.get("b")
        return plots.decision_boundary(
            points,
            _array(spec["labels"]),
            _array(spec["W"]),
            np.nan if b is None else float(b),
            threshold=float(spec["threshold"]),
            **labels,
        )
    if kind == "diagonal":
        return plots.diagonal_scatter(_array(spec["expected"]), _array(spec["got"]), **labels)
    if kind == "weights":
        return plots.weight_histogram(_array(spec["values"]), float(spec["stddev"]), **labels)
    if kind == "grouped_bars":
        return plots.grouped_bars(
            spec["labels"], {name: list(values) for name, values in spec["groups"].items()}, **labels
        )
    return str(spec.get("text", "nothing to draw"))


@functools.cache
def _template() -> jinja2.Template:
    """The page's template, compiled once per process (`grade report` renders one page per student)."""
    environment = jinja2.Environment(
        loader=jinja2.FileSystemLoader(plots.TEMPLATES),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        finalize=finalize_html,
    )
    return environment.get_template("student.html.j2")


def render_html(result: GradeResult, *, figures_only: bool = False) -> str:
    """The report of one grading, for the student; with `figures_only`, only its figures under each exercise's title
    (a notebook shows the table and the totals as text above them: nothing is shown twice)."""
    shown = result.for_students()
    data = result.plots
    figures: dict[str, list[plots.Figure | str]] = {
        exercise.id: [draw(spec) for spec in data.get(exercise.id, [])] for exercise in shown.exercises
    }
    return _template().render(
        result=shown,
        figures=figures,
        figures_only=figures_only,
        is_figure=lambda item: isinstance(item, plots.Figure),
        generated=datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%d %H:%M UTC"),
    )


def write_html(result: GradeResult, path: Path) -> Path:
    """Write the report to `path` (its folder must exist)."""
    path.write_text(render_html(result), encoding="utf-8", errors="replace")  # never raised: finalize_html
    return path
