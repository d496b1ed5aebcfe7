"""Tests for grader/authoring/bank.py: a pack's mutants.toml checked against its exercise's tests and its solution,
each problem with its line and fix, by `grade lint` and by `grade audit` before it grades anything."""

from __future__ import annotations

from pathlib import Path

from grader.authoring.lint import lint
from tests.authoring_support import scaffolded_course
from tests.conftest import run_grade

BANK = """# Known mistakes of scale.
[[mutant]]
name = "forgot the offset"
replace = ["2.0 * x + 1.0", "2.0 * x"]
fails = ["matches_referenc"]

[[mutant]]
name = "halved"
replace = ["3.0 * x + 1.0", "1.5 * x + 1.0"]
fails = ["matches_reference"]
"""


def test_lint_names_each_bad_entry_with_its_line_and_fix(tmp_path: Path) -> None:
    """An unknown test in `fails` (line 5, the closest name) and a `replace` text the solution lacks (line 9, the
    closest line of the solution): one problem each, in mutants.toml."""
    scaffolded_course(tmp_path)
    bank = tmp_path / "packs" / "scale" / "mutants.toml"
    bank.write_text(BANK)
    problems = lint(tmp_path / "course.toml")
    assert [(problem.path, problem.line) for problem in problems] == [(bank, 5), (bank, 9)]
    assert "fails 'matches_referenc', which scale has no test of that name: did you mean 'matches_reference'?" in (
        problems[0].message
    )
    assert "replaces '3.0 * x + 1.0', which" in problems[1].message
    assert "(the closest line: 'return 2.0 * x + 1.0')" in problems[1].message
    assert "copy the text from the solution exactly" in problems[1].message


def test_audit_checks_the_bank_before_grading_anything(tmp_path: Path) -> None:
    """`grade audit scale` with a bank that cannot be made: exit 2 with the file, the line and the fix, and no
    mutant graded (no progress line)."""
    scaffolded_course(tmp_path)
    bank = tmp_path / "packs" / "scale" / "mutants.toml"
    bank.write_text(BANK)
    completed = run_grade("audit", "scale", cwd=tmp_path)
    assert completed.returncode == 2, completed.stdout + completed.stderr
    assert "2 problem(s) in mutants.toml, nothing graded" in completed.stderr
    assert f"{bank}:9: [[mutant]] 'halved' replaces '3.0 * x + 1.0'" in completed.stderr
    assert "mutant 1/" not in completed.stderr
