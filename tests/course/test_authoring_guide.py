"""Tests for docs/authoring.md: following the guide literally adds a working exercise to a copy of the course."""

from __future__ import annotations

import re
import shlex
import shutil
from pathlib import Path

import pytest

from grader.course.config import load_course
from grader.course.writer import render_course_toml
from tests.conftest import ROOT, run_grade

GUIDE = ROOT / "docs" / "authoring.md"
BLOCK = re.compile(r"^```(\w+)\n(.*?)^```\n", re.M | re.S)


def guide_blocks() -> list[tuple[str, str]]:
    """(language, text) of every fenced code block of the guide, in order."""
    return [(match.group(1), match.group(2)) for match in BLOCK.finditer(GUIDE.read_text(encoding="utf-8"))]


def follow_guide(course_dir: Path) -> list[list[str]]:
    """Write or append each file block where its first line says; return the guide's `grade` commands."""
    commands: list[list[str]] = []
    for language, text in guide_blocks():
        first, _, body = text.partition("\n")
        if language == "bash":
            commands += [shlex.split(line) for line in text.splitlines() if line.startswith("grade ")]
        elif first.startswith("# file: "):
            target = course_dir / first.removeprefix("# file: ").strip()
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(body, encoding="utf-8")
        elif first.startswith("# append to: "):
            target = course_dir / first.removeprefix("# append to: ").strip()
            target.write_text(target.read_text(encoding="utf-8") + "\n" + body, encoding="utf-8")
    return commands


@pytest.fixture(scope="module")
def toy_course(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[list[str]]]:
    """A copy of the chapter's course with the guide's toy exercise added by its steps alone."""
    course_dir = tmp_path_factory.mktemp("course")
    shutil.copy(ROOT / "course.toml", course_dir / "course.toml")
    for folder in ("solutions", "exercises"):
        shutil.copytree(ROOT / folder, course_dir / folder, ignore=shutil.ignore_patterns("__pycache__"))
    return course_dir, follow_guide(course_dir)


def test_guide_has_the_steps_the_test_follows() -> None:
    """The guide writes a solution, the pack's four files and course lines, and runs generate and two checks."""
    blocks = guide_blocks()
    files = [text.partition("\n")[0] for _, text in blocks if text.startswith("# file: ")]
    assert files == [
        "# file: solutions/clipping.py",
        "# file: packs/clip_values/probes.py",
        "# file: packs/clip_values/suite.py",
        "# file: packs/clip_values/hidden_suite.py",
        "# file: packs/clip_values/plots.py",
    ]
    assert sum(text.startswith("# append to: course.toml") for _, text in blocks) == 1


def test_following_the_guide_grades_the_toy_exercise(toy_course: tuple[Path, list[list[str]]]) -> None:
    """generate makes the stub; the solution earns 100/100 (hidden test included), the stub 0, each as the guide says."""
    course_dir, commands = toy_course
    assert [command[:2] for command in commands] == [["grade", "generate"], ["grade", "check"], ["grade", "check"]]
    generated = run_grade(*commands[0][1:], cwd=course_dir)
    assert generated.returncode == 0, generated.stderr
    stub = (course_dir / "exercises" / "clipping.py").read_text()
    assert 'raise NotImplementedError("Clip x into [low, high] with TensorFlow.")' in stub
    solved = run_grade(*commands[1][1:], "--html", str(course_dir / "report.html"), cwd=course_dir)
    assert solved.returncode == 0, solved.stdout + solved.stderr
    assert "Total: 100/100" in solved.stdout and "hidden_matches_reference" in solved.stdout
    assert "clip_values" in solved.stdout and "square_loss" not in solved.stdout
    assert "Your clipped values against the reference" in (course_dir / "report.html").read_text()
    stubbed = run_grade(*commands[2][1:], cwd=course_dir)
    assert stubbed.returncode == 1, stubbed.stdout + stubbed.stderr
    assert "Total: 0/100" in stubbed.stdout and "not implemented yet" in stubbed.stdout


def test_the_guides_mistake_gets_its_hint(toy_course: tuple[Path, list[list[str]]]) -> None:
    """The mistake the guide suggests trying (clipping from above only) fails matches_reference with its hint."""
    course_dir, _ = toy_course
    wrong = course_dir / "wrong"
    wrong.mkdir()
    solution = (course_dir / "solutions" / "clipping.py").read_text()
    (wrong / "clipping.py").write_text(
        solution.replace("return tf.clip_by_value(x, low, high)", "return tf.minimum(x, high)")
    )
    completed = run_grade("check", str(wrong), "--assignment", "clipping", "--format", "json", cwd=course_dir)
    assert completed.returncode == 1, completed.stderr
    assert "You only lowered the values above `high`" in completed.stdout


def test_the_guides_course_toml_is_written_back_for_a_release(
    toy_course: tuple[Path, list[list[str]]], tmp_path: Path
) -> None:
    """Step 2 appends [assignments.clipping] after the exercises (a table in pieces): the release's writer keeps
    one assignment or all, hidden tests removed, and what it writes reads back (was an OutOfOrderTableProxy crash)."""
    course_dir, _ = toy_course
    course = load_course(course_dir / "course.toml")
    for kept in (course.for_assignment("clipping"), course.for_assignment("keras"), course):
        written = tmp_path / "course.toml"
        written.write_text(render_course_toml(kept.without_hidden_tests()), encoding="utf-8")
        shutil.copytree(course_dir / "packs", tmp_path / "packs", dirs_exist_ok=True)
        again = load_course(written)
        assert [exercise.id for exercise in again.exercises] == [exercise.id for exercise in kept.exercises]
        assert not any(test.hidden for exercise in again.exercises for test in exercise.tests)
        assert [assignment.name for assignment in again.assignments] == [a.name for a in kept.assignments]


def test_the_quick_way_names_every_file_to_edit_and_how_to_try_a_mistake() -> None:
    """The quick way shows --params and lists each file grade new writes with what to change there (probes.py's
    ARGUMENTS and signature, both suites' call sites); the guide says how to grade one buggy file, why --no-check,
    and that the task line is shown verbatim."""
    guide = GUIDE.read_text(encoding="utf-8")
    quick = guide.split("## The quick way", 1)[1].split("\n## ", 1)[0]
    assert "grade new relu_clip --module activations --params x,ceiling:float" in quick
    table = [line.split("|")[1].strip() for line in quick.splitlines() if line.startswith("| `")]
    assert table == [
        "`solutions/<module>.py`",
        "`packs/<exercise>/probes.py`",
        "`packs/<exercise>/suite.py`",
        "`packs/<exercise>/hidden_suite.py`",
        "`packs/<exercise>/mutants.toml`",
        "`course.toml`",
    ]
    assert "`ARGUMENTS`" in quick and "each probe's signature" in quick and "`diagnose`" in quick
    assert "`--no-check` skips it when" in quick
    assert "grade check /tmp/buggy --assignment clipping" in guide
    assert "**The task line is shown to students verbatim**" in guide
