"""Tests for grading a course's own packs (grader/grading/runner.py, session.py, plotdata.py): found, run, and broken."""

from __future__ import annotations

from pathlib import Path

import pytest

from grader.course.config import load_course
from grader.errors import ConfigError
from grader.grading.reference import Reference
from grader.grading.runner import grade
from grader.results import GradeResult
from tests.course.test_packs import TOY_PROBES, TOY_SUITE, toy_course

TOY_SOLUTION = "def double(x):\n    import numpy as np\n    return np.asarray(x, dtype=np.float32) * 2\n"
TOY_WRONG = "def double(x):\n    import numpy as np\n    return np.asarray(x, dtype=np.float32) * 3\n"
TOY_PLOTS = """
from grader.grading.plotdata import note


def figures(view):
    return [note(f"{len(view.answers('call'))} calls, first expected {view.expected('call', view.answers('call')[0][0])['value']}")]
"""


def _grade(course_path: Path, solution: str, submission: str, tmp_path: Path, *, plots: bool = False) -> GradeResult:
    """Grade `submission` (toy.py) against `solution` with the course at `course_path`."""
    folders = {}
    for name, text in (("solutions", solution), ("submission", submission)):
        folders[name] = tmp_path / name
        folders[name].mkdir()
        (folders[name] / "toy.py").write_text(text)
    course = load_course(course_path)
    reference = Reference(course, folders["solutions"])
    try:
        return grade(course=course, submission_dir=folders["submission"], reference=reference, plots=plots)
    finally:
        reference.close()


def test_course_pack_grades_and_draws(tmp_path: Path) -> None:
    """A course's own pack is graded like a built-in one: its probes run in the sandbox, its suite and plots in the parent."""
    path = toy_course(tmp_path)
    (tmp_path / "packs" / "doubling" / "plots.py").write_text(TOY_PLOTS)
    result = _grade(path, TOY_SOLUTION, TOY_WRONG, tmp_path, plots=True)
    assert [(test.name, test.score) for _, test in result.tests] == [("doubles", 0), ("keeps_shape", 40)]
    assert result.internal_errors == ()
    assert result.extra["plots"]["doubling"] == [{"kind": "note", "text": "2 calls, first expected [2.]"}]


def test_probes_that_fail_to_load_are_a_configuration_error(tmp_path: Path) -> None:
    """A probes.py that raises while the sandbox loads it is a ConfigError naming it, never a student's zero."""
    path = toy_course(tmp_path, probes="import not_a_module_anywhere\n" + TOY_PROBES)
    with pytest.raises(ConfigError, match=r"probes.py: the exercise pack's probes failed to load.*ModuleNotFoundError"):
        _grade(path, TOY_SOLUTION, TOY_SOLUTION, tmp_path)


def test_probe_missing_at_run_time_is_a_configuration_error(tmp_path: Path) -> None:
    """A probe name the suite builds at run time and PROBES lacks is a ConfigError naming probes.py (exit 2)."""
    suite = TOY_SUITE.replace('student.call("call", x=[1.0, 2.0])', 'student.call("ca" + "ll_twice", x=[1.0, 2.0])')
    path = toy_course(tmp_path, suite=suite)
    with pytest.raises(ConfigError, match=r"probes.py: the exercise pack's probes.py answers no probe 'call_twice'"):
        _grade(path, TOY_SOLUTION, TOY_SOLUTION, tmp_path)
