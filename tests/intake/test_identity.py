"""Student ids from input names: never merged, collisions refused by name, hidden entries listed, counts agree."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from conftest import SOLUTIONS, run_grade

from grader.batch.gradebook import ERROR, OK, Gradebook
from grader.intake.identity import find_collisions, student_id

NFD_ZOE, NFC_ZOE = "Zoe\u0308", "Zo\u00eb"
# Names that the old intake made into 4 ids fewer: each is its own student now, but for Zoë written two ways.
FOLDERS = ["x*105-alice", "x*105-bob", "!!!", "???", "_carl", "carl", NFD_ZOE, NFC_ZOE, "Zoe?", "Ana", "ana"]


@pytest.mark.parametrize(
    ("name", "expected"),
    [("x*105-alice", "x*105-alice"), ("_carl", "_carl"), ("!!!", "!!!"), ("Ana", "Ana"), (NFD_ZOE, NFC_ZOE),
     ("alice.submission.zip", "alice"), ("bob.zip", "bob"), ("bad\udcffbyte", "bad\ufffdbyte")],
)  # fmt: skip
def test_student_id_is_the_name_in_nfc(name: str, expected: str) -> None:
    """NFC, case kept, the archive suffix removed, nothing else changed; undecodable bytes become U+FFFD."""
    assert student_id(name) == expected


def test_only_different_names_with_one_id_collide(tmp_path: Path) -> None:
    """Zoë in NFD and NFC collide; `!!!`/`???`, `_carl`/`carl`, `Ana`/`ana` and a resubmission under one name do not."""
    named = [(tmp_path / str(n) / name, name) for n, name in enumerate([*FOLDERS, "carl"])]
    collisions = find_collisions(named)
    assert [(c.student, len(c.paths)) for c in collisions] == [(NFC_ZOE, 2)]
    assert "none of them was graded" in collisions[0].message() and "\\u0308" in collisions[0].message()


@pytest.fixture(scope="module")
def download(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A Classroom download: one folder per name above with the reference linear_classifier.py, and hidden entries."""
    root = tmp_path_factory.mktemp("classroom") / "download"
    for name in [*FOLDERS, ".dan"]:
        (root / name / "exercises").mkdir(parents=True)
        shutil.copy(SOLUTIONS / "linear_classifier.py", root / name / "exercises" / "linear_classifier.py")
    (root / ".eve.submission.zip").write_bytes(b"PK\x05\x06" + bytes(18))
    (root / "grades.txt").write_text("not a submission\n", encoding="utf-8")
    return root


def test_batch_keeps_every_student_apart(download: Path, tmp_path: Path) -> None:
    """`grade batch`: 9 students graded, one error row naming both Zoë folders, hidden entries listed, counts agree."""
    gradebook = tmp_path / "gb.sqlite"
    done = run_grade("batch", str(download), "--gradebook", str(gradebook), "--exercise", "square_loss", "-j", "2")
    assert done.returncode == 0, done.stderr
    with Gradebook(gradebook, create=False) as book:
        rows = {row.student: row for row in book.latest()}
        assert len(book.rows()) == len(rows) == 10
    assert set(rows) == {*FOLDERS} - {NFD_ZOE}
    assert all(row.status == OK and row.score == row.max_score for s, row in rows.items() if s != NFC_ZOE)
    collision = rows[NFC_ZOE]
    assert collision.status == ERROR and str(download / NFD_ZOE) in collision.source
    assert str(download / NFC_ZOE) in collision.source and "Rename" in collision.error
    assert "Submissions: 10 (9 graded, 1 errors)" in done.stdout
    assert (
        "2 in an identity collision" in done.stdout and "Students in the gradebook from this batch: 10" in done.stdout
    )
    assert "'.dan' starts with '.'" in done.stdout and "'.eve.submission.zip' starts with '.'" in done.stdout
    assert f"{download / 'grades.txt'}: not a .zip file" in done.stdout and "Not graded: 3 entr" in done.stdout
