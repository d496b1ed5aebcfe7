"""The class report names every student: a per-student table, their own pages, problems by name, hints wrapped."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from browser_support import DESKTOP, PHONE, Browser, browser_fixture
from conftest import run_grade

from grader.batch.gradebook import ERROR, OK, Gradebook, Row
from grader.results import FAILED, PASSED, ExerciseResult, GradeResult, Limit, TestResult
from grader.safetext import student_filename

LONG_HINT = "Use tf.reduce_mean over every axis: " + "reduce_mean_not_reduce_sum_" * 12  # one unbreakable run
HOSTILE = '<script>alert("x")</script>'


def result(loss: TestResult, dense: TestResult) -> dict[str, object]:
    exercises = (ExerciseResult("square_loss", "Loss", (loss,)), ExerciseResult("simple_dense", "Dense", (dense,)))
    return GradeResult("keras-intro", "2026.1", exercises, {}, "bubblewrap").to_dict()


PASS_LOSS = TestResult("matches_reference", PASSED, 10, 10)
PASS_DENSE = TestResult("builds_weights", PASSED, 5, 5)
STUDENTS = {
    "ana": result(PASS_LOSS, PASS_DENSE),
    "bob": result(TestResult("matches_reference", FAILED, 0, 10, message="sum", hint=LONG_HINT), PASS_DENSE),
    "zed": result(
        TestResult("matches_reference", FAILED, 0, 10, message="x", not_implemented=True),
        TestResult("builds_weights", FAILED, 0, 5, message="x", not_implemented=True),
    ),  # fmt: skip
    "tim": result(
        TestResult("matches_reference", FAILED, 0, 10, message="took longer than 10 s", limit=Limit.TIME), PASS_DENSE
    ),
    "syd": result(
        PASS_LOSS, TestResult("builds_weights", FAILED, 0, 5, message="SyntaxError: invalid syntax (line 3)")
    ),
    HOSTILE: result(PASS_LOSS, PASS_DENSE),
    "!!!": result(PASS_LOSS, PASS_DENSE),
    "???": result(PASS_LOSS, PASS_DENSE),
}


@pytest.fixture(scope="module")
def report(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """`grade report` over a real gradebook of the students above and one that could not be graded."""
    folder = tmp_path_factory.mktemp("students")
    with Gradebook(folder / "gb.sqlite", course_id="keras-intro") as book:
        for number, (student, data) in enumerate(STUDENTS.items()):
            score = sum(int(e["score"]) for e in data["exercises"])  # type: ignore[attr-defined]
            book.record(Row(student=student, source=f"/in/{number}", sha256=f"{number:064x}", submitted_at=None,
                            graded_at="2026-01-01T00:00:00Z", status=OK, score=score, max_score=15, result=data))  # type: ignore[arg-type]  # fmt: skip
        book.record(Row(student="err", source="/in/err.zip", sha256="e" * 64, submitted_at=None, graded_at="2026-01-01T00:00:00Z",
                        status=ERROR, error="unsafe or unreadable archive: '..'"))  # fmt: skip
    done = run_grade("report", "--gradebook", str(folder / "gb.sqlite"), "--out", str(folder / "r"))
    assert done.returncode == 0, done.stderr
    (folder / "stdout.txt").write_text(done.stdout, encoding="utf-8")
    return folder / "r"


def test_every_student_has_a_row_with_status_and_problems(report: Path) -> None:
    """summary.json: one entry per student, zero/timeout/syntax error/not graded named with their reason."""
    entries = {entry["student"]: entry for entry in json.loads((report / "summary.json").read_text())["per_student"]}
    assert set(entries) == {*STUDENTS, "err"}
    assert entries["zed"]["status"] == "zero" and "square_loss: not implemented" in entries["zed"]["problems"]
    assert "square_loss: time limit (timeout)" in entries["tim"]["problems"]
    assert "simple_dense: syntax error" in entries["syd"]["problems"]
    assert entries["err"]["status"] == "error" and "unsafe or unreadable archive" in entries["err"]["problems"][0]
    assert entries["bob"]["exercises"] == [0, 5] and entries["ana"]["total"] == 15


def test_terminal_summary_names_the_students(report: Path) -> None:
    """`grade report` prints who is at zero, not graded, timed out and has a syntax error."""
    out = (report.parent / "stdout.txt").read_text(encoding="utf-8")
    assert "at zero: zed" in out and "not graded: err" in out and "timeouts: tim" in out and "syntax errors: syd" in out


def test_each_student_links_to_their_own_page(report: Path) -> None:
    """Each graded student's link opens a page with their total; odd ids get distinct safe files; names are escaped."""
    index = (report / "index.html").read_text(encoding="utf-8")
    assert HOSTILE not in index and "&lt;script&gt;" in index
    pages = {student: report / "students" / f"{student_filename(student)}.html" for student in STUDENTS}
    assert len(set(pages.values())) == len(pages) and all(page.is_file() for page in pages.values())
    assert all(f'href="students/{page.name}"' in index for page in pages.values() if "<" not in page.name)
    assert "Total: 5/15" in pages["bob"].read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    yield from browser_fixture()


CLIPPED = """() => {
  const wraps = [...document.querySelectorAll('.table-wrap')].filter(w => w.querySelector('.hint'));
  const rows = document.querySelectorAll('#per-student tbody tr').length;
  return {clipped: wraps.filter(w => w.scrollWidth > w.clientWidth + 1).length, wraps: wraps.length, rows,
          pageScroll: document.documentElement.scrollWidth > document.documentElement.clientWidth};
}"""


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["1280px", "390px"])
def test_hints_wrap_and_the_table_shows_every_student(report: Path, browser: Browser, viewport: dict[str, int]) -> None:
    """In Chromium at 1280 and 390 px: the long hint wraps inside its table (nothing cut), 9 student rows, no sideways page."""
    context = browser.browser.new_context(viewport=viewport, offline=True)
    page = context.new_page()
    page.goto((report / "index.html").resolve().as_uri(), wait_until="load")
    measured = page.evaluate(CLIPPED)
    context.close()
    assert measured == {"clipped": 0, "wraps": 1, "rows": 9, "pageScroll": False}
