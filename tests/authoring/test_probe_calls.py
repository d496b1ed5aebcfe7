"""Tests for grader/course/probe_calls.py: the keywords a suite passes to a probe against the probe's signature, read
from the files; a mismatch stops every command at load (exit 2) naming the suite's line, the probe's function in
probes.py and the parameter, never "your code raised TypeError" while running the reference."""

from __future__ import annotations

import ast
from pathlib import Path

from grader.authoring.lint import lint
from grader.course.probe_calls import mismatched_calls, probe_signatures
from tests.authoring_support import scaffolded_course
from tests.conftest import run_grade

PROBES = """
def clip_call(context, x, ceiling=1.0):
    return x


def spread_call(context, **arguments):
    return arguments


PROBES = {"clip": clip_call, "spread": spread_call}
"""


def problems_of(suite: str) -> list[tuple[int, str]]:
    """What mismatched_calls finds in `suite` against PROBES."""
    return mismatched_calls(ast.parse(suite), probe_signatures(ast.parse(PROBES)), Path("packs/clip/probes.py"))


def test_an_argument_the_probe_does_not_take_names_the_probe_its_file_and_the_parameter(tmp_path: Path) -> None:
    """The relu_clip case: the scaffolded probe takes x only, the suite passes ceiling=: `grade check solutions`
    exits 2 before grading, naming the suite's line, scale_call in packs/scale/probes.py and `ceiling`."""
    scaffolded_course(tmp_path)
    suite = tmp_path / "packs" / "scale" / "suite.py"
    suite.write_text(suite.read_text().replace('student.call("scale", x=x)', 'student.call("scale", x=x, ceiling=2.0)'))
    line = next(n for n, text in enumerate(suite.read_text().splitlines(), 1) if "ceiling=2.0" in text)
    completed = run_grade("check", "solutions", "--exercise", "scale", cwd=tmp_path)
    assert completed.returncode == 2, completed.stdout + completed.stderr
    assert f"{suite}: line {line}: the call passes `ceiling=` to the probe 'scale'" in completed.stderr
    assert f"scale_call in {tmp_path / 'packs' / 'scale' / 'probes.py'}" in completed.stderr
    assert "add `ceiling` to scale_call's parameters" in completed.stderr
    assert "your code raised" not in completed.stdout + completed.stderr


def test_lint_shows_the_mismatch_at_the_suites_line(tmp_path: Path) -> None:
    """`grade lint` lists the same problem as suite.py:LINE (it used to say "No problem found")."""
    scaffolded_course(tmp_path)
    hidden = tmp_path / "packs" / "scale" / "hidden_suite.py"
    hidden.write_text(hidden.read_text().replace('reference.call("scale", x=x)', 'reference.call("scale", y=x)'))
    line = next(n for n, text in enumerate(hidden.read_text().splitlines(), 1) if "y=x" in text)
    (problem,) = lint(tmp_path / "course.toml")
    assert (problem.path, problem.line) == (hidden, line)
    assert problem.message.startswith("the call passes `y=` to the probe 'scale'")


def test_a_required_argument_left_out_and_what_cannot_be_known() -> None:
    """A call without a parameter that has no default is found; a default, `**arguments` and a probe taking
    `**kwargs` are left alone."""
    ((line, message),) = problems_of('student.call("clip", ceiling=2.0)')
    assert line == 1 and "leaves out `x=`, which its function clip_call in packs/clip/probes.py (line 2)" in message
    assert problems_of('student.call("clip", x=1)') == []
    assert problems_of('reference.call("clip", **inputs)') == []
    assert problems_of('student.call("spread", anything=1)') == []
