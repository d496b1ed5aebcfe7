"""Shared fixtures: the course, one reference per test process, a warm pool, and a grading helper.

The suites' gradings go through one warm pool per test process (`grade_pooled`, as `grade
batch` grades), and the `grade` commands the tests run share one reference cache per run (xdist workers included).

With GRADER_FOREIGN_OS_DOUBLE=1, the foreign-OS double (no fork, `resource` or /proc for the
grader's code) is installed before any other grader module is imported, and the portable
level passes it on to every child it spawns (scripts/test.sh runs the grading suites so, under
GRADER_ISOLATION=portable).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

from grader.sandbox.child import foreign_os

if os.environ.get(foreign_os.ENV_VAR) == "1":
    foreign_os.install()

import pytest  # noqa: E402 - after the double, so that the grader's modules import under it

from grader.course.config import Course, load_course  # noqa: E402
from grader.course.secret import SECRET_VARIABLE, CourseSecret, load_secret  # noqa: E402
from grader.grading.inputs import InputPlan  # noqa: E402
from grader.grading.pool_retry import grade_pooled  # noqa: E402
from grader.grading.reference import Reference  # noqa: E402
from grader.grading.reference_cache import ENV_CACHE_DIR  # noqa: E402
from grader.results import GradeResult  # noqa: E402
from grader.sandbox.warm_pool import WarmPool  # noqa: E402
from tests.shared_work import once, shared_folder  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
SOLUTIONS = ROOT / "solutions"
EXERCISES = ROOT / "exercises"
SAMPLE = ROOT / "examples" / "sample_submission"
# Every module of the course, as a student hands them in (one per file in solutions/).
COURSE_MODULES = tuple(sorted(path.stem for path in SOLUTIONS.glob("*.py")))


# The course secret of every grading that counts in this run (`grade batch`, the Gradescope autograder,
# nbgrader's autograde): never a .grader-secret written into the repository. Tests of the secret itself
# take it out of their environment. `grade check` stays on public inputs by default (no secret file here).
TEST_SECRET = "0123456789abcdef" * 4
os.environ[SECRET_VARIABLE] = TEST_SECRET


def counted_inputs(student: str | None = None) -> InputPlan:
    """The instructor's inputs under TEST_SECRET (what `grade batch` grades on), for `student` if per student."""
    secret = load_secret(ROOT / "course.toml")
    assert secret is not None, f"{SECRET_VARIABLE} is set above"
    return InputPlan.instructor(secret, student)


# Other courses' secrets: a test that holds only on the seeds one secret happens to give is a bug.
OTHER_SECRETS = tuple(
    CourseSecret(key=text.encode(), origin=f"test secret {text[:4]}") for text in ("a1" * 32, "b2" * 32)
)


@pytest.fixture(scope="session", autouse=True)
def reference_cache_folder(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """The reference cache of this run, shared by its xdist workers and their `grade` subprocesses: never the
    repository's."""
    base = tmp_path_factory.getbasetemp()
    folder = (base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base) / "grade-cache"
    folder.mkdir(exist_ok=True)
    saved = os.environ.get(ENV_CACHE_DIR)
    os.environ[ENV_CACHE_DIR] = str(folder)
    yield folder
    if saved is None:
        os.environ.pop(ENV_CACHE_DIR, None)
    else:
        os.environ[ENV_CACHE_DIR] = saved


@pytest.fixture(scope="session")
def course() -> Course:
    return load_course(ROOT / "course.toml")


@pytest.fixture(scope="session")
def reference(course: Course) -> Iterator[Reference]:
    """The reference solutions, started once per test process; its answers are memoised (not cached: a test
    process holding the cache's lock between its own calls would stall the other worker's gradings)."""
    shared = Reference(course, SOLUTIONS)
    yield shared
    shared.close()


@pytest.fixture(scope="session")
def warm_pool(course: Course) -> Iterator[WarmPool]:
    """One warm pool per test process, which the suites' gradings go through (at the portable level, where
    nothing forks, it hands out a sandbox of each submission's own)."""
    pool = WarmPool(course.limits, probes=course.probe_files)
    yield pool
    pool.close()


@pytest.fixture(scope="session")
def grade_folder(course: Course, reference: Reference, warm_pool: WarmPool) -> Callable[..., GradeResult]:
    def run(folder: Path, exercise_ids: list[str] | None = None, inputs: InputPlan | None = None) -> GradeResult:
        return grade_pooled(
            pool=warm_pool,
            course=course,
            submission_dir=folder,
            reference=reference,
            exercise_ids=exercise_ids,
            **({} if inputs is None else {"inputs": inputs}),
        )

    return run


def _graded_once(
    tmp_path_factory: pytest.TempPathFactory, grade_folder: Callable[..., GradeResult], name: str, folder: Path
) -> GradeResult:
    """`folder` graded once per test run (by the first worker to need it), as its stored JSON for the others."""
    data = once(shared_folder(tmp_path_factory, "shared-gradings"), name, lambda _: grade_folder(folder).to_dict())
    assert data is not None, "once() waits for the lock"
    return GradeResult.from_dict(data)


@pytest.fixture(scope="session")
def solutions_result(tmp_path_factory: pytest.TempPathFactory, grade_folder: Callable[..., GradeResult]) -> GradeResult:
    """One grading of the reference solutions per test run, shared by the tests that only read it."""
    return _graded_once(tmp_path_factory, grade_folder, "solutions", SOLUTIONS)


@pytest.fixture(scope="session")
def sample_result(tmp_path_factory: pytest.TempPathFactory, grade_folder: Callable[..., GradeResult]) -> GradeResult:
    """One grading of the sample submission per test run, shared by the tests that only read it."""
    return _graded_once(tmp_path_factory, grade_folder, "sample", SAMPLE)


def submission_with(tmp_path: Path, files: dict[str, str]) -> Path:
    """A submission folder: the reference modules, with some replaced by `files`."""
    folder = tmp_path / "submission"
    shutil.copytree(SOLUTIONS, folder, ignore=shutil.ignore_patterns("__pycache__"))
    for name, text in files.items():
        (folder / name).write_text(text, encoding="utf-8")
    return folder


def run_grade(*arguments: str, cwd: Path = ROOT) -> subprocess.CompletedProcess[str]:
    """The real `grade` command in a subprocess."""
    return subprocess.run(
        [sys.executable, "-c", "from grader.cli import main; main()", *arguments],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=900,
    )


def scores(result: GradeResult) -> dict[str, int]:
    return {f"{exercise.id}::{test.name}": test.score for exercise, test in result.tests}


# The modules that take longest (from `pytest --durations` in CI), started first: scripts/test.sh hands each
# module to one xdist worker whole (--dist loadscope, so that a module's fixtures are built once), and a long
# module handed out last would leave the other worker idle at the end of the run.
LONGEST_FIRST = (
    "tests/adversarial/test_adversarial.py",
    "tests/nbgrader/test_nbgrader_cycle.py",
    "tests/grading/test_realistic.py",
    "tests/grading/test_mutants.py",
    "tests/batch/test_batch.py",
    "tests/test_end_to_end.py",
    "tests/sandbox/test_portable.py",
    "tests/benchmarks/test_speed.py",
    "tests/adversarial/test_memorizer.py",
    "tests/grading/test_runner.py",
    "tests/sandbox/test_pool.py",
    "tests/release/test_classroom.py",
    "tests/test_install_plans.py",
    "tests/batch/test_cluster.py",
    "tests/authoring/test_lint.py",
    "tests/authoring/test_audit.py",
    "tests/authoring/test_scaffold.py",
    "tests/course/test_authoring_guide.py",
    "tests/test_html_report.py",
    "tests/sandbox/test_portable_reuse.py",
)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """The longest modules first, each module's tests kept together and in their order."""
    rank = {module: index for index, module in enumerate(LONGEST_FIRST)}
    items.sort(key=lambda item: rank.get(item.nodeid.split("::", 1)[0], len(rank)))
