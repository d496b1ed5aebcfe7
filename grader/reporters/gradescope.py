"""Gradescope's `results.json`: a score and one entry per test; hidden tests after publishing.

Fields follow Gradescope's autograder specification: top-level `score`, `output`,
`visibility`, `execution_time`, `extra_data` and `tests[]` with `name`, `score`,
`max_score`, `status` ("passed" or "failed"), `output` and `visibility`. A hidden test is
`after_published`, and even then students see its name, status and score only: never its
message or hint, which may describe the hidden inputs.
"""

from __future__ import annotations

import json
import math
from dataclasses import asdict
from typing import Any

from grader.results import PASSED, GradeResult

HIDDEN_OUTPUT = "A hidden test: its inputs and messages are not shown."


def zero_score_results(output: str) -> dict[str, Any]:
    """results.json for a submission that could not be graded: 0 points, and `output` says why."""
    return {"score": 0, "output": output, "visibility": "visible", "tests": []}


def gradescope_results(result: GradeResult) -> dict[str, Any]:
    tests = []
    for exercise, test in result.tests:
        if test.hidden:
            output = HIDDEN_OUTPUT
        else:
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
    summary = f"{result.course_id} {result.course_version}: {result.score}/{result.max_score}"
    if result.internal_errors:
        summary += "\nThe grader itself failed on some tests (not your fault); your instructor can see why."
    return {
        "score": result.score,
        "output": summary,
        "visibility": "visible",
        "execution_time": math.ceil(result.duration_s),
        "extra_data": {
            "course": {"id": result.course_id, "version": result.course_version},
            "environment": dict(result.environment),
            "isolation": result.isolation,
            # Which inputs the tests ran on: "instructor" where the grade counts (the secret in the zip).
            "inputs": sorted({test.inputs.value for _, test in result.tests}),
            "internal_errors": list(result.internal_errors),
            "assignments": [asdict(graded) for graded in result.assignments],
        },
        "tests": tests,
    }


def render_gradescope(result: GradeResult) -> str:
    return json.dumps(gradescope_results(result), indent=2) + "\n"
