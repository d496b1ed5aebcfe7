"""The gradebook: an SQLite file holding every grading of every submission.

One row per distinct submission, identified by (student, sha256): the same submission is
never stored twice, and regrading it updates its row. Every row is written in its own
transaction as soon as it is known (journal mode DELETE, synchronous FULL), so a batch killed
at any moment loses at most the submissions it was grading. The history is kept; the
submission that counts for a student is the latest: by the manifest's time (the graded time
for folders, which have no manifest), then by the order of grading.
"""

from __future__ import annotations

import datetime
import json
import sqlite3
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from grader.errors import UsageError

FORMAT = "keras-intro-grader/gradebook"
FORMAT_VERSION = 1
OK = "ok"
ERROR = "error"

SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS submissions (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    student TEXT NOT NULL,
    source TEXT NOT NULL,
    sha256 TEXT NOT NULL,
    submitted_at TEXT,
    graded_at TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('ok', 'error')),
    error TEXT NOT NULL DEFAULT '',
    modified_after_submit INTEGER NOT NULL DEFAULT 0 CHECK (modified_after_submit IN (0, 1)),
    notes TEXT NOT NULL DEFAULT '',
    score INTEGER,
    max_score INTEGER,
    result TEXT,
    duration_s REAL NOT NULL DEFAULT 0,
    received_at TEXT,
    UNIQUE (student, sha256)
);
CREATE TABLE IF NOT EXISTS modules (
    student TEXT NOT NULL,
    sha256 TEXT NOT NULL,
    name TEXT NOT NULL,
    text TEXT NOT NULL,
    PRIMARY KEY (student, sha256, name)
);
"""
COLUMNS = (
    "student",
    "source",
    "sha256",
    "submitted_at",
    "graded_at",
    "status",
    "error",
    "modified_after_submit",
    "notes",
    "score",
    "max_score",
    "result",
    "duration_s",
    "received_at",
)
# The columns that differ between two gradings of the same submissions (a rerun, a resume).
VOLATILE_COLUMNS = ("id", "graded_at", "duration_s", "received_at")


def utc_now() -> str:
    return datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


@dataclass(frozen=True)
class Row:
    """One grading of one submission (or the reason it could not be graded)."""

    student: str
    source: str
    sha256: str
    submitted_at: str | None
    graded_at: str
    status: str
    error: str = ""
    modified_after_submit: bool = False
    notes: str = ""
    score: int | None = None
    max_score: int | None = None
    result: dict[str, Any] | None = None
    duration_s: float = 0.0
    id: int | None = None
    # When the grader first read this submission, by its own clock and file system (`grader.class_report.times`);
    # never a time the student wrote. None in gradebooks older than the column.
    received_at: str | None = None

    def values(self) -> tuple[Any, ...]:
        return (
            self.student,
            self.source,
            self.sha256,
            self.submitted_at,
            self.graded_at,
            self.status,
            self.error,
            int(self.modified_after_submit),
            self.notes,
            self.score,
            self.max_score,
            None if self.result is None else json.dumps(self.result, sort_keys=True),
            self.duration_s,
            self.received_at,
        )

    @classmethod
    def from_record(cls, record: sqlite3.Row) -> Row:
        return cls(
            id=record["id"],
            student=record["student"],
            source=record["source"],
            sha256=record["sha256"],
            submitted_at=record["submitted_at"],
            graded_at=record["graded_at"],
            status=record["status"],
            error=record["error"],
            modified_after_submit=bool(record["modified_after_submit"]),
            notes=record["notes"],
            score=record["score"],
            max_score=record["max_score"],
            result=None if record["result"] is None else json.loads(record["result"]),
            duration_s=record["duration_s"],
            received_at=record["received_at"] if "received_at" in record.keys() else None,
        )


class Gradebook:
    """An open gradebook file; create it if missing, refuse a file that is not one."""

    def __init__(self, path: Path, *, course_id: str | None = None, create: bool = True) -> None:
        self.path = Path(path)
        if not create and not self.path.is_file():
            raise UsageError(f"No gradebook at {self.path}. Run `grade batch ... --gradebook {self.path}` first.")
        try:
            self.connection = sqlite3.connect(self.path, isolation_level=None, timeout=30.0)
            self.connection.row_factory = sqlite3.Row
            self.connection.execute("PRAGMA journal_mode = DELETE")
            self.connection.execute("PRAGMA synchronous = FULL")
            with self._transaction():
                for statement in SCHEMA.split(";"):
                    if statement.strip():
                        self.connection.execute(statement)
                columns = {info[1] for info in self.connection.execute("PRAGMA table_info(submissions)")}
                if "received_at" not in columns:  # a gradebook written before the column: added, empty
                    try:
                        self.connection.execute("ALTER TABLE submissions ADD COLUMN received_at TEXT")
                    except sqlite3.OperationalError:  # a read-only file: read as it is (no received times)
                        pass
                self._check_meta(course_id)
        except sqlite3.DatabaseError as error:
            raise UsageError(f"{self.path} is not a gradebook ({error}). Pass another --gradebook file.") from error

    def _transaction(self) -> _Transaction:
        return _Transaction(self.connection)

    def _check_meta(self, course_id: str | None) -> None:
        meta = dict(self.connection.execute("SELECT key, value FROM meta").fetchall())
        if not meta:
            if course_id is None:
                raise UsageError(f"{self.path} is an empty gradebook: grade a batch into it first.")
            self.connection.executemany(
                "INSERT INTO meta (key, value) VALUES (?, ?)",
                [("format", FORMAT), ("format_version", str(FORMAT_VERSION)), ("course_id", course_id)],
            )
            return
        if meta.get("format") != FORMAT or meta.get("format_version") != str(FORMAT_VERSION):
            raise UsageError(f"{self.path} is not a gradebook of this grader (format {meta.get('format')!r}).")
        if course_id is not None and meta.get("course_id") != course_id:
            raise UsageError(
                f"{self.path} holds grades of course {meta.get('course_id')!r}, not {course_id!r}:"
                " use another --gradebook file for this course."
            )

    @property
    def course_id(self) -> str:
        return str(self.connection.execute("SELECT value FROM meta WHERE key = 'course_id'").fetchone()[0])

    def contains(self, student: str, sha256: str) -> bool:
        found = self.connection.execute("SELECT 1 FROM submissions WHERE student = ? AND sha256 = ?", (student, sha256))
        return found.fetchone() is not None

    def resumable(self, student: str, sha256: str, inputs_key: str) -> bool:
        """Whether `--resume` may keep the stored row of this submission: an error row (no result), or a grading
        on the same inputs (its result's `inputs_key`); one on other inputs (public ones, another secret, per
        student or not) is graded again."""
        found = self.connection.execute(
            "SELECT result IS NULL OR json_extract(result, '$.extra.inputs_key') IS ? FROM submissions"
            " WHERE student = ? AND sha256 = ?",
            (inputs_key, student, sha256),
        ).fetchone()
        return found is not None and bool(found[0])

    def record(self, row: Row) -> None:
        """Store one grading in its own transaction; a regrading replaces the earlier one."""
        placeholders = ", ".join("?" for _ in COLUMNS)
        updates = ", ".join(
            f"{column} = excluded.{column}" for column in COLUMNS if column not in ("student", "sha256", "received_at")
        )
        # A regrading keeps the time the submission was first received.
        updates += ", received_at = COALESCE(submissions.received_at, excluded.received_at)"
        with self._transaction():
            self.connection.execute(
                f"INSERT INTO submissions ({', '.join(COLUMNS)}) VALUES ({placeholders})"
                f" ON CONFLICT (student, sha256) DO UPDATE SET {updates}",
                row.values(),
            )

    def record_modules(self, student: str, sha256: str, modules: dict[str, str]) -> None:
        """Keep the code of one submission (module file name -> text), for `grade report`'s similarity."""
        with self._transaction():
            self.connection.execute("DELETE FROM modules WHERE student = ? AND sha256 = ?", (student, sha256))
            self.connection.executemany(
                "INSERT INTO modules (student, sha256, name, text) VALUES (?, ?, ?, ?)",
                [(student, sha256, name, text) for name, text in sorted(modules.items())],
            )

    def modules(self, student: str, sha256: str) -> dict[str, str]:
        """The code kept for one submission; empty when the gradebook predates code keeping."""
        found = self.connection.execute(
            "SELECT name, text FROM modules WHERE student = ? AND sha256 = ? ORDER BY name", (student, sha256)
        )
        return {name: text for name, text in found}

    def rows(self) -> list[Row]:
        """Every stored grading, in the order they were first stored."""
        return [Row.from_record(record) for record in self.connection.execute("SELECT * FROM submissions ORDER BY id")]

    def latest(self) -> list[Row]:
        """The submission that counts for each student, by student id."""
        query = """
            SELECT * FROM submissions AS s WHERE s.id = (
                SELECT t.id FROM submissions AS t WHERE t.student = s.student
                ORDER BY COALESCE(t.submitted_at, t.graded_at) DESC, t.id DESC LIMIT 1)
            ORDER BY s.student
        """
        return [Row.from_record(record) for record in self.connection.execute(query)]

    def close(self) -> None:
        self.connection.close()

    def __enter__(self) -> Gradebook:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


class _Transaction:
    """BEGIN IMMEDIATE ... COMMIT, or ROLLBACK on an exception."""

    def __init__(self, connection: sqlite3.Connection) -> None:
        self.connection = connection

    def __enter__(self) -> None:
        self.connection.execute("BEGIN IMMEDIATE")

    def __exit__(self, kind: object, *rest: object) -> None:
        self.connection.execute("COMMIT" if kind is None else "ROLLBACK")
