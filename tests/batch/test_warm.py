"""The reference cache warmed once in `grade batch`'s parent, before its workers start."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from grader.batch.counted import BatchInputs
from grader.batch.run import run_batch
from grader.batch.warm import warm_marker, warm_reference
from grader.course.config import Course
from grader.grading.reference_cache import ENV_CACHE_DIR, ReferenceCache
from grader.intake.archive import write_deterministic_zip
from tests.conftest import SOLUTIONS


def test_only_the_parent_computes_the_reference_answers(
    tmp_path: Path, course: Course, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A cold -j 2 batch of square_loss: every reference answer is computed by the parent, none by a worker."""
    monkeypatch.setenv(ENV_CACHE_DIR, str(tmp_path / "cache"))
    inputs = tmp_path / "inputs"
    inputs.mkdir()
    for student in ("alice", "bob"):
        write_deterministic_zip(
            inputs / f"{student}.zip", {"linear_classifier.py": (SOLUTIONS / "linear_classifier.py").read_bytes()}
        )
    report = run_batch(
        inputs=[inputs], gradebook_path=tmp_path / "gb.sqlite", course=course, jobs=2, exercise_ids=["square_loss"]
    )
    assert [row.score for row in report.rows] == [course.exercise("square_loss").max_score] * 2
    cache = ReferenceCache.for_course(course, SOLUTIONS)
    assert [computation["pid"] for computation in cache.computations()] == [os.getpid()]
    counted = BatchInputs.for_course(course.path, per_student=False)
    assert warm_marker(cache, counted.key, ["square_loss"]).is_file()
    assert not warm_reference(course, None, counted, ["square_loss"])  # warmed already: the solutions not graded again
