"""Tests for grader/course/packs.py: finding exercise packs, and refusing broken ones as configuration errors."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from grader.course.config import load_course
from grader.course.packs import BUILTIN_PACKS
from grader.errors import ConfigError
from tests.conftest import ROOT, run_grade

GRADER = ROOT / "grader"
# The grader's own text that may name an exercise: none. Docstrings and comments may, as examples.
EXERCISE_NAMES = sorted(path.name for path in BUILTIN_PACKS.iterdir() if (path / "probes.py").is_file()) + [
    "SimpleDense"
]

TOY_COURSE = """
[course]
id = "toy"
version = "1"

[exercises.doubling]
module = "toy"
functions = ["double"]
seeds = [1]

[exercises.doubling.tests]
doubles = { points = 60 }
keeps_shape = { points = 40 }
"""

TOY_PROBES = """
from gradechild.api import Context, call_student, describe


def double_call(context: Context, x: list[float]) -> dict:
    return describe(call_student(context, "double", ("x",), {"x": x}))


PROBES = {"call": double_call}
"""

TOY_SUITE = """
from grader.grading import check_close, fail, value_of


def test_doubles(student, reference, spec):
    expected = value_of(reference.call("call", x=[1.0]), "the reference")
    check_close(value_of(student.call("call", x=[1.0]), "double"), expected, rtol=0, atol=0, what="double([1.0])")


def test_keeps_shape(student, reference, spec):
    if student.call("call", x=[1.0, 2.0])["shape"] != [2]:
        fail("double([1.0, 2.0]) must return 2 numbers")
"""


def toy_course(tmp_path: Path, *, probes: str = TOY_PROBES, suite: str = TOY_SUITE, course: str = TOY_COURSE) -> Path:
    """A course folder with one exercise whose pack is the course's own (packs/doubling/)."""
    pack = tmp_path / "packs" / "doubling"
    pack.mkdir(parents=True)
    (pack / "probes.py").write_text(probes)
    (pack / "suite.py").write_text(suite)
    (tmp_path / "course.toml").write_text(course)
    return tmp_path / "course.toml"


def _names_in_code(path: Path) -> list[str]:
    """Identifiers and string constants of a module, docstrings left out."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    docstrings = {
        id(node.body[0].value)
        for node in ast.walk(tree)
        if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef))
        and node.body
        and isinstance(node.body[0], ast.Expr)
        and isinstance(node.body[0].value, ast.Constant)
    }
    found: list[str] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in docstrings:
            found.append(node.value)
        elif isinstance(node, ast.Name):
            found.append(node.id)
        elif isinstance(node, ast.Attribute):
            found.append(node.attr)
        elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            found.append(node.name)
        elif isinstance(node, ast.alias):
            found.append(node.name)
    return found


def test_grader_code_names_no_exercise() -> None:
    """Outside grader/packs/, no code, string or template of the grader names an exercise (docstrings and comments may)."""
    offenders = []
    for path in sorted(GRADER.rglob("*")):
        if not path.is_file() or path.is_relative_to(BUILTIN_PACKS) or "__pycache__" in path.parts:
            continue
        if path.suffix == ".py":
            texts = _names_in_code(path)
        elif path.suffix in (".md", ".j2", ".html", ".txt", ".sh", ".yml", ".toml", ".ini"):
            texts = [path.read_text(encoding="utf-8")]
        else:
            continue
        offenders += [f"{path.relative_to(ROOT)}: {name}" for text in texts for name in EXERCISE_NAMES if name in text]
    assert offenders == []


def test_course_pack_is_found_beside_course_toml(tmp_path: Path) -> None:
    """A course's packs/ folder holds packs the grader does not ship; the loader finds them and their probe names."""
    course = load_course(toy_course(tmp_path))
    pack = course.exercise("doubling").pack
    assert pack.folder == (tmp_path / "packs" / "doubling").resolve()
    assert not pack.builtin and pack.probe_names == ("call",)
    assert course.probe_files == {"doubling": pack.probes}


def test_builtin_packs_are_found_for_the_chapter() -> None:
    """The chapter's course.toml finds every exercise's pack among the grader's own."""
    course = load_course(ROOT / "course.toml")
    assert all(exercise.pack.builtin and exercise.pack.suite.is_file() for exercise in course.exercises)
    assert course.exercise("square_loss").pack.hidden_suite == BUILTIN_PACKS / "square_loss" / "hidden_suite.py"


def test_packs_key_names_another_folder(tmp_path: Path) -> None:
    """`[course] packs = "..."` names the course's packs folder; one that does not exist is an error naming it."""
    path = toy_course(tmp_path)
    (tmp_path / "packs").rename(tmp_path / "my_packs")
    path.write_text(TOY_COURSE.replace('version = "1"', 'version = "1"\npacks = "my_packs"'))
    assert load_course(path).exercise("doubling").pack.folder == (tmp_path / "my_packs" / "doubling").resolve()
    path.write_text(TOY_COURSE.replace('version = "1"', 'version = "1"\npacks = "elsewhere"'))
    with pytest.raises(ConfigError, match="'course.packs' is 'elsewhere'.*is not a folder"):
        load_course(path)


@pytest.mark.parametrize(
    ("probes", "suite", "course", "expected"),
    [
        pytest.param(
            "PROBES = {'call': f\n", TOY_SUITE, TOY_COURSE, r"probes.py: line 1: '\{' was never closed", id="syntax"
        ),
        pytest.param("def f(c): pass\n", TOY_SUITE, TOY_COURSE, r"probes.py: defines no PROBES", id="no-registry"),
        pytest.param(
            "PROBES = dict(call=print)\n", TOY_SUITE, TOY_COURSE, "PROBES must be a dict literal", id="not-literal"
        ),
        pytest.param(
            TOY_PROBES,
            TOY_SUITE.replace('student.call("call", x=[1.0, 2.0])', 'student.call("cal", x=[1.0, 2.0])'),
            TOY_COURSE,
            r"suite.py: line 11 calls the probe 'cal', which .* does not register in PROBES \(it has: call\)."
            " Did you mean 'call'?",
            id="unknown-probe",
        ),
        pytest.param(
            TOY_PROBES,
            TOY_SUITE + "\n\ndef test_extra(student, reference, spec):\n    pass\n",
            TOY_COURSE,
            r"suite.py: defines test_extra, which .*course.toml does not list in \[exercises.doubling.tests\]:"
            r" add `extra = \{ points = N \}` there",
            id="test-not-in-course",
        ),
        pytest.param(
            TOY_PROBES,
            TOY_SUITE,
            TOY_COURSE + "never_written = { points = 0 }\n",
            r"lists the public test doubling.never_written, but this file defines no test_never_written",
            id="test-not-in-suite",
        ),
        pytest.param(
            TOY_PROBES,
            TOY_SUITE,
            TOY_COURSE.replace("seeds = [1]", "seeds = [1]\nhidden_seeds = [2]")
            + "secret = { points = 0, hidden = true }\n",
            r"lists hidden tests of doubling \(secret\), but .*hidden_suite.py does not exist",
            id="no-hidden-suite",
        ),
        pytest.param(
            TOY_PROBES,
            TOY_SUITE,
            TOY_COURSE.replace("[exercises.doubling]", "[exercises.doubled]").replace(
                "[exercises.doubling.tests]", "[exercises.doubled.tests]"
            ),
            r"No pack for exercise 'doubled'. Did you mean 'doubling'\?",
            id="missing-pack",
        ),
    ],
)
def test_broken_pack_is_a_configuration_error(
    tmp_path: Path, probes: str, suite: str, course: str, expected: str
) -> None:
    """Each way a pack can be broken is a ConfigError that names the file and says what to fix."""
    with pytest.raises(ConfigError, match=expected):
        load_course(toy_course(tmp_path, probes=probes, suite=suite, course=course))


def test_broken_pack_exits_2_from_the_cli(tmp_path: Path) -> None:
    """`grade check` on a course whose pack has a syntax error exits 2 with the file and line, no traceback."""
    path = toy_course(tmp_path, probes="PROBES = {'call': f\n")
    (tmp_path / "submission").mkdir()
    completed = run_grade("check", str(tmp_path / "submission"), "--course", str(path), cwd=tmp_path)
    assert completed.returncode == 2, completed.stderr
    assert "probes.py: line 1:" in completed.stderr and "Traceback" not in completed.stderr
