"""`grade report`: a generated class of 40 students (written through the gradebook's API), rendered in Chromium."""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from browser_support import DESKTOP, PHONE, Browser, assert_readable, browser_fixture
from class_factory import COPIER, ORIGINAL, TAMPERER, GeneratedClass, make_class
from conftest import ROOT, run_grade

from grader.class_report.build import ReportFiles, build_report
from grader.class_report.similarity import similar_pairs
from grader.class_report.tamper import check_repository, load_protected, record_protected
from grader.class_report.times import GRADED
from grader.course.config import load_course


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> GeneratedClass:
    return make_class(tmp_path_factory.mktemp("class"))


@pytest.fixture(scope="module")
def report(generated: GeneratedClass) -> ReportFiles:
    return build_report(gradebook_path=generated.gradebook, out=generated.gradebook.parent / "report",
                        course_path=generated.course_path, stubs=generated.stubs, release=generated.release)  # fmt: skip


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    yield from browser_fixture()


def test_report_renders_at_desktop_width(report: ReportFiles, browser: Browser, tmp_path: Path) -> None:
    """At 1280 px: every histogram drawn with its axis labels, no console error, nothing fetched, no sideways scroll."""
    rendered = browser.render(report.html, DESKTOP, screenshot=tmp_path / "class.png")
    assert_readable(rendered)
    exercises = {f"plot-{exercise.id}" for exercise in load_course(ROOT / "course.toml").exercises}
    assert {"plot-square_loss", "plot-training_step", "plot-simple_dense", "plot-acceleration"} <= exercises
    assert {figure["id"] for figure in rendered.figures} == {"plot-total", "plot-statuses"} | exercises
    assert "Similar submissions" in rendered.text and "edited grading files" in rendered.text
    assert (tmp_path / "class.png").stat().st_size > 10_000


def test_report_is_readable_on_a_phone(report: ReportFiles, browser: Browser) -> None:
    """At 390 px the page reflows: figures fill the width, code sits one side above the other, no sideways scroll."""
    assert_readable(browser.render(report.html, PHONE))


def test_summary_json_counts_the_class(report: ReportFiles) -> None:
    """summary.json: schema_version, 40 students split by status, mean and median, pass rates and hints with examples."""
    data = json.loads(report.summary.read_text(encoding="utf-8"))
    assert data["schema_version"] == 1 and data["students"] == 40
    assert sum(data["statuses"].values()) == 40 and data["statuses"]["not graded"] == 1
    assert len(data["total"]["scores"]) == 39 and data["total"]["median"] is not None
    acceleration = {test["name"]: test for test in data["tests"] if test["exercise"] == "acceleration"}
    polynomials = acceleration["matches_second_derivative_of_polynomials"]
    assert (
        polynomials["attempted"] - polynomials["passed"] == sum(hint["count"] for hint in polynomials["hints"]) + 2
    )  # two left the stub
    assert (
        polynomials["hints"][0]["hint"].startswith("That is the first derivative")
        and polynomials["hints"][0]["students"]
    )


def test_copied_pair_ranks_above_every_honest_pair(report: ReportFiles) -> None:
    """s07 copied s22 (variables renamed, functions reordered): that pair is first, above all 779 honest pairs."""
    first, second = report.data.similar_pairs[0], report.data.similar_pairs[1]
    assert {first.student_a, first.student_b} == {COPIER, ORIGINAL}
    assert first.score > second.score and first.score > 0.9


def test_stub_code_does_not_count_as_shared(generated: GeneratedClass) -> None:
    """Two untouched stubs share nothing once the stubs are the boilerplate; without it they look identical."""
    stubs = {path.name: path.read_text(encoding="utf-8") for path in generated.stubs.glob("*.py")}
    assert similar_pairs({"a": stubs, "b": dict(stubs)}, stubs) == []
    assert similar_pairs({"a": stubs, "b": dict(stubs)}, {})[0].score == 1.0


def test_tamper_report_flags_the_edited_workflow(report: ReportFiles) -> None:
    """Of six Classroom repositories, only s03's (its workflow edited) is flagged, with the file named."""
    assert report.data.repositories_checked == 6
    assert [(entry.student, entry.changed) for entry in report.data.tampered] == [
        (TAMPERER, (".github/workflows/classroom.yml",))
    ]


def test_tamper_sees_added_and_deleted_grading_files(generated: GeneratedClass, tmp_path: Path) -> None:
    """A file added under grader/ and a deleted .grader/expected.json are flagged too; __pycache__ is not."""
    repository = tmp_path / "repo"
    shutil.copytree(generated.release, repository)
    (repository / "grader" / "sneaky.py").write_text("SCORE = 100\n", encoding="utf-8")
    (repository / ".grader" / "expected.json").unlink()
    (repository / "grader" / "__pycache__").mkdir(exist_ok=True)
    (repository / "grader" / "__pycache__" / "x.pyc").write_bytes(b"\0")
    finding = check_repository("x", repository, load_protected(generated.release))
    assert (
        finding.added == ("grader/sneaky.py",)
        and finding.missing == (".grader/expected.json",)
        and finding.changed == ()
    )


def test_record_protected_covers_the_release_files(tmp_path: Path) -> None:
    """The record lists the workflow, course.toml, .grader/ and grader/ files, and not itself."""
    (tmp_path / ".github" / "workflows").mkdir(parents=True)
    (tmp_path / ".github" / "workflows" / "classroom.yml").write_text("on: push\n", encoding="utf-8")
    (tmp_path / "course.toml").write_text("[course]\n", encoding="utf-8")
    (tmp_path / "grader").mkdir()
    (tmp_path / "grader" / "cli.py").write_text("", encoding="utf-8")
    (tmp_path / "exercises").mkdir()
    (tmp_path / "exercises" / "validation.py").write_text("", encoding="utf-8")
    record_protected(tmp_path)
    assert sorted(load_protected(tmp_path)) == [".github/workflows/classroom.yml", "course.toml", "grader/cli.py"]


def test_late_submissions_follow_the_policy(report: ReportFiles) -> None:
    """10% per started day, 0 after 3 days; judged by the grader's own time, the manifest's and last commit's shown as claimed."""
    late = {entry.student: entry for entry in report.data.late}
    assert late and all(entry.days_late >= 1 for entry in late.values())
    for entry in late.values():
        expected = 0.0 if entry.days_late > 3 else round(entry.score * (1 - 0.1 * entry.days_late), 2)
        assert entry.score_after_penalty == expected
    assert {entry.time_source for entry in late.values()} == {GRADED}
    assert {entry.claimed_source for entry in late.values()} == {"manifest", "last commit"}


def test_report_without_gradebook_exits_2(tmp_path: Path) -> None:
    """A missing gradebook is a usage error: exit code 2 and a message that says what to run."""
    done = run_grade("report", "--gradebook", str(tmp_path / "none.sqlite"), "--out", str(tmp_path / "out"))
    assert done.returncode == 2 and "grade batch" in done.stderr


def test_report_with_a_release_lacking_the_record_exits_2(generated: GeneratedClass, tmp_path: Path) -> None:
    """--release pointing at a folder without .grader/protected.json: exit 2, saying to re-run grade release."""
    done = run_grade("report", "--gradebook", str(generated.gradebook), "--out", str(tmp_path / "out"), "--release", str(tmp_path),
                     "--course", str(generated.course_path))  # fmt: skip
    assert done.returncode == 2 and "grade release" in done.stderr
