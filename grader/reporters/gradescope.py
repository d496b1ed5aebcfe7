"""Gradescope's `results.json`: a score and one entry per test; hidden tests after publishing."""

from __future__ import annotations

import json
from typing import Any

from grader.results import PASSED, GradeResult


def gradescope_results(result: GradeResult) -> dict[str, Any]:
    tests = []
    for exercise, test in result.tests:
        output = test.message + (f"\nHint: {test.hint}" if test.hint else "")
        tests.append(
            {
                "name": f"{exercise.id}: {test.name}",
                "score": test.score,
                "max_score": test.max_score,
                "status": "passed" if test.status == PASSED else "failed",
                "output": output,
                "visibility": "after_published" if test.hidden else "visible",
            }
        )
    return {
        "score": result.score,
        "output": f"{result.course_id} {result.course_version}: {result.score}/{result.max_score}",
        "visibility": "visible",
        "tests": tests,
    }


def render_gradescope(result: GradeResult) -> str:
    return json.dumps(gradescope_results(result), indent=2) + "\n"
