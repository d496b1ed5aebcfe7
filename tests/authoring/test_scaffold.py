"""Tests for grader/authoring/scaffold.py: `grade new` writes an exercise that grades at once, and course.toml
keeps its comments with each table among its own kind."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from grader.authoring.scaffold import scaffold
from grader.course.config import load_course
from grader.errors import ConfigError, UsageError
from tests.authoring_support import copy_course, scaffolded_course
from tests.conftest import ROOT, run_grade


@pytest.fixture(scope="module")
def new_exercise(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, subprocess.CompletedProcess[str]]:
    """`grade new softmax_xent --module losses --functions softmax_cross_entropy --params logits,temperature` in a
    copy of the course: a function of two arguments, not named after the exercise."""
    course_dir = copy_course(tmp_path_factory.mktemp("new")).parent
    completed = run_grade(
        "new", "softmax_xent", "--module", "losses", "--functions", "softmax_cross_entropy",
        "--params", "logits,temperature:float", cwd=course_dir,
    )  # fmt: skip
    return course_dir, completed


def test_new_exercise_grades_at_once(new_exercise: tuple[Path, subprocess.CompletedProcess[str]]) -> None:
    """One command: the solution of two arguments earns 100/100 (hidden test included), the generated stub 0/100,
    exit 0; stderr names the course with the pack just written (not "packs: none of its own")."""
    course_dir, completed = new_exercise
    assert completed.returncode == 0, completed.stdout + completed.stderr
    assert "solutions/: 100/100 (as expected)" in completed.stdout
    assert "exercises/: 0/100 (as expected)" in completed.stdout
    stub = (course_dir / "exercises" / "losses.py").read_text()
    assert "def softmax_cross_entropy(logits, temperature):" in stub and "raise NotImplementedError" in stub
    course_line = f"course: {course_dir / 'course.toml'} (12 exercises; packs: 1 from {course_dir / 'packs'}"
    assert course_line in completed.stderr and "none of its own" not in completed.stderr, completed.stderr


def test_new_exercise_writes_each_piece_where_it_belongs(
    new_exercise: tuple[Path, subprocess.CompletedProcess[str]],
) -> None:
    """A pack with a probe per function, public and hidden suites and mutants.toml; course.toml keeps its comments,
    the new assignment among the assignments, the exercise among the exercises, with functions = [...]."""
    course_dir, _ = new_exercise
    pack = course_dir / "packs" / "softmax_xent"
    assert sorted(path.name for path in pack.iterdir()) == ["hidden_suite.py", "mutants.toml", "probes.py", "suite.py"]
    text = (course_dir / "course.toml").read_text()
    assert text.startswith("# The course specification")
    assert text.index("[assignments.softmax_xent]") < text.index("[exercises.square_loss]")
    assert 'functions = ["softmax_cross_entropy"]' in text
    course = load_course(course_dir / "course.toml")
    assert course.exercise("softmax_xent").functions == ("softmax_cross_entropy",)
    assert [a.exercises for a in course.assignments if a.name == "softmax_xent"] == [("softmax_xent",)]


def test_new_refuses_an_existing_exercise(tmp_path: Path) -> None:
    """An id the course has already is refused, and course.toml is left as it was."""
    course = copy_course(tmp_path)
    before = course.read_text()
    completed = run_grade("new", "square_loss", "--module", "losses", "--no-check", cwd=tmp_path)
    assert completed.returncode == 2, completed.stderr
    assert "has an exercise 'square_loss' already" in completed.stderr
    assert course.read_text() == before


def test_new_into_an_assignment_that_adds_to_100_says_what_to_add(tmp_path: Path) -> None:
    """Adding to an assignment whose tests add to 100 without `points = 100` would break its sum: refused, naming
    `points = 100`, and course.toml is left as it was."""
    course = scaffolded_course(tmp_path)
    before = course.read_text()
    with pytest.raises(ConfigError, match=r"add `points = 100` there \(its tests' points become weights\)"):
        scaffold(course, "shift", "scaling", [], "scale")
    assert course.read_text() == before


def test_new_exercise_named_after_its_function_needs_no_functions_line(tmp_path: Path) -> None:
    """`grade new scale` writes the function scale and no `functions` line; the course loads with it."""
    course = scaffolded_course(tmp_path)
    text = course.read_text()
    assert "[exercises.scale]" in text and "functions" not in text.split("[exercises.scale]")[1].split("[")[0]
    assert load_course(course).exercise("scale").module == "scaling"
    assert "def scale(x):" in (tmp_path / "solutions" / "scaling.py").read_text()


def test_new_refuses_a_function_the_module_defines_and_writes_nothing(tmp_path: Path) -> None:
    """A function that solutions/M.py defines already is refused before any file is written."""
    course = copy_course(tmp_path)
    before = course.read_text()
    with pytest.raises(UsageError, match="defines square_loss already"):
        scaffold(course, "loss_again", "linear_classifier", ["square_loss"], None)
    assert course.read_text() == before and not (tmp_path / "packs").exists()


def test_new_with_params_passes_every_argument_by_name(tmp_path: Path) -> None:
    """--params x,ceiling: the probe takes both (ARGUMENTS and its signature), make_inputs draws both, and both
    suites call the probe with both keywords; the suite's hint hook is passed to every comparison."""
    course = copy_course(tmp_path)
    scaffold(course, "relu_clip", "activations", [], None, "x,ceiling")
    pack = tmp_path / "packs" / "relu_clip"
    probes, suite, hidden = (pack / name for name in ("probes.py", "suite.py", "hidden_suite.py"))
    assert 'ARGUMENTS = ("x", "ceiling")' in probes.read_text()
    assert "def relu_clip_call(context: Context, x: np.ndarray, ceiling: float)" in probes.read_text()
    assert "def make_inputs(seed: int) -> tuple[np.ndarray, float]:" in suite.read_text()
    for text in (suite.read_text(), hidden.read_text()):
        assert text.count('.call("relu_clip", x=x, ceiling=ceiling)') == 2
        assert "diagnose(x, ceiling, got)" in text
    assert "def diagnose(x: np.ndarray, ceiling: float, got: np.ndarray) -> str:" in suite.read_text()
    assert "def relu_clip(x, ceiling):" in (tmp_path / "solutions" / "activations.py").read_text()
    assert load_course(course).exercise("relu_clip").module == "activations"


@pytest.mark.parametrize(
    ("params", "expected"),
    [("x,seed", "one the generated suite uses"), ("x,c:str", "use one of tensor, float, int"), ("x,x", "twice")],
)
def test_new_refuses_bad_params_and_writes_nothing(tmp_path: Path, params: str, expected: str) -> None:
    """A parameter that would shadow the suite's names, an unknown kind or a repeated name: refused, nothing written."""
    course = copy_course(tmp_path)
    before = course.read_text()
    with pytest.raises(UsageError, match=expected):
        scaffold(course, "relu_clip", "activations", [], None, params)
    assert course.read_text() == before and not (tmp_path / "packs").exists()


@pytest.mark.parametrize(
    ("functions", "params"), [((), ""), (("leaky", "a_rather_long_function_name"), "xs,alpha,n:int")]
)
def test_a_scaffolded_pack_is_ruff_clean_and_formatted(tmp_path: Path, functions: tuple[str, ...], params: str) -> None:
    """`ruff check` and `ruff format --check`, with the kit's configuration, pass on a pack just written."""
    course = copy_course(tmp_path)
    scaffold(course, "activation", "activations", list(functions), None, params)
    for command in (["check"], ["format", "--check"]):
        completed = subprocess.run(
            [sys.executable, "-m", "ruff", *command, "--config", str(ROOT / "pyproject.toml"), "--no-cache",
             str(tmp_path / "packs")], capture_output=True, text=True, timeout=120,
        )  # fmt: skip
        assert completed.returncode == 0, completed.stdout + completed.stderr
