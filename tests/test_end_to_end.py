"""The issue's "Done when", all real: release, submit, a batch of eleven submissions, export, kill -9 and resume."""

from __future__ import annotations

import csv
import json
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
import zipfile
from dataclasses import asdict
from pathlib import Path
from typing import Any

from grader.batch.gradebook import VOLATILE_COLUMNS, Gradebook
from grader.course.config import load_course
from grader.intake.archive import MANIFEST_NAME, parse_manifest, sha256_bytes, write_deterministic_zip
from tests.conftest import COURSE_MODULES, ROOT, SOLUTIONS

GRADE = [sys.executable, "-c", "from grader.cli import main; main()"]
MODULE_FILES = tuple(f"{module}.py" for module in COURSE_MODULES)
# The batch grades the five exercises the course began with (100 points): the cost of the pipeline,
# not of the whole chapter, which tests/grading grades exercise by exercise.
BATCH_EXERCISES = {
    "square_loss": 20,
    "training_step": 30,
    "simple_dense": 20,
    "acceleration": 15,
    "split_validation": 15,
}
TIME_LIMIT_S = 15.0  # the instructor's limit here, so the looping submission costs 15 s, not 60


def grade_command(
    *arguments: str, cwd: Path, environment: dict[str, str] | None = None, timeout: float = 900
) -> subprocess.CompletedProcess[str]:
    """The real `grade` command."""
    return subprocess.run(
        [*GRADE, *arguments],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=timeout,
        env={**os.environ, **(environment or {})},
    )


def instructor_course(tmp_path: Path) -> Path:
    """The instructor's course: the repository's course.toml (time limit lowered), its solutions and stubs."""
    folder = tmp_path / "instructor"
    folder.mkdir()
    text = (ROOT / "course.toml").read_text()
    assert "time_limit_s = 60.0" in text
    (folder / "course.toml").write_text(text.replace("time_limit_s = 60.0", f"time_limit_s = {TIME_LIMIT_S}"))
    (folder / "solutions").symlink_to(SOLUTIONS)
    (folder / "exercises").symlink_to(ROOT / "exercises")
    return folder / "course.toml"


def edited_module(name: str, old: str, new: str) -> bytes:
    text = (SOLUTIONS / name).read_text()
    assert old in text, f"{old!r} is no longer in solutions/{name}: update this test"
    return text.replace(old, new).encode()


def repack(
    source: Path, target: Path, *, student: str, time_utc: str, modules: dict[str, bytes], refresh: bool
) -> Path:
    """A copy of a real submission for another student and time; `refresh=False` edits it after submit."""
    with zipfile.ZipFile(source) as archive:
        members = {name: archive.read(name) for name in archive.namelist()}
    manifest = parse_manifest(members.pop(MANIFEST_NAME))
    files = manifest.files if not refresh else {**manifest.files, **{n: sha256_bytes(d) for n, d in modules.items()}}
    manifest = type(manifest)(**{**asdict(manifest), "student": student, "time": time_utc, "files": files})
    write_deterministic_zip(target, {**members, **modules, MANIFEST_NAME: manifest.to_json()})
    return target


def hostile_zip(path: Path, members: list[tuple[zipfile.ZipInfo | str, bytes]]) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for info, data in members:
            archive.writestr(info, data)
    return path


def make_submissions(real: Path, folder: Path) -> None:
    """Ten more inputs around the real submission of alice."""
    solutions = {name: (SOLUTIONS / name).read_bytes() for name in MODULE_FILES}
    wrong_loss = edited_module(
        "linear_classifier.py", "tf.reduce_mean(per_sample_losses)", "tf.reduce_sum(per_sample_losses)"
    )
    wrong_split = edited_module(
        "validation.py",
        "indices_permutation = random_generator.permutation(len(inputs))",
        "indices_permutation = np.arange(len(inputs))",
    )
    shutil.copy(real, folder / "alice.submission.zip")
    repack(
        real,
        folder / "v1-alice.submission.zip",
        student="alice",
        time_utc="2026-03-01T09:00:00Z",
        modules={"validation.py": wrong_split},
        refresh=True,
    )
    repack(
        real,
        folder / "bob.submission.zip",
        student="bob",
        time_utc="2026-03-02T10:00:00Z",
        modules={"linear_classifier.py": wrong_loss},
        refresh=True,
    )
    repack(
        real,
        folder / "carol.submission.zip",
        student="carol",
        time_utc="2026-03-02T11:00:00Z",
        modules={"linear_classifier.py": wrong_loss},
        refresh=False,
    )
    (folder / "dave.zip").write_bytes(os.urandom(4096))
    hostile_zip(folder / "eve.submission.zip", [*solutions.items(), ("../../../tmp/evil.py", b"print('escaped')\n")])
    looping = b"while True:\n    pass\n"
    repack(
        real,
        folder / "frank.submission.zip",
        student="frank",
        time_utc="2026-03-02T12:00:00Z",
        modules={"linear_classifier.py": looping},
        refresh=True,
    )
    hostile_zip(folder / "heidi.zip", list(solutions.items()))
    link = zipfile.ZipInfo("validation.py")
    link.create_system, link.external_attr = 3, (0o120777 << 16)
    hostile_zip(folder / "ivan.submission.zip", [(link, b"/etc/passwd")])
    hostile_zip(folder / "judy.submission.zip", [("validation.py", b"\0" * 9_000_000)])


def processes_using(path: Path) -> list[int]:
    """Processes whose command line, environment or working folder mentions `path`."""
    found = []
    needle = str(path).encode()
    for entry in os.listdir("/proc"):
        if not entry.isdigit() or int(entry) == os.getpid():
            continue
        try:
            seen = Path(f"/proc/{entry}/cmdline").read_bytes() + Path(f"/proc/{entry}/environ").read_bytes()
            seen += os.readlink(f"/proc/{entry}/cwd").encode()
        except OSError:
            continue
        if needle in seen:
            found.append(int(entry))
    return found


def stable_rows(gradebook: Path) -> list[dict[str, Any]]:
    """The gradebook's rows without what legitimately differs between runs (id, graded time, duration)."""
    with Gradebook(gradebook, create=False) as opened:
        rows = [{k: v for k, v in asdict(row).items() if k not in VOLATILE_COLUMNS} for row in opened.rows()]
    return sorted(rows, key=lambda row: (row["student"], row["sha256"]))


def committed_graded_rows(gradebook: Path) -> int:
    try:
        connection = sqlite3.connect(f"file:{gradebook}?mode=ro", uri=True, timeout=1)
        try:
            return int(connection.execute("SELECT COUNT(*) FROM submissions WHERE result IS NOT NULL").fetchone()[0])
        finally:
            connection.close()
    except sqlite3.Error:
        return 0


def test_release_submit_batch_export_then_kill_and_resume(tmp_path: Path) -> None:
    """Release -> submit -> batch of 11 with -j 2 -> CSV as expected; killed and resumed, the same gradebook."""
    phases: dict[str, float] = {}
    clock = [time.monotonic()]

    def mark(phase: str) -> None:
        now = time.monotonic()
        phases[phase], clock[0] = now - clock[0], now

    course = instructor_course(tmp_path)
    release = tmp_path / "release"
    # Released from the repository's course (the lowered time limit is the batch's): the solutions' full-marks
    # verdict is then the one `grade nbgrader` and the release tests keep in this run's cache, read, not regraded.
    released = grade_command("release", str(release), "--course", str(ROOT / "course.toml"), cwd=tmp_path)
    assert released.returncode == 0, released.stderr
    assert not (release / "solutions").exists()

    student = tmp_path / "student"
    shutil.copytree(release, student)
    for name in MODULE_FILES:
        shutil.copy(SOLUTIONS / name, student / "exercises" / name)
    submitted = grade_command(
        "submit",
        "--student",
        "alice",
        "--out",
        str(tmp_path / "out"),
        cwd=student,
        environment={"SOURCE_DATE_EPOCH": "1772452800"},
    )  # 2026-03-02T12:00:00Z
    assert submitted.returncode == 0, submitted.stderr
    public_points = load_course(release / "course.toml").max_score  # a release holds the public tests only
    assert f"Total: {public_points}/{public_points}" in submitted.stdout and "hidden" not in submitted.stdout
    real = tmp_path / "out" / "alice.submission.zip"
    mark("release and submit")

    inputs = tmp_path / "submissions"
    inputs.mkdir()
    make_submissions(real, inputs)
    grace = tmp_path / "classroom" / "hw-grace"
    shutil.copytree(student, grace)
    (grace / "notes.txt").write_text("not graded\n")

    private_tmp = tmp_path / "tmp-full"
    private_tmp.mkdir()
    batch_arguments = ["batch", str(inputs), str(tmp_path / "classroom"), "-j", "2", "--course", str(course)]
    full_arguments = [
        *batch_arguments,
        *(option for exercise in BATCH_EXERCISES for option in ("--exercise", exercise)),
    ]
    mark("preparing the submissions")
    subprocess.run([sys.executable, "-c", "import tensorflow"], check=True, capture_output=True)
    mark("import tensorflow")
    batch = grade_command(
        *full_arguments,
        "--gradebook",
        str(tmp_path / "full.sqlite"),
        cwd=tmp_path,
        environment={"TMPDIR": str(private_tmp)},
    )
    mark("full batch")
    assert batch.returncode == 0, batch.stderr
    assert "Submissions: 11 (7 graded, 4 errors)" in batch.stdout and "Modified after submit: 2" in batch.stdout
    assert list(private_tmp.iterdir()) == [] and processes_using(private_tmp) == []

    exported = grade_command(
        "export",
        "--gradebook",
        str(tmp_path / "full.sqlite"),
        "--format",
        "csv",
        "--out",
        str(tmp_path / "grades.csv"),
        cwd=tmp_path,
    )
    assert exported.returncode == 0, exported.stderr
    rows = {row["student"]: row for row in csv.DictReader((tmp_path / "grades.csv").open())}
    assert list(rows) == ["alice", "bob", "carol", "dave", "eve", "frank", "heidi", "hw-grace", "ivan", "judy"]
    exercises = BATCH_EXERCISES

    def check(name: str, status: str, modified: str, broken: dict[str, tuple[int, int]] | None = None) -> None:
        row = rows[name]
        assert (row["status"], row["modified_after_submit"], row["max_score"]) == (status, modified, "100"), row
        for exercise, points in exercises.items():
            low, high = (broken or {}).get(exercise, (points, points))
            assert low <= int(row[exercise]) <= high, (name, exercise, row[exercise])
        assert int(row["total"]) == sum(int(row[exercise]) for exercise in exercises)

    check("alice", "ok", "0")
    check("bob", "ok", "0", {"square_loss": (0, 19)})
    check("carol", "ok", "1", {"square_loss": (0, 19)})
    check("frank", "ok", "0", {"square_loss": (0, 0), "training_step": (0, 0)})
    check("heidi", "ok", "1")
    check("hw-grace", "ok", "0")
    assert rows["alice"]["submitted_at"] == "2026-03-02T12:00:00Z" and rows["alice"]["source"].endswith(
        "/alice.submission.zip"
    )
    assert rows["bob"]["square_loss"] == rows["carol"]["square_loss"]
    assert "linear_classifier.py differs" in rows["carol"]["notes"] and "no manifest.json" in rows["heidi"]["notes"]
    assert rows["hw-grace"]["submitted_at"] == ""
    for name, message in {
        "dave": "not a readable zip",
        "eve": "climbs out",
        "ivan": "symbolic link",
        "judy": "zip bomb",
    }.items():
        assert (rows[name]["status"], rows[name]["total"]) == ("error", ""), rows[name]
        assert message in rows[name]["error"], rows[name]
    with Gradebook(tmp_path / "full.sqlite", create=False) as gradebook:
        stored = gradebook.rows()
    assert len(stored) == 11  # alice's earlier submission is kept in the history
    frank = json.dumps(next(row.result for row in stored if row.student == "frank"))
    # The import limit is calibrated (10 s, under the instructor's 15 s): the loop costs 10 s.
    assert "time limit: importing linear_classifier.py took more than 10 s" in frank

    # The same batch on two quick exercises (to keep the cost in check), uninterrupted, and killed
    # with SIGKILL once its first grade is committed, then resumed: the same gradebook.
    quick_arguments = [*batch_arguments, "--exercise", "split_validation", "--exercise", "acceleration"]
    uninterrupted = grade_command(*quick_arguments, "--gradebook", str(tmp_path / "quick.sqlite"), cwd=tmp_path)
    assert uninterrupted.returncode == 0, uninterrupted.stderr
    mark("checks, then the batch on 2 exercises")
    killed_tmp = tmp_path / "tmp-killed"
    killed_tmp.mkdir()
    resumed_book = tmp_path / "resumed.sqlite"
    process = subprocess.Popen(
        [*GRADE, *quick_arguments, "--gradebook", str(resumed_book)],
        cwd=tmp_path,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env={**os.environ, "TMPDIR": str(killed_tmp)},
    )
    deadline = time.monotonic() + 600
    while committed_graded_rows(resumed_book) < 1 and process.poll() is None and time.monotonic() < deadline:
        time.sleep(0.1)
    os.kill(process.pid, signal.SIGKILL)
    process.wait()
    before_resume = len(stable_rows(resumed_book))
    assert 1 <= before_resume < 11, before_resume
    deadline = time.monotonic() + 60
    while (processes_using(killed_tmp) or list(killed_tmp.iterdir())) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert processes_using(killed_tmp) == [] and list(killed_tmp.iterdir()) == []
    resumed = grade_command(
        *quick_arguments,
        "--gradebook",
        str(resumed_book),
        "--resume",
        cwd=tmp_path,
        environment={"TMPDIR": str(killed_tmp)},
    )
    assert resumed.returncode == 0, resumed.stderr
    assert f"{before_resume} already in the gradebook" in resumed.stdout
    assert len(stable_rows(resumed_book)) == 11
    assert stable_rows(resumed_book) == stable_rows(tmp_path / "quick.sqlite")
    assert list(killed_tmp.iterdir()) == [] and processes_using(killed_tmp) == []
    mark("killed and resumed")
    print(
        f"\nbatch of 11 inputs (7 graded in full) with -j 2: {phases['full batch'] / 7:.1f} s per graded submission;"
        " phases: " + ", ".join(f"{name} {seconds:.1f} s" for name, seconds in phases.items())
    )
