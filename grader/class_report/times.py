"""When a submission was handed in: the time the instructor received it, never a time the student wrote.

Received, in this order:

1. `--received CSV`: the instructor's record, as the LMS or Classroom exports it: a `student` and
   a `time` column (ISO 8601; the gradebook's ids), or Classroom's grades export
   (`student_repository_name`, `submission_timestamp`);
2. the gradebook's `received_at`: when `grade batch` read the submission, by this machine's file
   system (the zip's or the files' modification time, set by the LMS's download or the clone);
3. for gradebooks older than that column, `graded_at`: the grader's clock when it graded it.

Claimed times (a manifest's `time`, which `SOURCE_DATE_EPOCH` sets, and commit dates, which
`GIT_COMMITTER_DATE` sets) are shown beside it and never decide lateness; they are flagged when they
claim the deadline was met while the submission was received after it, or when commit dates go
backwards in the history.
"""

from __future__ import annotations

import csv
import datetime
import subprocess
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from grader.batch.gradebook import Row
from grader.class_report.lateness import parse_time
from grader.errors import UsageError

RECEIVED_CSV = "--received CSV"
INTAKE = "file system at intake"  # when `grade batch` read it, by this machine's file system
GRADED = "grader's clock (graded_at)"  # gradebooks older than the received_at column


@dataclass(frozen=True)
class HandIn:
    """A submission's received time and where it comes from, the time it claims, and what looks wrong."""

    received: datetime.datetime | None
    source: str
    claimed: datetime.datetime | None = None
    claimed_source: str = ""
    flags: tuple[str, ...] = ()


def read_received(path: Path | None) -> dict[str, datetime.datetime]:
    """Student id -> received time from `--received`; `UsageError` naming a missing column or an unreadable time."""
    if path is None:
        return {}
    if not Path(path).is_file():
        raise UsageError(f"No file at --received {path}: pass a CSV with `student` and `time` columns.")
    with open(path, encoding="utf-8-sig", newline="") as handle:
        reader = csv.DictReader(handle)
        fields = [name.strip() for name in reader.fieldnames or []]
        for who, when in (("student", "time"), ("student_repository_name", "submission_timestamp")):
            if who in fields and when in fields:
                break
        else:
            raise UsageError(
                f"--received {path} has the columns {fields}: it needs `student` and `time`, or Classroom's"
                " `student_repository_name` and `submission_timestamp`."
            )
        times: dict[str, datetime.datetime] = {}
        for number, row in enumerate(reader, start=2):
            student = unicodedata.normalize("NFC", (row.get(who) or "").strip())
            text = (row.get(when) or "").strip()
            moment = parse_time(text.replace(" UTC", "Z"))
            if not student or (text and moment is None):
                raise UsageError(
                    f"Line {number} of --received {path}: student {student!r}, time {text!r}; expected an id and an"
                    " ISO 8601 time such as 2026-12-01T23:59:00Z."
                )
            if moment is not None:
                times[student] = moment
    return times


def commit_times(folder: Path) -> list[tuple[str, datetime.datetime]]:
    """(commit, committer date) of a repository's history, newest first (children before parents); [] when none."""
    if not (Path(folder) / ".git").exists():
        return []
    try:
        done = subprocess.run(
            ["git", "-C", str(folder), "log", "--topo-order", "--format=%h %cI"],
            capture_output=True,
            text=True,
            timeout=30,
            check=False,
        )
    except (OSError, subprocess.TimeoutExpired):
        return []
    found = []
    for line in done.stdout.splitlines() if done.returncode == 0 else []:
        commit, _, text = line.partition(" ")
        moment = parse_time(text)
        if moment is not None:
            found.append((commit, moment))
    return found


def hand_in(row: Row, received: dict[str, datetime.datetime], deadline: datetime.datetime | None) -> HandIn:
    """When `row`'s submission was received, and the time it claims, flagged where it does not add up."""
    when: datetime.datetime | None
    if row.student in received:
        when, source = received[row.student], RECEIVED_CSV
    elif parse_time(row.received_at) is not None:
        when, source = parse_time(row.received_at), INTAKE
    else:
        when, source = parse_time(row.graded_at), GRADED if row.graded_at else "unknown"
    claimed, claimed_source, flags = parse_time(row.submitted_at), "manifest", []
    history = commit_times(Path(row.source)) if claimed is None and row.source else []
    if history:
        claimed, claimed_source = history[0][1], "last commit"
        backwards = [child for (child, at), (_, before) in zip(history, history[1:], strict=False) if at < before]
        if backwards:
            flags.append(f"commit dates go backwards at {', '.join(backwards)} (a forged or rewritten date)")
    if claimed is None:
        claimed_source = ""
    elif deadline is not None and when is not None and claimed <= deadline < when:
        flags.append(
            f"the {claimed_source} claims {claimed.isoformat()}, before the deadline, but it was received"
            f" {when.isoformat()}: the claimed time is the student's and is not used"
        )
    return HandIn(when, source, claimed, claimed_source, tuple(flags))
