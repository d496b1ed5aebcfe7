"""An auto-graded exercise kit for the chapter "Introduction to Keras and TensorFlow".

From Python (Jupyter, Colab): `import grader; grader.check(path="exercises", exercise=None)` grades and
returns a result that `display()` shows as the table (and the HTML report); see `grader.checking.check_in_notebook`.
"""

from __future__ import annotations

import importlib
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from grader.reporters.jupyter import NotebookResult

__version__ = "0.1.0"


def check(
    *, path: Path | str = "exercises", exercise: str | list[str] | None = None, html_report: bool = True
) -> NotebookResult:
    """Grade `path` (a folder of modules or a notebook), as `grade check` does, and return a result that `display()`
    shows once: header, table, totals, then the report's figures. TensorFlow is imported by the sandbox, not here."""
    # Imported when called, by name: `import grader` (which every layer does, for __version__) stays light and
    # depends on no verb.
    checking = importlib.import_module("grader.checking")
    result: NotebookResult = checking.check_in_notebook(path=path, exercise=exercise, html_report=html_report)
    return result
