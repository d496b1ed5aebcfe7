"""`grade check --inputs`: public, instructor or both, each named, and refused where there is no secret."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from grader.course.secret import SECRET_VARIABLE
from tests.conftest import ROOT, SOLUTIONS, run_grade


def test_check_on_both_inputs_names_each_grading() -> None:
    """--inputs both: two headed gradings in text, {"public", "instructor"} in JSON, each test tagged with its inputs."""
    text = run_grade("check", str(SOLUTIONS), "--inputs", "both", "--exercise", "square_loss")
    assert text.returncode == 0, text.stderr
    public_at = text.stdout.index("On the public inputs")
    instructor_at = text.stdout.index("On the instructor inputs")
    assert public_at < instructor_at and text.stdout.count("20/20") >= 2
    shown = run_grade("check", str(SOLUTIONS), "--inputs", "both", "--exercise", "square_loss", "--format", "json")
    assert shown.returncode == 0, shown.stderr
    data = json.loads(shown.stdout)
    for kind in ("public", "instructor"):
        tests = [test for exercise in data[kind]["exercises"] for test in exercise["tests"]]
        assert tests and {test["inputs"] for test in tests} == {kind}
        assert all(test["score"] == test["max_score"] for test in tests)
    junit = run_grade("check", str(SOLUTIONS), "--inputs", "both", "--exercise", "square_loss", "--format", "junit")
    assert junit.returncode == 2 and "--inputs public or --inputs instructor" in junit.stderr


def test_check_on_instructor_inputs_without_a_secret_says_how_to_make_one(tmp_path: Path) -> None:
    """No GRADER_SECRET and no .grader-secret: --inputs instructor exits 2 naming `grade secret init`."""
    environment = {name: value for name, value in os.environ.items() if name != SECRET_VARIABLE}
    done = subprocess.run(
        [
            sys.executable,
            "-c",
            "from grader.cli import main; main()",
            "check",
            str(SOLUTIONS),
            "--inputs",
            "instructor",
        ],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 2 and "grade secret init" in done.stderr, done.stderr
