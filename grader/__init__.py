"""An auto-graded exercise kit for the chapter "Introduction to Keras and TensorFlow".

From Python (Jupyter, Colab): `import grader; grader.check(path="exercises", exercise=None)` grades and
returns a result that `display()` shows as the table (and the HTML report); see `grader.check.check_in_notebook`.
"""

from typing import Any

__version__ = "0.1.0"


def __getattr__(name: str) -> Any:
    """`grader.check` without importing it first: the submodule, which is callable (`grader.check(path=...)`)."""
    if name == "check":
        import importlib

        return importlib.import_module("grader.check")
    raise AttributeError(f"module 'grader' has no attribute {name!r}")
