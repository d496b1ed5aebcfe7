"""grader.intake.submissions.received_time: when this machine got a submission, whatever dates it carries."""

from __future__ import annotations

import datetime
import os
import zipfile
from pathlib import Path

from grader.intake.submissions import Source, SourceKind, received_time

BACKDATED = datetime.datetime(2026, 1, 1, tzinfo=datetime.UTC).timestamp()


def test_extracted_zip_with_backdated_entries_is_received_now(tmp_path: Path) -> None:
    """A student's zip with 1990 entry dates, extracted (mtimes restored as unzip does): received now, not 1990."""
    archive = tmp_path / "hand-in.zip"
    with zipfile.ZipFile(archive, "w") as writer:
        writer.writestr(zipfile.ZipInfo("exercises/linear_classifier.py", date_time=(1990, 1, 1, 0, 0, 0)), "x = 1\n")
    folder = tmp_path / "ana"
    with zipfile.ZipFile(archive) as reader:
        reader.extractall(folder)
    module = folder / "exercises" / "linear_classifier.py"
    os.utime(module, (BACKDATED, BACKDATED))  # what unzip -X or a touch -d does
    received = received_time(Source(folder, SourceKind.FOLDER))
    assert received is not None
    moment = datetime.datetime.fromisoformat(received.replace("Z", "+00:00"))
    assert datetime.datetime.now(datetime.UTC) - moment < datetime.timedelta(minutes=5)


def test_backdated_zip_file_is_received_now(tmp_path: Path) -> None:
    """A zip whose own modification time was set to January: its arrival here counts."""
    archive = tmp_path / "ana.submission.zip"
    archive.write_bytes(b"PK\x05\x06" + bytes(18))
    os.utime(archive, (BACKDATED, BACKDATED))
    received = received_time(Source(archive, SourceKind.ZIP))
    assert received is not None and not received.startswith("2026-01-01")


def test_received_time_is_never_in_the_future(tmp_path: Path) -> None:
    """A file dated next year (a skewed clock) is received now at the latest."""
    archive = tmp_path / "ana.submission.zip"
    archive.write_bytes(b"PK\x05\x06" + bytes(18))
    later = datetime.datetime.now(datetime.UTC).timestamp() + 365 * 86400
    os.utime(archive, (later, later))
    assert received_time(Source(archive, SourceKind.ZIP), now=1_800_000_000.0) == "2027-01-15T08:00:00Z"
