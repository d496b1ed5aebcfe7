"""The GitHub Classroom runner results read by `education/autograding-grading-reporter@v1`.

What the reporter does with them (its `src/main.js`, `src/helpers/test-helpers.js`,
`src/aggregate-results.js` and `src/notify-classroom.js`):

- for each name in its `runners` input it reads the environment variable
  `<NAME>_RESULTS` (the name trimmed and upper-cased), base64-decodes it and parses JSON
  with `version`, `status`, `max_score` and `tests[]` (`name`, `status`, `score`,
  `message`);
- its summary table shows, per runner, (passed tests / all tests) x (`max_score` or 1),
  while the total it sends to Classroom sums `tests[].score` over the runners whose
  `max_score` is not 0; these agree only when every test of a runner is worth the same;
- it fails the job when a runner's `status` is "fail" or "error".

So `runner_results` gives one runner per exercise *and points value*: each holds tests of
equal points, and both figures agree. A 0-point test is left out: the table would count it
as worth 1. A hidden test keeps its score but shows neither its name nor its message.
"""

from __future__ import annotations

import base64
import json
import re
from typing import Any

from grader.results import ERROR, FAILED, PASSED, GradeResult

# Environment keys copied into every runner result, so the result records where it ran.
ENVIRONMENT_KEYS = ("device", "tensorflow", "python")


def runner_name(exercise_id: str, points: int) -> str:
    """The runner of an exercise's tests worth `points`: a valid step-output and env-var name."""
    return re.sub(r"[^a-z0-9_]", "_", f"{exercise_id}_{points}pt".lower())


def output_name(runner: str) -> str:
    """The name of the grading step's output that holds one runner's result."""
    return f"{runner}_RESULTS"


def runner_results(result: GradeResult) -> dict[str, dict[str, Any]]:
    """One runner result per (exercise, points value), keyed by runner name, in course order."""
    runners: dict[str, dict[str, Any]] = {}
    environment = {key: result.environment[key] for key in ENVIRONMENT_KEYS if key in result.environment}
    environment["isolation"] = result.isolation
    for exercise, test in result.tests:
        if test.max_score == 0:
            continue
        name = runner_name(exercise.id, test.max_score)
        runner = runners.setdefault(
            name, {"version": 1, "status": "pass", "max_score": 0, "tests": [], "environment": environment}
        )
        runner["max_score"] += test.max_score
        if test.status == FAILED or (test.status == ERROR and runner["status"] == "pass"):
            runner["status"] = "fail" if test.status == FAILED else "error"
        if test.hidden:
            title, message = f"{exercise.id}: hidden test", ""
        else:
            title, message = f"{exercise.id}: {test.name}", test.message + (f" Hint: {test.hint}" if test.hint else "")
        runner["tests"].append(
            {
                "name": title,
                "status": "pass" if test.status == PASSED else ("error" if test.status == ERROR else "fail"),
                "score": test.score,
                "message": message,
                "line_no": 0,
                "execution_time": "0s",
            }
        )
    return runners


def encode_runner(runner: dict[str, Any]) -> str:
    """Base64 of the runner's JSON, on one line (no newline may split a step output)."""
    return base64.b64encode(json.dumps(runner).encode("utf-8")).decode("ascii")


def render_classroom(result: GradeResult) -> str:
    """`<runner>_RESULTS=<base64>` lines, ready to append to $GITHUB_OUTPUT."""
    return "".join(f"{output_name(name)}={encode_runner(runner)}\n" for name, runner in runner_results(result).items())
