"""The class report per student: one row each (total, exercises, status, problems, flags) and their own page.

A student's page is their student report as `grade check --html` draws it (hidden tests show
their points only), written to `students/<file>.html` beside `index.html`; the file name is
`grader.safetext.student_filename` of their id, so that any id gives a distinct, safe file.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Any
from urllib.parse import quote

from grader.batch.gradebook import OK, Row
from grader.class_report.summary import LateEntry, PairEntry, StudentEntry, TamperEntry, status_of
from grader.results import GradeResult
from grader.safetext import student_filename

PAGES = "students"
ERROR_STATUS = "error"


def _problems(result: dict[str, Any]) -> list[str]:
    problems = []
    for exercise in result.get("exercises", []):
        tests = exercise.get("tests", [])
        limits = sorted({str(test["limit"]) for test in tests if test.get("limit")})
        problems += [f"{exercise['id']}: {limit} limit" + (" (timeout)" if limit == "time" else "") for limit in limits]
        if any("SyntaxError" in (test.get("message") or "") for test in tests):
            problems.append(f"{exercise['id']}: syntax error")
        if tests and all(test.get("not_implemented") for test in tests):
            problems.append(f"{exercise['id']}: not implemented")
    return problems + [f"internal error: {error}" for error in result.get("internal_errors", [])]


def student_entries(
    rows: Iterable[Row],
    exercise_ids: Iterable[str],
    late: Iterable[LateEntry],
    tampered: Iterable[TamperEntry],
    pairs: Iterable[PairEntry],
) -> tuple[StudentEntry, ...]:
    """Every student of `rows`, by id, with their scores, status, problems and flags."""
    order = list(exercise_ids)
    late_by = {entry.student: entry for entry in late}
    tampered_ids = {entry.student for entry in tampered}
    similar: dict[str, list[str]] = {}
    for pair in pairs:
        similar.setdefault(pair.student_a, []).append(pair.student_b)
        similar.setdefault(pair.student_b, []).append(pair.student_a)
    entries = []
    for row in sorted(rows, key=lambda item: item.student):
        result = row.result or {}
        scores = {exercise["id"]: int(exercise["score"]) for exercise in result.get("exercises", [])}
        graded = row.status == OK and row.score is not None
        problems = _problems(result) if result else []
        if not graded:
            problems.append(row.error or "no result")
        entry = late_by.get(row.student)
        late_text = ""
        if entry is not None and entry.days_late:
            late_text = f"{entry.days_late} day(s) late, -{entry.penalty_percent:g}%"
        elif entry is not None and entry.submitted_at is None:
            late_text = "received time unknown"
        if entry is not None and entry.flags:
            late_text = "; ".join([late_text, *entry.flags] if late_text else entry.flags)
        entries.append(
            StudentEntry(
                student=row.student,
                page=f"{PAGES}/{quote(student_filename(row.student))}.html" if row.result else "",
                status=status_of(row) if graded or row.status == OK else ERROR_STATUS,
                total=row.score if graded else None,
                max_score=row.max_score if graded else None,
                exercises=tuple(scores.get(exercise) for exercise in order),
                problems=tuple(problems),
                late=late_text,
                tampered=row.student in tampered_ids,
                similar_to=tuple(similar.get(row.student, [])),
            )
        )
    return tuple(entries)


def write_student_pages(rows: Iterable[Row], out: Path) -> int:
    """Each student's own report under `out/students/`; returns how many were written."""
    from grader.reporters.html import render_html

    folder = out / PAGES
    folder.mkdir(parents=True, exist_ok=True)
    written = 0
    for row in rows:
        if row.result is None:
            continue
        page = render_html(GradeResult.from_dict(row.result))
        (folder / f"{student_filename(row.student)}.html").write_text(page, encoding="utf-8", errors="replace")
        written += 1
    return written
