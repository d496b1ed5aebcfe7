"""Tests of the CLI's entry points and what it says: `python -m grader`, `python -m grader.cli --help`, the stderr
line naming the course.toml and packs a command loaded, and `grade generate`'s "unchanged"."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from tests.authoring_support import copy_course, scaffolded_course
from tests.conftest import ROOT, run_grade


@pytest.mark.parametrize("module", ["grader", "grader.cli"])
def test_python_m_prints_the_help(module: str) -> None:
    """`python -m grader --help` and `python -m grader.cli --help` list the commands, new, lint and audit included."""
    completed = subprocess.run(
        [sys.executable, "-m", module, "--help"], cwd=ROOT, capture_output=True, text=True, timeout=120
    )
    assert completed.returncode == 0, completed.stderr
    assert all(command in completed.stdout for command in ("check", "new", "lint", "audit"))


def test_a_command_says_which_course_and_packs_it_loaded(tmp_path: Path) -> None:
    """One stderr line: the course.toml, its exercise count, and where its packs come from."""
    scaffolded_course(tmp_path)
    completed = run_grade("lint", cwd=tmp_path)
    line = f"course: {tmp_path / 'course.toml'} (12 exercises; packs: 1 from {tmp_path / 'packs'}, 11 of the grader's)"
    assert completed.stderr.count("course: ") == 1 and line in completed.stderr, completed.stderr


def test_generate_says_unchanged_for_unchanged_stubs(tmp_path: Path) -> None:
    """A second `grade generate` writes nothing and says "unchanged" for each stub; an edited solution's is "wrote"."""
    copy_course(tmp_path)
    first = run_grade("generate", cwd=tmp_path)
    assert first.returncode == 0 and "wrote" not in first.stdout and "unchanged" in first.stdout, first.stdout
    solution = tmp_path / "solutions" / "gradients.py"
    solution.write_text(solution.read_text().replace('"""', '"""Edited. ', 1))
    second = run_grade("generate", cwd=tmp_path)
    assert f"wrote {Path('exercises') / 'gradients.py'}" in second.stdout
    assert second.stdout.count("unchanged") == first.stdout.count("unchanged") - 1
