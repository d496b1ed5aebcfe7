"""The result of `grader.check(...)` in Jupyter and Colab: the table, and the HTML report when there is one.

`display(result)` (or a cell ending with it) shows the table as HTML and, below it, the student's HTML
report with its plots in a frame; `repr` gives the terminal table, for plain Python.
"""

from __future__ import annotations

import html
from dataclasses import dataclass

from grader.reporters.text import render_text
from grader.results import GradeResult

REPORT_FRAME_HEIGHT_PX = 640


@dataclass(frozen=True)
class NotebookResult:
    """A grading, as a notebook shows it: `result` is the plain `GradeResult`, `html_report` the HTML report or ""."""

    result: GradeResult
    html_report: str = ""

    @property
    def score(self) -> int:
        return self.result.score

    @property
    def max_score(self) -> int:
        return self.result.max_score

    def __repr__(self) -> str:
        return render_text(self.result, width=100)

    def _repr_html_(self) -> str:
        table = f"<pre style='white-space: pre-wrap'>{html.escape(render_text(self.result, width=100))}</pre>"
        if not self.html_report:
            return table
        frame = (
            f'<iframe srcdoc="{html.escape(self.html_report, quote=True)}"'
            f" style='width: 100%; height: {REPORT_FRAME_HEIGHT_PX}px; border: 1px solid #ccc'></iframe>"
        )
        return table + frame
