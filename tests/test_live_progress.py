"""What a person waiting at a terminal sees while `grade check` grades (a real pseudo-terminal), and nothing for JSON."""

from __future__ import annotations

import os
import select
import subprocess
import sys

from grader.course.config import load_course
from tests.conftest import ROOT, SOLUTIONS


def on_a_terminal(*arguments: str) -> str:
    """The real `grade` command with its stdout and stderr on one pty; everything it wrote there (the follower
    end is kept open here until the command has ended and all it wrote is read, so that nothing is lost)."""
    leader, follower = os.openpty()
    process = subprocess.Popen(
        [sys.executable, "-c", "from grader.cli import main; main()", *arguments],
        cwd=ROOT,
        stdin=subprocess.DEVNULL,
        stdout=follower,
        stderr=follower,
        env={**os.environ, "COLUMNS": "120", "TERM": "xterm"},
    )
    pieces = []
    while True:
        ready, _, _ = select.select([leader], [], [], 0.5)
        if ready:
            pieces.append(os.read(leader, 65536))
        elif process.poll() is not None:
            break
    os.close(follower)
    os.close(leader)
    return b"".join(pieces).decode(errors="replace")


def test_grade_check_shows_the_exercise_and_tests_done_on_a_terminal_only_for_text() -> None:
    """On a pty `grade check --exercise square_loss` shows the exercise being graded and tests done; JSON shows none."""
    shown = on_a_terminal("check", str(SOLUTIONS), "--exercise", "square_loss", "--inputs", "public")
    exercise = load_course(ROOT / "course.toml").exercise("square_loss")
    assert "grade check: square_loss" in shown and f"0/{len(exercise.tests)} tests" in shown, shown
    assert "square_loss: " in shown.split("grade check: done")[-1]  # the report follows the progress, which is gone
    quiet = on_a_terminal(
        "check", str(SOLUTIONS), "--exercise", "square_loss", "--inputs", "public", "--format", "json"
    )
    assert "grade check:" not in quiet and '"schema_version"' in quiet, quiet
