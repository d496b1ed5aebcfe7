"""The adversarial suite: hostile and careless submissions get exactly what their honest part deserves.

Every case of cases.toml is graded once (per isolation it lists) by a session fixture, in a
batch-like loop shared by the pytest-xdist workers: each worker claims the next case nobody has
claimed yet (an exclusive file in the run's shared temporary folder), grades it, and writes
what it saw; the parametrized tests below only read those records. While grading, the parent
holds secrets in its environment and listens on the loopback; around each grading it
snapshots the files a submission could attack.

The cases are graded as `grade batch` grades them: in a warm pool (one per isolation and xdist
worker, `grader.sandbox.warm_pool`) that serves them one after the other; after each case, the
observer of `tests.pool_support` (an honest submission that looks for anything left) is graded
next in the same pool, and must score full marks. GRADER_ADVERSARIAL_POOL=0 grades each case in
a sandbox of its own instead, as `grade check` does (and grades no observer).
"""

from __future__ import annotations

import functools
import json
import os
import re
import socket
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import pytest

from grader.course.config import Course
from grader.grading.pool_retry import grade_pooled
from grader.grading.reference import Reference
from grader.grading.runner import grade
from grader.results import PASSED, GradeResult
from grader.sandbox.child import foreign_os
from grader.sandbox.isolation import PORTABLE, RLIMITS, detect_isolation, process_limit
from grader.sandbox.warm_pool import WarmPool
from tests.adversarial.support import (
    CATEGORIES,
    ROOT,
    SECRETS,
    SOLUTIONS,
    Case,
    changed,
    load_cases,
    materialize,
    orphaned_sandbox_processes,
    portable_leftovers,
    portable_markers,
    snapshot,
)
from tests.conftest import run_grade
from tests.pool_support import OBSERVED_EXERCISE, observer_submission

CASES = load_cases()
JOBS = [(case, isolation) for case in CASES for isolation in case.isolations]
JOB_IDS = [f"{case.id}-{isolation}" for case, isolation in JOBS]
WAIT_FOR_OTHERS_S = 900.0
# The cases are graded under course.toml's limits with time_limit_s = 15 (an instructor's setting,
# as in test_end_to_end): the calibrated limits of the calls stay 10 s, and an import that never
# ends costs 15 s instead of the default 60. Some runaway cases set a lower one of their own.
TIME_LIMIT_S = 15.0
IN_POOL = os.environ.get("GRADER_ADVERSARIAL_POOL", "1") != "0"


@dataclass(frozen=True)
class Record:
    """What grading one case showed: the result and what happened around it."""

    result: dict[str, Any]
    isolation: str
    changed_files: list[str]
    leftover_processes: list[str]
    leftover_temporary: list[str]
    loopback_connections: int
    duration_s: float
    # The observer graded next in the same pool: its result (None without the pool).
    next_result: dict[str, Any] | None = None


@functools.cache
def _skip_reason(isolation: str) -> str:
    """Why this machine cannot grade under `isolation` safely, or "" when it can."""
    if isolation == PORTABLE:
        if os.environ.get("GRADER_ISOLATION") != PORTABLE:
            return "the portable level's cases run in scripts/test.sh's portable step (GRADER_ISOLATION=portable)"
        return ""
    if foreign_os.installed():
        return "the foreign-OS double is installed (no fork, resource or /proc): only the portable level can run"
    if isolation == RLIMITS and os.geteuid() != 0:
        return (
            "the rlimits fallback without root runs student code as your own user: a fork bomb or kill -9 -1"
            " would reach your own processes; run the suite as root (CI does)"
        )
    if isolation == "bubblewrap":
        saved = os.environ.pop("GRADER_ISOLATION", None)
        detect_isolation.cache_clear()
        try:
            available = detect_isolation()
        finally:
            if saved is not None:
                os.environ["GRADER_ISOLATION"] = saved
            detect_isolation.cache_clear()
        if available.name != "bubblewrap":
            return f"bubblewrap is not usable here: {available.detail}"
    return ""


def _shared_folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One folder for the whole run: the xdist workers' base folders share their parent."""
    base = tmp_path_factory.getbasetemp()
    folder = (base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base) / "adversarial-records"
    folder.mkdir(exist_ok=True)
    return folder


class _Environment:
    """Secrets in the parent's environment and the isolation to grade under, for one grading."""

    def __init__(self, isolation: str) -> None:
        self.isolation = isolation
        self.saved: dict[str, str | None] = {}

    def __enter__(self) -> None:
        forced = self.isolation if self.isolation in (RLIMITS, PORTABLE) else None
        wanted = {**SECRETS, "GRADER_ISOLATION": forced}
        for name, value in wanted.items():
            self.saved[name] = os.environ.get(name)
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value
        detect_isolation.cache_clear()

    def __exit__(self, *exc: object) -> None:
        for name, value in self.saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value
        detect_isolation.cache_clear()


def _grade_one(
    case: Case, isolation: str, course: Course, reference: Reference, work: Path, pool: WarmPool | None
) -> Record:
    listener = socket.create_server(("127.0.0.1", 0))
    listener.setblocking(False)
    private_temporary = work / "tmp"
    private_temporary.mkdir(parents=True)
    try:
        submission = materialize(case, work / "submission", loopback_port=listener.getsockname()[1])
        watched = (SOLUTIONS, ROOT / "course.toml", ROOT / "grader", submission)
        before = snapshot(*watched)
        markers_before = (
            {marker.rsplit("-", 1)[0] for marker in portable_markers().values()} if isolation == PORTABLE else set()
        )
        saved_tempdir = tempfile.tempdir
        tempfile.tempdir = str(private_temporary)
        started = time.monotonic()
        try:
            with _Environment(isolation):
                limited = replace(course, limits=replace(course.limits, time_limit_s=case.time_limit_s or TIME_LIMIT_S))
                if pool is None:
                    result = grade(
                        course=limited,
                        submission_dir=submission,
                        reference=reference,
                        exercise_ids=list(case.exercises),
                    )
                else:
                    result = grade_pooled(
                        pool=pool,
                        course=limited,
                        submission_dir=submission,
                        reference=reference,
                        exercise_ids=list(case.exercises),
                    )
        finally:
            tempfile.tempdir = saved_tempdir
        duration = time.monotonic() - started
        next_result = None
        if pool is not None:
            with _Environment(isolation):
                observed = grade_pooled(
                    pool=pool,
                    course=course,
                    submission_dir=observer_submission(work / "observer"),
                    reference=reference,
                    exercise_ids=[OBSERVED_EXERCISE],
                )
            next_result = observed.to_dict()
        connections = 0
        while True:
            try:
                connection, _ = listener.accept()
            except BlockingIOError:
                break
            connection.close()
            connections += 1
        return Record(
            result=result.to_dict(),
            isolation=result.isolation,
            changed_files=changed(before, snapshot(*watched)),
            leftover_processes=(
                portable_leftovers(markers_before) if isolation == PORTABLE else orphaned_sandbox_processes()
            ),
            leftover_temporary=sorted(path.name for path in private_temporary.iterdir()),
            loopback_connections=connections,
            duration_s=round(duration, 1),
            next_result=next_result,
        )
    finally:
        listener.close()


# The jobs that the tests reading more than their own parameter need.
EXTRA_JOBS = {
    "test_secret_reader_saw_the_sandbox_environment_only": (
        "secrets_in_environment-bubblewrap",
        "secrets_in_environment-rlimits",
    ),
    "test_network_case_reached_nothing": ("network-bubblewrap",),
    "test_fork_bomb_is_bounded_by_the_process_limit": ("fork_bomb_counted-bubblewrap", "fork_bomb_counted-rlimits"),
}


def _selected_jobs(session: pytest.Session) -> set[str]:
    """The jobs the selected tests read (all of them in a full run, one with -k while developing)."""
    wanted: set[str] = set()
    for item in session.items:
        callspec = getattr(item, "callspec", None)
        if callspec is not None and "job" in callspec.params:
            case, isolation = callspec.params["job"]
            wanted.add(f"{case.id}-{isolation}")
        wanted.update(EXTRA_JOBS.get(getattr(item, "originalname", item.name), ()))
    return wanted


@pytest.fixture(scope="session")
def records(
    request: pytest.FixtureRequest, course: Course, reference: Reference, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[dict[str, Record]]:
    """Every selected job graded once across the xdist workers; this worker grades those nobody claimed yet."""
    shared = _shared_folder(tmp_path_factory)
    work = tmp_path_factory.mktemp("adversarial-work")
    selected = _selected_jobs(request.session)
    # The reference's own sandbox starts here, under the machine's isolation and temporary folder,
    # never inside a job's forced rlimits or private temporary folder.
    reference.start()
    # Another student's submission on disk during the whole loop, for read_other_submission to look for.
    materialize(next(case for case in CASES if case.id == "control_helpers_comments_printing"), work / "other-student")
    order = [(job_id, job) for job_id, job in zip(JOB_IDS, JOBS) if job_id in selected]
    if os.environ.get("PYTEST_XDIST_WORKER", "gw0") != "gw0":
        order.reverse()  # Two workers start from opposite ends: fewer collisions on claims.
    pools: dict[str, WarmPool] = {}
    for job_id, (case, isolation) in order:
        if _skip_reason(isolation):
            continue
        try:
            os.close(os.open(shared / f"{job_id}.claim", os.O_CREAT | os.O_EXCL | os.O_WRONLY))
        except FileExistsError:
            continue
        if IN_POOL and isolation != PORTABLE and isolation not in pools:
            # Started here, under the job's isolation but outside its private temporary folder.
            with _Environment(isolation):
                pools[isolation] = WarmPool(course.limits, probes=course.probe_files).start()
        try:
            record = _grade_one(case, isolation, course, reference, work / job_id, pools.get(isolation))
            data = json.dumps(record.__dict__)
        except Exception as error:  # noqa: BLE001 - a grader crash is a finding: the tests report it.
            data = json.dumps({"crash": f"{type(error).__name__}: {error}"})
        (shared / f"{job_id}.tmp").write_text(data)
        os.replace(shared / f"{job_id}.tmp", shared / f"{job_id}.json")
    for pool in pools.values():
        pool.close()
    found: dict[str, Record] = {}
    deadline = time.monotonic() + WAIT_FOR_OTHERS_S
    for job_id, (_, isolation) in zip(JOB_IDS, JOBS):
        if _skip_reason(isolation) or job_id not in selected:
            continue
        path = shared / f"{job_id}.json"
        while not path.exists() and time.monotonic() < deadline:
            time.sleep(0.5)
        if path.exists():
            data = json.loads(path.read_text())
            if "crash" not in data:
                found[job_id] = Record(**data)
            else:
                found[job_id] = Record(
                    result={"crash": data["crash"]},
                    isolation="",
                    changed_files=[],
                    leftover_processes=[],
                    leftover_temporary=[],
                    loopback_connections=0,
                    duration_s=0.0,
                )
    yield found


def _record(records: dict[str, Record], job_id: str) -> Record:
    reason = _skip_reason(job_id.rsplit("-", 1)[1])
    if reason:
        pytest.skip(reason)
    record = records.get(job_id)
    assert record is not None, f"{job_id} was never graded (another worker claimed it and did not finish)"
    assert "crash" not in record.result, f"grading {job_id} crashed the grader: {record.result['crash']}"
    return record


def _tests(record: Record) -> dict[str, dict[str, Any]]:
    return {
        f"{exercise['id']}::{test['name']}": test
        for exercise in record.result["exercises"]
        for test in exercise["tests"]
    }


def test_manifest_has_forty_cases_covering_every_category(course: Course) -> None:
    """At least 40 cases, every category of issue 4 represented, each naming real tests of its exercises exactly once."""
    assert len(CASES) >= 40
    assert {case.category for case in CASES} == set(CATEGORIES)
    for case in CASES:
        names = {
            f"{exercise_id}::{test.name}"
            for exercise_id in case.exercises
            for test in course.exercise(exercise_id).tests
        }
        assert set(case.passed) | set(case.failed) == names, case.id
        assert not set(case.passed) & set(case.failed), case.id
        assert case.failed == () or case.message, f"{case.id}: a case with failures names a message"
    assert sum(case.hostile for case in CASES) >= len(CASES) // 2


def test_every_rlimits_case_applies_to_the_portable_level_or_says_why_not() -> None:
    """A case graded under rlimits is graded under portable too, or names what the portable level does not protect."""
    for case in CASES:
        reasons = dict(case.not_applicable)
        assert set(reasons) <= {PORTABLE}, case.id
        if RLIMITS in case.isolations:
            assert (PORTABLE in case.isolations) != bool(reasons.get(PORTABLE)), case.id
    portable = {case.id for case in CASES if PORTABLE in case.isolations}
    assert {
        "endless_loop_at_import",
        "sleep_in_call",
        "allocate_50_gb",
        "outliving_processes_spawned",
        "segfault",
    } <= portable
    assert {"output_flood_in_call", "output_flood_at_import"} <= portable


@pytest.mark.parametrize("job", JOBS, ids=JOB_IDS)
def test_score_is_what_the_honest_part_deserves(
    job: tuple[Case, str], records: dict[str, Record], course: Course
) -> None:
    """Exactly the manifest's tests pass, each with its points; the others score 0."""
    case, isolation = job
    record = _record(records, f"{case.id}-{isolation}")
    assert record.isolation == isolation
    tests = _tests(record)
    passed = sorted(name for name, test in tests.items() if test["status"] == PASSED)
    assert passed == sorted(case.passed), {
        name: tests[name]["message"][:300] for name in set(passed) ^ set(case.passed)
    }
    points = {
        f"{exercise_id}::{test.name}": test.points
        for exercise_id in case.exercises
        for test in course.exercise(exercise_id).tests
    }
    assert record.result["score"] == sum(points[name] for name in case.passed)
    assert all(tests[name]["score"] == (points[name] if name in case.passed else 0) for name in tests)


@pytest.mark.parametrize("job", JOBS, ids=JOB_IDS)
def test_failures_say_what_happened(job: tuple[Case, str], records: dict[str, Record]) -> None:
    """Every failed test has a message, one of them the manifest's; a limit that ended a test is named."""
    case, isolation = job
    tests = _tests(_record(records, f"{case.id}-{isolation}"))
    failed = {name: test for name, test in tests.items() if test["status"] != PASSED}
    assert all(test["message"].strip() for test in failed.values()), failed
    if case.message:
        assert any(case.message in test["message"] for test in failed.values()), [
            test["message"][:300] for test in failed.values()
        ]
    if case.limit:
        assert {test["limit"] for test in failed.values()} == {case.limit}


@pytest.mark.parametrize("job", JOBS, ids=JOB_IDS)
def test_grader_finishes_normally(job: tuple[Case, str], records: dict[str, Record]) -> None:
    """No internal error: exit code 0 when everything passed, 1 otherwise (never 3)."""
    case, isolation = job
    record = _record(records, f"{case.id}-{isolation}")
    result = GradeResult.from_dict(record.result)
    assert result.internal_errors == ()
    assert result.return_code == (0 if not case.failed else 1)


@pytest.mark.parametrize("job", JOBS, ids=JOB_IDS)
def test_nothing_outside_the_scratch_folder_changed(job: tuple[Case, str], records: dict[str, Record]) -> None:
    """solutions/, course.toml, grader/ and the submission folder are byte for byte as before."""
    case, isolation = job
    assert _record(records, f"{case.id}-{isolation}").changed_files == []


@pytest.mark.parametrize("job", JOBS, ids=JOB_IDS)
def test_no_secret_left_the_parent(job: tuple[Case, str], records: dict[str, Record]) -> None:
    """The parent's GITHUB_TOKEN and test secret appear nowhere in the result."""
    case, isolation = job
    text = json.dumps(_record(records, f"{case.id}-{isolation}").result)
    assert not [name for name, secret in SECRETS.items() if secret in text]


@pytest.mark.parametrize("job", JOBS, ids=JOB_IDS)
def test_next_submission_in_the_same_pool_sees_nothing(job: tuple[Case, str], records: dict[str, Record]) -> None:
    """The observer graded next in the same warm pool saw nothing the case left and scored full marks."""
    if not IN_POOL:
        pytest.skip("GRADER_ADVERSARIAL_POOL=0: each case was graded in a sandbox of its own")
    case, isolation = job
    if isolation == PORTABLE:
        pytest.skip(
            "the portable level has no warm pool: each exercise runs in an interpreter spawned for it"
            " (test_nothing_outlives_the_grading checks that none is left)"
        )
    record = _record(records, f"{case.id}-{isolation}")
    assert record.next_result is not None
    observed = GradeResult.from_dict(record.next_result)
    assert observed.internal_errors == ()
    assert observed.score == observed.max_score, [test.message[:400] for _, test in observed.tests]


@pytest.mark.parametrize("job", JOBS, ids=JOB_IDS)
def test_nothing_outlives_the_grading(job: tuple[Case, str], records: dict[str, Record]) -> None:
    """No sandbox process and no temporary folder is left once the grading has returned."""
    case, isolation = job
    record = _record(records, f"{case.id}-{isolation}")
    assert record.leftover_processes == []
    assert record.leftover_temporary == []


def test_secret_reader_saw_the_sandbox_environment_only(records: dict[str, Record]) -> None:
    """The case that dumps every environment it can read saw the allowlist (PATH, HOME...), no secret name."""
    for isolation in ("bubblewrap", "rlimits"):
        if _skip_reason(isolation):
            continue
        tests = _tests(_record(records, f"secrets_in_environment-{isolation}"))
        message = next(iter(tests.values()))["message"]
        assert "environment seen: PATH=" in message
        assert "GITHUB_TOKEN" not in message and "GRADER_TEST_SECRET" not in message


def test_network_case_reached_nothing(records: dict[str, Record]) -> None:
    """The network case's connections to the parent's loopback listener never arrived."""
    record = _record(records, "network-bubblewrap")
    assert record.loopback_connections == 0
    assert record.result["score"] == record.result["max_score"]


def test_fork_bomb_is_bounded_by_the_process_limit(records: dict[str, Record]) -> None:
    """The counted fork bomb stopped at no more processes than the sandbox's RLIMIT_NPROC, in both isolations."""
    for isolation in ("bubblewrap", "rlimits"):
        if _skip_reason(isolation):
            continue
        message = _tests(_record(records, f"fork_bomb_counted-{isolation}"))["split_validation::returns_numpy_arrays"][
            "message"
        ]
        match = re.search(r"stopped after (\d+) processes", message)
        assert match, message
        assert 0 < int(match.group(1)) < process_limit()


def test_cli_output_stays_valid_json_when_the_child_prints_fake_json(tmp_path: Path) -> None:
    """`grade check --format json` on a submission printing fake results: one valid JSON document, exit code 1, score 2."""
    case = next(case for case in CASES if case.id == "fake_output")
    submission = materialize(case, tmp_path / "submission")
    completed = run_grade("check", str(submission), "--exercise", "split_validation", "--format", "json")
    assert completed.returncode == 1, completed.stderr[-2000:]
    result = json.loads(completed.stdout)
    assert result["score"] == 2 and result["max_score"] == 15
    assert "PASSED" not in completed.stdout
