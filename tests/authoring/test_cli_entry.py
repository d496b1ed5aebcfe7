"""Tests of the CLI's entry points and what it says: `python -m grader`, `python -m grader.cli --help`, the stderr
line naming the course.toml and packs a command loaded, `grade generate`'s "unchanged", and scripts/setup.sh."""

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


def test_setup_script_sets_up_only_and_says_how_to_run_grade() -> None:
    """scripts/setup.sh (named in README and the guide) runs the bootstrap, grades nothing, and says that `grade` is
    .venv/bin/grade or needs `. .venv/bin/activate`; README's first two commands are still example.sh and test.sh."""
    completed = subprocess.run(["bash", "scripts/setup.sh"], cwd=ROOT, capture_output=True, text=True, timeout=600)
    assert completed.returncode == 0, completed.stdout + completed.stderr
    assert ".venv/bin/grade" in completed.stdout and ". .venv/bin/activate" in completed.stdout
    assert "grade check" not in completed.stdout and "passed" not in completed.stdout
    readme = (ROOT / "README.md").read_text()
    commands = [line.split()[:2] for line in readme.split("```bash\n", 1)[1].split("```")[0].splitlines()]
    assert commands == [["bash", "scripts/example.sh"], ["bash", "scripts/test.sh"]]
    assert "bash scripts/setup.sh" in readme and "bash scripts/setup.sh" in (ROOT / "docs" / "authoring.md").read_text()
