"""The GitHub Classroom runner result read by `education/autograding-grading-reporter`.

The reporter decodes base64 JSON with `version`, `status`, `max_score` and `tests[]` (`name`,
`status`, `score`, `message`). Its table shows (passed tests / all tests) x max_score per
runner, while the total it sends sums `tests[].score`; these agree only when every test of a
runner is worth the same. So `runner_results` gives one runner per exercise *and points
value*: each holds tests of equal points, and both figures agree.
"""

from __future__ import annotations

import base64
import json
import re
from typing import Any

from grader.results import PASSED, GradeResult


def runner_name(exercise_id: str, points: int) -> str:
    return re.sub(r"[^a-z0-9_]", "_", f"{exercise_id}_{points}pt".lower())


def runner_results(result: GradeResult) -> dict[str, dict[str, Any]]:
    """One runner result per (exercise, points value), keyed by runner name."""
    runners: dict[str, dict[str, Any]] = {}
    for exercise, test in result.tests:
        name = runner_name(exercise.id, test.max_score)
        runner = runners.setdefault(name, {"version": 1, "status": "pass", "max_score": 0, "tests": []})
        runner["max_score"] += test.max_score
        if test.status != PASSED:
            runner["status"] = "fail"
        message = "" if test.hidden else test.message + (f" Hint: {test.hint}" if test.hint else "")
        runner["tests"].append(
            {
                "name": f"{exercise.id}: {test.name}",
                "status": "pass" if test.status == PASSED else "fail",
                "score": test.score,
                "message": message,
                "line_no": 0,
                "execution_time": "0s",
            }
        )
    return runners


def encode_runner(runner: dict[str, Any]) -> str:
    return base64.b64encode(json.dumps(runner).encode("utf-8")).decode("ascii")


def render_classroom(result: GradeResult) -> str:
    """`NAME_RESULTS=<base64>` lines, ready to append to $GITHUB_OUTPUT."""
    return "".join(f"{name}_RESULTS={encode_runner(runner)}\n" for name, runner in runner_results(result).items())
