"""Tests for course.toml's [assignments] (grader/course/config.py): grouping, the 100 points rule, and its writing back."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from grader.course.config import load_course
from grader.course.writer import render_course_toml
from grader.errors import ConfigError
from tests.conftest import ROOT

COURSE = (ROOT / "course.toml").read_text()
ASSIGNMENTS_START = COURSE.index("[assignments.")
ASSIGNMENTS_END = COURSE.index("[exercises.")


def with_assignments(tmp_path: Path, assignments: str) -> Path:
    """The chapter's course.toml with its [assignments] tables replaced by `assignments`."""
    path = tmp_path / "course.toml"
    path.write_text(COURSE[:ASSIGNMENTS_START] + assignments + "\n" + COURSE[ASSIGNMENTS_END:])
    return path


def test_chapter_groups_every_exercise_into_assignments_of_100() -> None:
    """The chapter's course.toml puts each exercise in exactly one assignment, each worth 100 points."""
    course = load_course(ROOT / "course.toml")
    grouped = [exercise for assignment in course.assignments for exercise in assignment.exercises]
    assert sorted(grouped) == sorted(exercise.id for exercise in course.exercises)
    assert all(assignment.points in (None, 100) for assignment in course.assignments)
    for assignment in course.assignments:
        if assignment.points is None:
            assert sum(course.exercise(member).max_score for member in assignment.exercises) == 100


def test_for_assignment_keeps_its_exercises_only() -> None:
    """course.for_assignment(NAME) is the course of that assignment's exercises and modules alone."""
    course = load_course(ROOT / "course.toml")
    first = course.assignments[0]
    part = course.for_assignment(first.name)
    assert [exercise.id for exercise in part.exercises] == list(first.exercises)
    assert part.assignments == (first,)
    assert set(part.probe_files) == set(first.exercises)
    assert course.for_assignment(None) is course


def test_unknown_assignment_suggests_the_closest() -> None:
    """--assignment with a typo is a ConfigError naming the closest assignment."""
    course = load_course(ROOT / "course.toml")
    name = course.assignments[0].name
    with pytest.raises(ConfigError, match=f"There is no assignment '{name[:-1]}'. Did you mean '{name}'"):
        course.for_assignment(name[:-1])


def test_points_that_do_not_add_to_100_are_an_error_giving_the_sum(tmp_path: Path) -> None:
    """Without `points = 100`, an assignment whose tests' points do not add to 100 is refused with each exercise's sum."""
    path = with_assignments(
        tmp_path,
        '[assignments.everything]\nexercises = ["square_loss", "training_step", "simple_dense", "acceleration"]\n'
        '[assignments.split]\nexercises = ["split_validation"]\n',
    )
    with pytest.raises(
        ConfigError,
        match=r"The points of assignment 'everything' add to 85 \(square_loss 20 \+ training_step 30 \+ simple_dense 20"
        r" \+ acceleration 15\), not 100: change its tests' points by \+15 in all, or write points = 100",
    ):
        load_course(path)


@pytest.mark.parametrize(
    ("assignments", "expected"),
    [
        ('[assignments.a]\nexercises = ["square_loss"]\npoints = 50\n', r"'assignments.a.points' is 50"),
        (
            '[assignments.a]\nexercises = ["square_los"]\npoints = 100\n',
            r"names 'square_los'.*Did you mean 'square_loss'",
        ),
        ("[assignments.a]\nexercises = []\npoints = 100\n", r"must be a non-empty list of exercise ids"),
        (
            '[assignments.a]\nexercises = ["square_loss"]\npoints = 100\n'
            '[assignments.b]\nexercises = ["square_loss"]\npoints = 100\n',
            r"'square_loss' is in two assignments, 'a' and 'b'",
        ),
        (
            '[assignments.a]\nexercises = ["square_loss"]\npoints = 100\n',
            r"Exercise\(s\) training_step, simple_dense, acceleration, split_validation, .* are in no assignment",
        ),
        (
            '[assignments.a]\nexercise = ["square_loss"]\n',
            r"Unknown key 'assignments.a.exercise'.*Did you mean 'exercises'",
        ),
    ],
)
def test_malformed_assignments_are_errors(tmp_path: Path, assignments: str, expected: str) -> None:
    """Each malformed [assignments] table is a ConfigError saying what to fix."""
    with pytest.raises(ConfigError, match=expected):
        load_course(with_assignments(tmp_path, assignments))


def test_students_course_scales_each_assignment_and_reads_back(tmp_path: Path) -> None:
    """Without hidden tests, every assignment scales its public points to 100, and the written file reads back the same."""
    course = load_course(ROOT / "course.toml")
    public = course.without_hidden_tests()
    assert all(assignment.points == 100 for assignment in public.assignments)
    path = tmp_path / "course.toml"
    path.write_text(render_course_toml(public))
    assert replace(load_course(path), path=public.path) == public
    first = course.for_assignment(course.assignments[0].name).without_hidden_tests()
    path.write_text(render_course_toml(first))
    written = load_course(path)
    assert [assignment.name for assignment in written.assignments] == [course.assignments[0].name]
    assert replace(written, path=first.path) == first
