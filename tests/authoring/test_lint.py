"""Tests for grader/authoring/lint.py: `grade lint` finds each authoring mistake without a student, exit 2 with
the file, the line and the fix; a clean course passes."""

from __future__ import annotations

from pathlib import Path

import pytest

from grader.authoring.lint import check_mutant_banks
from grader.course.config import load_course
from tests.authoring_support import keep_only, scaffolded_course
from tests.conftest import ROOT, SOLUTIONS, run_grade


def lint(course_dir: Path, *arguments: str) -> tuple[int, str]:
    """`grade lint` in `course_dir`: its exit code and its output (stdout and stderr)."""
    completed = run_grade("lint", *arguments, cwd=course_dir)
    return completed.returncode, completed.stdout + completed.stderr


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text()
    assert old in text, f"{old!r} not in {path}"
    path.write_text(text.replace(old, new, 1))


def test_a_scaffolded_course_has_no_problem(tmp_path: Path) -> None:
    """The chapter's course with an exercise from `grade new` lints clean: exit 0."""
    scaffolded_course(tmp_path)
    code, output = lint(tmp_path)
    assert code == 0, output
    assert "No problem found." in output


@pytest.mark.parametrize(
    ("file", "old", "new", "expected"),
    [
        # A test-name typo in course.toml: the suite's test is unlisted.
        ("course.toml", "matches_reference = {points", "matches_referenc = {points", "add `matches_reference = {"),
        # A points sum that is not 100 in an assignment without `points = 100`.
        ("course.toml", "matches_reference = {points = 80}", "matches_reference = {points = 70}", "points = 100"),
        # A misspelt key.
        ("course.toml", "hidden_seeds = [", "hiden_seeds = [", "hidden_seeds"),
        # A probe the suite calls that PROBES does not register.
        ("packs/scale/probes.py", 'PROBES = {"scale": scale_call}', 'PROBES = {"scaled": scale_call}', "Did you mean"),
        # The solution edited and the stubs not regenerated.
        ("solutions/scaling.py", "TODO: say what scale computes", "Scale x", "then regenerate the exercises"),
    ],
)
def test_each_mistake_stops_with_its_fix(tmp_path: Path, file: str, old: str, new: str, expected: str) -> None:
    """Each authoring mistake is one problem line naming the file and the fix, exit 2."""
    scaffolded_course(tmp_path)
    edit(tmp_path / file, old, new)
    code, output = lint(tmp_path)
    assert code == 2, output
    assert expected in output and "problem(s)." in output


def test_a_missing_functions_line_says_what_to_add(tmp_path: Path) -> None:
    """An exercise not named after its function, without `functions = [...]`: the line to add, before any grading."""
    course = scaffolded_course(tmp_path, "softmax_xent", ("softmax_cross_entropy",))
    edit(course, 'functions = ["softmax_cross_entropy"]\n', "")
    code, output = lint(tmp_path)
    assert code == 2, output
    assert 'add `functions = ["softmax_cross_entropy"]` to [exercises.softmax_xent]' in output


def test_a_solution_region_outside_the_exercises_functions_names_the_function(tmp_path: Path) -> None:
    """A region in a helper that no exercise names: the nbgrader writer's dry run names the helper and the fix."""
    scaffolded_course(tmp_path)
    solution = tmp_path / "solutions" / "scaling.py"
    solution.write_text(
        solution.read_text()
        + '\n\ndef helper(x):\n    """Help."""\n    # BEGIN SOLUTION\n    return x\n    # END SOLUTION\n'
    )
    run_grade("generate", cwd=tmp_path)
    code, output = lint(tmp_path)
    assert code == 2, output
    assert "in helper, which no exercise of scaling.py names" in output
    assert 'add `functions = ["helper"]` to [exercises.scale]' in output


def test_lint_grade_finds_a_test_the_stub_passes(tmp_path: Path) -> None:
    """With --grade, a hidden test that checks nothing (the stub earns its points) is a problem, exit 2."""
    keep_only(scaffolded_course(tmp_path), "scale")  # the chapter's eleven are graded by tests/grading
    edit(tmp_path / "packs" / "scale" / "hidden_suite.py", "for seed in spec.hidden_seeds:", "for seed in ():")
    code, output = lint(tmp_path, "--grade")
    assert code == 2, output
    assert "the stub earns 20 points in scale::hidden_matches_reference" in output


def test_a_mutant_bank_that_no_longer_fits_its_solution_names_each_stale_entry(tmp_path: Path) -> None:
    """An equivalent id whose line moved and a known mistake whose text is gone: one problem each, in mutants.toml;
    the chapter's own banks fit its solutions."""
    course = scaffolded_course(tmp_path)
    bank = tmp_path / "packs" / "scale" / "mutants.toml"
    bank.write_text(
        'equivalent = ["line 1: Gt -> GtE"]\n\n'
        '[[mutant]]\nname = "gone"\nreplace = ["3.0 * x", "4.0 * x"]\nfails = ["matches_reference"]\n'
    )
    problems = check_mutant_banks(load_course(course), tmp_path / "solutions")
    assert [(problem.path, problem.message.split(",")[0]) for problem in problems] == [
        (bank, "equivalent names 'line 1: Gt -> GtE'"),
        (bank, "[[mutant]] 'gone' replaces '3.0 * x'"),
    ]
    assert "run `grade audit scale`" in problems[0].message
    assert check_mutant_banks(load_course(ROOT / "course.toml"), SOLUTIONS) == []
