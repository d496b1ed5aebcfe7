"""The result of `grader.check(...)` in Jupyter and Colab: one display, in the order a terminal shows it.

`display(result)` (or a cell ending with it) shows the header, the table and the totals once, as the
terminal's text, and below them the report's figures (only its figures: the table is not repeated) in a
frame that keeps the report's styles out of the notebook's; `repr` gives the same text, for plain Python.
"""

from __future__ import annotations

import html
from dataclasses import dataclass

from grader.reporters.text import render_text
from grader.results import GradeResult

REPORT_FRAME_HEIGHT_PX = 640
TEXT_WIDTH = 100


@dataclass(frozen=True)
class NotebookResult:
    """A grading, as a notebook shows it: `result` is the plain `GradeResult`, `figures_html` the page of the
    report's figures (`grader.reporters.html.render_html(..., figures_only=True)`), or "" when there are none."""

    result: GradeResult
    figures_html: str = ""

    @property
    def score(self) -> int:
        return self.result.score

    @property
    def max_score(self) -> int:
        return self.result.max_score

    def __repr__(self) -> str:
        return render_text(self.result, width=TEXT_WIDTH)

    def _repr_html_(self) -> str:
        text = f"<pre style='white-space: pre-wrap'>{html.escape(render_text(self.result, width=TEXT_WIDTH))}</pre>"
        if not self.figures_html:
            return text
        frame = (
            f'<iframe srcdoc="{html.escape(self.figures_html, quote=True)}"'
            f" style='width: 100%; height: {REPORT_FRAME_HEIGHT_PX}px; border: 1px solid #ccc'></iframe>"
        )
        return text + frame
