"""Reporters: each renders a `GradeResult` in one format; none changes it."""

from __future__ import annotations

from collections.abc import Callable

from grader.reporters.classroom import render_classroom
from grader.reporters.gradescope import render_gradescope
from grader.reporters.jsonfmt import render_json
from grader.reporters.junit import render_junit
from grader.reporters.text import render_text
from grader.results import GradeResult

REPORTERS: dict[str, Callable[[GradeResult], str]] = {
    "text": render_text,
    "json": render_json,
    "junit": render_junit,
    "gradescope": render_gradescope,
    "classroom": render_classroom,
}

__all__ = ["REPORTERS", "render_text", "render_json", "render_junit", "render_gradescope", "render_classroom"]
