"""`grade export`: the gradebook's latest submission per student as CSV, JSON or Gradescope files.

CSV: one row per student, a column per exercise, then the total, the maximum and the status
(an `error` row has empty exercise columns and says why in `error`). JSON: one entry per
student with the full result. Gradescope: `<OUT>/<student>/results.json` per student, in the
format of `grader.reporters.gradescope` (hidden tests `after_published`).
"""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from typing import Any

from grader.batch.formats import GRADEBOOK_FORMATS
from grader.batch.gradebook import OK, Gradebook, Row
from grader.errors import UsageError
from grader.reporters.gradescope import gradescope_results, zero_score_results
from grader.results import GradeResult
from grader.safetext import for_csv, student_filename

FIXED_COLUMNS = ("student", "status")
TRAILING_COLUMNS = (
    "total",
    "max_score",
    "modified_after_submit",
    "submitted_at",
    "graded_at",
    "sha256",
    "source",
    "error",
    "notes",
)


def exercise_columns(rows: list[Row]) -> list[str]:
    """The exercise ids of all results, in order of first appearance."""
    columns: dict[str, None] = {}
    for row in rows:
        for exercise in (row.result or {}).get("exercises", []):
            columns.setdefault(exercise["id"], None)
    return list(columns)


def to_csv(rows: list[Row]) -> str:
    exercises = exercise_columns(rows)
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow([*FIXED_COLUMNS, *exercises, *TRAILING_COLUMNS])
    for row in rows:
        scores = {exercise["id"]: exercise["score"] for exercise in (row.result or {}).get("exercises", [])}
        # Text cells hold what students control (ids from folder names, error messages): no formula.
        writer.writerow(
            [
                for_csv(row.student),
                row.status,
                *(scores.get(exercise, "") for exercise in exercises),
                "" if row.score is None else row.score,
                "" if row.max_score is None else row.max_score,
                int(row.modified_after_submit),
                row.submitted_at or "",
                row.graded_at,
                row.sha256,
                for_csv(row.source),
                for_csv(row.error),
                for_csv(row.notes),
            ]
        )
    return buffer.getvalue()


def to_json(rows: list[Row], course_id: str) -> str:
    students = [
        {
            "student": row.student,
            "status": row.status,
            "score": row.score,
            "max_score": row.max_score,
            "modified_after_submit": row.modified_after_submit,
            "submitted_at": row.submitted_at,
            "graded_at": row.graded_at,
            "sha256": row.sha256,
            "source": row.source,
            "error": row.error,
            "notes": row.notes,
            "result": row.result,
        }
        for row in rows
    ]
    return json.dumps({"course": course_id, "students": students}, indent=2) + "\n"


def gradescope_document(row: Row) -> dict[str, Any]:
    """Gradescope's results.json for one student; a submission that could not be graded scores 0."""
    if row.result is not None:
        document = gradescope_results(GradeResult.from_dict(row.result))
        if row.status != OK:
            document["output"] += f"\nThe grader reported a problem: {row.error}"
        return document
    return zero_score_results(f"Your submission could not be graded: {row.error}")


def write_gradescope(rows: list[Row], folder: Path) -> list[Path]:
    written = []
    for row in rows:
        target = folder / student_filename(row.student) / "results.json"
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(json.dumps(gradescope_document(row), indent=2) + "\n", encoding="utf-8")
        written.append(target)
    return written


def export(*, gradebook_path: Path, output_format: str, out: Path | None) -> tuple[str, list[Path]]:
    """Export the latest submission per student; returns the text (CSV/JSON without --out) and the files written."""
    if output_format not in GRADEBOOK_FORMATS:
        raise UsageError(f"Unknown export format {output_format!r}; use one of {', '.join(GRADEBOOK_FORMATS)}.")
    with Gradebook(gradebook_path, create=False) as gradebook:
        rows = gradebook.latest()
        course_id = gradebook.course_id
    if output_format == "gradescope":
        folder = out if out is not None else Path("gradescope")
        if folder.exists() and not folder.is_dir():
            raise UsageError(
                f"--out {folder} is a file; Gradescope export writes a folder with one results.json per student."
            )
        return "", write_gradescope(rows, folder)
    text = to_csv(rows) if output_format == "csv" else to_json(rows, course_id)
    if out is None:
        return text, []
    out.write_text(text, encoding="utf-8")
    return "", [out]
