"""Tests for grader/sandbox/warm_pool.py (and grader/grading/pool_retry.py): one warm process grades submission
after submission, each alone, leaving nothing to the next; a pool a submission kills is started again."""

from __future__ import annotations

import os
import signal
from collections.abc import Iterator
from pathlib import Path

import pytest

from grader.course.config import Course
from grader.errors import InternalError
from grader.grading.pool_retry import grade_pooled
from grader.grading.reference import Reference
from grader.grading.runner import grade
from grader.results import GradeResult
from grader.sandbox.isolation import BUBBLEWRAP, detect_isolation
from grader.sandbox.warm_pool import WarmPool
from tests.adversarial.support import load_cases, materialize
from tests.conftest import SOLUTIONS, submission_with
from tests.pool_support import OBSERVED_EXERCISE, PoolKiller, observer_submission, pool_killer_submission

EXERCISES = ["split_validation", "square_loss"]


@pytest.fixture(scope="module")
def pool(course: Course) -> Iterator[WarmPool]:
    with WarmPool(course.limits, probes=course.probe_files) as warm:
        yield warm


def graded(result: GradeResult) -> list[tuple[str, str, str, int, str]]:
    """What a grading decided, test by test (not where or how fast)."""
    return [(exercise.id, test.name, test.status, test.score, test.message) for exercise, test in result.tests]


def test_pool_grades_like_a_sandbox_of_its_own(
    tmp_path: Path, course: Course, reference: Reference, pool: WarmPool
) -> None:
    """The solutions and a wrong loss get the same results in the pool as alone, one warm process for all."""
    wrong_loss = submission_with(
        tmp_path,
        {
            "linear_classifier.py": (SOLUTIONS / "linear_classifier.py")
            .read_text()
            .replace("tf.reduce_mean(per_sample_losses)", "tf.reduce_sum(per_sample_losses)")
        },
    )
    pool.start()
    starts = pool.starts
    scores = []
    for folder in (SOLUTIONS, wrong_loss, SOLUTIONS):
        pooled = grade_pooled(
            pool=pool, course=course, submission_dir=folder, reference=reference, exercise_ids=EXERCISES
        )
        alone = grade(course=course, submission_dir=folder, reference=reference, exercise_ids=EXERCISES)
        assert graded(pooled) == graded(alone)
        assert pooled.isolation == alone.isolation and pooled.internal_errors == ()
        scores.append((pooled.score, pooled.max_score))
    assert scores[0] == scores[2] == (scores[0][1], scores[0][1]) and scores[1][0] < scores[1][1]
    assert pool.starts == starts, "the pool served every submission without a restart"


def test_observer_names_what_an_earlier_submission_left(
    tmp_path: Path, course: Course, reference: Reference, pool: WarmPool
) -> None:
    """The observer is not blind: a file, a process and shared memory left by an earlier import of the same submission are named."""
    folder = observer_submission(tmp_path / "observer")
    leaver = "import os, subprocess\nopen(os.path.join(os.environ['HOME'], 'stray.txt'), 'w').close()\n"
    leaver += "subprocess.Popen(['sleep', '60'], start_new_session=True)\n"
    leaver += "import ctypes\nctypes.CDLL(None).shmget(0x1234, 4096, 0o1000 | 0o666)\n"
    (folder / "gradients.py").write_text(leaver + (SOLUTIONS / "gradients.py").read_text())
    result = grade_pooled(
        pool=pool,
        course=course,
        submission_dir=folder,
        reference=reference,
        exercise_ids=["acceleration", OBSERVED_EXERCISE],
    )
    messages = [test.message for exercise, test in result.tests if exercise.id == OBSERVED_EXERCISE]
    assert messages and all(
        "stray.txt" in message and "process" in message and "System V shm" in message for message in messages
    ), messages


@pytest.mark.parametrize("case_id", ["next_leftover_process", "next_shared_folders", "next_module_cache", "fill_tmp"])
def test_nothing_a_submission_leaves_reaches_the_next(
    case_id: str, tmp_path: Path, course: Course, reference: Reference, pool: WarmPool
) -> None:
    """After a submission that leaves processes, files and poisoned caches, the next one sees nothing and scores full marks."""
    case = next(case for case in load_cases() if case.id == case_id)
    hostile = grade_pooled(
        pool=pool,
        course=course,
        submission_dir=materialize(case, tmp_path / "hostile"),
        reference=reference,
        exercise_ids=list(case.exercises),
    )
    assert hostile.score == hostile.max_score, graded(hostile)
    starts = pool.starts
    observed = grade_pooled(
        pool=pool,
        course=course,
        submission_dir=observer_submission(tmp_path / "observer"),
        reference=reference,
        exercise_ids=[OBSERVED_EXERCISE],
    )
    assert observed.score == observed.max_score, graded(observed)
    assert pool.starts == starts, "the wipe succeeded: the pool was not restarted"


def _needs_bubblewrap() -> None:
    if detect_isolation().name != BUBBLEWRAP:
        pytest.skip("the pool killer ends the pool's bwrap process: bubblewrap is not usable here")


def test_a_submission_that_kills_its_pool_once_is_graded_again(
    tmp_path: Path, course: Course, reference: Reference, pool: WarmPool
) -> None:
    """The pool dies during the grading: it is started afresh and the submission graded again, to full marks."""
    _needs_bubblewrap()
    folder = pool_killer_submission(tmp_path / "killer")
    starts = pool.starts
    with PoolKiller(times=1) as killer:
        result = grade_pooled(
            pool=pool, course=course, submission_dir=folder, reference=reference, exercise_ids=[OBSERVED_EXERCISE]
        )
    assert killer.kills == 1
    assert result.score == result.max_score, graded(result)
    assert pool.starts == starts + 1


def test_a_submission_that_kills_its_pool_twice_is_not_graded_and_the_next_one_is(
    tmp_path: Path, course: Course, reference: Reference, pool: WarmPool
) -> None:
    """Two deaths: an error naming them, no result; the next submission is graded in a fresh pool and sees nothing."""
    _needs_bubblewrap()
    folder = pool_killer_submission(tmp_path / "killer")
    with PoolKiller(times=2) as killer, pytest.raises(InternalError, match="stopped the warm sandbox 2 times"):
        grade_pooled(
            pool=pool, course=course, submission_dir=folder, reference=reference, exercise_ids=[OBSERVED_EXERCISE]
        )
    assert killer.kills == 2
    observed = grade_pooled(
        pool=pool,
        course=course,
        submission_dir=observer_submission(tmp_path / "observer"),
        reference=reference,
        exercise_ids=[OBSERVED_EXERCISE],
    )
    assert observed.score == observed.max_score, graded(observed)


def test_a_pool_that_ended_between_submissions_is_started_again_for_the_next(
    tmp_path: Path, course: Course, reference: Reference, pool: WarmPool
) -> None:
    """A pool killed while idle is no submission's doing: the next one is graded in a fresh pool, at the first try."""
    pool.ensure_ready()
    assert pool.channel.process is not None
    os.killpg(pool.channel.process.pid, signal.SIGKILL)
    pool.channel.process.wait()
    starts = pool.starts
    result = grade_pooled(
        pool=pool,
        course=course,
        submission_dir=observer_submission(tmp_path / "observer"),
        reference=reference,
        exercise_ids=[OBSERVED_EXERCISE],
    )
    assert result.score == result.max_score, graded(result)
    assert pool.starts == starts + 1
