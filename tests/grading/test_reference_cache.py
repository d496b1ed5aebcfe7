"""The reference cache: its digest, warm and cold gradings, corrupt files, and one computation per batch."""

from __future__ import annotations

import dataclasses
import shutil
from pathlib import Path

import pytest

from grader.batch.run import run_batch
from grader.course.config import Course, load_course
from grader.grading.reference import Reference
from grader.grading.reference_cache import (
    ENV_CACHE_DIR,
    ReferenceCache,
    ReferenceCacheWarning,
    cache_folder,
    reference_digest,
    versions,
)
from grader.grading.runner import grade
from grader.results import GradeResult
from tests.conftest import ROOT, SOLUTIONS

MUTANT = ROOT / "tests" / "mutants" / "square_loss_sum"
GRADER_DIR = ROOT / "grader"


def copy_course(folder: Path) -> Course:
    """The course and its solutions copied into `folder`, so that each can be edited."""
    folder.mkdir(parents=True, exist_ok=True)
    shutil.copy(ROOT / "course.toml", folder / "course.toml")
    shutil.copytree(SOLUTIONS, folder / "solutions", ignore=shutil.ignore_patterns("__pycache__"))
    return load_course(folder / "course.toml")


def copy_grader(folder: Path) -> Path:
    shutil.copytree(GRADER_DIR, folder, ignore=shutil.ignore_patterns("__pycache__"))
    return folder


def digest(course: Course, **kwargs: object) -> str:
    return reference_digest(course, course.path.parent / "solutions", **kwargs)  # type: ignore[arg-type]


def test_digest_is_the_same_for_the_same_course_anywhere(tmp_path: Path) -> None:
    """Two copies of the course in other folders, or a changed title, points or tolerance, share a digest."""
    first = copy_course(tmp_path / "a")
    second = copy_course(tmp_path / "b")
    assert digest(first) == digest(second)
    relabelled = dataclasses.replace(first, title="Another title", version="2099.9")
    assert digest(relabelled) == digest(first)
    exercise = dataclasses.replace(first.exercises[0], rtol=0.5, title="Other")
    assert digest(dataclasses.replace(first, exercises=(exercise, *first.exercises[1:]))) == digest(first)


def test_digest_changes_with_a_solution_a_seed_a_probe_or_a_version(tmp_path: Path) -> None:
    """A solution module, a seed, a limit, a probe file, a suite or a version each change the digest."""
    course = copy_course(tmp_path / "course")
    original = digest(course)
    solution = tmp_path / "course" / "solutions" / "linear_classifier.py"
    solution.write_text(solution.read_text() + "\n# edited\n")
    assert digest(course) != original
    solution.write_text(solution.read_text().removesuffix("\n# edited\n"))
    assert digest(course) == original

    exercise = dataclasses.replace(course.exercises[0], seeds=(999, *course.exercises[0].seeds[1:]))
    assert digest(dataclasses.replace(course, exercises=(exercise, *course.exercises[1:]))) != original
    limits = dataclasses.replace(course.limits, memory_limit_mb=1024)
    assert digest(dataclasses.replace(course, limits=limits)) != original

    grader_copy = copy_grader(tmp_path / "grader")
    assert digest(course, grader_dir=grader_copy) == original
    child = grader_copy / "sandbox" / "child" / "api.py"
    child.write_text(child.read_text() + "\n# edited\n")
    assert digest(course, grader_dir=grader_copy) != original
    child.write_text(child.read_text().removesuffix("\n# edited\n"))
    helper = grader_copy / "grading" / "datasets.py"
    helper.write_text(helper.read_text() + "\n# edited\n")
    assert digest(course, grader_dir=grader_copy) != original
    helper.write_text(helper.read_text().removesuffix("\n# edited\n"))

    # The course's own copy of a pack (found before the grader's) hashes the same until its probes or suite change.
    shutil.copytree(GRADER_DIR / "packs" / "square_loss", course.path.parent / "packs" / "square_loss")
    course = load_course(course.path)
    assert digest(course) == original
    for name in ("probes.py", "suite.py"):
        path = course.path.parent / "packs" / "square_loss" / name
        path.write_text(path.read_text() + "\n# edited\n")
        assert digest(course) != original, name
        path.write_text(path.read_text().removesuffix("\n# edited\n"))
    assert digest(course) == original

    assert digest(course, environment=versions()) == original
    assert digest(course, environment={**versions(), "tensorflow": "tensorflow==0.0.1"}) != original
    assert digest(course, environment={**versions(), "device": "gpu:nvidia0;visible=None"}) != original


def graded(course: Course, submission: Path, reference: Reference) -> GradeResult:
    try:
        return grade(course=course, submission_dir=submission, reference=reference, exercise_ids=["square_loss"])
    finally:
        reference.close()


def comparable(result: GradeResult) -> list[tuple[str, str, int, str, str]]:
    return [(exercise.id, test.name, test.score, test.message, test.hint) for exercise, test in result.tests]


def test_warm_cache_grades_as_the_cold_one_without_a_reference_sandbox(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A second grading reads the reference's answers from the cache: same result, no reference sandbox started."""
    monkeypatch.setenv(ENV_CACHE_DIR, str(tmp_path / "cache"))
    course = load_course(ROOT / "course.toml")
    cold = Reference.cached(course, SOLUTIONS)
    cold_result = graded(course, MUTANT, cold)
    assert cold.sandboxes_started == 1
    cache = ReferenceCache.for_course(course, SOLUTIONS)
    assert cache.path.parent == tmp_path / "cache" and cache.path.is_file()
    assert [entry["answers"] for entry in cache.computations()] == [len(cold.memo)]

    warm = Reference.cached(course, SOLUTIONS)
    warm_result = graded(course, MUTANT, warm)
    assert warm.sandboxes_started == 0
    assert comparable(warm_result) == comparable(cold_result)
    assert 0 < warm_result.score < warm_result.max_score  # the mutant fails some tests, passes others
    assert len(cache.computations()) == 1  # nothing new was computed


def test_missing_answer_is_computed_and_added(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """An exercise the cache does not cover yet starts the reference, and its answers join the cache."""
    monkeypatch.setenv(ENV_CACHE_DIR, str(tmp_path / "cache"))
    course = load_course(ROOT / "course.toml")
    graded(course, SOLUTIONS, Reference.cached(course, SOLUTIONS))
    cache = ReferenceCache.for_course(course, SOLUTIONS)
    before, _ = cache.load()
    reference = Reference.cached(course, SOLUTIONS)
    try:
        result = grade(course=course, submission_dir=SOLUTIONS, reference=reference, exercise_ids=["split_validation"])
    finally:
        reference.close()
    assert result.score == result.max_score
    assert reference.sandboxes_started == 1
    after, durations = cache.load()
    assert set(before) < set(after)
    assert any(key.startswith("import:validation") for key in durations)
    assert len(cache.computations()) == 2


@pytest.mark.parametrize(
    "content",
    [b"{not json", b'{"format": 1, "digest": "0000", "answers": {}, "durations": {}}', b"[1, 2]"],
    ids=["corrupt", "foreign", "not-an-object"],
)
def test_unreadable_cache_is_recomputed_with_a_warning(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, content: bytes
) -> None:
    """A corrupt or foreign cache file is ignored with a warning, recomputed, and replaced by a valid one."""
    monkeypatch.setenv(ENV_CACHE_DIR, str(tmp_path / "cache"))
    course = load_course(ROOT / "course.toml")
    cache = ReferenceCache.for_course(course, SOLUTIONS)
    cache.folder.mkdir(parents=True)
    cache.path.write_bytes(content)
    with pytest.warns(ReferenceCacheWarning, match="ignored, the reference's answers are recomputed"):
        reference = Reference.cached(course, SOLUTIONS)
    result = graded(course, SOLUTIONS, reference)
    assert result.score == result.max_score
    assert reference.sandboxes_started == 1
    answers, durations = cache.load()
    assert answers and durations


def test_cache_folder_defaults_beside_course_toml(monkeypatch: pytest.MonkeyPatch) -> None:
    """Without GRADER_CACHE_DIR the cache is .grade-cache/ beside course.toml."""
    monkeypatch.delenv(ENV_CACHE_DIR, raising=False)
    course = load_course(ROOT / "course.toml")
    assert cache_folder(course) == ROOT / ".grade-cache"


def test_batch_with_two_workers_computes_the_reference_once(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """`grade batch -j 2` on a cold cache: one process computes the reference's answers, the other reads them."""
    monkeypatch.setenv(ENV_CACHE_DIR, str(tmp_path / "cache"))
    course = load_course(ROOT / "course.toml")
    inputs = tmp_path / "class"
    for student in ("ada", "bob", "cy"):
        shutil.copytree(SOLUTIONS, inputs / student, ignore=shutil.ignore_patterns("__pycache__"))
    report = run_batch(
        inputs=[inputs],
        gradebook_path=tmp_path / "book.sqlite",
        course=course,
        jobs=2,
        exercise_ids=["square_loss"],
    )
    assert report.graded == 3
    assert all(row.score == row.max_score for row in report.rows), report.rows
    computations = ReferenceCache.for_course(course, SOLUTIONS).computations()
    assert len(computations) == 1, computations
