"""`grade batch`: finding submissions, reading them safely, grading them in workers, the gradebook."""

from __future__ import annotations

import os
import shutil
import zipfile
from pathlib import Path

import pytest

from grader.batch.gradebook import ERROR, OK, Gradebook
from grader.batch.progress import TerminalProgress
from grader.batch.run import run_batch
from grader.course.config import Course
from grader.errors import UsageError
from grader.grading.reference import Reference
from grader.grading.runner import grade
from grader.intake.archive import MANIFEST_NAME, RESULT_NAME, Manifest, sha256_bytes, write_deterministic_zip
from grader.intake.submissions import Source, SourceKind, discover, intake
from grader.sandbox.isolation import BUBBLEWRAP, detect_isolation
from grader.sandbox.processes import descendants
from tests.conftest import COURSE_MODULES, EXERCISES, ROOT, SAMPLE, SOLUTIONS, counted_inputs, run_grade
from tests.pool_support import OBSERVED_EXERCISE, PoolKiller, observer_submission, pool_killer_submission

MODULES = COURSE_MODULES
MUTANTS = ROOT / "tests" / "mutants"


def solution_files() -> dict[str, bytes]:
    return {f"{module}.py": (SOLUTIONS / f"{module}.py").read_bytes() for module in MODULES}


def wrong_loss_files() -> dict[str, bytes]:
    """The solutions with square_loss summing instead of averaging."""
    files = solution_files()
    text = files["linear_classifier.py"].decode()
    assert "tf.reduce_mean(per_sample_losses)" in text
    files["linear_classifier.py"] = text.replace(
        "tf.reduce_mean(per_sample_losses)", "tf.reduce_sum(per_sample_losses)"
    ).encode()
    return files


def submission_zip(
    folder: Path,
    student: str,
    files: dict[str, bytes],
    *,
    time: str = "2026-03-01T12:00:00Z",
    tamper: dict[str, bytes] | None = None,
    name: str | None = None,
    manifest: bool = True,
) -> Path:
    """A submission zip as `grade submit` writes it (a fake result.json), optionally edited afterwards."""
    members = {**files, RESULT_NAME: b'{"score": 100}'}
    if manifest:
        members[MANIFEST_NAME] = Manifest(
            course_id="keras-intro",
            course_version="2026.1",
            student=student,
            time=time,
            grader_version="0.1.0",
            environment={},
            files={member: sha256_bytes(data) for member, data in members.items()},
        ).to_json()
    members.update(tamper or {})
    path = folder / (name or f"{student}.submission.zip")
    write_deterministic_zip(path, members)
    return path


def test_discover_finds_zips_student_folders_and_refuses_missing_inputs(tmp_path: Path) -> None:
    """Zips, folders of zips and folders of student folders are found in a stable order."""
    (tmp_path / "zips").mkdir()
    for name in ("b.zip", "a.zip", ".hidden.zip", "notes.txt"):
        (tmp_path / "zips" / name).write_bytes(b"")
    (tmp_path / "classroom" / "hw-carol" / "exercises").mkdir(parents=True)
    (tmp_path / "classroom" / "hw-carol" / "exercises" / "validation.py").write_text("")
    (tmp_path / "classroom" / "hw-dave").mkdir()
    (tmp_path / "single").mkdir()
    (tmp_path / "single" / "gradients.py").write_text("")
    found = discover(
        [tmp_path / "zips", tmp_path / "classroom", tmp_path / "single", tmp_path / "zips" / "a.zip"], MODULES
    )
    assert [(source.path.name, source.kind) for source in found] == [
        ("a.zip", "zip"),
        ("b.zip", "zip"),
        ("hw-carol", "folder"),
        ("hw-dave", "folder"),
        ("single", "folder"),
    ]
    with pytest.raises(UsageError, match="does not exist"):
        discover([tmp_path / "nowhere"], MODULES)
    (tmp_path / "empty").mkdir()
    with pytest.raises(UsageError, match="holds no submission"):
        discover([tmp_path / "empty"], MODULES)


def test_intake_reads_student_time_and_flags_tampering(tmp_path: Path, course: Course) -> None:
    """The manifest gives the student and time; an edit after submit or a missing manifest is flagged."""
    good = intake(Source(submission_zip(tmp_path, "alice", solution_files()), SourceKind.ZIP), course)
    assert (good.student, good.submitted_at, good.modified_after_submit, good.error) == (
        "alice",
        "2026-03-01T12:00:00Z",
        False,
        "",
    )
    assert sorted(good.modules) == sorted(f"{module}.py" for module in MODULES)
    assert good.sha256 == sha256_bytes((tmp_path / "alice.submission.zip").read_bytes())
    tampered = intake(
        Source(submission_zip(tmp_path, "bob", solution_files(), tamper={"validation.py": b"x = 1\n"}), SourceKind.ZIP),
        course,
    )
    assert tampered.modified_after_submit and "validation.py differs" in tampered.notes[0] and not tampered.error
    bare = intake(Source(submission_zip(tmp_path, "carol", solution_files(), manifest=False), SourceKind.ZIP), course)
    assert bare.student == "carol" and bare.modified_after_submit and "no manifest.json" in bare.notes[0]


def test_intake_cross_checks_the_file_name(tmp_path: Path, course: Course) -> None:
    """A manifest naming another student than the file is refused under the file's student; LMS prefixes pass."""
    forged = intake(
        Source(submission_zip(tmp_path, "alice", solution_files(), name="bob.submission.zip"), SourceKind.ZIP), course
    )
    assert forged.student == "bob" and "manifest.json says 'alice'" in forged.error
    renamed = intake(
        Source(
            submission_zip(tmp_path, "alice", solution_files(), name="Doe_123_alice.submission.zip"), SourceKind.ZIP
        ),
        course,
    )
    assert renamed.student == "alice" and not renamed.error
    free = intake(
        Source(submission_zip(tmp_path, "alice", solution_files(), name="upload-7.zip"), SourceKind.ZIP), course
    )
    assert free.student == "alice" and not free.error


def test_intake_refuses_unsafe_archives_and_symlinked_modules(tmp_path: Path, course: Course) -> None:
    """An archive with '..' and a student folder with a symlinked module become error rows, not crashes."""
    evil = tmp_path / "evil.zip"
    with zipfile.ZipFile(evil, "w") as archive:
        archive.writestr("linear_classifier.py", "x = 1\n")
        archive.writestr("../../escape.py", "x = 2\n")
    refused = intake(Source(evil, SourceKind.ZIP), course)
    assert refused.student == "evil" and "climbs out" in refused.error and not refused.modules
    folder = tmp_path / "hw-erin"
    folder.mkdir()
    (folder / "linear_classifier.py").write_bytes(solution_files()["linear_classifier.py"])
    (folder / "validation.py").symlink_to("/etc/passwd")
    linked = intake(Source(folder, SourceKind.FOLDER), course)
    assert linked.student == "hw-erin" and "symbolic link" in linked.error


def test_folder_hash_follows_the_module_files(tmp_path: Path, course: Course) -> None:
    """A student folder's sha256 covers its modules only: clutter does not change it, an edit does."""
    folder = tmp_path / "hw-frank" / "exercises"
    folder.mkdir(parents=True)
    for name, data in solution_files().items():
        (folder / name).write_bytes(data)
    first = intake(Source(folder.parent, SourceKind.FOLDER), course)
    (folder.parent / "README.md").write_text("clutter\n")
    assert intake(Source(folder.parent, SourceKind.FOLDER), course).sha256 == first.sha256
    (folder / "validation.py").write_text("x = 1\n")
    assert intake(Source(folder.parent, SourceKind.FOLDER), course).sha256 != first.sha256
    assert first.modules["validation.py"] == solution_files()["validation.py"]


def test_batch_grades_into_the_gradebook_and_leaves_nothing_behind(tmp_path: Path, course: Course) -> None:
    """-j 2: right scores, flags and error rows; no process or temporary folder left; --resume skips all."""
    inputs = tmp_path / "inputs"
    inputs.mkdir()
    submission_zip(inputs, "alice", solution_files())
    submission_zip(inputs, "bob", wrong_loss_files())
    submission_zip(
        inputs, "carol", solution_files(), tamper={"linear_classifier.py": wrong_loss_files()["linear_classifier.py"]}
    )
    # Each call to its square_loss sleeps 5 s: within the calls' own limits (10 s or more), but the
    # submission as a whole runs past the batch's 45 s (an import that sleeps is stopped sooner, at
    # its own calibrated limit).
    slow_loss = (
        b"import time\n\nimport tensorflow as tf\n\n\ndef square_loss(targets, predictions):\n"
        b"    time.sleep(5)\n    return tf.reduce_mean(tf.square(targets - predictions))\n"
    )
    submission_zip(inputs, "sleepy", {**solution_files(), "linear_classifier.py": slow_loss})
    (inputs / "noise.zip").write_bytes(os.urandom(2000))
    classroom = tmp_path / "classroom" / "hw-dave" / "exercises"
    classroom.mkdir(parents=True)
    for name, data in solution_files().items():
        (classroom / name).write_bytes(data)
    work = tmp_path / "work"
    work.mkdir()
    before = set(descendants(os.getpid()))
    report = run_batch(
        inputs=[inputs, tmp_path / "classroom"],
        gradebook_path=tmp_path / "gb.sqlite",
        course=course,
        jobs=2,
        exercise_ids=["square_loss"],
        timeout_s=45,
        work_dir=work,
    )
    assert set(descendants(os.getpid())) <= before
    assert list(work.iterdir()) == []
    rows = {row.student: row for row in report.rows}
    assert sorted(rows) == ["alice", "bob", "carol", "hw-dave", "noise", "sleepy"]
    full = course.exercise("square_loss").max_score
    assert (rows["alice"].status, rows["alice"].score, rows["alice"].max_score) == (OK, full, full), rows["alice"].error
    assert (rows["hw-dave"].status, rows["hw-dave"].score, rows["hw-dave"].modified_after_submit) == (OK, full, False)
    assert rows["bob"].status == OK and 0 < rows["bob"].score < full and not rows["bob"].modified_after_submit
    assert rows["carol"].modified_after_submit and rows["carol"].score == rows["bob"].score
    assert rows["noise"].status == ERROR and "not a readable zip" in rows["noise"].error
    assert rows["sleepy"].status == ERROR and "took longer than 45 s" in rows["sleepy"].error
    assert rows["alice"].result is not None and rows["alice"].result["submission"] == str(
        inputs / "alice.submission.zip"
    )
    assert any(test["hidden"] for exercise in rows["alice"].result["exercises"] for test in exercise["tests"])
    summary = report.render(tmp_path / "gb.sqlite")
    assert "Submissions: 6 (4 graded, 2 errors)" in summary and "Modified after submit: 1" in summary
    again = run_batch(
        inputs=[inputs, tmp_path / "classroom"],
        gradebook_path=tmp_path / "gb.sqlite",
        course=course,
        resume=True,
        exercise_ids=["square_loss"],
        work_dir=work,
    )
    assert (again.skipped, again.graded) == (6, 0)
    with Gradebook(tmp_path / "gb.sqlite") as gradebook:
        assert len(gradebook.rows()) == 6
        # A row graded on other inputs (an earlier version's public ones) is graded again, not kept.
        gradebook.connection.execute(
            "UPDATE submissions SET result = json_set(result, '$.extra.inputs_key', 'public') WHERE student = 'alice'"
        )
        gradebook.connection.commit()
    third = run_batch(
        inputs=[inputs, tmp_path / "classroom"],
        gradebook_path=tmp_path / "gb.sqlite",
        course=course,
        resume=True,
        exercise_ids=["square_loss"],
        work_dir=work,
    )
    assert (third.skipped, third.graded) == (5, 1)
    assert {row.student: row for row in third.rows}["alice"].result["extra"]["inputs_key"].startswith("instructor:")


def test_batch_command_usage_errors_exit_2(tmp_path: Path) -> None:
    """A missing input, an unknown exercise or a missing --gradebook exit 2 before any grading."""
    missing = run_grade("batch", str(tmp_path / "nowhere"), "--gradebook", str(tmp_path / "gb.sqlite"))
    assert missing.returncode == 2 and "does not exist" in missing.stderr
    (tmp_path / "a.zip").write_bytes(b"")
    unknown = run_grade(
        "batch", str(tmp_path / "a.zip"), "--gradebook", str(tmp_path / "gb.sqlite"), "--exercise", "square_los"
    )
    assert unknown.returncode == 2 and "Did you mean 'square_loss'" in unknown.stderr
    no_gradebook = run_grade("batch", str(tmp_path / "a.zip"))
    assert no_gradebook.returncode == 2 and "--gradebook" in no_gradebook.stderr


def test_progress_bar_shows_count_and_eta_on_a_terminal_only(tmp_path: Path) -> None:
    """On a terminal (a real pty) the bar shows the count, the ETA, the rate and the score; into a file it stays silent."""
    leader, follower = os.openpty()
    with os.fdopen(follower, "w") as terminal:
        bar = TerminalProgress(terminal)
        bar(1, 4, "alice: 80/100")
        bar(4, 4, "dave: error")
    # A pty hands its output over in pieces as they were written: read every piece (EIO once the follower is closed).
    pieces = []
    while True:
        try:
            piece = os.read(leader, 4096)
        except OSError:
            break
        if not piece:
            break
        pieces.append(piece)
    os.close(leader)
    shown = b"".join(pieces).decode()
    assert "1/4 ETA" in shown and "4/4 ETA 0:00" in shown and "alice: 80/100" in shown
    assert "/min" in shown and "? s each" not in shown  # a rate from the first submission on
    with (tmp_path / "log").open("w") as log:
        TerminalProgress(log)(1, 4, "alice: ok")
    assert (tmp_path / "log").read_text() == ""


def test_batch_in_warm_pools_grades_like_a_sandbox_per_submission(
    tmp_path: Path, course: Course, reference: Reference
) -> None:
    """-j 2 (each worker's warm pool): the solutions, the sample submission and mutants get the results `grade check` gives on the same inputs."""
    folders = {"solutions": SOLUTIONS, "sample": SAMPLE}
    # A mutant's other modules are the stubs: with the solutions' they would grade the solutions' results again
    # (the "solutions" submission compares those), and the stubs' "not implemented" is compared too.
    for mutant in ("acceleration_returns_speed", "simple_dense_bias_unused", "split_validation_no_shuffle"):
        folders[mutant] = tmp_path / "mutants" / mutant
        shutil.copytree(EXERCISES, folders[mutant], ignore=shutil.ignore_patterns("__pycache__"))
        for module in (MUTANTS / mutant).glob("*.py"):
            shutil.copy(module, folders[mutant] / module.name)
    inputs = tmp_path / "inputs"
    inputs.mkdir()
    for student, folder in folders.items():
        submission_zip(inputs, student, {path.name: path.read_bytes() for path in sorted(folder.glob("*.py"))})
    report = run_batch(inputs=[inputs], gradebook_path=tmp_path / "gb.sqlite", course=course, jobs=2, work_dir=tmp_path)
    rows = {row.student: row for row in report.rows}
    for student, folder in folders.items():
        alone = grade(course=course, submission_dir=folder, reference=reference, inputs=counted_inputs())
        row = rows[student]
        assert row.status == OK and row.result is not None, row.error
        assert row.result["exercises"] == alone.to_dict()["exercises"], student
    assert rows["solutions"].score == rows["solutions"].max_score
    assert len({row.score for row in rows.values()}) > 2


def test_batch_of_one_assignment_grades_its_exercises_only(tmp_path: Path, course: Course) -> None:
    """`grade batch --assignment` grades that assignment's exercises and records its grade out of 100; a typo exits 2."""
    zips = tmp_path / "zips"
    zips.mkdir()
    submission_zip(zips, "alice", solution_files())
    gradebook = tmp_path / "gb.sqlite"
    typo = run_grade("batch", str(zips), "--gradebook", str(gradebook), "--assignment", "kera")
    assert typo.returncode == 2 and "Did you mean 'keras'" in typo.stderr
    done = run_grade(
        "batch", str(zips), "--gradebook", str(gradebook), "--assignment", "tensors_and_gradients", "-j", "1"
    )
    assert done.returncode == 0, done.stderr
    with Gradebook(gradebook, create=False) as book:
        (row,) = book.latest()
    # In the assignment's own order, as `grade check --assignment` lists them.
    chosen = [course.exercise(exercise_id) for exercise_id in course.assignment("tensors_and_gradients").exercises]
    points = sum(exercise.max_score for exercise in chosen)
    assert row.status == OK and (row.score, row.max_score) == (points, points)
    assert row.result is not None
    assert [exercise["id"] for exercise in row.result["exercises"]] == [exercise.id for exercise in chosen]
    assert row.result["extra"]["assignments"][0]["grade"] == 100.0


def test_a_submission_that_kills_its_pool_twice_is_an_error_row_and_the_batch_goes_on(
    tmp_path: Path, course: Course
) -> None:
    """The killer's row is an error naming the two deaths; the submission graded next in that worker scores full marks."""
    if detect_isolation().name != BUBBLEWRAP:
        pytest.skip("the pool killer ends the pool's bwrap process: bubblewrap is not usable here")
    inputs = tmp_path / "inputs"
    inputs.mkdir()
    for student, make in (("a-killer", pool_killer_submission), ("b-observer", observer_submission)):
        folder = make(tmp_path / student)
        submission_zip(inputs, student, {f"{module}.py": (folder / f"{module}.py").read_bytes() for module in MODULES})
    with PoolKiller(times=2) as killer:
        report = run_batch(
            inputs=[inputs],
            gradebook_path=tmp_path / "gb.sqlite",
            course=course,
            jobs=1,
            exercise_ids=[OBSERVED_EXERCISE],
            work_dir=tmp_path,
        )
    assert killer.kills == 2
    rows = {row.student: row for row in report.rows}
    assert rows["a-killer"].status == ERROR and "stopped the warm sandbox 2 times" in rows["a-killer"].error
    assert (rows["b-observer"].status, rows["b-observer"].score) == (OK, rows["b-observer"].max_score), rows[
        "b-observer"
    ].result


def test_batch_bar_shows_a_submission_id_as_text_never_as_markup() -> None:
    """A student's id that looks like rich markup ([link=...], [bold]) reaches the terminal bar as it was written."""
    import io

    stream = io.StringIO()
    bar = TerminalProgress(stream)
    bar.enabled = True
    bar(1, 1, "[link=http://x]ana[/link]")
    assert "[link=http://x]ana[/link]" in stream.getvalue()
