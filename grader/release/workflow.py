"""The GitHub Classroom workflow of a student release: `.github/workflows/classroom.yml`.

One job, `run-autograding-tests` (the reporter looks up the check run by that name), with
the permissions Classroom needs. TensorFlow is installed once, by installing the release with
one extra (`cpu` on GitHub's runner, `gpu` in a fresh venv on a self-hosted GPU runner, whose
job sets `GRADER_REQUIRE_GPU=1` so that a grading without a GPU stops instead of passing on CPU);
then ONE grading step runs `grade check --format classroom` and appends one output per
runner to `$GITHUB_OUTPUT`; then `education/autograding-grading-reporter@v1` reads every
runner from `<RUNNER>_RESULTS` in its environment. Runners are the (exercise, points value)
pairs of `grader.reporters.classroom`, so its table and the total it sends agree.
"""

from __future__ import annotations

import json
from collections.abc import Sequence

from grader.course.config import Course
from grader.installation import GPU_VARIABLE
from grader.reporters.classroom import output_name, runner_name

GRADING_STEP_ID = "grade"
JOB_ID = "run-autograding-tests"
REPORTER_ACTION = "education/autograding-grading-reporter@v1"
PYTHON_VERSION = "3.11"

# 0: every test passed; 1: some test failed. Both are grades, which the reporter below
# turns into points; only 2 (configuration) and 3 (the grader failed) fail this step.
GRADING_COMMAND = """\
status=0
grade check --format classroom --html grade-report.html >> "$GITHUB_OUTPUT" || status=$?
if [ "$status" -gt 1 ]; then
  echo "grade check ended with exit code $status: the grader could not grade this commit." >&2
  exit "$status"
fi
"""


def runner_names(course: Course) -> list[str]:
    """The runners the grading step writes for `course`, in course order (0-point tests have none)."""
    names = [
        runner_name(exercise.id, test.points) for exercise in course.exercises for test in exercise.tests if test.points
    ]
    return list(dict.fromkeys(names))


def _quote(value: str) -> str:
    """A YAML double-quoted scalar (JSON strings are valid YAML)."""
    return json.dumps(value)


def _block(text: str, indent: int) -> str:
    """A YAML literal block scalar body, indented."""
    pad = " " * indent
    return "\n".join(pad + line if line else "" for line in text.rstrip("\n").splitlines())


def _install_steps(runs_on: Sequence[str]) -> str:
    if not runs_on:
        return f"""\
      - name: Set up Python
        uses: actions/setup-python@v5
        with:
          python-version: "{PYTHON_VERSION}"
          cache: pip
          cache-dependency-path: pyproject.toml
      - name: Install TensorFlow (the CPU build) and the grader
        run: |
          python -m pip install --upgrade pip
          python -m pip install ".[cpu]"
      - name: Install bubblewrap (the sandbox for your code)
        run: |
          sudo apt-get update -qq && sudo apt-get install -y -qq bubblewrap
          # Ubuntu 24.04 keeps unprivileged user namespaces from bubblewrap unless allowed.
          sudo sysctl -w kernel.apparmor_restrict_unprivileged_userns=0 || true
"""
    return """\
      - name: Show the GPU
        run: nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv || true
      - name: Install TensorFlow (GPU) and the grader, in a fresh venv (tensorflow[and-cuda] alone)
        run: |
          python3 -m venv "$RUNNER_TEMP/grader-venv"
          "$RUNNER_TEMP/grader-venv/bin/python" -m pip install --upgrade pip
          "$RUNNER_TEMP/grader-venv/bin/python" -m pip install ".[gpu]"
          echo "$RUNNER_TEMP/grader-venv/bin" >> "$GITHUB_PATH"
"""


def _job_environment(runs_on: Sequence[str]) -> str:
    """On a GPU runner, `GRADER_REQUIRE_GPU=1`: the grading stops (exit 2, saying why) unless TensorFlow computes on a GPU."""
    if not runs_on:
        return ""
    return f"""\
    env:
      {GPU_VARIABLE}: "1"
"""


def render_workflow(course: Course, runs_on: Sequence[str] = ()) -> str:
    """The workflow text: GitHub-hosted Ubuntu, or a self-hosted runner with `runs_on` labels (GPU)."""
    runners = runner_names(course)
    target = (
        "ubuntu-latest" if not runs_on else "[" + ", ".join(_quote(label) for label in ["self-hosted", *runs_on]) + "]"
    )
    environment = "\n".join(
        f'          {output_name(name).upper()}: "${{{{ steps.{GRADING_STEP_ID}.outputs.{output_name(name)} }}}}"'
        for name in runners
    )
    where = "a self-hosted GPU runner (" + ", ".join(runs_on) + ")" if runs_on else "GitHub's Ubuntu runner"
    return f"""\
# GitHub Classroom autograding for {course.title or course.id} ({course.id} {course.version}).
# Written by `grade release`; runs on {where}.
# The grading step starts TensorFlow once and writes one result per runner (an exercise's
# tests of equal points), which the reporter turns into points with partial credit.
name: Autograding Tests
"on":
  - push
  - repository_dispatch
  - workflow_dispatch
permissions:
  checks: write
  actions: read
  contents: read
jobs:
  {JOB_ID}:
    runs-on: {target}
    if: github.actor != 'github-classroom[bot]'
    timeout-minutes: 30
{_job_environment(runs_on)}    steps:
      - name: Checkout code
        uses: actions/checkout@v4
{_install_steps(runs_on)}      - name: Grade the exercises
        id: {GRADING_STEP_ID}
        run: |
{_block(GRADING_COMMAND, 10)}
      - name: Upload the HTML report (tests, hints and plots)
        if: ${{{{ !cancelled() }}}}
        uses: actions/upload-artifact@v4
        with:
          name: grade-report
          path: grade-report.html
          if-no-files-found: ignore
      - name: Autograding Reporter
        if: ${{{{ !cancelled() }}}}
        uses: {REPORTER_ACTION}
        env:
{environment}
        with:
          runners: {",".join(runners)}
"""
