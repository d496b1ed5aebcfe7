"""`grade check --html`: the student's report, graded for real and opened in a headless Chromium."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from browser_support import DESKTOP, PHONE, Browser, assert_readable, browser_fixture
from conftest import EXERCISES, SAMPLE, SOLUTIONS, run_grade

from grader.course.config import Course
from grader.grading.reference import Reference
from grader.grading.runner import grade
from grader.reporters.html import render_html

FIGURES = {"plot-square_loss-1", "plot-training_step-1", "plot-training_step-2", "plot-simple_dense-1", "plot-simple_dense-2",
           "plot-acceleration-1", "plot-split_validation-1"}  # fmt: skip


@pytest.fixture(scope="module")
def sample_html(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The sample submission graded by the real command, hidden tests included, with --html."""
    html = tmp_path_factory.mktemp("student") / "report.html"
    done = run_grade("check", str(SAMPLE), "--html", str(html), "--format", "json")
    assert done.returncode == 1, done.stderr  # three planted mistakes
    assert "plots" not in json.loads(done.stdout)["extra"]  # the plot data goes to the HTML, not the JSON
    return html


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    yield from browser_fixture()


def test_student_report_renders_at_desktop_width(sample_html: Path, browser: Browser, tmp_path: Path) -> None:
    """At 1280 px: all seven figures with their axis labels, the points and hints, no console error, nothing fetched."""
    rendered = browser.render(sample_html, DESKTOP, screenshot=tmp_path / "student.png")
    assert_readable(rendered)
    assert {figure["id"] for figure in rendered.figures} == FIGURES
    assert "163/228" in rendered.text and "hint: You summed the squared differences" in rendered.text


def test_student_report_is_readable_on_a_phone(sample_html: Path, browser: Browser) -> None:
    """At 390 px: figures fill the width, the tables fit or scroll inside their box, text stays 12 px or more."""
    assert_readable(browser.render(sample_html, PHONE))


def test_student_report_is_self_contained(sample_html: Path) -> None:
    """No script, no stylesheet or image link, no URL at all outside the SVGs' XML namespaces."""
    text = sample_html.read_text(encoding="utf-8")
    assert "<script" not in text and "<link" not in text and "<img" not in text
    urls = set(re.findall(r"https?://[^\s\"'<>]+", text))
    assert urls <= {"http://www.w3.org/2000/svg", "http://www.w3.org/1999/xlink", "http://purl.org/dc/elements/1.1/",
                    "http://creativecommons.org/ns#", "http://www.w3.org/1999/02/22-rdf-syntax-ns#", "http://purl.org/dc/dcmitype/StillImage"}, urls  # fmt: skip


def test_hidden_tests_show_points_only(sample_html: Path) -> None:
    """A hidden test appears as "hidden test" with its points; its own name and message never reach the page."""
    text = sample_html.read_text(encoding="utf-8")
    assert "hidden test" in text
    assert "matches_reference_on_hidden_inputs" not in text and "converges_from_hidden_seeds" not in text


def test_hidden_tests_draw_nothing(course: Course, reference: Reference) -> None:
    """The plot data is the same whether the hidden tests run or not: no figure shows a hidden input."""
    # The exercises whose packs draw figures (the others' plot data is an empty list either way).
    drawn = [exercise.id for exercise in course.exercises if exercise.pack.plots is not None]
    assert len(drawn) >= 5, drawn
    with_hidden = grade(course=course, submission_dir=SOLUTIONS, reference=reference, plots=True, exercise_ids=drawn)
    public = grade(
        course=course.without_hidden_tests(),
        submission_dir=SOLUTIONS,
        reference=reference,
        plots=True,
        exercise_ids=drawn,
    )
    assert with_hidden.score == with_hidden.max_score
    assert any(test.hidden for _, test in with_hidden.tests) and not any(test.hidden for _, test in public.tests)
    assert with_hidden.extra["plots"] == public.extra["plots"]
    assert all(with_hidden.extra["plots"][exercise_id] for exercise_id in drawn)
    assert json.dumps(with_hidden.extra["plots"], allow_nan=False)  # plain JSON: NaN and infinities are None


def test_unimplemented_exercises_leave_a_note(course: Course, reference: Reference) -> None:
    """The stubs: each extra-call figure is replaced by a note that says why, and the page still renders."""
    result = grade(
        course=course,
        submission_dir=EXERCISES,
        reference=reference,
        exercise_ids=["acceleration", "split_validation"],
        plots=True,
    )
    notes = [figure for figures in result.extra["plots"].values() for figure in figures]
    assert [figure["kind"] for figure in notes] == ["note", "note"]
    assert "not implemented" in notes[0]["text"].lower() or "NotImplementedError" in notes[0]["text"]
    assert "No curve to draw" in render_html(result)


def test_html_to_a_missing_folder_exits_2(tmp_path: Path) -> None:
    """--html into a folder that does not exist is refused before grading, with exit code 2."""
    done = run_grade("check", str(SAMPLE), "--html", str(tmp_path / "nope" / "report.html"))
    assert done.returncode == 2 and "does not exist" in done.stderr
